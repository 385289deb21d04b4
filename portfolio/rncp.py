"""One certification read out of France Compétences' RNCP open data (SPEC §12).

France Compétences publishes the whole répertoire on data.gouv.fr (« Répertoire national des
certifications professionnelles et répertoire spécifique ») in two shapes, both read here:

- the CSV zip `export-fiches-csv-AAAA-MM-JJ.zip`: `;`-separated UTF-8 files named
  `export_fiches_CSV_<Kind>_AAAA_MM_JJ.csv`, one row per fiche (`Standard`) or per fiche and
  value (`Blocs_De_Compétences`, `Rome`, `Certificateurs`, `Ancienne_Nouvelle_Certification`),
  keyed by `Numero_Fiche`;
- the XML export (`export_fiches_RNCP_V4_1_AAAA-MM-JJ.xml`, alone or in its zip): `FICHES` of
  `FICHE`, whose `BLOCS_COMPETENCES/BLOC_COMPETENCES` also carry the competencies
  (`LISTE_COMPETENCES`) and the evaluation (`MODALITES_EVALUATION`) as HTML text.

Both are a few hundred MB once unzipped, and a référentiel needs one fiche: every file is read
as a stream, row by row or element by element, and only that fiche's values are kept (plus the
fiche numbers, to suggest close ones when the asked one is missing), so that memory stays flat
in the size of the export. A malformed file stops the reading with a French message that names
the file, the line when there is one, and what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Literal
from xml.etree import ElementTree

from portfolio.french import closest, did_you_mean, fr_date
from portfolio.issues import PortfolioError

FICHE_NUMBER = re.compile(r"^RNCP\d+$")
DOWNLOAD_AGAIN = (
    "téléchargez-le de nouveau sur data.gouv.fr (jeu « Répertoire national des certifications "
    "professionnelles et répertoire spécifique »)"
)

CSV_PREFIX = "export_fiches_CSV_"
STANDARD = "export_fiches_CSV_Standard_"
BLOCKS = "export_fiches_CSV_Blocs_De_Compétences_"
ROME = "export_fiches_CSV_Rome_"
CERTIFIERS = "export_fiches_CSV_Certificateurs_"
SUCCESSORS = "export_fiches_CSV_Ancienne_Nouvelle_Certification_"
REQUIRED_MEMBERS = (STANDARD, BLOCKS, ROME, CERTIFIERS)
"""The CSV files a référentiel needs; the successors' file only completes an inactive fiche's
message, and the others (NSF, Formacode, Partenaires…) are not read."""

_FILE_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
_LEVEL = re.compile(r"^NIV\s*([1-8])$", re.IGNORECASE)
_ROME_CODE = re.compile(r"^[A-N]\d{4}$")
_BULLET = re.compile(r"^[-–—•·*▪►✓]\s*")
_ACTIVE = {"ACTIVE", "OUI", "1", "TRUE"}
_INACTIVE = {"INACTIVE", "NON", "0", "FALSE"}


@dataclass(frozen=True)
class RncpBlock:
    """A `Bloc_Competences_Code` and what the export says of it."""

    code: str
    title: str
    competencies: tuple[str, ...] = ()
    """From the XML's `LISTE_COMPETENCES`, one competency a line; empty from the CSV zip."""
    evaluation: str = ""
    """The XML's `MODALITES_EVALUATION`, as plain text."""


@dataclass(frozen=True)
class Fiche:
    number: str
    title: str
    abbreviation: str
    """`Abrege_Libelle` / `ABREGE/CODE`: TP, CAP, CQP, BTS…"""
    level: int | None
    active: bool
    registered_until: dt.date | None
    replaced_by: tuple[str, ...]
    certifiers: tuple[str, ...]
    rome: tuple[str, ...]
    blocks: tuple[RncpBlock, ...]


@dataclass(frozen=True)
class Export:
    """The file read: its name and the export date its name carries (None when it has none)."""

    name: str
    date: dt.date | None
    kind: Literal["csv", "xml"]


# --- entry point --------------------------------------------------------------------------------


