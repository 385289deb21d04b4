"""`portfolio credentials` and `portfolio verify` (SPEC §9, §12), run as a counselor would."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from portfolio.cli import app
from portfolio.resources import demo_dir


def invoke(root: Path, *args: str) -> Result:
    """The command with `-w root` (`verify` and `--help` take no workspace)."""
    where = [] if args[0] in ("verify", "--help") else ["-w", str(root)]
    result = CliRunner().invoke(app, [*args, *where], env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_dir(), root)
    return root


def test_a_counselor_creates_the_key_issues_and_verifies(demo: Path) -> None:
    made = invoke(demo, "credentials", "--new-key", "--association", "ai-lyon-est")
    assert made.exit_code == 0, made.output
    assert "Clé d'émetteur créée pour Entr'Aide Lyon Est (ai-lyon-est)" in flat(made.stdout)
    issued = invoke(demo, "credentials", "fatima-b", "--as-of", "2026-08-31")
    assert issued.exit_code == 0, issued.output
    out = flat(issued.stdout)
    assert "1 badge pour Fatima B. (fatima-b), émis par Entr'Aide Lyon Est" in out
    digest = re.search(r"empreinte SHA-256 : ([0-9a-f]{64})", out).group(1)
    checked = invoke(demo, "verify", str(demo / "badges" / "fatima-b" / "advf.ccp1.json"))
    assert checked.exit_code == 0, checked.output
    assert "Badge valide" in checked.stdout
    assert f"Empreinte SHA-256 du fichier : {digest}" in checked.stdout


def test_new_key_with_a_worker_makes_the_key_then_issues(demo: Path) -> None:
    result = invoke(demo, "credentials", "fatima-b", "--new-key", "--as-of", "2026-08-31")
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert out.index("Clé d'émetteur créée") < out.index("1 badge pour Fatima B.")
    again = invoke(demo, "credentials", "fatima-b", "--new-key")
    assert again.exit_code == 1
    assert "a déjà une clé d'émetteur" in flat(again.output)


def test_verify_of_an_altered_badge_fails_with_its_reason(demo: Path) -> None:
    invoke(demo, "credentials", "fatima-b", "--new-key", "--as-of", "2026-08-31")
    badge = demo / "badges" / "fatima-b" / "advf.ccp1.json"
    credential = json.loads(badge.read_text(encoding="utf-8"))
    credential["validUntil"] = "2099-12-31T00:00:00Z"
    badge.write_text(json.dumps(credential), encoding="utf-8")
    result = invoke(demo, "verify", str(badge))
    assert result.exit_code == 1
    assert "Badge NON valide" in result.stdout
    assert "La signature ne correspond pas" in flat(result.stdout)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("credentials",), "Donnez un salarié"),
        (
            ("credentials", "fatima-b", "--association", "ai-lyon-est"),
            "--association sert seulement",
        ),
        (("credentials", "--new-key"), "4 associations"),
        (("credentials", "fatima-b", "--years", "0"), "--years"),
        (("credentials", "personne"), "personne"),
    ],
)
def test_mistakes_get_a_french_message(demo: Path, args: tuple[str, ...], said: str) -> None:
    result = invoke(demo, *args)
    assert result.exit_code in (1, 2)
    assert said in flat(result.output)


def test_verify_of_a_file_that_is_not_json(tmp_path: Path) -> None:
    file = tmp_path / "badge.json"
    file.write_text("<html>", encoding="utf-8")
    result = invoke(tmp_path, "verify", str(file))
    assert result.exit_code == 1
    assert "ligne 1, colonne 1 : ce n'est pas du JSON valide" in flat(result.output)


def test_the_commands_are_listed_in_the_help(demo: Path) -> None:
    result = invoke(demo, "--help")
    assert "credentials" in result.stdout and "verify" in result.stdout
