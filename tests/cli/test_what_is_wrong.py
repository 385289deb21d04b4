"""Issue 14, item 5: each message says what is really wrong (a broken worker file, a mistyped
id, a workspace above the current folder, an output path blocked by a file)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace
from typer.testing import CliRunner

from portfolio.cli import app

BROKEN_WORKER = "id: w-0042\nfirst_name: [Fatima\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Path:
    return make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})


@pytest.mark.parametrize(
    "command",
    [
        ["assess", "w-0042"],
        ["plan", "w-0042"],
        ["log", "observation", "w-0042", "--competency", "advf.ccp1.c3"],
    ],
)
def test_broken_worker_file_shows_its_located_errors(workspace: Path, command: list[str]) -> None:
    (workspace / "workers" / "w-0042.yaml").write_text(BROKEN_WORKER, encoding="utf-8")
    code, output = run(*command, "-w", str(workspace))
    assert code == 1
    assert "workers/w-0042.yaml:2:" in output
    assert "des erreurs (ci-dessus)" in output
    assert "inconnu" not in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "command",
    [["assess", "w-0024"], ["plan", "w-0024"], ["log", "training", "w-0024"], ["forget", "w-0024"]],
)
def test_mistyped_worker_id_gets_the_closest(workspace: Path, command: list[str]) -> None:
    code, output = run(*command, "-w", str(workspace))
    assert code == 1
    assert "vouliez-vous dire w-0042 ?" in " ".join(output.split())


def test_far_worker_id_lists_some_known_ids(workspace: Path) -> None:
    code, output = run("assess", "zzzz", "-w", str(workspace))
    assert code == 1
    assert "vouliez-vous" not in output
    assert "salariés connus : w-0042" in " ".join(output.split())


def test_workspace_is_found_from_a_sub_folder(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "workers" / "deep").mkdir()
    monkeypatch.chdir(workspace / "workers" / "deep")
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    code, output = run("assess", "w-0042", "--as-of", "2003-06-30")
    assert code == 0, output
    assert "Fatima B." in output


def test_folder_outside_any_workspace_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "nowhere").mkdir()
    monkeypatch.chdir(tmp_path / "nowhere")
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    code, output = run("check")
    assert code == 2
    assert "aucun espace de travail" in output


@pytest.mark.parametrize("target", ["a-file/rapport.html", "a-file/sub/rapport.html"])
def test_output_under_a_file_is_a_message(workspace: Path, tmp_path: Path, target: str) -> None:
    (tmp_path / "a-file").write_text("déjà là", encoding="utf-8")
    code, output = run(
        "report",
        "-w",
        str(workspace),
        "--as-of",
        "2003-06-30",
        "--format",
        "html",
        "-o",
        str(tmp_path / target),
    )
    flat = " ".join(output.split())
    assert code == 1
    assert f"« {tmp_path / 'a-file'} » est un fichier, pas un dossier" in flat
    assert "rien n'a été écrit" in flat
    assert "Traceback" not in output and "Error" not in output
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "déjà là"


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """`portfolio assess --all --json | head -1`: no « Broken pipe » notice, in any language."""
    script = tmp_path / "loud.py"
    script.write_text(
        "import typer\n"
        "from portfolio.cli.common import friendly_errors\n"
        "@friendly_errors\n"
        "def loud() -> None:\n"
        "    for _ in range(200_000):\n"
        '        print(\'{"worker": "w-0042", "status": "acquise"}\')\n'
        "typer.run(loud)\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.stdout == '{"worker": "w-0042", "status": "acquise"}\n'
    assert run.stderr == ""


def test_output_folder_receives_the_usual_name(workspace: Path, tmp_path: Path) -> None:
    for target in (tmp_path / "existing", tmp_path / "new-folder"):
        if target.name == "existing":
            target.mkdir()
        code, output = run(
            "report", "-w", str(workspace), "--as-of", "2003-06-30", "-f", "html", "-o", str(target)
        )
        assert code == 0, output
        assert (target / "rapport-programme.html").is_file()


def test_output_extension_must_match_the_format(workspace: Path, tmp_path: Path) -> None:
    code, output = run(
        "report", "-w", str(workspace), "--as-of", "2003-06-30", "-f", "html",
        "-o", str(tmp_path / "bilan.pdf"),
    )  # fmt: skip
    flat = " ".join(output.split())
    assert code == 2
    assert "se termine par « .pdf », mais le format demandé est html" in flat
    assert "« bilan.html »" in flat
    assert not (tmp_path / "bilan.pdf").exists()