def fiche_number(text: str) -> str:
    """`--fiche` as France Compétences writes it (« rncp 37715 » is RNCP37715)."""
    number = "".join(text.split()).upper()
    if FICHE_NUMBER.match(number):
        return number
    hint = (
        f"écrivez RNCP{number}"
        if number.isdigit()
        else "écrivez RNCP suivi de chiffres, par exemple RNCP37715"
    )
    raise PortfolioError(
        f"--fiche : « {text} » n'est pas un numéro de fiche RNCP : {hint}", exit_code=2
    )


def read_fiche(path: Path, number: str, today: dt.date) -> tuple[Export, Fiche]:
    """The fiche `number` of the export at `path` (CSV zip, XML zip or XML file), active at
    `today`; a French `PortfolioError` when the file cannot be read or the fiche is missing or
    no longer active."""
    name = path.name
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                export, fiche = _read_archive(archive, name, number)
        else:
            with path.open("rb") as stream:
                if not _looks_like_xml(stream):
                    raise PortfolioError(
                        f"{name} n'est ni une archive zip ni un fichier XML : donnez l'export "
                        "des fiches de France Compétences, export-fiches-csv-AAAA-MM-JJ.zip ou "
                        "son export XML"
                    )
                export = Export(name, file_date(name), "xml")
                fiche = _read_xml(stream, name, number)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise PortfolioError(
            f"{name} : l'archive est abîmée ou incomplète ; {DOWNLOAD_AGAIN}"
        ) from None
    _require_active(fiche, today, name)
    return export, fiche


def file_date(name: str) -> dt.date | None:
    """The export date in a file name (`export-fiches-csv-2026-11-02.zip`,
    `…_Standard_2026_11_02.csv`)."""
    found = _FILE_DATE.search(name)
    if found is None:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _looks_like_xml(stream: IO[bytes]) -> bool:
    start = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    return start.startswith(b"<")


def _read_archive(archive: zipfile.ZipFile, name: str, number: str) -> tuple[Export, Fiche]:
    # Zip tools store « Compétences » composed or decomposed: names are compared composed.
    members = {
        unicodedata.normalize("NFC", info.filename.rsplit("/", 1)[-1]): info
        for info in archive.infolist()
        if not info.is_dir()
    }
    if any(member.startswith(CSV_PREFIX) for member in members):
        date = file_date(name) or next(
            (file_date(m) for m in members if m.startswith(STANDARD)), None
        )
        return Export(name, date, "csv"), _read_csv(archive, members, name, number)
    xml = sorted(member for member in members if member.lower().endswith(".xml"))
    if not xml:
        raise PortfolioError(
            f"{name} ne contient ni les fichiers CSV des fiches ({STANDARD}…) ni un fichier "
            "XML : donnez l'export des fiches de France Compétences, "
            "export-fiches-csv-AAAA-MM-JJ.zip ou son export XML"
        )
    where = f"{name} ({xml[0]})"
    with archive.open(members[xml[0]]) as stream:
        fiche = _read_xml(stream, where, number)
    return Export(name, file_date(name) or file_date(xml[0]), "xml"), fiche


def _require_active(fiche: Fiche, today: dt.date, name: str) -> None:
    """An inactive fiche (`Actif` INACTIVE, or its registration ended) is refused: its blocks
    are no longer awarded. The message says when it ended and which fiche replaces it."""
    ended = fiche.registered_until is not None and fiche.registered_until < today
    if fiche.active and not ended:
        return
    when = (
        f"son enregistrement a pris fin le {fr_date(fiche.registered_until)}"
        if fiche.registered_until is not None
        else "l'export ne dit pas quand son enregistrement a pris fin"
    )
    if fiche.replaced_by:
        after = (
            f"elle est remplacée par {_either(fiche.replaced_by)} : importez "
            f"{'celle-ci' if len(fiche.replaced_by) == 1 else 'l’une d’elles'} "
            f"(--fiche {fiche.replaced_by[-1]})"
        )
    else:
        after = (
            f"{name} ne dit pas quelle fiche la remplace : cherchez-la sur "
            "francecompetences.fr (rubrique « Nouvelle(s) certification(s) » de la fiche)"
        )
    raise PortfolioError(
        f"la fiche {fiche.number} « {fiche.title} » n'est plus active : {when} ; {after}"
    )


