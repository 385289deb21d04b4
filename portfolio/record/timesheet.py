"""Timesheets exported from payroll or scheduling software → placements (SPEC §9 `import`).

Reading a file (CSV or XLSX) gives rows of cells; `parse_rows` turns them into checked rows or
rejections, each with the row number a spreadsheet shows; `group_rows` joins the rows of one
worker at one client that follow each other into one placement; `plan_import` adds those
placements to the worker files' text and judges each by the rules of `portfolio check`.
The column names, the grouping rule and the limits on what is read are documented in
docs/import-feuilles-de-temps.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, TypeVar
from xml.etree import ElementTree

from portfolio.checks import HOURS_PER_DAY, client_key
from portfolio.french import (
    CLIENT_KINDS,
    InputError,
    closest,
    did_you_mean,
    fold,
    fr_date,
    fr_number,
    message_hours,
    parse_date,
    parse_hours,
    plural,
)
from portfolio.issues import CONTROL_CHARACTERS, PortfolioError
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.record.changes import Verdict, check_updated_worker, current_issues
from portfolio.record.entries import number, placement_entry
from portfolio.record.queries import next_placement_id
from portfolio.record.yamltext import append_entry

T = TypeVar("T")

COLUMNS: dict[str, tuple[str, ...]] = {
    "worker": ("salarie", "salariee", "id_salarie", "identifiant", "matricule", "worker"),
    "client": ("client", "nom_client", "utilisateur", "client_name"),
    "client_kind": ("type_client", "type", "categorie_client", "client_kind", "kind"),
    "date": ("date", "jour"),
    "start": ("debut", "date_debut", "start"),
    "end": ("fin", "date_fin", "end"),
    "hours": ("heures", "nb_heures", "nombre_heures", "duree", "hours"),
    "tasks": ("taches", "tache", "activites", "travaux", "tasks"),
    "tutor": ("tuteur", "tutrice", "referent", "tutor"),
    "service": ("service",),
}
"""Accepted column names, compared folded: lower case, no accents, small words such as « de »
dropped, the other words joined by « _ » (so « Type de client » is type_client)."""
_ALIASES = {alias: name for name, names in COLUMNS.items() for alias in names}

REQUIRED = ("worker", "client", "hours")
_TASK_SEPARATORS = re.compile(r"[|;\n]")
_KIND_WORDS = {
    "particulier": "particulier",
    "particuliers": "particulier",
    "collectivite": "collectivite",
    "collectivites": "collectivite",
    "association": "association",
    "associations": "association",
    "entreprise": "entreprise",
    "entreprises": "entreprise",
}


class TimesheetError(PortfolioError):
    """The file as a whole cannot be read (format, encoding, header, limits)."""


class CellError(InputError):
    """A row refused for one of its cells: `column` names it as a spreadsheet shows it
    (« colonne D (date) »), so that the user finds the cell to correct."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


# --- limits -------------------------------------------------------------------------------------
# A timesheet comes from outside (payroll software, a spreadsheet, a mail attachment): every limit
# is checked while reading, so that a hostile or broken file is refused within seconds, in French,
# without printing what it holds. docs/import-feuilles-de-temps.md (« Limites ») gives the figures.

MAX_FILE_BYTES = 20_000_000
"""A larger file is refused before it is read: a year of a federation (MAX_ROWS rows) is about
5 MB of CSV or 2 MB of XLSX."""
MAX_ROWS = 50_000
"""Rows after the header: a year of timesheets of a federation, about 200 workers entered every
working day or 1,000 entered once a week. A million rows made 50 placements of 20,000 h."""
MAX_CELL_CHARACTERS = 1_000
"""A cell of a column the import reads; longer is a mistake (in a CSV file, a quote never closed
reads the rest of the file as one cell), refused without printing the cell."""
MAX_LINE_CHARACTERS = 100_000
"""A CSV line is read at most this long, so that a line of 300 MB is refused after 100,000
characters instead of being loaded whole."""
MAX_COLUMNS = 200
"""Columns of an XLSX sheet that are read: openpyxl pads every row to the width it is given."""
MAX_XLSX_EXPANDED_BYTES = 100_000_000
"""All the entries of an XLSX zip once uncompressed (a sheet of MAX_ROWS rows of ten columns is
about 25 MB), read from the zip's directory before openpyxl opens the file: Python's zipfile
never uncompresses more than an entry declares."""
MAX_ZIP_RATIO = 100
"""Uncompressed / compressed size of a zip entry larger than ZIP_RATIO_FLOOR: spreadsheet XML
compresses 5 to 20 times, a zip bomb 250 to 1,000 times."""
ZIP_RATIO_FLOOR = 1_000_000
HEADER_SEARCH_ROWS = 20
"""Non-empty rows searched for the one that names the columns: payroll software writes a title,
the association and the period above it."""
XLSX_SHEET_ROWS = 1_048_576
"""The last row of a spreadsheet: a sheet claiming a row beyond it is damaged (openpyxl would
first give every empty row before it)."""

_QUOTE_HINT = (
    " ; dans un fichier .csv, vérifiez aussi qu'un guillemet « \" » ouvert en début de cellule "
    "est refermé : un guillemet seul fait lire la suite du fichier comme une seule cellule"
)


def column_letter(index: int) -> str:
    """The letter a spreadsheet shows for a column, from its 0-based index: 0 → A, 26 → AA."""
    letters = ""
    position = index + 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _count(count: int) -> str:
    """« 50 000 »: a count in a one-line message."""
    return fr_number(count, 0, thousands=" ")


def _megabytes(size: int) -> str:
    """« 21,4 »: a size in megabytes, to the tenth."""
    return fr_number(size / 1_000_000, 1, thousands=" ")


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    """(row number as a spreadsheet shows it, cells) of every non-empty row after the header; the
    cells stop at the last column the import reads."""
    header_row: int = 1
    titles: tuple[int, ...] = ()
    """Rows left out around the header: titles above it (association, period…), and sub-titles
    just under a header whose cells are merged."""
    spans: Mapping[int, int] = field(default_factory=dict)
    """Column of a header cell merged over several columns → the last of them: the field of
    that column reads them all (« Salarié » over « Nom » and « Prénom »)."""


