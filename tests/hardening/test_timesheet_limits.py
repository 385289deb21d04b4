"""Timesheet limits (SPEC §9 `import timesheet`; issue 13 item 6).

A 5.5 MB XLSX expanding to 1.4 GB ran for 600 s at 2.5 GB; a 300 MB cell took 4 min and 4 GB and
was echoed to the terminal; a million rows were accepted, making 50 placements of about 20,000 h.
Now a file over 20 MB, a zip that expands too much, more than 50,000 rows or a cell of more than
1,000 characters is refused within seconds, in French, the cell never printed; and more hours than
24 a day is refused by `import` and by `log placement` (docs/import-feuilles-de-temps.md, Limites).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace
from typer.testing import CliRunner, Result

from portfolio.cli import app

HEADER = ["salarie", "client", "type_client", "date", "heures", "taches"]
CSV_HEADER = ";".join(HEADER) + "\n"
QUICK = 10.0
"""Seconds within which a refusal comes (the probes took 40 s to more than 200 s)."""


def worker_workspace(make_workspace: MakeWorkspace) -> Path:
    """A workspace with one valid worker, w-0042 (placement p1 at Mme D. until 2002-12-20)."""
    return make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})


@pytest.fixture
def root(make_workspace: MakeWorkspace) -> Path:
    return worker_workspace(make_workspace)


def run_import(root: Path, sheet: Path, *args: str) -> tuple[Result, float]:
    """`portfolio import timesheet`, and the seconds it took."""
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["import", "timesheet", str(sheet), "-w", str(root), *args])
    return result, time.perf_counter() - started


def printed(result: Result) -> str:
    """What the command wrote on stderr, hours spaced plainly (« 30 h »)."""
    return result.stderr.replace("\u00a0", " ")


def assert_refused(result: Result, seconds: float, *expected: str) -> None:
    """Refused with exit 1 and a French message, quickly, without a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output[-2000:]
    for text in expected:
        assert text in printed(result), result.stderr[-2000:]
    assert seconds < QUICK


def csv_file(root: Path, text: str | bytes) -> Path:
    path = root / "heures.csv"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


# --- XLSX written as hostile files are (openpyxl refuses to write them) ---------------------------


def text_cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def number_cell(value: str) -> str:
    """A number cell holding `value` as written: « 2 », or « abc » in a damaged file."""
    return f"<c><v>{value}</v></c>"


def sheet_row(*cells: str, number: int | None = None) -> str:
    """A <row>, numbered or (as openpyxl allows) following the previous one."""
    attribute = "" if number is None else f' r="{number}"'
    return f"<row{attribute}>{''.join(cells)}</row>"


def timesheet_row(
    client: str = "M. R.", hours: str = number_cell("2"), number: int | None = None
) -> str:
    return sheet_row(
        text_cell("w-0042"),
        text_cell(client),
        text_cell("particulier"),
        text_cell("03/02/2003"),
        hours,
        text_cell("repassage"),
        number=number,
    )