def _either(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} ou {words[-1]}"


def _unknown_fiche(number: str, name: str, known: set[str]) -> PortfolioError:
    # difflib over the whole répertoire is slow: only numbers of about the same length compete.
    near = [k for k in known if abs(len(k) - len(number)) <= 1]
    hint = did_you_mean(closest(number, near))
    return PortfolioError(
        f"la fiche {number} n'est pas dans {name}"
        + (f" : {hint}" if hint else "")
        + " Vérifiez le numéro sur francecompetences.fr, ou prenez un export plus récent."
    )


# --- values -------------------------------------------------------------------------------------


def _level(text: str) -> int | None:
    """`NIV3` → 3; `AUCUN` (répertoire spécifique) or nothing → None."""
    found = _LEVEL.match(text.strip())
    return int(found[1]) if found else None


def _active(text: str, registered_until: dt.date | None) -> bool:
    word = text.strip().upper()
    if word in _ACTIVE:
        return True
    if word in _INACTIVE:
        return False
    return registered_until is not None


def _date(text: str) -> dt.date | None:
    """`JJ/MM/AAAA` (both exports) or `AAAA-MM-JJ`; anything else is no date."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _text(value: str | None) -> str:
    """One line of printable text: control characters and runs of spaces become one space."""
    if not value:
        return ""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(cleaned.split())


class _Lines(HTMLParser):
    """The lines of an HTML text: a paragraph, a list item or a line break ends one."""

    BREAKS = frozenset(
        {"p", "li", "br", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.end_line()

    def handle_data(self, data: str) -> None:
        parts = data.split("\n")
        self._current.append(parts[0])
        for part in parts[1:]:
            self.end_line()
            self._current.append(part)

    def end_line(self) -> None:
        line = _text("".join(self._current))
        if line:
            self.lines.append(line)
        self._current = []


def html_lines(text: str) -> list[str]:
    """The text lines of the HTML France Compétences writes in its long fields."""
    parser = _Lines()
    parser.feed(text)
    parser.close()
    parser.end_line()
    return parser.lines


def competency_lines(text: str) -> tuple[str, ...]:
    """A `LISTE_COMPETENCES`, one competency a line: bullets dropped, and the lines that
    introduce a list (« Le candidat est capable de : ») left out."""
    found = []
    for line in html_lines(text):
        line = _BULLET.sub("", line).strip()
        if line and not line.endswith(":"):
            found.append(line)
    return tuple(found)


# --- CSV zip ------------------------------------------------------------------------------------


@dataclass
class _CsvFile:
    """One member of the CSV zip, read row by row."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    where: str
    """« export-fiches-csv-….zip (export_fiches_CSV_Rome_….csv) », for the messages."""

    def rows(
        self,
        columns: tuple[str, ...],
        number: str,
        *,
        known: set[str] | None = None,
        named_in: str | None = None,
    ) -> Iterator[_Row]:
        """The rows of fiche `number` (or that name it in the column `named_in`), read as a
        stream, with the values of `columns`. Another fiche's row is not judged, nor made into
        an object: only its number is looked at, and added to `known` when it is given."""
        key = "Numero_Fiche"
        with self.archive.open(self.info) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=";", strict=True)
            try:
                header = [cell.strip() for cell in next(reader, [])]
                missing = [c for c in (key, *columns) if c not in header]
                if missing:
                    raise PortfolioError(
                        f"{self.where} : {_many(missing, 'la colonne', 'les colonnes')} "
                        f"{'manque' if len(missing) == 1 else 'manquent'} sur la première "
                        f"ligne (trouvé : {_sample(header)}) ; ce n'est pas un "
                        f"export des fiches de France Compétences, ou il est abîmé : "
                        f"{DOWNLOAD_AGAIN}"
                    )
                positions = [header.index(c) for c in (key, *columns)]
                key_at = positions[0]
                also_at = header.index(named_in) if named_in else len(header)
                for row in reader:
                    if len(row) <= key_at:
                        continue
                    found = row[key_at].strip()
                    if found == number or (len(row) > also_at and row[also_at].strip() == number):
                        yield _Row(self, reader.line_num, len(header), row, positions)
                    elif known is not None:
                        known.add(found)
            except csv.Error:
                raise PortfolioError(
                    f"{self.where}, ligne {reader.line_num} : le texte CSV est mal formé "
                    f"(guillemet non fermé ou caractère interdit) ; {DOWNLOAD_AGAIN}"
                ) from None
            except UnicodeDecodeError:
                raise PortfolioError(
                    f"{self.where}, vers la ligne {reader.line_num + 1} : le texte n'est pas "
                    f"en UTF-8 ; {DOWNLOAD_AGAIN}"
                ) from None