def read_table(path: Path) -> Table:
    """A timesheet file, CSV or XLSX by its suffix; one over MAX_FILE_BYTES is refused unread."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TimesheetError(
            f"format non reconnu « {path.suffix or path.name} » : enregistrez la feuille de "
            "temps en .csv ou .xlsx",
            exit_code=2,
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TimesheetError(
            f"{path.name} pèse {_megabytes(size)} Mo, plus que les "
            f"{_count(MAX_FILE_BYTES // 1_000_000)} Mo permis pour une feuille de temps (un an "
            "d'une fédération en pèse environ 5) : découpez-la, par exemple par mois ou par "
            "association, et importez les morceaux l'un après l'autre"
        )
    if suffix == ".xlsx":
        return read_xlsx(path)
    with path.open("rb") as stream:
        return read_csv(stream, path.name)


def read_csv(stream: BinaryIO, name: str) -> Table:
    """A CSV file read line by line: UTF-8 (with or without BOM), else Windows-1252 as old Excel
    saves it (read again from the start); separator `;` (French Excel), `,` or a tab (see
    `csv_delimiter`)."""
    try:
        return _read_csv(stream, name, "utf-8-sig", "strict")
    except UnicodeDecodeError:
        stream.seek(0)
        return _read_csv(stream, name, "cp1252", "replace")


def _read_csv(stream: BinaryIO, name: str, encoding: str, errors: str) -> Table:
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    try:
        lines = _Lines(text, name)
        lines.delimiter = csv_delimiter(lines.head(HEADER_SEARCH_ROWS))
        return _table(_csv_rows(lines), name)
    finally:
        text.detach()  # the caller's stream stays open, to be read again as Windows-1252


class _Lines:
    """The lines of a CSV text for `csv.reader`, none longer than MAX_LINE_CHARACTERS; it
    remembers where the record being read starts, to locate a cell that cannot be read."""

    def __init__(self, text: TextIO, name: str) -> None:
        self.name = name
        self.delimiter = ";"
        self.number = 0
        """The line last given to the reader (the first line of the file is 1)."""
        self.record_start = 1
        self.record_first = ""
        """The first line of the record being read (cut at MAX_LINE_CHARACTERS)."""
        self._text = text
        self._ahead: list[str] = []
        self._new_record = True

    def head(self, filled: int) -> list[str]:
        """The lines up to the `filled`-th that is not blank, to choose the separator; they are
        given to the reader all the same. Blank lines count too, up to a thousand, so that a file
        of blank lines is not held in memory."""
        count = sum(1 for line in self._ahead if line.strip())
        while count < filled and len(self._ahead) < 1_000:
            line = self._text.readline(MAX_LINE_CHARACTERS + 1)
            if not line:
                break
            self._ahead.append(line)
            count += bool(line.strip())
        return list(self._ahead)

    def new_record(self) -> None:
        self._new_record = True

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._ahead.pop(0) if self._ahead else self._text.readline(MAX_LINE_CHARACTERS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if self._new_record:
            self.record_start, self.record_first, self._new_record = self.number, line, False
        if len(line) > MAX_LINE_CHARACTERS:
            raise self._too_long()
        return line

    def last_cell(self) -> tuple[int, str]:
        """The 0-based column and text of the last cell begun on the record's first line: the
        one that runs on too long."""
        cells = next(csv.reader([self.record_first], delimiter=self.delimiter), None) or [""]
        return len(cells) - 1, cells[-1]

    def _too_long(self) -> TimesheetError:
        column, cell = self.last_cell()
        where = f"{self.name}, ligne {self.record_start}"
        if self.record_start == self.number and len(cell) <= MAX_CELL_CHARACTERS:
            return TimesheetError(
                f"{where} : la ligne compte plus de {_count(MAX_LINE_CHARACTERS)} caractères : "
                "ouvrez le fichier dans votre tableur pour la vérifier, puis enregistrez-le de "
                "nouveau en .csv"
            )
        hint = _QUOTE_HINT if self.record_start != self.number else ""
        return TimesheetError(
            f"{where}, colonne {column_letter(column)} : la cellule compte plus de "
            f"{_count(MAX_LINE_CHARACTERS)} caractères, bien plus que les "
            f"{_count(MAX_CELL_CHARACTERS)} permis : raccourcissez-la{hint}"
        )


_DELIMITERS = (";", ",", "\t")


def csv_delimiter(head: Sequence[str]) -> str:
    """The separator under which one of the first lines names the columns: the title lines above
    the header (« Période : janvier, février ») may hold more commas than the header itself.
    Else, for the message that no line names them, the one a line uses most."""
    ranked = sorted(_DELIMITERS, key=lambda d: -max((line.count(d) for line in head), default=0))
    for delimiter in ranked:
        try:
            if any(header_columns(cells) for cells in csv.reader(head, delimiter=delimiter)):
                return delimiter
        except csv.Error:  # a cell over the size limit: the reading proper will say where
            continue
    return ranked[0]


def _csv_rows(lines: _Lines) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV text, each numbered by the line where it starts."""
    reader = csv.reader(lines, delimiter=lines.delimiter)
    while True:
        lines.new_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:  # the only one a default dialect raises: a cell over its size limit
            column, _ = lines.last_cell()
            raise TimesheetError(
                f"{lines.name}, ligne {lines.record_start}, colonne {column_letter(column)} : la "
                f"cellule se poursuit sur plus de {_count(csv.field_size_limit())} caractères : "
                'elle commence sans doute par un guillemet « " » jamais refermé, qui fait lire '
                "la suite du fichier comme une seule cellule ; refermez ce guillemet ou "
                "supprimez-le"
            ) from None
        yield lines.record_start, cells


def read_xlsx(path: Path) -> Table:
    """The first sheet of an Excel workbook, in openpyxl's read-only mode (row by row); dates
    and numbers keep their cell types. The zip is checked before openpyxl opens it."""
    _check_zip(path)
    from openpyxl import load_workbook  # imported here: loading it costs a third of a second

    with warnings.catch_warnings():
        # openpyxl warns in English (a date cell out of range becomes #VALUE!, no default
        # style); what matters reaches the user as the French refusal of the cell.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
            raise _unreadable_workbook(path, exc) from None
        try:
            if not book.worksheets:
                raise TimesheetError(
                    f"le classeur Excel « {path.name} » n'a aucune feuille de calcul : mettez la "
                    "feuille de temps en première feuille du classeur"
                )
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # the rows as they are, not as the sheet's header claims
            return _table(_xlsx_rows(path, sheet), path.name, lambda row: _merged(path, row))
        finally:
            book.close()


def _unreadable_workbook(path: Path, exc: Exception) -> TimesheetError:
    return TimesheetError(
        f"impossible de lire le classeur Excel « {path.name} » ({exc.__class__.__name__}) : "
        "ouvrez-le dans votre tableur et enregistrez-le de nouveau en .xlsx"
    )


