"""`portfolio users add|list|remove|password` (SPEC §11): French messages, the exit codes of every
command (1 bad data, 2 usage), and a password typed twice without being shown, never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import VALID_CATALOG
from test_accounts import use_fast_hashes
from typer.testing import CliRunner, Result

from portfolio.app.accounts import authenticate
from portfolio.cli import app, prompts

PASSWORD = "correct cheval pile agrafe"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hashes(monkeypatch)


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"catalog/ofa.yaml": VALID_CATALOG})


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone at a terminal answers the prompts."""
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)


def users(root: Path, *args: str, stdin: str | None = None) -> Result:
    result = runner.invoke(app, ["users", *args, "-w", str(root)], input=stdin)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def add(root: Path, *args: str, password: str = PASSWORD) -> Result:
    return users(root, "add", *args, "--password-stdin", stdin=password + "\n")


# --- add ----------------------------------------------------------------------------------------


def test_add_with_password_stdin_stores_a_hash(root) -> None:
    result = add(root, "m.martin", "--role", "conseillère", "--association", "ai-est")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Compte « m.martin » créé : conseiller, association ai-est.\n"
    text = (root / "users.yaml").read_text(encoding="utf-8")
    assert "$argon2id$" in text
    assert PASSWORD not in text
    assert (root / "users.yaml").stat().st_mode & 0o777 == 0o600
    assert authenticate(root, "m.martin", PASSWORD) is not None


def test_add_at_a_terminal_asks_twice_hidden_and_again_after_a_refusal(root, terminal) -> None:
    answers = f"court\n{PASSWORD}\nautre chose encore\n{PASSWORD}\n{PASSWORD}\n"
    result = users(root, "add", "f.fed", "--role", "fédération", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "mot de passe trop court : il faut au moins 12 caractères" in result.stderr
    assert "les deux saisies sont différentes : recommencez" in result.stderr
    assert result.stderr.count("Le même mot de passe, une seconde fois") == 2
    assert PASSWORD not in result.output
    assert "court" not in result.output.replace("trop court", "")
    assert authenticate(root, "f.fed", PASSWORD) is not None


def test_add_without_a_terminal_nor_password_stdin_is_a_usage_error(root) -> None:
    result = users(root, "add", "f.fed", "--role", "federation")
    assert result.exit_code == 2
    assert "--password-stdin" in result.stderr
    assert not (root / "users.yaml").exists()


def test_a_short_password_is_refused(root) -> None:
    result = add(root, "f.fed", "--role", "federation", password="trop court")
    assert result.exit_code == 1
    assert "Erreur : mot de passe trop court : il faut au moins 12 caractères" in result.stderr
    assert not (root / "users.yaml").exists()


def test_an_unknown_association_is_refused_before_the_password_is_asked(root, terminal) -> None:
    result = users(root, "add", "m.martin", "--role", "counselor", "--association", "ai-es")
    assert result.exit_code == 1
    assert "association inconnue « ai-es » : vouliez-vous dire ai-est ?" in result.stderr
    assert "Mot de passe" not in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--role", "counselor"], "indiquez son identifiant avec --association"),
        (["--role", "trainer"], "indiquez son identifiant avec --body"),
        (["--role", "federation", "--body", "ofa"], "retirez --body"),
        (["--role", "chef"], "rôle « chef » inconnu"),
        (["--association", "ai-est"], "Il manque l'option --role"),
    ],
)
def test_usage_errors_exit_2(root, args: list[str], said: str) -> None:
    result = add(root, "x.y", *args)
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())


def test_a_login_already_taken_is_refused(root) -> None:
    add(root, "f.fed", "--role", "federation")
    result = add(root, "f.fed", "--role", "federation")
    assert result.exit_code == 1
    assert "le compte « f.fed » existe déjà" in result.stderr


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_login_french_role_and_tie_never_the_hash(root) -> None:
    add(root, "t.form", "--role", "formatrice", "--body", "ofa")
    add(root, "m.martin", "--role", "conseiller", "--association", "ai-est")
    add(root, "f.fed", "--role", "federation")
    result = users(root, "list")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows == [
        ["identifiant", "rôle", "association", "ou", "organisme"],
        ["f.fed", "fédération", "—"],
        ["m.martin", "conseiller", "ai-est"],
        ["t.form", "formateur", "ofa"],
    ]
    assert "argon2" not in result.output


def test_list_without_accounts_says_how_to_create_one(root) -> None:
    result = users(root, "list")
    assert result.exit_code == 0
    assert "Aucun compte dans users.yaml" in result.stdout


def test_list_of_a_broken_file_shows_where_it_is_broken(root) -> None:
    (root / "users.yaml").write_text("users:\n  - login: a.b\n   role: x\n", encoding="utf-8")
    result = users(root, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("users.yaml:3:4: erreur: YAML invalide")


# --- remove and password ------------------------------------------------------------------------


def test_remove(root) -> None:
    add(root, "f.fed", "--role", "federation")
    result = users(root, "remove", "f.fed")
    assert (result.exit_code, result.stdout) == (0, "Compte « f.fed » supprimé.\n")
    assert authenticate(root, "f.fed", PASSWORD) is None


def test_remove_an_unknown_login_says_the_closest(root) -> None:
    add(root, "f.fed", "--role", "federation")
    result = users(root, "remove", "f.fe")
    assert result.exit_code == 1
    assert "compte inconnu « f.fe » : vouliez-vous dire f.fed ?" in result.stderr


def test_password_changes_it(root) -> None:
    add(root, "f.fed", "--role", "federation")
    result = users(root, "password", "f.fed", "--password-stdin", stdin="un autre mot de passe\n")
    assert (result.exit_code, result.stdout) == (0, "Mot de passe de « f.fed » changé.\n")
    assert authenticate(root, "f.fed", PASSWORD) is None
    assert authenticate(root, "f.fed", "un autre mot de passe") is not None


def test_password_at_a_terminal_asks_twice(root, terminal) -> None:
    add(root, "f.fed", "--role", "federation")
    new = "un autre mot de passe"
    result = users(root, "password", "f.fed", stdin=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.stderr
    assert new not in result.output
    assert authenticate(root, "f.fed", new) is not None


def test_password_of_an_unknown_login_is_refused_before_asking(root, terminal) -> None:
    add(root, "f.fed", "--role", "federation")
    result = users(root, "password", "f.fe")
    assert result.exit_code == 1
    assert "vouliez-vous dire f.fed ?" in result.stderr
    assert "Mot de passe" not in result.output


def test_ctrl_d_at_the_prompt_writes_nothing(root, terminal) -> None:
    result = users(root, "add", "f.fed", "--role", "federation", stdin="")
    assert result.exit_code == 1
    assert "Abandon." in result.output
    assert not (root / "users.yaml").exists()