@dataclass
class _Row:
    file: _CsvFile
    line: int
    width: int
    cells: list[str]
    positions: list[int]

    @property
    def key(self) -> str:
        return self.cells[self.positions[0]].strip()

    def values(self) -> list[str]:
        """The row's values, once it is known to be the fiche's: a row with another number of
        columns than the header is refused rather than read shifted."""
        if len(self.cells) != self.width:
            raise PortfolioError(
                f"{self.file.where}, ligne {self.line} : {len(self.cells)} colonnes au lieu de "
                f"{self.width} (séparateur « ; » en trop ou manquant) ; {DOWNLOAD_AGAIN}"
            )
        return [_text(self.cells[p]) for p in self.positions[1:]]


def _many(names: list[str], one: str, several: str) -> str:
    """« la colonne Intitule », « les colonnes Intitule, Actif »."""
    return f"{one if len(names) == 1 else several} {', '.join(names)}"


def _sample(header: list[str]) -> str:
    shown = ", ".join(header[:6]) + ("…" if len(header) > 6 else "")
    return shown or "une ligne vide"


def _read_csv(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str, number: str
) -> Fiche:
    files: dict[str, _CsvFile] = {}
    for prefix in (*REQUIRED_MEMBERS, SUCCESSORS):
        found = sorted(m for m in members if m.startswith(prefix))
        if found:
            files[prefix] = _CsvFile(archive, members[found[0]], f"{name} ({found[0]})")
    missing = [f"{p}*.csv" for p in REQUIRED_MEMBERS if p not in files]
    if missing:
        raise PortfolioError(
            f"{name} : il manque {_many(missing, 'le fichier', 'les fichiers')} ; {DOWNLOAD_AGAIN}"
        )

    standard: list[str] | None = None
    known: set[str] = set()
    columns = (
        "Intitule",
        "Abrege_Libelle",
        "Nomenclature_Europe_Niveau",
        "Actif",
        "Date_Fin_Enregistrement",
    )
    for row in files[STANDARD].rows(columns, number, known=known):
        standard = row.values()
        break
    if standard is None:
        raise _unknown_fiche(number, name, known)
    title, abbreviation, level, active, until = standard
    registered_until = _date(until)

    blocks: dict[str, RncpBlock] = {}
    for row in files[BLOCKS].rows(("Bloc_Competences_Code", "Bloc_Competences_Libelle"), number):
        code, label = row.values()
        if code and code not in blocks:
            blocks[code] = RncpBlock(code=code, title=label or code)
    rome = _values_of(files[ROME], number, "Codes_Rome_Code")
    certifiers = _values_of(files[CERTIFIERS], number, "Nom_Certificateur")
    is_active = _active(active, registered_until)
    replaced_by: tuple[str, ...] = ()
    if SUCCESSORS in files and not is_active:
        replaced_by = _successors(files[SUCCESSORS], number)
    return Fiche(
        number=number,
        title=title or number,
        abbreviation=abbreviation,
        level=_level(level),
        active=is_active,
        registered_until=registered_until,
        replaced_by=replaced_by,
        certifiers=certifiers,
        rome=tuple(code for code in rome if _ROME_CODE.match(code)),
        blocks=tuple(blocks.values()),
    )


