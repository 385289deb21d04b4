"""Everything the user reads is French (issue 14): Typer's and Click's own texts in every help
screen and usage error (portfolio/cli/french_click.py), and yes/no questions that understand
« oui » and « non » (portfolio/cli/common.py `confirm`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from support import MINIMAL_WORKSPACE, VALID_CATALOG, VALID_WORKER, write_tree
from typer.core import TyperGroup
from typer.testing import CliRunner, Result

from portfolio.cli import app, privacy_cmds
from portfolio.cli.french_click import FrenchArgument, FrenchCommand, FrenchGroup, FrenchOption

TERMINAL = {"COLUMNS": "80", "TERMINAL_WIDTH": "80"}

ENGLISH = re.compile(
    r"\b(Usage|Try|for help|Errors?|Missing|Invalid|No such|Possible options|Did you mean|"
    r"does not exist|is not|is a (file|directory)|Aborted|Show this message|required|env var|"
    r"default|Commands|COMMAND|ARGS|WORKER|DIRECTORY|FILE|PATH|TEXT|INTEGER|FLOAT|Got unexpected|"
    r"extra arguments?|requires|take a value|Choose from|Value error|Input should|valid|range|"
    r"dynamic|deprecated|DEPRECATED|y/n|Y/n|y/N|yes|no)\b"
    r"|<(str|bool|path|file|dir|int|float|list)|list\[|\bx[<>]=|<=x"
)
"""Words and marks of Typer's and Click's English (option names such as --hours aside)."""


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group of the application, found in it rather than listed here."""
    paths: list[tuple[str, ...]] = [()]

    def walk(group: TyperGroup, prefix: tuple[str, ...]) -> None:
        for name, command in group.commands.items():
            paths.append((*prefix, name))
            if isinstance(command, TyperGroup):
                walk(command, (*prefix, name))

    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    walk(root, ())
    return paths


def invoke(*args: str, **kwargs) -> Result:
    result = CliRunner().invoke(app, list(args), env=TERMINAL, **kwargs)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def flat(output: str) -> str:
    """Output with Rich's panel borders and line wrapping removed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def assert_french(output: str) -> None:
    """No English word, every line within the 80 columns (help screens, usage errors), and no
    option name cut short by the help's layout (« --first-name,--pre… »)."""
    assert_no_english(output)
    too_wide = [line for line in output.splitlines() if len(line) > 80]
    assert not too_wide, "\n".join(too_wide)
    assert not re.search(r"--[\w-]*…", output), output


def assert_no_english(output: str) -> None:
    words = re.sub(r"(?<![\w-])--?[\w-]+", " ", output)  # option names (--yes) are not words
    english = sorted({m.group() for m in ENGLISH.finditer(words)})
    assert not english, f"English in the output: {english}\n{output}"


# --- help screens -------------------------------------------------------------------------------


def test_every_command_is_found_and_has_the_french_classes() -> None:
    paths = command_paths()
    assert {("plan",), ("log", "placement"), ("worker", "new"), ("import", "timesheet")} <= set(
        paths
    )
    root = typer.main.get_command(app)
    assert isinstance(root, FrenchGroup)
    for path in paths[1:]:
        command = root
        for name in path:
            command = command.commands[name]
        assert isinstance(command, FrenchGroup | FrenchCommand), path
        assert all(isinstance(p, FrenchOption | FrenchArgument) for p in command.params), path


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "portfolio")
def test_help_is_french_and_fits_80_columns(path: tuple[str, ...]) -> None:
    result = invoke(*path, "-h")
    assert result.exit_code == 0, result.output
    assert "Utilisation : portfolio" in result.output
    assert "Afficher cette aide et quitter." in flat(result.output)
    assert_french(result.output)


def test_help_names_kinds_of_values_and_defaults_in_french() -> None:
    out = invoke("build", "--help").output
    assert "SECONDES" in out
    assert "[par défaut : 300]" in out
    assert "DOSSIER" in out
    out = invoke("render", "--help").output
    assert "dossier|portfolio" in out
    assert "[obligatoire]" in out
    assert "SALARIÉ" in out
    out = invoke("--help").output
    assert "COMMANDE [ARGUMENTS]..." in out


def test_a_group_without_a_command_shows_its_french_help() -> None:
    result = invoke("log")
    assert "Commandes" in result.output
    assert_french(result.output)