def xlsx_file(path: Path, rows: Iterable[str], level: int = 6) -> Path:
    """A workbook whose first sheet is the header row then `rows` (<row> elements), streamed
    into the zip."""
    template = io.BytesIO()
    Workbook().save(template)
    with zipfile.ZipFile(template) as source:
        parts = {n: source.read(n) for n in source.namelist() if n != "xl/worksheets/sheet1.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = [sheet_row(*map(text_cell, HEADER))]
            for row in rows:
                chunk.append(row)
                if len(chunk) == 1000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


# --- files over a size, zip bombs, too many rows ------------------------------------------------


def test_a_file_over_20_mb_is_refused_before_it_is_read(root: Path) -> None:
    row = b"w-0042;M. R.;particulier;03/02/2003;2;repassage\n"
    sheet = csv_file(root, CSV_HEADER.encode() + row * (21_000_000 // len(row)))
    result, seconds = run_import(root, sheet, "--dry-run")
    assert_refused(result, seconds, "heures.csv pèse 21 Mo, plus que les 20 Mo permis")
    assert seconds < 3


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(root: Path) -> None:
    """30 MB of identical rows compressed a thousand times: the probe's bomb, smaller."""
    rows = [timesheet_row() * 1000] * 130
    sheet = xlsx_file(root / "heures.xlsx", rows, level=9)
    assert sheet.stat().st_size < 300_000
    result, seconds = run_import(root, sheet, "--dry-run")
    assert_refused(result, seconds, "heures.xlsx : une partie du classeur se décompresse", "bombe")
    assert seconds < 3


def test_a_workbook_expanding_over_100_mb_is_refused_from_its_directory(root: Path) -> None:
    """Rows that compress like real ones (each numbered), 105 MB once uncompressed."""
    rows = (timesheet_row(client=f"Client {n}", number=n) for n in range(2, 440_000))
    sheet = xlsx_file(root / "heures.xlsx", rows, level=1)
    assert sheet.stat().st_size < 20_000_000
    result, seconds = run_import(root, sheet, "--dry-run")
    assert_refused(result, seconds, "Mo une fois décompressé, plus que les 100 Mo permis")
    assert seconds < 3


def test_more_than_50_000_rows_are_refused_while_reading(root: Path) -> None:
    """The million rows of the probe made 50 placements of 20,000 h; 50,001 are refused."""
    rows = "".join(
        f"w-0042;Client {n % 50};particulier;{1 + n % 28:02}/02/2003;1;repassage\n"
        for n in range(50_001)
    )
    result, seconds = run_import(root, csv_file(root, CSV_HEADER + rows), "--dry-run")
    assert_refused(
        result, seconds, "heures.csv compte plus de 50 000 lignes (ligne 50002 atteinte)"
    )


# --- cells over a length: refused where they are, never printed --------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_over_1000_characters_is_refused_without_being_printed(
    root: Path, kind: str
) -> None:
    client = "Mme " + "D" * 4_996
    if kind == "csv":
        sheet = csv_file(root, CSV_HEADER + f"w-0042;{client};particulier;03/02/2003;2;sols\n")
    else:
        sheet = xlsx_file(root / "heures.xlsx", [timesheet_row(client=client)])
    result, seconds = run_import(root, sheet)
    assert_refused(
        result,
        seconds,
        f"refusé : heures.{kind}, ligne 2, colonne B (client) : la cellule compte 5 000 "
        "caractères, plus que les 1 000 permis : raccourcissez-la",
    )
    assert "D" * 100 not in result.output
    assert (root / "workers" / "w-0042.yaml").read_text(encoding="utf-8") == VALID_WORKER


def test_a_csv_line_of_megabytes_is_refused_after_100_000_characters(root: Path) -> None:
    """The 300 MB cell of the probe, as a CSV line: never loaded whole, never printed."""
    cell = "A" * 5_000_000
    sheet = csv_file(root, CSV_HEADER + f"w-0042;{cell};particulier;03/02/2003;2;sols\n")
    result, seconds = run_import(root, sheet, "--dry-run")
    assert_refused(
        result,
        seconds,
        "heures.csv, ligne 2, colonne B : la cellule compte plus de 100 000 caractères, bien "
        "plus que les 1 000 permis : raccourcissez-la",
    )
    assert "A" * 100 not in result.output
    assert seconds < 3


# --- impossible hours ---------------------------------------------------------------------------


PERIOD_HEADER = "salarie;client;type_client;date;debut;fin;heures;taches\n"


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        (
            CSV_HEADER + "w-0042;M. R.;particulier;03/02/2003;30;sols\n",
            "refusé : heures.csv, ligne 2 : 30 h en 1 jour (le 03/02/2003), soit plus de 24 h par "
            "jour : corrigez les heures ou les dates",
        ),
        (
            PERIOD_HEADER + "w-0042;M. R.;particulier;;03/02/2003;05/02/2003;80;sols\n",
            "refusé : heures.csv, ligne 2 : 80 h en 3 jours (du 03/02/2003 au 05/02/2003), soit "
            "plus de 24 h",
        ),
        (  # each row is possible; together, at one client on one day, they are not
            CSV_HEADER
            + "w-0042;M. R.;particulier;03/02/2003;20;sols\n"
            + "w-0042;M. R.;particulier;03/02/2003;20;vitres\n",
            "refusé : heures.csv, lignes 2 à 3 : w-0042, mise à disposition p2 proposée : la "
            "mise à disposition « p2 » compte 40 h en 1 jour",
        ),
    ],
)
def test_more_than_24_hours_a_day_is_refused_by_import(
    root: Path, sheet: str, expected: str
) -> None:
    result, seconds = run_import(root, csv_file(root, sheet))
    assert_refused(result, seconds, expected, "rien n'a été écrit")
    assert (root / "workers" / "w-0042.yaml").read_text(encoding="utf-8") == VALID_WORKER


def test_more_than_24_hours_a_day_is_refused_by_log_placement(root: Path) -> None:
    args = ["log", "placement", "w-0042", "--client", "M. R.", "--client-kind", "particulier"]
    args += ["--start", "2003-02-03", "--end", "2003-02-04", "--hours", "49", "--yes"]
    result = CliRunner().invoke(app, [*args, "-w", str(root)])
    assert result.exit_code == 1, result.output
    assert (
        "erreur : la mise à disposition « p2 » compte 49 h en 2 jours (du 03/02/2003 au "
        "04/02/2003), soit plus de 24 h par jour : corrigez ses heures ou ses dates"
    ) in printed(result)
    assert "rien n'a été écrit" in result.stderr
    assert (root / "workers" / "w-0042.yaml").read_text(encoding="utf-8") == VALID_WORKER