def _values_of(file: _CsvFile, number: str, column: str) -> tuple[str, ...]:
    """A column's values on the fiche's rows, each once, in the file's order."""
    found: dict[str, None] = {}
    for row in file.rows((column,), number):
        (value,) = row.values()
        if value:
            found[value] = None
    return tuple(found)


def _successors(file: _CsvFile, number: str) -> tuple[str, ...]:
    """The fiches that replace `number`: its own `Nouvelle_Certification`, and the fiches that
    name it as their `Ancienne_Certification`."""
    found: dict[str, None] = {}
    columns = ("Ancienne_Certification", "Nouvelle_Certification")
    for row in file.rows(columns, number, named_in="Ancienne_Certification"):
        old, new = row.values()
        if row.key == number and FICHE_NUMBER.match(new):
            found[new] = None
        elif old == number:
            found[row.key] = None
    return tuple(found)


# --- XML ----------------------------------------------------------------------------------------


def _read_xml(stream: IO[bytes], where: str, number: str) -> Fiche:
    """The fiche `number` of an XML export, parsed element by element: each `FICHE` is dropped
    from the tree once its number is read."""
    known: set[str] = set()
    try:
        events = ElementTree.iterparse(stream, events=("start", "end"))
        _event, root = next(events)
        if root.tag != "FICHES":
            raise PortfolioError(
                f"{where} n'est pas un export XML des fiches de France Compétences (il commence "
                f"par <{_text(root.tag)[:40]}> au lieu de <FICHES>)"
            )
        for event, element in events:
            if event != "end" or element.tag != "FICHE":
                continue
            found = _text(element.findtext("NUMERO_FICHE"))
            if found == number:
                return _xml_fiche(element, number)
            known.add(found)
            root.clear()
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise PortfolioError(
            f"{where}, ligne {line}, colonne {column} : le XML est mal formé ; {DOWNLOAD_AGAIN}"
        ) from None
    except StopIteration:
        raise PortfolioError(f"{where} est vide ; {DOWNLOAD_AGAIN}") from None
    raise _unknown_fiche(number, where, known)


def _xml_fiche(element: ElementTree.Element, number: str) -> Fiche:
    registered_until = _date(element.findtext("DATE_FIN_ENREGISTREMENT") or "")
    successors: dict[str, None] = {}
    for holder in ("NOUVELLES_CERTIFICATIONS", "NOUVELLE_CERTIFICATION"):
        for found in element.findall(holder):
            for text in found.itertext():
                if FICHE_NUMBER.match(_text(text)):
                    successors[_text(text)] = None
    blocks: dict[str, RncpBlock] = {}
    for block in element.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES"):
        code = _text(block.findtext("CODE"))
        if code and code not in blocks:
            blocks[code] = RncpBlock(
                code=code,
                title=_text(block.findtext("LIBELLE")) or code,
                competencies=competency_lines(block.findtext("LISTE_COMPETENCES") or ""),
                evaluation=" ".join(html_lines(block.findtext("MODALITES_EVALUATION") or "")),
            )
    certifiers = {
        _text(c.findtext("NOM_CERTIFICATEUR")): None
        for c in element.findall("CERTIFICATEURS/CERTIFICATEUR")
    }
    rome = {_text(r.findtext("CODE")): None for r in element.findall("CODES_ROME/ROME")}
    return Fiche(
        number=number,
        title=_text(element.findtext("INTITULE")) or number,
        abbreviation=_text(element.findtext("ABREGE/CODE")),
        level=_level(element.findtext("NOMENCLATURE_EUROPE/NIVEAU") or ""),
        active=_active(element.findtext("ACTIF") or "", registered_until),
        registered_until=registered_until,
        replaced_by=tuple(successors),
        certifiers=tuple(c for c in certifiers if c),
        rome=tuple(code for code in rome if _ROME_CODE.match(code)),
        blocks=tuple(blocks.values()),
    )