# --- usage errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["plan", "w-1", "--budjet", "3"],
            "Option inconnue : --budjet ; vouliez-vous dire --budget ?",
        ),
        (
            ["render", "w-1", "--doc", "foo"],
            "--doc : « foo » n'est pas possible : choisissez dossier ou portfolio",
        ),
        (
            ["report", "--format", "xls"],
            "--format : « xls » n'est pas possible : choisissez pdf, html, csv ou json",
        ),
        (["plan"], "Il manque l'argument SALARIÉ"),
        (["log", "placement"], "Il manque l'argument SALARIÉ"),
        (["render", "w-1"], "Il manque l'option --doc : choisissez dossier ou portfolio"),
        (
            ["import", "timesheet", "absente.csv"],
            "FICHIER : le fichier « absente.csv » n'existe pas",
        ),
        (["check", "en-trop"], "En trop sur la ligne de commande : en-trop"),
        (["chek"], "Commande inconnue : chek ; vouliez-vous dire check ?"),
        (["log", "placment"], "Commande inconnue : placment ; vouliez-vous dire placement ?"),
        (["plan", "w-1", "--budget"], "L'option --budget attend une valeur"),
        (["assess", "--all=oui"], "L'option --all ne prend pas de valeur"),
        (["build", "--jobs", "x"], "--jobs : « x » n'est pas un nombre entier"),
        (["build", "--jobs", "0"], "--jobs : « 0 » est trop petit : au moins 1"),
        (
            ["check", "--as-of", "32/13/2024"],
            "--as-of : la date « 32/13/2024 » n'est pas une date valide",
        ),
        (["--verbose"], "Option inconnue : --verbose"),
    ],
)
def test_usage_errors_are_french(args: list[str], said: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert said in flat(result.output)
    assert "Erreur" in result.output
    assert_french(result.output)


def test_a_usage_error_shows_the_usage_and_where_to_find_help() -> None:
    out = flat(invoke("render", "w-1", "--doc", "foo").output)
    assert "Utilisation : portfolio render [OPTIONS] {SALARIÉ}" in out
    assert "Aide : portfolio render -h" in out


def test_a_folder_given_for_a_file_is_said_in_french(tmp_path: Path) -> None:
    result = invoke("import", "timesheet", str(tmp_path))
    assert result.exit_code == 2
    assert f"« {tmp_path} » est un dossier : donnez un fichier" in flat(result.output)
    assert_french(result.output)


# --- questions at the terminal ------------------------------------------------------------------


@pytest.fixture
def workspace(make_workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with one worker, and `forget` believing it runs at a terminal."""
    monkeypatch.setattr(privacy_cmds, "stdin_is_terminal", lambda: True)
    return make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})


def forget(workspace: Path, answers: str) -> Result:
    return invoke("forget", "w-0042", "-w", str(workspace), input=answers)


@pytest.mark.parametrize("answer", ["oui", "o", "OUI", "y"])
def test_yes_in_french_is_understood(workspace: Path, answer: str) -> None:
    result = forget(workspace, f"{answer}\n")
    assert result.exit_code == 0, result.output
    assert not (workspace / "workers" / "w-0042.yaml").exists()


@pytest.mark.parametrize("answer", ["non", "n", "Non", ""])
def test_no_or_nothing_keeps_everything(workspace: Path, answer: str) -> None:
    result = forget(workspace, f"{answer}\n")
    assert result.exit_code == 1
    assert "(oui/non) [non] :" in result.output
    assert "rien n'a été effacé" in result.output
    assert (workspace / "workers" / "w-0042.yaml").exists()


def test_another_answer_is_explained_and_asked_again(workspace: Path) -> None:
    result = forget(workspace, "peut-être\noui\n")
    assert result.exit_code == 0, result.output
    assert "« peut-être » : répondez « oui » ou « non »" in result.output
    assert result.output.count("(oui/non)") == 2


def test_the_end_of_the_input_aborts_in_french(workspace: Path) -> None:
    result = forget(workspace, "")
    assert result.exit_code == 1
    assert "Abandon." in result.output
    assert_no_english(result.output)
    assert (workspace / "workers" / "w-0042.yaml").exists()


def test_one_thing_to_erase_is_asked_in_the_singular(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(privacy_cmds, "stdin_is_terminal", lambda: True)
    root = write_tree(tmp_path / "ws", {"workspace.yaml": MINIMAL_WORKSPACE})
    write_tree(root, {"workers/w-0042.yaml": VALID_WORKER})
    result = forget(root, "non\n")
    assert "Effacer cet élément ? (oui/non)" in result.output