def _check_zip(path: Path) -> None:
    """Refuse a zip bomb from the sizes the zip's directory declares, before uncompressing."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable_workbook(path, exc) from None
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > ZIP_RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise TimesheetError(
                f"{path.name} : une partie du classeur se décompresse en un fichier "
                f"{_count(round(ratio))} fois plus gros (au plus {MAX_ZIP_RATIO} fois pour une "
                "feuille de calcul) : c'est la marque d'un fichier piégé (« bombe zip »), qui "
                "n'est pas lu ; demandez une nouvelle exportation de la feuille de temps"
            )
    expanded = sum(entry.file_size for entry in entries)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise TimesheetError(
            f"{path.name} : le classeur occupe {_megabytes(expanded)} Mo une "
            f"fois décompressé, plus que les {_count(MAX_XLSX_EXPANDED_BYTES // 1_000_000)} Mo "
            "permis (un an d'une fédération en occupe environ 25) : découpez la feuille de "
            "temps, par exemple par mois ou par association"
        )


def _xlsx_rows(path: Path, sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The non-empty rows of a sheet, numbered as the spreadsheet shows them. A cell openpyxl
    cannot read (a number cell holding « abc ») stops the reading, with its place."""
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    row_number = 0
    while True:
        try:
            cells = next(rows, None)
        except Exception:  # openpyxl lets ValueError, OverflowError… out of a damaged cell
            raise _unreadable_cell(path, row_number) from None
        if cells is None:
            return
        row_number += 1
        if row_number > XLSX_SHEET_ROWS:
            raise TimesheetError(
                f"{path.name} : la feuille dépasse la ligne {_count(XLSX_SHEET_ROWS)}, la "
                "dernière d'un tableur : le classeur est endommagé ; ouvrez-le dans votre "
                "tableur et enregistrez-le de nouveau en .xlsx"
            )
        if cells.count(None) < len(cells):
            yield row_number, ["" if c is None else c for c in cells]


_SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _unreadable_cell(path: Path, after: int) -> TimesheetError:
    place = _bad_number_cell(path, after)
    if place is None:
        return TimesheetError(
            f"{path.name} : le classeur est endommagé après la ligne {after} : ouvrez-le dans "
            "votre tableur et enregistrez-le de nouveau en .xlsx"
        )
    row, column = place
    return TimesheetError(
        f"{path.name}, ligne {row}, colonne {column_letter(column)} : la cellule est enregistrée "
        "comme un nombre mais n'en contient pas un : dans votre tableur, retapez sa valeur (ou "
        "effacez-la), puis enregistrez de nouveau le classeur en .xlsx"
    )


def _bad_number_cell(path: Path, after: int) -> tuple[int, int] | None:
    """Where openpyxl stopped: (row, 0-based column) of the first cell after row `after` typed
    as a number or a yes/no whose value is not one; None when the damage is something else.
    Read again with ElementTree, only once reading has failed."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _first_sheet_part(archive)
            if part is None:
                return None
            with archive.open(part) as source:
                return _first_bad_number(source, after)
    except (
        OSError,
        KeyError,
        ValueError,
        OverflowError,
        zipfile.BadZipFile,
        ElementTree.ParseError,
    ):
        return None


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip entry of the workbook's first sheet: xl/workbook.xml names it, its relationships
    give the entry."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_SPREADSHEET}sheets/{_SPREADSHEET}sheet")
    if sheet is None:
        return None
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    wanted = sheet.get(_RELATIONSHIP_ID)
    target = next(
        (r.get("Target", "") for r in links.iter(_RELATIONSHIP) if r.get("Id") == wanted), ""
    )
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


def _merged(path: Path, row: int) -> dict[int, int]:
    """The cells merged across columns on a row of the first sheet: 0-based first column → last.
    openpyxl's read-only mode does not read them, and gives a merged cell's value in its first
    column only; the sheet's XML lists them after its rows."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _first_sheet_part(archive)
            if part is None:
                return {}
            with archive.open(part) as source:
                tail = _after_rows(source)
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    spans = {}
    for found in _MERGE_CELL.finditer(tail):
        first, top, last, bottom = (g.decode("ascii") for g in found.groups())
        if int(top) <= row <= int(bottom) and _column_index(last) > _column_index(first):
            spans[_column_index(first)] = _column_index(last)
    return spans


def _after_rows(source: IO[bytes]) -> bytes:
    """What a sheet's XML holds after its rows (merged cells among it), read in blocks without
    keeping the rows."""
    carry = b""
    while block := source.read(1 << 20):
        data = carry + block
        end = _SHEET_DATA_END.search(data)
        if end is not None:
            return data[end.end() :] + source.read()
        carry = data[-32:]
    return b""


def _first_bad_number(source: IO[bytes], after: int) -> tuple[int, int] | None:
    """Rows and columns counted as openpyxl counts them: from their `r` attribute, or one after
    the previous."""
    row = column = 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row, column = int(float(element.get("r", row + 1))), -1
        elif tag == "c":
            reference = element.get("r")
            column = _column_index(reference) if reference else column + 1
            value = element.findtext(f"{_SPREADSHEET}v")
            if row > after and value and not _readable(element.get("t", "n"), value):
                return row, column
            element.clear()
        elif tag == "row":
            element.clear()
    return None


def _column_index(reference: str) -> int:
    """« AB12 » → 27: the 0-based column of a cell reference."""
    index = 0
    for letter in reference.rstrip("0123456789").upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _readable(kind: str, value: str) -> bool:
    """Whether openpyxl reads the value of a cell of this type: a number as its `_cast_number`
    does, a yes/no as an integer."""
    try:
        if kind == "n":
            float(value) if any(c in value for c in ".eE") else int(value)
        elif kind == "b":
            int(value)
    except ValueError:
        return False
    return True


def _table(
    rows: Iterable[tuple[int, list[Any]]],
    name: str,
    merged: Callable[[int], dict[int, int]] = lambda _: {},
) -> Table:
    """The first row naming the columns (`header_columns`) among the first HEADER_SEARCH_ROWS
    non-empty ones is the header, the rows above it are titles; then at most MAX_ROWS non-empty
    rows, each cut after the last column the import reads. `merged` gives the horizontal
    merged cells of a row (XLSX only)."""
    header: list[str] | None = None
    above: list[tuple[int, list[Any]]] = []
    titles: list[int] = []
    spans: dict[int, int] = {}
    header_row = width = 0
    body: list[tuple[int, list[Any]]] = []
    for row_number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        if header is None:
            columns = header_columns(cells)
            if columns is None:
                above.append((row_number, cells[:MAX_COLUMNS]))
                if len(above) == HEADER_SEARCH_ROWS:
                    raise _no_header(above, name)
                continue
            header, header_row = _header(row_number, cells, name), row_number
            titles = [n for n, _ in above]
            spans = {c: last for c, last in merged(row_number).items() if c in columns.values()}
            width = 1 + max([*columns.values(), *spans.values()])
        elif not body and spans and _subtitles(cells, header, spans):
            titles.append(row_number)
        elif len(body) == MAX_ROWS:
            raise TimesheetError(
                f"{name} compte plus de {_count(MAX_ROWS)} lignes (ligne {row_number} "
                "atteinte), plus qu'un an de feuilles de temps d'une fédération : découpez-le, "
                "par exemple par mois ou par association, et importez les morceaux l'un après "
                "l'autre"
            )
        else:
            body.append((row_number, cells[:width]))
    if header is None:
        if above:
            raise _no_header(above, name)
        raise TimesheetError(
            f"la feuille de temps {name} est vide : une ligne doit nommer les colonnes "
            f"({_expected()}), puis une ligne par journée ou période de travail"
        )
    return Table(header, body, header_row, tuple(titles), spans)


