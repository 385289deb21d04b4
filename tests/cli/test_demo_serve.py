"""`portfolio demo --serve` (issue 16 item 7; docs/interface-web.md): the demo with one account per
role of SPEC §11, created once with passwords printed once, then the web interface on it.

The server is replaced by a stub that records how it was started, and the documents' build by an
empty one: printing every document is the build's tests' business, here only what --serve adds.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from portfolio.app.accounts import add_user, authenticate
from portfolio.app.demo_accounts import DEMO_ACCOUNTS, PASSWORD_ALPHABET, demo_password
from portfolio.build import BuildSummary
from portfolio.cli import app
from portfolio.resources import USERS_FILE

AS_OF = "2026-06-30"
PASSWORD = re.compile(r"[a-z2-9]{5}(?:-[a-z2-9]{5}){3}")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Each start of the server, as (root, host, port, https); nothing is bound."""
    calls: list[tuple[object, ...]] = []

    def serve(
        root: Path, host: str, port: int, https: bool, announce: Callable[[str], None]
    ) -> None:
        calls.append((root, host, port, https))
        announce(f"Interface web : http://{host}:{port}/ (Ctrl-C pour arrêter)")

    monkeypatch.setattr("portfolio.web.server.serve", serve)
    monkeypatch.setattr(
        "portfolio.app.documents.build_documents", lambda *args, **kwargs: BuildSummary()
    )
    return calls


def demo(root: Path, *options: str) -> Result:
    result = CliRunner().invoke(app, ["demo", "-o", str(root), "--as-of", AS_OF, *options])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def printed_passwords(output: str) -> dict[str, str]:
    """Login → password, read from the table the command printed."""
    found = {}
    for line in output.splitlines():
        words = line.split()
        if words and words[0] in {a.login for a in DEMO_ACCOUNTS}:
            match = PASSWORD.search(line)
            assert match is not None, line
            found[words[0]] = match.group()
    return found


def test_serve_creates_one_account_per_role_and_prints_their_passwords(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    result = demo(root, "--serve")
    assert result.exit_code == 0, result.output
    assert served == [(root, "127.0.0.1", 8000, False)]
    data = yaml.safe_load((root / USERS_FILE).read_text(encoding="utf-8"))
    assert [
        (u["login"], u["role"], u.get("association"), u.get("body")) for u in data["users"]
    ] == [
        ("federation", "federation", None, None),
        ("conseil-lyon-est", "counselor", "ai-lyon-est", None),
        ("formateur-graindesel", "trainer", None, "graindesel"),
    ]
    assert stat.S_IMODE((root / USERS_FILE).stat().st_mode) == 0o600
    passwords = printed_passwords(result.output)
    assert sorted(passwords) == sorted(a.login for a in DEMO_ACCOUNTS)
    for login, password in passwords.items():
        account = authenticate(root, login, password)
        assert account is not None and account.login == login
        assert password not in (root / USERS_FILE).read_text(encoding="utf-8")
    text = " ".join(result.output.split())
    assert "identifiant rôle mot de passe" in text
    assert "conseil-lyon-est conseiller" in text
    assert "ne servent qu'à la démonstration" in text
    assert "Interface web : http://127.0.0.1:8000/" in text


def test_a_second_run_keeps_the_accounts_and_shows_no_password(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    first = printed_passwords(demo(root, "--serve").output)
    before = (root / USERS_FILE).read_bytes()
    again = demo(root, "--serve")
    assert again.exit_code == 0, again.output
    assert (root / USERS_FILE).read_bytes() == before
    assert printed_passwords(again.output) == {}
    assert "sont gardés" in " ".join(again.output.split())
    assert authenticate(root, "federation", first["federation"]) is not None
    assert len(served) == 2


def test_accounts_the_user_made_are_kept_and_no_demo_account_is_added(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    assert demo(root).exit_code == 0
    add_user(root, "m.martin", "federation", "une phrase de passe à moi")
    result = demo(root, "--serve")
    assert result.exit_code == 0, result.output
    logins = [u["login"] for u in yaml.safe_load((root / USERS_FILE).read_text())["users"]]
    assert logins == ["m.martin"]
    assert printed_passwords(result.output) == {}
    assert len(served) == 1


def test_port_chooses_another_port_when_8000_is_taken(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    result = demo(root, "--serve", "--port", "8001")
    assert result.exit_code == 0, result.output
    assert served == [(root, "127.0.0.1", 8001, False)]
    assert "Interface web : http://127.0.0.1:8001/" in result.output


def test_without_serve_the_demo_makes_no_account_and_starts_no_server(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    assert demo(root).exit_code == 0
    assert not (root / USERS_FILE).exists()
    assert served == []


def test_a_demo_with_errors_starts_no_server_and_makes_no_account(
    tmp_path: Path, served: list[tuple[object, ...]]
) -> None:
    root = tmp_path / "demo"
    assert demo(root).exit_code == 0
    worker = next((root / "workers").glob("*.yaml"))
    worker.write_text(worker.read_text(encoding="utf-8") + "\nunknown_field: 1\n", "utf-8")
    result = demo(root, "--serve")
    assert result.exit_code == 1
    assert not (root / USERS_FILE).exists()
    assert served == []


def test_demo_passwords_are_long_random_and_easy_to_read() -> None:
    drawn = {demo_password() for _ in range(50)}
    assert len(drawn) == 50
    for password in drawn:
        assert len(password) >= 16
        assert set(password.replace("-", "")) <= set(PASSWORD_ALPHABET)
    assert not set("01ilo") & set(PASSWORD_ALPHABET)
