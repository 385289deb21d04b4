"""Timesheets imported from the browser (SPEC §11 `/import`): the uploaded file kept between the
preview and the confirmation, the import planned within the account's scope, and the preview
laid out as tables.

The command reads a file the user named on their own machine; the web interface receives one from
the network. So the upload lives in a folder of the server's own, under a random token bound to
the login that sent it; its name on disk is the sent name reduced to a plain file name (never a
path); it is deleted once imported, or after UPLOAD_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portfolio.app.recording import TimesheetImport, import_timesheet
from portfolio.french import fr_date, message_hours, plural
from portfolio.issues import PortfolioError
from portfolio.limits import DEFAULT_GAP_DAYS
from portfolio.record.timesheet import (
    MAX_FILE_BYTES,
    TimesheetError,
    placements_count,
    rows_count,
    rows_text,
)

MAX_UPLOAD_BYTES = MAX_FILE_BYTES
"""The same limit as `portfolio import timesheet`: a larger file is refused before it is read."""
UPLOAD_SECONDS = 3600
"""How long an uploaded timesheet waits for its confirmation: a preview is read in minutes."""
MAX_PENDING_PER_LOGIN = 3
"""Uploads kept per login: a fourth drops the oldest, so that one account cannot fill the disk
(at most MAX_UPLOAD_BYTES each)."""
SUFFIXES = (".csv", ".xlsx")
MAX_NAME_CHARACTERS = 80
DEFAULT_NAME = "feuille-de-temps"
_NAME_PUNCTUATION = " ._-()"
_SNIFF_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


def safe_file_name(sent: str) -> str:
    """The name a browser sent for a file, reduced to a plain file name: its last part only (a
    browser may send a path, an attacker « ../../etc/passwd »), letters, digits and a few signs,
    other characters becoming « _ ». It names the file on disk and in every message. Its suffix
    must be .csv or .xlsx (the formats of the command)."""
    last = sent.replace("\\", "/").rsplit("/", 1)[-1]
    last = unicodedata.normalize("NFC", last)
    kept = "".join(c if c.isalnum() or c in _NAME_PUNCTUATION else "_" for c in last)
    kept = " ".join(kept.split())
    stem, dot, suffix = kept.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in SUFFIXES:
        named = f"{kept[:MAX_NAME_CHARACTERS]} : " if kept else ""
        raise PortfolioError(
            f"{named}format non reconnu « {suffix or 'sans extension'} » : enregistrez la "
            "feuille de temps en .csv ou .xlsx"
        )
    stem = stem.strip(" .")[: MAX_NAME_CHARACTERS - len(suffix)].rstrip(" .") or DEFAULT_NAME
    return stem + suffix


def check_content(path: Path) -> None:
    """A file whose content belies its suffix is refused before it is read: a workbook (a zip)
    saved as .csv, a binary file named .csv, anything but a zip named .xlsx."""
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    name = path.name
    if not head:
        raise TimesheetError(
            f"{name} est vide : exportez de nouveau la feuille de temps, puis envoyez-la"
        )
    if path.suffix.lower() == ".xlsx":
        if not head.startswith(_ZIP_MAGIC):
            raise TimesheetError(
                f"{name} n'est pas un classeur Excel : ouvrez-le dans votre tableur et "
                "enregistrez-le en .xlsx (ou en .csv)"
            )
        return
    if head.startswith(_ZIP_MAGIC):
        raise TimesheetError(
            f"{name} est un classeur (.xlsx), pas un fichier .csv : renommez-le en .xlsx, ou "
            "enregistrez-le en .csv depuis votre tableur"
        )
    if b"\x00" in head:
        raise TimesheetError(
            f"{name} n'est pas un fichier texte .csv : enregistrez la feuille de temps en .csv "
            "(« CSV UTF-8 » dans Excel) ou en .xlsx"
        )


# --- the uploads waiting for their confirmation -------------------------------------------------


@dataclass
class Upload:
    """A timesheet received and kept until it is imported: only `login` may use it."""

    token: str
    login: str
    path: Path
    expires: float
    max_gap_days: int = DEFAULT_GAP_DAYS
    fingerprint: str = ""
    """The preview last shown (`ImportPreview.fingerprint`): the confirmation imports only what
    was seen."""

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class UploadStore:
    """Uploads by token, in a folder of the server's own (created on first use, mode 0700,
    removed with the process); the tokens live in memory only, like the sessions."""

    clock: Callable[[], float] = time.monotonic
    _uploads: dict[str, Upload] = field(default_factory=dict)
    _folder: tempfile.TemporaryDirectory[str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, login: str, name: str) -> Upload:
        """A new empty slot for `login`'s file named `name` (already `safe_file_name`)."""
        with self._lock:
            self._sweep()
            mine = sorted(
                (u for u in self._uploads.values() if u.login == login), key=lambda u: u.expires
            )
            for old in mine[: max(0, len(mine) - MAX_PENDING_PER_LOGIN + 1)]:
                self._drop(old.token)
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="portfolio-import-")
            slot = Path(tempfile.mkdtemp(dir=self._folder.name))
            token = secrets.token_urlsafe(24)
            upload = Upload(token, login, slot / name, self.clock() + UPLOAD_SECONDS)
            self._uploads[token] = upload
            return upload

    def get(self, token: str, login: str) -> Upload | None:
        """The upload of that token if `login` sent it and it has not expired."""
        with self._lock:
            self._sweep()
            upload = self._uploads.get(token)
            return upload if upload is not None and upload.login == login else None

    def discard(self, token: str) -> None:
        with self._lock:
            self._drop(token)

    def _sweep(self) -> None:
        now = self.clock()
        for token in [t for t, u in self._uploads.items() if u.expires <= now]:
            self._drop(token)

    def _drop(self, token: str) -> None:
        upload = self._uploads.pop(token, None)
        if upload is not None:
            shutil.rmtree(upload.path.parent, ignore_errors=True)