def _header(row_number: int, cells: list[Any], name: str) -> list[str]:
    titles = [str(c) for c in cells[:MAX_COLUMNS]]
    for index, title in enumerate(titles):
        if len(title) > MAX_CELL_CHARACTERS:
            raise TimesheetError(
                f"{name}, ligne {row_number}, colonne {column_letter(index)} : le nom de colonne "
                f"compte plus de {_count(MAX_CELL_CHARACTERS)} caractères : raccourcissez-le "
                f"(la ligne des noms de colonnes doit nommer {_expected()})"
            )
    return titles


def header_columns(cells: Sequence[Any]) -> dict[str, int] | None:
    """Which cell holds which field, when this row names the columns an import needs (REQUIRED,
    and a date or a start and an end); None for a title row or a data row. Shared with
    `portfolio forget`, which finds a person's rows in the timesheets kept in the workspace."""
    found: dict[str, int] = {}
    for index, title in enumerate(cells[:MAX_COLUMNS]):
        if isinstance(title, str) and len(title) <= MAX_CELL_CHARACTERS:
            field_name = _ALIASES.get(_column_key(title))
            if field_name is not None:
                found.setdefault(field_name, index)
    return None if _missing(found) else found


def _missing(found: Iterable[str]) -> list[str]:
    """The columns an import needs that `found` lacks, by their first accepted name."""
    names = set(found)
    missing = [COLUMNS[n][0] for n in REQUIRED if n not in names]
    if "date" not in names and not {"start", "end"} <= names:
        missing.append("date (ou debut et fin)")
    return missing


def _expected() -> str:
    """« salarie, client, heures, et date (ou debut et fin) »: the columns an import needs."""
    return f"{', '.join(COLUMNS[n][0] for n in REQUIRED)}, et date (ou debut et fin)"


_QUOTED_CELL = 40
"""Characters of a cell quoted in the message that no row names the columns."""
_QUOTED_ROWS = 4


def _no_header(above: Sequence[tuple[int, list[Any]]], name: str) -> TimesheetError:
    """No row names the columns: the row naming most of them says which are missing; else the
    first rows are quoted (cut short), so that the user sees what was read."""
    known = [
        (sum(1 for c in cells if _ALIASES.get(_column_key(str(c)))), number, cells)
        for number, cells in above
    ]
    best, number, cells = max(known, key=lambda k: (k[0], -k[1]))
    if best >= 2:
        found = {_ALIASES[_column_key(str(c))] for c in cells if _ALIASES.get(_column_key(str(c)))}
        read = ", ".join(_quoted(c) for c in cells if str(c).strip())
        return TimesheetError(
            f"{name}, ligne {number} : colonnes manquantes : {', '.join(_missing(found))} "
            f"(colonnes lues : {read}) ; les noms acceptés sont donnés par « portfolio import "
            "timesheet --help »"
        )
    seen = " ; ".join(
        f"ligne {n} « {' | '.join(_quoted(c) for c in row if str(c).strip())} »"
        for n, row in above[:_QUOTED_ROWS]
    )
    return TimesheetError(
        f"{name} : aucune des {_count(len(above))} premières lignes remplies ne nomme les "
        f"colonnes ; il en faut une qui nomme au moins {_expected()} (lu : {seen}) ; les noms "
        "acceptés sont donnés par « portfolio import timesheet --help »"
    )


def _quoted(cell: Any) -> str:
    text = " ".join(str(cell).split())
    return text if len(text) <= _QUOTED_CELL else text[: _QUOTED_CELL - 1] + "…"


def _subtitles(cells: Sequence[Any], header: Sequence[str], spans: Mapping[int, int]) -> bool:
    """Whether the row under a header with merged cells names the parts of a merged cell
    (« Nom », « Prénom » under « Salarié »): every filled cell lies under a merged header cell,
    and no cell holds hours."""
    hours = next(i for i, t in enumerate(header) if _ALIASES.get(_column_key(t)) == "hours")
    if hours < len(cells) and str(cells[hours]).strip():
        return False
    covered = {c for first, last in spans.items() for c in range(first, last + 1)}
    return all(i in covered for i, c in enumerate(cells) if str(c).strip())


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    number: int
    worker: str
    client: str
    client_kind: str
    start: dt.date
    end: dt.date
    hours: float
    tasks: tuple[str, ...]
    tutor: str | None
    service: str | None
    written: str = ""
    """The worker as the cell names them, when not by id (« Fatima Benali »), shown in the
    summary so that the user sees who was understood."""


@dataclass(frozen=True)
class Rejection:
    rows: tuple[int, ...]
    reason: str
    column: str | None = None
    """The column of the cell at fault (« colonne D (date) »), when one is."""

    def render(self) -> str:
        """« ligne 8, colonne D (date) : … », « lignes 2 à 5 : … »."""
        where = rows_text(self.rows) + (f", {self.column}" if self.column else "")
        return f"{where} : {self.reason}"


_HEADER_STOP_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "en"})


