"""Terminal escapes (SPEC §8; issue 13 item 8).

An ESC sequence read from a file or typed on the command line must never reach the terminal raw
(it can recolour it, move the cursor, retitle the window, or, with some terminals, write
files): every output shows control characters visibly (`\\x1b`). And stored text refuses them:
`check` reports a control character in any text of a worker file as an error located on it (a
tab and a line break only are allowed in a note).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_REFERENTIEL, VALID_WORKER, MakeWorkspace
from typer.testing import CliRunner, Result

from portfolio.cli import app

ESC = "\x1b"
RAW = (ESC, "\x07", "\x9b")
"""ESC, BEL (ends a window-title sequence) and CSI (ESC [ in one C1 byte)."""


def printed(result: Result) -> str:
    return result.stdout + result.stderr


def assert_no_raw_control(result: Result) -> None:
    assert not any(char in printed(result) for char in RAW), repr(printed(result)[-500:])


# --- refused in stored text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("first_name: Fatima", 'first_name: "Fatima\\e[31mROUGE"', 2, "first_name"),
        ("{name: Mme D., kind", '{name: "Mme D.\\e]0;titre\\a", kind', 9, "name"),
        ("- repassage", '- "repassage\\e[2J"', 14, "task"),
        ("last_name: B.", 'last_name: "B.\\tC."', 3, "last_name"),
        ("last_name: B.", 'last_name: "B.\\nC."', 3, "last_name"),
        ("last_name: B.", 'last_name: "B.\\x9b31m"', 3, "last_name"),
        ("    hours: 64\n", '    hours: 64\n    note: "ok\\e[8m"\n', 13, "note"),
        ("last_name: B.", "last_name: |\n  B.\n  C.", 3, "last_name"),
    ],
)
def test_a_control_character_in_a_worker_text_is_an_error_on_that_text(
    make_workspace: MakeWorkspace, run_check, old: str, new: str, line: int, field: str
) -> None:
    assert old in VALID_WORKER
    root = make_workspace(
        {"workers/w-0042.yaml": VALID_WORKER.replace(old, new), "catalog/ofa.yaml": VALID_CATALOG}
    )
    run = run_check(root)
    assert run.exit_code == 1, run.output
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert [(i.path, i.line) for i in errors] == [("workers/w-0042.yaml", line)], run.output
    assert f"« {field} » contient un caractère de contrôle" in errors[0].message
    assert ESC not in run.output


def test_a_tab_and_line_breaks_are_allowed_in_a_note(
    make_workspace: MakeWorkspace, run_check
) -> None:
    note = '    note: "Repasse seule.\\n\\tSoigneusement.\\n"\n'
    worker = VALID_WORKER.replace("    hours: 64\n", "    hours: 64\n" + note)
    root = make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    run = run_check(root)
    assert (run.exit_code, run.issues) == (0, [])


def test_the_message_names_the_character(make_workspace: MakeWorkspace, run_check) -> None:
    worker = VALID_WORKER.replace("first_name: Fatima", 'first_name: "Fatima\\e"')
    root = make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    (issue,) = run_check(root).issues
    assert "U+001B" in issue.message
    assert "supprimez-le" in issue.message


# --- shown visibly on the terminal --------------------------------------------------------------


def test_assess_never_prints_an_escape_stored_in_a_worker_file(
    make_workspace: MakeWorkspace,
) -> None:
    worker = VALID_WORKER.replace("first_name: Fatima", 'first_name: "Fatima\\e]0;pwned\\a"')
    root = make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    result = CliRunner().invoke(app, ["assess", "w-0042", "-w", str(root)])
    assert result.exit_code == 1  # refused: the stored escape is an error of `check`
    assert_no_raw_control(result)
    assert "workers/w-0042.yaml:2:13: erreur:" in printed(result)


@pytest.mark.parametrize("args", [["referentiels"], ["referentiels", "menage"]])
def test_referentiels_shows_an_escape_in_a_title_visibly(
    make_workspace: MakeWorkspace, args: list[str]
) -> None:
    title = "title: Ménage local"
    assert title in VALID_REFERENTIEL
    hostile = VALID_REFERENTIEL.replace(title, 'title: "Ménage \\e]0;pwned\\a\\e[2J"')
    root = make_workspace({"referentiels/menage.yaml": hostile})
    result = CliRunner().invoke(app, [*args, "-w", str(root)], terminal_width=200)
    assert result.exit_code == 0, printed(result)
    assert_no_raw_control(result)
    assert "\\x1b]0;pwned" in printed(result)


@pytest.mark.parametrize("command", ["assess", "plan", "forget"])
def test_an_escape_in_a_command_line_value_is_shown_visibly(
    make_workspace: MakeWorkspace, command: str
) -> None:
    root = make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})
    ident = f"{ESC}]0;pwned\x07{ESC}[2J"
    result = CliRunner().invoke(app, [command, ident, "-w", str(root)])
    assert result.exit_code == 2
    assert_no_raw_control(result)
    assert "\\x1b]0;pwned\\x07" in result.stderr


def test_forget_lists_a_file_name_holding_an_escape_visibly(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    root = make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})
    (root / "documents").mkdir()
    (root / "documents" / f"w-0042{ESC}[2J-dossier.pdf").write_bytes(b"%PDF")
    result = CliRunner().invoke(app, ["forget", "w-0042", "--yes", "-w", str(root)])
    assert result.exit_code == 0, printed(result)
    assert_no_raw_control(result)
    assert "w-0042\\x1b[2J-dossier.pdf" in printed(result)
    assert not (root / "documents" / f"w-0042{ESC}[2J-dossier.pdf").exists()


def test_terminal_safe_escapes_controls_separators_and_bidi_overrides() -> None:
    from portfolio.issues import terminal_safe

    assert terminal_safe("a\x1b[31mb\x07\x9b\n\u2028\u202eé\u00a0ü\t") == (
        "a\\x1b[31mb\\x07\\x9b\\n\\u2028\\u202eé\u00a0ü\\t"
    )
