"""`users.yaml` (SPEC §11; portfolio/accounts.py, portfolio/model/accounts.py): read with its
positions, checked by `portfolio check`, written whole with mode 0600, argon2id hashes only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from pydantic import ValidationError
from support import VALID_CATALOG

from portfolio import accounts
from portfolio.accounts import (
    ROLE_WORDS,
    hash_password,
    is_argon2id,
    needs_rehash,
    read_users,
    save_accounts,
    users_text,
    verify,
)
from portfolio.model.accounts import ACCOUNT_ROLES, ROLE_SCOPE, Account

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""argon2id at its lowest cost: the tests hash dozens of passwords."""
HASH = FAST_HASHER.hash("un mot de passe assez long")


def use_fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", FAST_HASHER)


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashes(monkeypatch)


def write_users(root: Path, text: str, mode: int = 0o600) -> Path:
    """A users.yaml written by hand, with its mode (0600 unless a test says otherwise)."""
    path = root / "users.yaml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def account(**values: str | None) -> Account:
    fields = {"login": "m.martin", "role": "counselor", "association": "ai-est", "password": HASH}
    return Account.model_validate({**fields, **values})


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"catalog/ofa.yaml": VALID_CATALOG})


def users_issues(run) -> list:
    return [issue for issue in run.issues if issue.path == "users.yaml"]


# --- the model ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("fédération", "federation"),
        ("Federation", "federation"),
        ("conseiller", "counselor"),
        ("Conseillère", "counselor"),
        ("counselor", "counselor"),
        ("formateur", "trainer"),
        ("FORMATRICE", "trainer"),
        ("trainer", "trainer"),
    ],
)
def test_french_role_spellings_are_stored_as_the_code_name(written: str, stored: str) -> None:
    assert account(role=written, association=None).role == stored


@pytest.mark.parametrize("login", ["m.martin", "ab", "a-b_c.9", "x" * 40])
def test_a_login_of_lowercase_letters_digits_dots_dashes_underscores(login: str) -> None:
    assert account(login=login).login == login


@pytest.mark.parametrize("login", ["a", "x" * 41, "M.Martin", "marie martin", "élodie", "a/b"])
def test_any_other_login_is_refused_in_french(login: str) -> None:
    with pytest.raises(ValidationError) as caught:
        account(login=login)
    assert "un identifiant de connexion a de 2 à 40 caractères" in str(caught.value)


def test_every_role_has_a_french_word_and_a_scope() -> None:
    assert set(ROLE_WORDS) == set(ROLE_SCOPE) == set(ACCOUNT_ROLES)


# --- hashes -------------------------------------------------------------------------------------


def test_a_hash_is_argon2id_and_never_the_password() -> None:
    hashed = hash_password("un mot de passe assez long")
    assert hashed.startswith("$argon2id$")
    assert "un mot de passe" not in hashed
    assert hashed != hash_password("un mot de passe assez long")  # salted


def test_verify_accepts_the_password_and_refuses_any_other() -> None:
    owner = account()
    assert verify(owner, "un mot de passe assez long")
    assert not verify(owner, "un autre mot de passe")
    assert not verify(None, "un mot de passe assez long")


def test_a_password_written_in_clear_in_the_file_never_logs_in() -> None:
    assert not verify(account(password="motdepasse123"), "motdepasse123")