def _column_key(name: str) -> str:
    """« Type de client » → type_client, « Nombre d'heures » → nombre_heures."""
    words = re.split(r"[^a-z0-9]+", fold(str(name)))
    return "_".join(w for w in words if w and w not in _HEADER_STOP_WORDS)


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell holds which field, and the columns that mean nothing here (to be told)."""
    found: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        name = _ALIASES.get(_column_key(title))
        if name is None or name in found:
            if str(title).strip():
                ignored.append(str(title))
            continue
        found[name] = index
    missing = _missing(found)
    if missing:
        raise TimesheetError(
            f"colonnes manquantes : {', '.join(missing)} (colonnes lues : "
            f"{', '.join(str(h) for h in header)}) ; les noms acceptés sont donnés par "
            "« portfolio import timesheet --help »"
        )
    return found, ignored


def parse_rows(
    table: Table, ws: Workspace, *, broken: Iterable[str] = ()
) -> tuple[list[Row], list[Rejection]]:
    """Every row checked on its own: readable cells, known worker (by id or by name, see
    `WorkerNames`), client and kind, dates, hours."""
    columns, _ = map_columns(table.header)
    kinds = client_kinds(ws.workers.values())
    cells_of = [
        {name: _value(cells, index, table.spans.get(index)) for name, index in columns.items()}
        for _, cells in table.rows
    ]
    workers = WorkerNames(ws.workers, broken)
    workers.read(str(values.get("worker", "")).strip() for values in cells_of)
    rows, rejections = [], []
    for (number_, _), values in zip(table.rows, cells_of, strict=True):
        problem = _cell_problem(values, columns)
        if problem is not None:
            rejections.append(Rejection((number_,), str(problem), problem.column))
            continue

        def cell(name: str, values: dict[str, Any] = values) -> Any:
            value = values.get(name, "")
            return value.strip() if isinstance(value, str) else value

        try:
            rows.append(_row(number_, cell, columns, workers, kinds))
        except CellError as exc:
            rejections.append(Rejection((number_,), str(exc), exc.column))
        except InputError as exc:
            rejections.append(Rejection((number_,), str(exc)))
    return rows, rejections


def _value(cells: Sequence[Any], index: int, last: int | None) -> Any:
    """The cell of a field; under a header cell merged over several columns, the filled cells of
    those columns, joined by a space when there are several (« BENALI » and « Fatima »)."""
    if last is None:
        return cells[index] if index < len(cells) else ""
    filled = [c for c in cells[index : last + 1] if str(c).strip()]
    if len(filled) == 1:
        return filled[0]
    return " ".join(str(c).strip() for c in filled)


def _cell_problem(values: Mapping[str, Any], columns: Mapping[str, int]) -> CellError | None:
    """Why a cell of the row cannot be taken, said without quoting it: too long, or holding a
    control character (an ESC sequence stored from a cell drove the terminal of every later
    command showing it). Line breaks are allowed between tasks only."""
    for name, value in values.items():
        text = value.strip() if isinstance(value, str) else str(value)
        where = _column(columns, name)
        if len(text) > MAX_CELL_CHARACTERS:
            hint = _QUOTE_HINT if "\n" in text else ""
            return CellError(
                where,
                f"la cellule compte {_count(len(text))} caractères, plus que les "
                f"{_count(MAX_CELL_CHARACTERS)} permis : raccourcissez-la{hint}",
            )
        for found in CONTROL_CHARACTERS.finditer(text):
            char = found.group()
            if char not in "\r\n":
                return CellError(
                    where,
                    "la cellule contient un caractère de contrôle invisible "
                    f"(U+{ord(char):04X}), qui peut commander le terminal ou les documents qui "
                    "l'affichent : supprimez-le",
                )
            if name != "tasks":
                return CellError(
                    where,
                    "la cellule tient sur plusieurs lignes : écrivez-la sur une "
                    f"seule{_QUOTE_HINT}",
                )
    return None


def _column(columns: Mapping[str, int], name: str) -> str:
    """« colonne D (date) »: a field's column as the spreadsheet shows it, with the name the
    documentation gives it."""
    return f"colonne {column_letter(columns[name])} ({COLUMNS[name][0]})"


def _in_column(columns: Mapping[str, int], name: str, read: Callable[[], T]) -> T:
    """`read()`, whose refusal is about the cell of the field `name`: said with its column.
    A field the timesheet has no column for (a kind left to the workspace) is said as is."""
    try:
        return read()
    except CellError:
        raise
    except InputError as exc:
        if name not in columns:
            raise
        raise CellError(_column(columns, name), str(exc)) from None


# --- who a row is about -------------------------------------------------------------------------

_NAME_SEPARATORS = re.compile(r"[\s,.;/]+")
_NOT_LETTERS = re.compile(r"[\W_]+")
_CIVILITIES = frozenset({"m", "mme", "mlle", "mr", "monsieur", "madame", "mademoiselle"})
_SUGGESTED = 3


def _name_part(text: str) -> str:
    """« Jean-Pierre », « N'Diaye », « B. » → jeanpierre, ndiaye, b: a first or last name
    compared folded, without the hyphens, apostrophes and spaces people write or leave out."""
    return _NOT_LETTERS.sub("", fold(text))


def _fits(written: str, known: str) -> bool:
    """A part of a name written as in the worker file, or as its initial, or in full where the
    file gives the initial."""
    return written == known or (min(len(written), len(known)) == 1 and written[0] == known[0])


@dataclass(frozen=True)
class _NameMatch:
    stem: str
    first: str
    last: str
    """The first and last name as the cell writes them, folded (in the file's order)."""


class WorkerNames:
    """The workers a timesheet's worker cell can name: by id (the worker file's name, as today),
    or by first and last name in any order, folded, with initials (« Fatima Benali », « BENALI
    Fatima », « Benali, Fatima », « Fatima B. », « F. Benali »); at least one of the two must be
    written in full as in the worker file. Payroll software writes names, not our ids.

    Built once per import; each distinct cell is resolved once (a year of rows names a few
    hundred people). docs/import-feuilles-de-temps.md (« Le salarié ») tells the user."""

    def __init__(self, workers: Mapping[str, Worker], broken: Iterable[str] = ()) -> None:
        self._workers = workers
        self._broken = set(broken)
        self._folded_ids = {fold(stem): stem for stem in [*self._broken, *workers]}
        self._by_part: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        """A first or last name in full (two letters or more) → (stem, first, last) of the
        workers who bear it."""
        for stem, worker in workers.items():
            first, last = _name_part(worker.first_name), _name_part(worker.last_name)
            for part in {first, last}:
                if len(part) > 1:
                    self._by_part[part].append((stem, first, last))
        self._found: dict[str, str] = {}
        self._refused: dict[str, str] = {}
        """Cell → why it is refused."""

    def read(self, cells: Iterable[str]) -> None:
        """Resolve every distinct cell of the worker column, then refuse names that a worker file
        giving only an initial cannot tell apart: « Fatima Benali » and « Fatima Bouzid » both
        fit « Fatima B. », and are surely two people."""
        by_stem: dict[str, list[tuple[str, _NameMatch]]] = defaultdict(list)
        for text in dict.fromkeys(cells):
            if text in self._found or text in self._refused:
                continue
            try:
                found = self._resolve(text)
            except InputError as exc:
                self._refused[text] = str(exc)
                continue
            if isinstance(found, _NameMatch):
                by_stem[found.stem].append((text, found))
                found = found.stem
            self._found[text] = found
        for stem, named in by_stem.items():
            for text, match in named:
                others = [
                    other
                    for other, m in named
                    if not (_fits(m.first, match.first) and _fits(m.last, match.last))
                ]
                if others:
                    self._refused[text] = self._conflict(stem, text, others)
                    del self._found[text]

    def resolve(self, text: str) -> str:
        """The id of the worker a cell names (read by `read` first); InputError when it names
        nobody, several workers, or a worker whose file is broken."""
        if text not in self._found and text not in self._refused:
            self.read([text])
        if text in self._refused:
            raise InputError(self._refused[text])
        return self._found[text]

    def _resolve(self, text: str) -> str | _NameMatch:
        stem = text if text in self._workers or text in self._broken else None
        stem = stem or self._folded_ids.get(fold(text))
        if stem in self._broken:
            raise InputError(
                f"le fichier workers/{stem}.yaml contient des erreurs : corrigez-le d'abord "
                "(« portfolio check »)"
            )
        if stem is not None:
            return stem
        matches = self._by_name(text)
        if len(matches) == 1:
            return matches[0]
        if matches:
            named = [f"{m.stem} ({self._workers[m.stem].display_name})" for m in matches]
            raise InputError(
                f"« {text} » peut désigner plusieurs salariés : {_and(named)} : écrivez "
                "l'identifiant du bon salarié (le nom de son fichier) dans la colonne salarié"
            )
        raise InputError(self._unknown(text))

    def _by_name(self, text: str) -> list[_NameMatch]:
        """Every worker whose first and last name the cell writes, cut anywhere between two of
        its words (« Marie Claire Dupont », « de la Fontaine Marie »), in either order."""
        words = [w for w in map(_name_part, _NAME_SEPARATORS.split(fold(text))) if w]
        if len(words) > 2 and words[0] in _CIVILITIES:
            words = words[1:]
        found: dict[str, _NameMatch] = {}
        for cut in range(1, len(words)):
            one, two = "".join(words[:cut]), "".join(words[cut:])
            for stem, first, last in [*self._by_part.get(one, ()), *self._by_part.get(two, ())]:
                for written_first, written_last in ((one, two), (two, one)):
                    in_full = (written_first == first and len(first) > 1) or (
                        written_last == last and len(last) > 1
                    )
                    if in_full and _fits(written_first, first) and _fits(written_last, last):
                        found.setdefault(stem, _NameMatch(stem, written_first, written_last))
        return list(found.values())

    def _unknown(self, text: str) -> str:
        """Nobody by that id or name: the closest ids for what looks like an id, the closest
        workers by name otherwise."""
        if len(text.split()) == 1 and "," not in text:
            hint = did_you_mean(closest(text, self._workers, _SUGGESTED))
            message = (
                f"salarié inconnu « {text} » : il n'y a pas de fichier workers/{text}.yaml, ni de "
                "salarié de ce nom"
            )
        else:
            names: dict[str, list[str]] = defaultdict(list)
            for stem, worker in self._workers.items():
                names[f"{worker.first_name} {worker.last_name}"].append(stem)
                names[f"{worker.last_name} {worker.first_name}"].append(stem)
            stems = dict.fromkeys(s for n in closest(text, names, _SUGGESTED) for s in names[n])
            hint = did_you_mean(
                [f"{self._workers[s].display_name} ({s})" for s in list(stems)[:_SUGGESTED]]
            )
            message = (
                f"salarié inconnu « {text} » : aucun salarié de ce nom (comparé au prénom et au "
                "nom de chaque fiche)"
            )
        if hint:
            return f"{message} ; {hint}"
        broken = sorted(self._broken)
        if broken:
            files = _and([f"workers/{s}.yaml" for s in broken[:_SUGGESTED]])
            more = "…" if len(broken) > _SUGGESTED else ""
            said = (
                "contiennent des erreurs et n'ont pas pu être lus : corrigez-les"
                if len(broken) > 1
                else "contient des erreurs et n'a pas pu être lu : corrigez-le"
            )
            return f"{message} ; {files}{more} {said} (« portfolio check »)"
        return f"{message} (créez sa fiche avec « portfolio worker new »)"

    def _conflict(self, stem: str, text: str, others: Sequence[str]) -> str:
        worker = self._workers[stem]
        written = _and([f"« {other} »" for other in others])
        return (
            f"« {text} » et {written} correspondent tous à {stem} "
            f"({worker.display_name}), dont la fiche ne donne pas le nom en entier : ce sont "
            f"sans doute des personnes différentes ; écrivez l'identifiant {stem} sur les "
            "lignes de ce salarié"
        )


def _and(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def _row(
    number_: int,
    cell: Callable[[str], Any],
    columns: Mapping[str, int],
    workers: WorkerNames,
    kinds: Mapping[str, str],
) -> Row:
    """A row read cell by cell; a refused cell is named by its column (`CellError`)."""
    written = str(cell("worker"))
    worker = _in_column(columns, "worker", lambda: _worker(written, workers))
    client = str(cell("client"))
    if not client:
        raise CellError(_column(columns, "client"), "client manquant : écrivez le nom du client")
    kind = _in_column(
        columns, "client_kind", lambda: _kind(str(cell("client_kind")), client, kinds)
    )
    start, end = _period(cell, columns)
    hours = _in_column(columns, "hours", lambda: _hours(cell("hours")))
    days = (end - start).days + 1
    if hours > HOURS_PER_DAY * days:
        shown = message_hours(hours) if hours < 1_000_000 else "plus d'un million d'heures"
        raise InputError(
            f"{shown} en {plural(days, 'jour')} ({_period_text(start, end)}), soit plus de "
            f"{message_hours(HOURS_PER_DAY)} par jour : corrigez les heures ou les dates"
        )
    tasks = tuple(t.strip() for t in _TASK_SEPARATORS.split(str(cell("tasks"))) if t.strip())
    return Row(
        number=number_,
        worker=worker,
        client=client,
        client_kind=kind,
        start=start,
        end=end,
        hours=hours,
        tasks=tasks,
        tutor=str(cell("tutor")) or None,
        service=str(cell("service")) or None,
        written=written if written != worker else "",
    )


def _worker(written: str, workers: WorkerNames) -> str:
    if not written:
        raise InputError(
            "salarié manquant : écrivez son identifiant (nom de son fichier), ou son prénom et "
            "son nom"
        )
    return workers.resolve(written)


def client_kinds(workers: Iterable[Worker]) -> dict[str, str]:
    """Client key (SPEC §8 "same client") → kind, for clients the workspace already knows with
    a single kind."""
    seen: dict[str, set[str]] = defaultdict(set)
    for worker in workers:
        for placement in worker.placements:
            seen[client_key(placement.client.name)].add(placement.client.kind)
    return {name: next(iter(k)) for name, k in seen.items() if len(k) == 1}


def _kind(text: str, client: str, known: Mapping[str, str]) -> str:
    if not text:
        if client_key(client) in known:
            return known[client_key(client)]
        raise InputError(
            f"type de client manquant pour « {client} » : écrivez particulier, collectivite, "
            "association ou entreprise"
        )
    words = fold(text).split()
    kind = _KIND_WORDS.get(words[0]) if words else None
    if kind is None:
        raise InputError(f"type de client « {text} » inconnu : écrivez {', '.join(CLIENT_KINDS)}")
    return kind


def _day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value), what)


