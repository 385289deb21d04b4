"""Accounts as both front ends use them (SPEC §11; portfolio/app/accounts.py): each rule refused
with a French message and nothing written, the login, and concurrent changes that all land.

(Named test_app_accounts, not test_accounts: tests/test_accounts.py holds that module name.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from support import VALID_CATALOG
from test_accounts import use_fast_hashes

from portfolio import accounts
from portfolio.app.accounts import (
    add_user,
    authenticate,
    describe,
    list_users,
    load_accounts,
    remove_user,
    require_user,
    set_password,
)
from portfolio.issues import PortfolioError
from portfolio.model.accounts import Account

PASSWORD = "correct cheval pile agrafe"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashes(monkeypatch)


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"catalog/ofa.yaml": VALID_CATALOG})


def users_text(root: Path) -> str:
    return (root / "users.yaml").read_text(encoding="utf-8")


def refused(call, *args, **kwargs) -> PortfolioError:
    with pytest.raises(PortfolioError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- adding -------------------------------------------------------------------------------------


def test_add_user_stores_an_argon2id_hash_never_the_password(root) -> None:
    account = add_user(root, "m.martin", "conseillère", PASSWORD, association="ai-est")
    assert (account.role, account.association) == ("counselor", "ai-est")
    text = users_text(root)
    assert PASSWORD not in text
    assert account.password in text
    assert account.password.startswith("$argon2id$")


def test_users_yaml_is_created_with_mode_0600(root) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    assert (root / "users.yaml").stat().st_mode & 0o777 == 0o600


def test_a_password_shorter_than_12_characters_is_refused(root) -> None:
    error = refused(add_user, root, "f.fed", "federation", "onze-carac.")
    assert "mot de passe trop court : il faut au moins 12 caractères" in str(error)
    assert not (root / "users.yaml").exists()
    assert add_user(root, "f.fed", "federation", "douze-carac.").login == "f.fed"


def test_an_unknown_association_is_refused_with_the_closest(root) -> None:
    error = refused(add_user, root, "m.martin", "counselor", PASSWORD, association="ai-es")
    assert error.exit_code == 1
    assert str(error).startswith("association inconnue « ai-es » : vouliez-vous dire ai-est ?")
    assert not (root / "users.yaml").exists()


def test_an_unknown_body_is_refused_with_the_closest(root) -> None:
    error = refused(add_user, root, "t.form", "trainer", PASSWORD, body="ofb")
    assert str(error).startswith("organisme de formation inconnu « ofb » : vouliez-vous dire ofa ?")


@pytest.mark.parametrize(
    ("role", "ties", "said"),
    [
        ("counselor", {}, "un compte de conseiller est rattaché à une association : indiquez son "
         "identifiant avec --association (ai-est)"),
        ("trainer", {}, "un compte de formateur est rattaché à un organisme de formation : "
         "indiquez son identifiant avec --body (ofa)"),
        ("federation", {"association": "ai-est"}, "retirez --association"),
        ("federation", {"body": "ofa"}, "retirez --body"),
        ("counselor", {"association": "ai-est", "body": "ofa"}, "retirez --body"),
        ("trainer", {"body": "ofa", "association": "ai-est"}, "retirez --association"),
    ],
)  # fmt: skip
def test_each_role_takes_exactly_its_tie(root, role, ties, said) -> None:
    error = refused(add_user, root, "x.y", role, PASSWORD, **ties)
    assert error.exit_code == 2
    assert said in str(error)


def test_an_unknown_role_and_a_bad_login_are_usage_errors(root) -> None:
    error = refused(add_user, root, "x.y", "chef", PASSWORD)
    assert (error.exit_code, str(error).split(" : ")[0]) == (2, "rôle « chef » inconnu")
    error = refused(add_user, root, "X Y", "federation", PASSWORD)
    assert error.exit_code == 2
    assert "un identifiant de connexion a de 2 à 40 caractères" in str(error)


def test_a_login_is_taken_once(root) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    before = users_text(root)
    error = refused(add_user, root, "f.fed", "trainer", PASSWORD, body="ofa")
    assert str(error).startswith("le compte « f.fed » existe déjà")
    assert users_text(root) == before


def test_no_workspace_is_a_usage_error_and_writes_nothing(tmp_path) -> None:
    error = refused(add_user, tmp_path, "f.fed", "federation", PASSWORD)
    assert error.exit_code == 2
    assert list(tmp_path.iterdir()) == []


# --- listing, removing, changing a password -----------------------------------------------------


def test_list_users_by_login_with_their_role_in_french(root) -> None:
    add_user(root, "t.form", "formatrice", PASSWORD, body="ofa")
    add_user(root, "f.fed", "fédération", PASSWORD)
    add_user(root, "m.martin", "conseiller", PASSWORD, association="ai-est")
    listed = [(a.login, describe(a)) for a in list_users(root)]
    assert listed == [
        ("f.fed", "fédération"),
        ("m.martin", "conseiller, association ai-est"),
        ("t.form", "formateur, organisme ofa"),
    ]


def test_remove_user(root) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    add_user(root, "m.martin", "counselor", PASSWORD, association="ai-est")
    assert remove_user(root, "f.fed").login == "f.fed"
    assert [a.login for a in list_users(root)] == ["m.martin"]
    assert authenticate(root, "f.fed", PASSWORD) is None


def test_removing_an_unknown_login_says_the_closest(root) -> None:
    add_user(root, "m.martin", "counselor", PASSWORD, association="ai-est")
    before = users_text(root)
    error = refused(remove_user, root, "m.martn")
    assert str(error) == "compte inconnu « m.martn » : vouliez-vous dire m.martin ?"
    assert users_text(root) == before


def test_removing_from_a_workspace_without_accounts_says_how_to_create_one(root) -> None:
    error = refused(remove_user, root, "m.martin")
    assert "il n'y a encore aucun compte ; créez-en un avec « portfolio users add »" in str(error)
    assert not (root / "users.yaml").exists()


def test_set_password_changes_it(root) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    set_password(root, "f.fed", "un tout nouveau mot de passe")
    assert authenticate(root, "f.fed", PASSWORD) is None
    assert authenticate(root, "f.fed", "un tout nouveau mot de passe") is not None


def test_set_password_of_an_unknown_login_says_the_closest(root) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    assert "vouliez-vous dire f.fed ?" in str(refused(set_password, root, "f.fe", PASSWORD))
    assert "vouliez-vous dire f.fed ?" in str(refused(require_user, root, "f.fe"))
    assert "mot de passe trop court" in str(refused(set_password, root, "f.fed", "court"))


def test_set_password_mends_a_password_written_in_clear(root) -> None:
    (root / "users.yaml").write_text("users:\n  - {login: f.fed, role: federation, password: x}\n")
    assert authenticate(root, "f.fed", "x") is None
    set_password(root, "f.fed", PASSWORD)
    assert authenticate(root, "f.fed", PASSWORD) is not None


def test_an_invalid_file_is_never_rewritten(root) -> None:
    (root / "users.yaml").write_text(
        "users:\n  - login: f.fed\n    role: federation\n    pasword: x\n"
    )
    error = refused(add_user, root, "m.martin", "counselor", PASSWORD, association="ai-est")
    assert "users.yaml contient des erreurs" in str(error)
    ((where, message),) = [(i.location, i.message) for i in error.issues]
    assert (where.path, where.line) == ("users.yaml", 4)
    assert "vouliez-vous écrire « password » ?" in message
    assert "pasword" in users_text(root)


# --- logging in ---------------------------------------------------------------------------------


def test_authenticate_gives_the_account_for_its_password_only(root) -> None:
    add_user(root, "m.martin", "counselor", PASSWORD, association="ai-est")
    account = authenticate(root, "m.martin", PASSWORD)
    assert account is not None and account.association == "ai-est"
    assert authenticate(root, "M.Martin ", PASSWORD) == account  # as a phone capitalises it
    assert authenticate(root, "m.martin", "un mauvais mot de passe") is None
    assert authenticate(root, "personne", PASSWORD) is None


def test_unknown_login_and_wrong_password_cost_one_verification_each(root, monkeypatch) -> None:
    add_user(root, "f.fed", "federation", PASSWORD)
    calls: list[str | None] = []

    def counted(account: Account | None, password: str) -> bool:
        calls.append(account and account.login)
        return accounts.verify(account, password)

    monkeypatch.setattr("portfolio.app.accounts.verify", counted)
    authenticate(root, "f.fed", "faux")
    authenticate(root, "personne", "faux")
    assert calls == ["f.fed", None]


def test_a_hash_of_older_parameters_is_made_again_at_login(root, monkeypatch) -> None:
    old = add_user(root, "f.fed", "federation", PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    account = authenticate(root, "f.fed", PASSWORD)
    assert account is not None and account.password != old.password
    assert not stronger.check_needs_rehash(account.password)
    assert load_accounts(root)["f.fed"].password == account.password
    assert (root / "users.yaml").stat().st_mode & 0o777 == 0o600


def test_a_duplicate_login_refuses_every_login_with_its_line(root) -> None:
    hashed = accounts.hash_password(PASSWORD)
    (root / "users.yaml").write_text(
        f"users:\n  - {{login: a.a, role: federation, password: '{hashed}'}}\n"
        f"  - {{login: a.a, role: trainer, body: ofa, password: '{hashed}'}}\n"
    )
    error = refused(authenticate, root, "a.a", PASSWORD)
    assert [(i.location.line, i.code) for i in error.issues] == [(3, "duplicate-login")]


def test_load_accounts_without_a_file_is_empty(root) -> None:
    assert load_accounts(root) == {}
    assert authenticate(root, "f.fed", PASSWORD) is None


# --- several writers at once --------------------------------------------------------------------


def test_concurrent_adds_from_threads_all_land(root) -> None:
    logins = [f"c{n}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda login: add_user(root, login, "federation", PASSWORD), logins))
    assert sorted(a.login for a in list_users(root)) == sorted(logins)


def test_concurrent_adds_from_processes_all_land(root) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from argon2 import PasswordHasher
        from portfolio import accounts
        from portfolio.app.accounts import add_user
        accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        for n in range(3):
            add_user(Path(sys.argv[1]), f"{sys.argv[2]}.{n}", "federation", "x" * 12)
        """
    )
    children = [
        subprocess.Popen([sys.executable, "-c", script, str(root), f"p{k}"]) for k in range(4)
    ]
    assert [child.wait(timeout=120) for child in children] == [0, 0, 0, 0]
    assert len(list_users(root)) == 12