# --- the preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    """A placement the import adds, as a row of the preview's table."""

    worker: str
    worker_name: str
    written: tuple[str, ...]
    """How the timesheet wrote the worker, when not by id."""
    placement: str
    client: str
    kind: str
    period: str
    hours: str
    tasks: tuple[str, ...]
    rows: str


@dataclass(frozen=True)
class RowNote:
    """Timesheet rows refused or already imported, with where and why."""

    rows: str
    column: str
    reason: str


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    placements: tuple[PlacementRow, ...]
    warnings: tuple[tuple[str, str], ...]
    """(worker id, warning) that an added placement brings: they do not stop the import."""
    refused: tuple[RowNote, ...]
    already: tuple[RowNote, ...]
    notes: tuple[str, ...]
    """Title rows left out, columns ignored."""
    to_add: str
    """« 3 mises à disposition à ajouter pour 2 salariés »."""
    refused_count: str
    """« 2 lignes refusées », or "" when none is."""
    refused_rows: int
    already_count: str
    """« 4 lignes déjà importées », or "" when none is."""
    fingerprint: str


def _period(start: dt.date, end: dt.date) -> str:
    return f"le {fr_date(start)}" if start == end else f"du {fr_date(start)} au {fr_date(end)}"


def preview(planned: TimesheetImport) -> ImportPreview:
    """What the import would do, as the preview page shows it, with a fingerprint that changes
    whenever what it would do changes (the confirmation compares them)."""
    placements = []
    warnings = []
    for change in planned.plan.changed:
        worker = planned.ws.workers[change.worker]
        for added in change.added:
            entry = added.entry
            rows = added.draft.rows
            placements.append(
                PlacementRow(
                    worker=change.worker,
                    worker_name=worker.display_name,
                    written=tuple(dict.fromkeys(r.written for r in rows if r.written)),
                    placement=entry["id"],
                    client=entry["client"]["name"],
                    kind=entry["client"]["kind"],
                    period=_period(entry["start"], entry["end"]),
                    hours=message_hours(entry["hours"]),
                    tasks=tuple(
                        t if isinstance(t, str) else t["task"] for t in entry.get("tasks", [])
                    ),
                    rows=rows_text(added.draft.numbers),
                )
            )
        warnings += [(change.worker, w) for w in change.warnings]
    plan = planned.plan
    notes = tuple(n for n in (planned.titles_note, planned.ignored_note) if n)
    seen = "\n".join([*planned.summaries, *planned.refusals, *planned.already_imported])
    return ImportPreview(
        file_name=planned.file_name,
        placements=tuple(placements),
        warnings=tuple(warnings),
        refused=tuple(
            RowNote(rows_text(r.rows), r.column or "", r.reason) for r in plan.rejections
        ),
        already=tuple(RowNote(rows_text(r.rows), r.column or "", r.reason) for r in plan.already),
        notes=notes,
        to_add=placements_count(plan, "à ajouter", "à ajouter"),
        refused_count=rows_count(plan.rejections, "refusée") if plan.rejections else "",
        refused_rows=len({n for r in plan.rejections for n in r.rows}),
        already_count=rows_count(plan.already, "déjà importée") if plan.already else "",
        fingerprint=hashlib.sha256(seen.encode()).hexdigest(),
    )


def run_import(planned: TimesheetImport, *, skip_invalid: bool, actor: str) -> str:
    """Write the planned placements (one journal line each, signed by `actor`); what was done,
    in one French sentence naming the placements added to each worker. Refused rows stop the
    import unless `skip_invalid`: the preview said which."""
    plan = planned.plan
    if plan.rejections and not skip_invalid:
        raise PortfolioError(
            f"{rows_count(plan.rejections, 'refusée')} : rien n'a été écrit. Corrigez la feuille "
            "de temps, ou cochez « Importer seulement les lignes valides »"
        )
    outcome = import_timesheet(planned, skip_invalid=skip_invalid, actor=actor)
    added = " ; ".join(
        f"{c.worker} : {', '.join(a.entry['id'] for a in c.added)}" for c in plan.changed
    )
    said = outcome.message.rstrip(".") + (f" ({added})." if added else ".")
    if plan.rejections:
        count = len({n for r in plan.rejections for n in r.rows})
        said += f" {plural(count, 'ligne refusée', 'lignes refusées')} laissée"
        said += f"{'s' * (count > 1)} de côté."
    return said