def _period(cell: Callable[[str], Any], columns: Mapping[str, int]) -> tuple[dt.date, dt.date]:
    """The row's first and last day: its date, or its start and end."""
    day, start, end = cell("date"), cell("start"), cell("end")

    def read(name: str, what: str) -> dt.date:
        return _in_column(columns, name, lambda: _day(cell(name), what))

    if start or end:
        if not (start and end):
            raise InputError("période incomplète : remplissez à la fois « debut » et « fin »")
        first, last = read("start", "le début"), read("end", "la fin")
        if day and read("date", "la date") != first:
            raise InputError(
                "la date et le début diffèrent : remplissez soit « date », soit « debut » et "
                "« fin »"
            )
    elif day:
        first = last = read("date", "la date")
    else:
        raise InputError("date manquante : remplissez « date », ou « debut » et « fin »")
    if last < first:
        raise InputError(
            f"la fin ({fr_date(last)}) est avant le début ({fr_date(first)}) : corrigez "
            "l'une des deux dates"
        )
    return first, last


def _hours(value: Any) -> float:
    if isinstance(value, bool):
        raise InputError(f"heures « {value} » invalides : écrivez un nombre d'heures")
    if isinstance(value, int | float):
        try:
            hours = float(value)
        except OverflowError:  # an integer of hundreds of digits
            hours = math.inf
        if not math.isfinite(hours):
            raise InputError(
                "la cellule ne contient pas un nombre d'heures utilisable (nombre infini, "
                "indéfini ou démesuré) : écrivez par exemple 12, 3,5 ou 3h30"
            )
        if not hours > 0:
            raise InputError(f"heures « {value} » : un nombre d'heures doit être plus grand que 0")
        return round(hours, 2)
    if isinstance(value, dt.time):  # a cell formatted as a duration, 03:30
        hours = value.hour + value.minute / 60
        if hours <= 0:
            raise InputError("heures « 00:00 » : un nombre d'heures doit être plus grand que 0")
        return round(hours, 2)
    if isinstance(value, dt.timedelta):
        return _hours(value.total_seconds() / 3600)
    if not str(value).strip():
        raise InputError("heures manquantes : écrivez le nombre d'heures travaillées")
    return parse_hours(str(value), "les heures")


