"""Timesheets that raised tracebacks (SPEC §9 `import timesheet`; issue 13 item 7).

A CSV field over 128 KB (one stray `"` in a 264 KB file) raised `_csv.Error`; an XLSX number cell
holding `abc` or `NaN` raised `ValueError`; an hours cell of `1e400` raised `OverflowError`. Each
is now a French message giving the row and the column, and what to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import MakeWorkspace
from test_timesheet_limits import (
    CSV_HEADER,
    assert_refused,
    csv_file,
    number_cell,
    run_import,
    timesheet_row,
    worker_workspace,
    xlsx_file,
)


@pytest.fixture
def root(make_workspace: MakeWorkspace) -> Path:
    return worker_workspace(make_workspace)


def test_a_stray_quote_in_a_264_kb_csv_is_located(root: Path) -> None:
    rows = ['w-0042;"M. R.;particulier;03/02/2003;2;sols\n']
    rows += [f"w-0042;M. R.;particulier;{1 + n % 28:02}/03/2003;1;sols\n" for n in range(6_500)]
    sheet = csv_file(root, CSV_HEADER + "".join(rows))
    assert 250_000 < sheet.stat().st_size < 280_000
    result, seconds = run_import(root, sheet, "--dry-run")
    assert_refused(
        result,
        seconds,
        "heures.csv, ligne 2, colonne B : la cellule se poursuit sur plus de 131 072 caractères : "
        'elle commence sans doute par un guillemet « " » jamais refermé',
        "refermez ce guillemet ou supprimez-le",
    )


@pytest.mark.parametrize("value", ["abc", "NaN", "1,5", "9" * 5_000])
def test_a_number_cell_holding_no_number_is_located(root: Path, value: str) -> None:
    rows = [timesheet_row(), timesheet_row(hours=number_cell(value))]
    result, seconds = run_import(root, xlsx_file(root / "heures.xlsx", rows), "--dry-run")
    assert_refused(
        result,
        seconds,
        "heures.xlsx, ligne 3, colonne E : la cellule est enregistrée comme un nombre mais n'en "
        "contient pas un : dans votre tableur, retapez sa valeur",
    )


@pytest.mark.parametrize("value", ["1e400", "-1e400", "9" * 400])
def test_an_hours_cell_too_big_for_a_number_is_refused_with_its_row(root: Path, value: str) -> None:
    rows = [timesheet_row(hours=number_cell(value))]
    result, seconds = run_import(root, xlsx_file(root / "heures.xlsx", rows))
    assert_refused(
        result,
        seconds,
        "refusé : heures.xlsx, ligne 2, colonne E (heures) : la cellule ne contient pas un nombre "
        "d'heures utilisable",
        "1 ligne refusée (ci-dessus) : rien n'a été écrit",
    )


def test_a_damaged_sheet_is_refused_after_the_last_row_read(root: Path) -> None:
    """A cell whose damage is not a number: no column to give, the row after which it is."""
    rows = [timesheet_row(), '<row><c t="s"><v>7</v></c></row>']
    result, seconds = run_import(root, xlsx_file(root / "heures.xlsx", rows), "--dry-run")
    assert_refused(result, seconds, "heures.xlsx : le classeur est endommagé après la ligne 2")