class RecordingHasher(PasswordHasher):
    """The fast hasher, noting each hash it verifies against."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(str(hash))
        return super().verify(hash, password)


def test_an_unknown_login_is_verified_against_a_hash_of_the_same_parameters(monkeypatch) -> None:
    hasher = RecordingHasher()
    monkeypatch.setattr(accounts, "HASHER", hasher)
    assert not verify(None, "peu importe")
    assert not verify(account(), "un mauvais mot de passe")
    dummy, real = hasher.verified
    assert dummy != real
    assert extract_parameters(dummy) == extract_parameters(real)


def test_a_hash_of_other_parameters_needs_rehash(monkeypatch) -> None:
    assert not needs_rehash(account())
    monkeypatch.setattr(
        accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=8, parallelism=1)
    )
    assert needs_rehash(account())


def test_only_argon2id_hashes_are_taken_for_hashes() -> None:
    assert is_argon2id(HASH)
    assert not is_argon2id(PasswordHasher(type=Type.I).hash("x"))
    assert not is_argon2id("motdepasse123")


# --- reading and writing ------------------------------------------------------------------------


def test_a_missing_file_is_a_workspace_without_accounts(root) -> None:
    users, issues = read_users(root)
    assert (users.accounts, issues, users.valid) == ([], [], True)


def test_saved_file_has_mode_0600_even_over_a_wider_file(root) -> None:
    write_users(root, "users: []\n", mode=0o644)
    old = os.umask(0o000)
    try:
        save_accounts(root, [account()])
    finally:
        os.umask(old)
    assert stat.S_IMODE((root / "users.yaml").stat().st_mode) == 0o600


@pytest.mark.parametrize("login", ["true", "null", "1.5", "2024-01-01", "010", "12"])
def test_logins_yaml_would_read_as_other_values_come_back_as_written(root, login) -> None:
    save_accounts(root, [account(login=login)])
    users, issues = read_users(root)
    assert issues == []
    assert [a.login for a in users.accounts] == [login]


def test_the_saved_file_holds_the_hash_and_no_empty_tie(root) -> None:
    text = users_text([account(), account(login="f.fed", role="federation", association=None)])
    assert HASH in text
    assert "body" not in text
    assert text.count("association:") == 1


# --- portfolio check ----------------------------------------------------------------------------


def test_check_reports_broken_yaml_with_its_line(root, run_check) -> None:
    write_users(root, "users:\n  - login: m.martin\n   role: counselor\n")
    run = run_check(root)
    assert run.exit_code == 1
    (issue,) = users_issues(run)
    assert (issue.line, issue.severity) == (3, "erreur")
    assert "YAML invalide" in issue.message


def test_check_reports_a_schema_error_and_still_checks_the_valid_entries(root, run_check) -> None:
    write_users(
        root,
        "users:\n"
        "  - {login: M.Martin, role: counselor, association: ai-est, password: '" + HASH + "'}\n"
        "  - {login: b.b, role: counselor, association: ai-ets, password: '" + HASH + "'}\n"
        "  - {login: b.b, role: chef, password: '" + HASH + "'}\n",
    )
    found = {(i.line, i.message.split(" : ")[0]) for i in users_issues(run_check(root))}
    assert (2, "valeur invalide pour « login »") in found
    assert (3, "association inconnue « ai-ets »") in found
    assert (4, "« chef » n'est pas une valeur possible de « role »") in found


def test_check_reports_an_unknown_association_with_the_closest(root, run_check) -> None:
    write_users(
        root,
        f"users:\n  - login: m.martin\n    role: conseillère\n    association: ai-es\n"
        f"    password: '{HASH}'\n",
    )
    (issue,) = users_issues(run_check(root))
    assert (issue.line, issue.column, issue.severity) == (4, 18, "erreur")
    assert issue.message.startswith("association inconnue « ai-es » : vouliez-vous dire ai-est ?")


def test_check_reports_an_unknown_body(root, run_check) -> None:
    write_users(
        root, f"users:\n  - {{login: t.form, role: trainer, body: ofb, password: '{HASH}'}}\n"
    )
    (issue,) = users_issues(run_check(root))
    assert issue.line == 2
    assert "organisme de formation inconnu « ofb » : vouliez-vous dire ofa ?" in issue.message


def test_check_reports_a_duplicate_login_at_its_second_entry(root, run_check) -> None:
    write_users(
        root,
        f"users:\n"
        f"  - {{login: f.fed, role: federation, password: '{HASH}'}}\n"
        f"  - {{login: f.fed, role: trainer, body: ofa, password: '{HASH}'}}\n",
    )
    run = run_check(root)
    assert run.exit_code == 1
    (issue,) = users_issues(run)
    assert issue.line == 3
    assert "« f.fed » est déjà celui du compte de la ligne 2" in issue.message


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (
            "{login: c.c, role: counselor}",
            "un compte de conseiller est rattaché à une association",
        ),
        (
            "{login: t.t, role: trainer}",
            "un compte de formateur est rattaché à un organisme de formation",
        ),
        (
            "{login: f.f, role: federation, association: ai-est}",
            "supprimez « association: ai-est »",
        ),
        (
            "{login: c.c, role: counselor, association: ai-est, body: ofa}",
            "supprimez « body: ofa »",
        ),
    ],
)
def test_check_reports_an_account_without_the_tie_its_role_needs(
    root, run_check, entry, said
) -> None:
    write_users(root, "users:\n  - " + entry.replace("}", f", password: '{HASH}'}}") + "\n")
    run = run_check(root)
    assert run.exit_code == 1
    (issue,) = users_issues(run)
    assert issue.line == 2
    assert said in issue.message


def test_check_reports_a_password_that_is_not_an_argon2id_hash_without_quoting_it(
    root, run_check
) -> None:
    write_users(
        root, "users:\n  - login: f.fed\n    role: federation\n    password: secret-en-clair\n"
    )
    (issue,) = users_issues(run_check(root))
    assert (issue.line, issue.severity) == (4, "erreur")
    assert "ce n'est pas une empreinte argon2id" in issue.message
    assert "portfolio users password f.fed" in issue.message
    assert "secret-en-clair" not in issue.message


def test_check_warns_of_a_file_readable_by_others(root, run_check) -> None:
    write_users(
        root, f"users:\n  - {{login: f.fed, role: federation, password: '{HASH}'}}\n", mode=0o644
    )
    run = run_check(root)
    assert run.exit_code == 0
    (issue,) = users_issues(run)
    assert (issue.line, issue.severity) == (1, "avertissement")
    assert issue.message.startswith("droits trop larges (mode 644)")
    assert issue.message.endswith("chmod 600 users.yaml")


def test_check_is_silent_on_a_good_file_and_without_one(root, run_check) -> None:
    assert users_issues(run_check(root)) == []
    write_users(
        root,
        f"users:\n"
        f"  - {{login: f.fed, role: fédération, password: '{HASH}'}}\n"
        f"  - {{login: m.martin, role: conseillère, association: ai-est, password: '{HASH}'}}\n"
        f"  - {{login: t.form, role: formatrice, body: ofa, password: '{HASH}'}}\n",
    )
    assert users_issues(run_check(root)) == []


def test_an_account_without_role_is_told_the_account_roles(make_workspace, run_check):
    root = make_workspace({"users.yaml": "users:\n  - login: marie\n    password: x\n"})
    (root / "users.yaml").chmod(0o600)
    output = run_check(root).output
    assert "« role » manquant" in output
    assert "federation, counselor ou trainer" in output and "tuteur" not in output