# --- grouping -----------------------------------------------------------------------------------


@dataclass
class Draft:
    """A placement to add, built from consecutive rows of one worker at one client."""

    worker: str
    client: str
    client_kind: str
    start: dt.date
    end: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(r.number for r in self.rows))

    @property
    def hours(self) -> float:
        return round(sum(r.hours for r in self.rows), 2)

    def task_entries(self) -> list[str | dict[str, Any]]:
        """Tasks as the worker file wants them (SPEC §5.3).

        A row's hours are split equally among its tasks. When every row names the same tasks,
        that split is what the placement's own rule gives, so the plain texts are enough;
        otherwise each task carries its hours (rounded down to the hundredth, so that their sum
        never exceeds the placement's hours).
        """
        texts: dict[str, str] = {}
        hours: dict[str, float] = defaultdict(float)
        for row in self.rows:
            for task in row.tasks:
                key = fold(task)
                texts.setdefault(key, task)
                hours[key] += row.hours / len(row.tasks)
        same = {frozenset(map(fold, r.tasks)) for r in self.rows}
        if len(same) == 1 and self.rows[0].tasks:
            return list(texts.values())
        entries: list[str | dict[str, Any]] = []
        for key, text in texts.items():
            share = math.floor(hours[key] * 100 + 1e-6) / 100
            if share > 0:
                entries.append({"task": text, "hours": number(share)})
        return entries

    def joined(self, name: str) -> str | None:
        """Tutor or service: every distinct value of the rows, in row order."""
        values = dict.fromkeys(v for r in self.rows if (v := getattr(r, name)))
        return ", ".join(values) or None


def group_rows(rows: Iterable[Row], max_gap_days: int) -> list[Draft]:
    """Consecutive rows of one worker at one client (SPEC §8 "same client", and same kind) become
    one placement: a row is consecutive when it starts at most `max_gap_days`
    after the end of the rows before it. Drafts come by worker, then date."""
    by_client: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        by_client[(row.worker, client_key(row.client), row.client_kind)].append(row)
    drafts: list[Draft] = []
    gap = dt.timedelta(days=max_gap_days)
    for client_rows in by_client.values():
        current: Draft | None = None
        for row in sorted(client_rows, key=lambda r: (r.start, r.end, r.number)):
            if current is None or row.start > current.end + gap:
                current = Draft(row.worker, row.client, row.client_kind, row.start, row.end)
                drafts.append(current)
            current.end = max(current.end, row.end)
            current.rows.append(row)
    return sorted(drafts, key=lambda d: (d.worker, d.start, d.end, client_key(d.client)))


# --- adding to the worker files -----------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """A draft accepted into a worker file, with the entry written there."""

    draft: Draft
    entry: dict[str, Any]


@dataclass
class WorkerImport:
    """What an import does to one worker file."""

    worker: str
    old_text: str
    new_text: str
    added: list[Added] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    workers: list[WorkerImport]
    rejections: list[Rejection]
    already: list[Rejection] = field(default_factory=list)
    """Rows whose placement the worker file already holds (same client, dates and hours): an
    import run twice adds nothing the second time, and says so."""

    @property
    def changed(self) -> list[WorkerImport]:
        return [w for w in self.workers if w.added]


