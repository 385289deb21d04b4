"""Terminal escapes on the recording side (SPEC §8, §9; issue 13 item 8).

An ESC sequence in a timesheet cell was printed raw, stored in the worker file and printed again by
later commands. A control character in a timesheet cell, or in the value of a `log` or
`worker new` option, is now refused with its row and column (or its option), shown visibly
(`\\x1b`), and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from support import VALID_WORKER, MakeWorkspace
from test_timesheet_limits import CSV_HEADER, csv_file, run_import, worker_workspace
from typer.testing import CliRunner, Result

from portfolio.cli import app

ESC = "\x1b"
RAW = (ESC, "\x07", "\x9b")
HOSTILE = f"Mme D.{ESC}[2J{ESC}[31mRouge"


@pytest.fixture
def root(make_workspace: MakeWorkspace) -> Path:
    return worker_workspace(make_workspace)


def assert_nothing_raw(result: Result) -> None:
    printed = result.stdout + result.stderr
    assert not any(char in printed for char in RAW), repr(printed[-500:])


def worker_unchanged(root: Path) -> bool:
    return (root / "workers" / "w-0042.yaml").read_text(encoding="utf-8") == VALID_WORKER


# --- timesheet cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (f"w-0042;{HOSTILE};particulier;03/02/2003;2;sols", "colonne B (client)"),
        (f"w-0042;M. R.;particulier;03/02/2003;2;sols | vitres{ESC}[8m", "colonne F (taches)"),
        (f"w-0042;M. R.;particulier;03/02/2003;2{ESC};sols", "colonne E (heures)"),
        (f"w-0042;M. R.;particulier{ESC}[1m\x07;03/02/2003;2;sols", "colonne C (type_client)"),
    ],
)
def test_a_control_character_in_a_timesheet_cell_is_refused_where_it_is(
    root: Path, row: str, where: str
) -> None:
    result, _ = run_import(root, csv_file(root, CSV_HEADER + row + "\n"))
    assert result.exit_code == 1, result.output
    assert (
        f"refusé : heures.csv, ligne 2, {where} : la cellule contient un caractère de contrôle "
        "invisible (U+001B), qui peut commander le terminal ou les documents qui l'affichent : "
        "supprimez-le"
    ) in result.stderr
    assert_nothing_raw(result)
    assert worker_unchanged(root)


def test_a_c1_control_in_an_xlsx_cell_is_refused(root: Path) -> None:
    """CSI (U+009B, « ESC [ » in one character) is valid XML: openpyxl reads it as it is."""
    book = Workbook()
    book.active.append(["salarie", "client", "type_client", "date", "heures"])
    book.active.append(["w-0042", "M. R.\x9b2J", "particulier", "03/02/2003", 2])
    book.save(root / "heures.xlsx")
    result, _ = run_import(root, root / "heures.xlsx")
    assert result.exit_code == 1, result.output
    assert (
        "refusé : heures.xlsx, ligne 2, colonne B (client) : la cellule contient un caractère"
        in (result.stderr)
    )
    assert "(U+009B)" in result.stderr
    assert_nothing_raw(result)
    assert worker_unchanged(root)


def test_a_line_break_is_refused_in_a_name_but_separates_tasks(root: Path) -> None:
    rows = 'w-0042;"M. R.\nMairie";particulier;03/02/2003;2;sols\n'
    rows += 'w-0042;M. R.;particulier;10/02/2003;2;"sols\nvitres"\n'
    result, _ = run_import(root, csv_file(root, CSV_HEADER + rows), "--dry-run")
    assert (
        "refusé : heures.csv, ligne 2, colonne B (client) : la cellule tient sur plusieurs "
        "lignes : écrivez-la sur une seule"
    ) in result.stderr
    assert "ligne 4 ; tâches : sols, vitres" in result.stdout


def test_an_escape_in_a_column_name_is_shown_visibly(root: Path) -> None:
    header = CSV_HEADER.rstrip("\n") + f";remarque{ESC}[31m\x07\n"
    result, _ = run_import(
        root,
        csv_file(root, header + "w-0042;M. R.;particulier;03/02/2003;2;sols;ok\n"),
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert "Colonnes ignorées : remarque\\x1b[31m\\x07." in result.stderr
    assert_nothing_raw(result)


# --- option values ------------------------------------------------------------------------------

PLACEMENT = ["log", "placement", "w-0042", "--client", "M. R.", "--client-kind", "particulier"]
PLACEMENT += ["--start", "2003-02-03", "--end", "2003-02-07", "--hours", "10", "--yes"]
OBSERVATION = ["log", "observation", "w-0042", "--competency", "advf.ccp1.c3", "--level", "3"]
OBSERVATION += ["--by", "Mme D.", "--role", "tuteur", "--date", "2003-02-03", "--yes"]
NEW_WORKER = ["worker", "new", "--first-name", "Ana", "--last-name", "K.", "--id", "ana-k"]
NEW_WORKER += ["--association", "ai-est", "--no-consent", "--yes"]


def with_option(command: list[str], flag: str, value: str) -> list[str]:
    """The command with `flag` given `value` (replaced if it is there, else added)."""
    if flag in command:
        at = command.index(flag)
        return [*command[: at + 1], value, *command[at + 2 :]]
    return [*command, flag, value]


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (PLACEMENT, "--client"),
        (PLACEMENT, "--tutor"),
        (PLACEMENT, "--service"),
        (PLACEMENT, "--means"),
        (PLACEMENT, "--task"),
        (PLACEMENT, "--note"),
        (OBSERVATION, "--by"),
        (OBSERVATION, "--note"),
        (NEW_WORKER, "--first-name"),
        (NEW_WORKER, "--last-name"),
        (NEW_WORKER, "--conseiller"),
    ],
)
def test_a_control_character_in_an_option_is_refused_naming_the_option(
    root: Path, command: list[str], flag: str
) -> None:
    args = with_option(command, flag, HOSTILE)
    result = CliRunner().invoke(app, [*args, "-w", str(root)])
    assert result.exit_code == 2, result.output
    assert (
        f"{flag} : la valeur contient un caractère de contrôle invisible (U+001B), qui peut "
        "commander le terminal ou les documents qui l'affichent : supprimez-le"
    ) in result.stderr
    assert_nothing_raw(result)
    assert worker_unchanged(root)
    assert not (root / "workers" / "ana-k.yaml").exists()


def test_a_note_may_hold_line_breaks_and_tabs(root: Path) -> None:
    args = with_option(PLACEMENT, "--note", "Repasse seule.\n\tSoigneusement.")
    result = CliRunner().invoke(app, [*args, "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "Soigneusement" in (root / "workers" / "w-0042.yaml").read_text(encoding="utf-8")