def plan_import(
    ws: Workspace,
    drafts: Sequence[Draft],
    texts: Mapping[str, str],
    rejections: Sequence[Rejection],
    today: dt.date,
) -> ImportPlan:
    """Add each draft to its worker's text, in date order, keeping only those that pass the
    rules of `portfolio check`; a refused draft becomes a rejection of its rows."""
    refused = list(rejections)
    already: list[Rejection] = []
    plans = []
    by_worker: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        by_worker[draft.worker].append(draft)
    for stem, worker_drafts in by_worker.items():
        plan = WorkerImport(stem, texts[stem], texts[stem])
        plans.append(plan)
        errors = [i for i in current_issues(ws, stem, today) if i.is_error]
        if errors:
            numbers = tuple(n for d in worker_drafts for n in d.numbers)
            refused.append(
                Rejection(
                    numbers,
                    f"le fichier workers/{stem}.yaml contient déjà des erreurs : corrigez-les "
                    "d'abord (« portfolio check »)",
                )
            )
            continue
        ids = [p.id for p in ws.workers[stem].placements]
        for draft in worker_drafts:
            twin = _same_placement(ws.workers[stem], draft)
            if twin is not None:
                already.append(
                    Rejection(
                        draft.numbers,
                        f"déjà importée{'s' * (len(set(draft.numbers)) > 1)} ({stem}, mise à "
                        f"disposition {twin})",
                    )
                )
                continue
            ident = next_placement_id(ids)
            entry = _entry(draft, ident, ws.workers[stem])
            try:
                text = append_entry(plan.new_text, "placements", entry)
            except InputError as exc:
                refused.append(Rejection(draft.numbers, f"workers/{stem}.yaml : {exc}"))
                continue
            verdict = check_updated_worker(ws, stem, text, today)
            if not verdict.accepted:
                reasons = " ; ".join(dict.fromkeys(i.message for i in verdict.errors))
                refused.append(
                    Rejection(
                        draft.numbers, f"{stem}, mise à disposition {ident} proposée : {reasons}"
                    )
                )
                continue
            ids.append(ident)
            plan.new_text = text
            plan.added.append(Added(draft, entry))
            plan.warnings = _warnings(verdict)
    return ImportPlan(
        plans, sorted(refused, key=lambda r: r.rows), sorted(already, key=lambda r: r.rows)
    )


def _same_placement(worker: Worker, draft: Draft) -> str | None:
    """The id of the worker's placement this draft would repeat, if any."""
    for placement in worker.placements:
        if (
            client_key(placement.client.name) == client_key(draft.client)
            and (placement.start, placement.end) == (draft.start, draft.end)
            and abs(placement.hours - draft.hours) < 0.005
        ):
            return placement.id
    return None


def _warnings(verdict: Verdict) -> list[str]:
    return [i.message for i in verdict.new_warnings]


def _entry(draft: Draft, ident: str, worker: Worker) -> dict[str, Any]:
    # A client the worker already has keeps the spelling of the worker file.
    name = next(
        (
            p.client.name
            for p in worker.placements
            if client_key(p.client.name) == client_key(draft.client)
        ),
        draft.client,
    )
    return placement_entry(
        ident=ident,
        client=name,
        client_kind=draft.client_kind,
        start=draft.start,
        end=draft.end,
        hours=draft.hours,
        tutor=draft.joined("tutor"),
        service=draft.joined("service"),
        tasks=draft.task_entries(),
    )


ROWS_NAMED = 10
"""Row numbers named before the rest are counted: a placement of 20,000 scattered rows printed
them all."""


def rows_text(numbers: Sequence[int]) -> str:
    """« ligne 4 », « lignes 4 à 6 », « lignes 2, 5 et 9 » (the rows as a spreadsheet shows);
    beyond ROWS_NAMED scattered rows, « lignes 2, 52, 102… (1 000 lignes) »."""
    ordered = sorted(set(numbers))
    if len(ordered) == 1:
        return f"ligne {ordered[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"lignes {ordered[0]} à {ordered[-1]}"
    if len(ordered) > ROWS_NAMED:
        named = ", ".join(map(str, ordered[:ROWS_NAMED]))
        return f"lignes {named}… ({_count(len(ordered))} lignes)"
    return "lignes " + ", ".join(map(str, ordered[:-1])) + f" et {ordered[-1]}"


# --- telling what an import does ----------------------------------------------------------------


def _period_text(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"le {fr_date(start)}"
    return f"du {fr_date(start)} au {fr_date(end)}"


def worker_summary(ws: Workspace, change: WorkerImport) -> str:
    """What an import adds to one worker, one placement per line, with its source rows."""
    worker = ws.workers[change.worker]
    names = list(dict.fromkeys(r.written for a in change.added for r in a.draft.rows if r.written))
    said = (
        f", écrit {_and([f'« {n} »' for n in names[:ROWS_NAMED]])} dans la feuille" if names else ""
    )
    lines = [f"{change.worker} ({worker.display_name}{said}) :"]
    for added in change.added:
        entry = added.entry
        tasks = [t if isinstance(t, str) else t["task"] for t in entry.get("tasks", [])]
        lines.append(
            f"  + {entry['id']} {entry['client']['name']} ({entry['client']['kind']}), "
            f"{_period_text(entry['start'], entry['end'])}, {message_hours(entry['hours'])}, "
            f"{rows_text(added.draft.numbers)}"
            + (f" ; tâches : {', '.join(tasks)}" if tasks else "")
        )
    lines += [f"  avertissement : {w}" for w in change.warnings]
    return "\n".join(lines)


def titles_note(table: Table) -> str | None:
    """« Noms des colonnes lus ligne 4 ; titres ignorés : lignes 1 à 3. », when rows were left
    out around the header."""
    if not table.titles:
        return None
    return (
        f"Noms des colonnes lus ligne {table.header_row} ; titres ignorés : "
        f"{rows_text(table.titles)}."
    )


def rows_count(rejections: Sequence[Rejection], verb: str) -> str:
    """« 1 ligne refusée », « 3 lignes ignorées »: the rows, counted once each."""
    count = len({n for r in rejections for n in r.rows})
    plural = "s" * (count > 1)
    return f"{count} ligne{plural} {verb}{plural}"


def placements_count(plan: ImportPlan, done: str, done_plural: str | None = None) -> str:
    """« 6 mises à disposition ajoutées pour 3 salariés », « 1 mise à disposition ajoutée pour
    1 salarié », « aucune mise à disposition ajoutée »: `done` (« ajoutée », « à ajouter »)
    agrees with the count, its plural `done_plural` or else `done` + « s »."""
    added = sum(len(c.added) for c in plan.changed)
    if not added:
        return f"aucune mise à disposition {done}"
    said = done if added < 2 else done_plural or f"{done}s"
    placements = plural(added, "mise à disposition", "mises à disposition")
    return f"{placements} {said} pour {plural(len(plan.changed), 'salarié')}"
