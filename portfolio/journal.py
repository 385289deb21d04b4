"""The journal of writes (SPEC §11): one JSON line per recorded change in `journal/AAAA-MM.jsonl`,
saying when, who, what kind of write, to which worker and which entry, and nothing else about
the person (no name, no note, no free text), so that a worker page can show its history and a
federation can tell who changed what.

It sits at the ground level, beside `transaction.py`, because three layers use it: the
application's recording functions write it, `portfolio check` validates it (and must not import
`record/`, see tests/test_layering.py), and `forget` removes a person's lines.

A change and its journal lines land together, by construction. `commit` runs under the
workspace lock and writes, in one `transaction.commit`, the changed files and a pending note
(`journal/.pending`: which month file, its size before, the lines to add): the transaction
makes both appear, or neither, even when the writer is killed (the next writer to take the lock
finishes the renames). Only then are the lines appended, in one `os.write` on a file opened with
`O_APPEND`, flushed with `fsync`, and the note removed. A writer killed before that leaves the
note; the next journaled write (or `forget`) takes the lock, cuts the month file back to the
recorded size and writes the lines again (`settle`), so that no crash leaves a change without
its line, a line without its change, half a line, or a line twice.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_serializer,
    field_validator,
)

from portfolio import transaction
from portfolio.issues import Issue, Location, PortfolioError, error, warning
from portfolio.model.common import Id

JOURNAL_DIR = "journal"
PENDING_FILE = ".pending"
"""Lines committed with their change but not yet appended (a writer was killed in between)."""

Action = Literal[
    "worker.add",
    "placement.add",
    "observation.add",
    "training.add",
    "timesheet.import",
    "entry.edit",
    "entry.delete",
    "tutor.link",
    "tutor.grid",
    "tutor.revoke",
    "dossier.link",
    "dossier.revoke",
    "credential.issue",
]
ACTIONS: tuple[str, ...] = get_args(Action)

LOGIN_PATTERN = r"^[A-Za-z0-9._@:-]{1,80}$"
"""A web account's login (`m.martin`), `cli:<system user>` for a command: an identifier, never
free text."""
ENTRY_PATTERN = r"^[a-z0-9][a-z0-9._:-]{0,63}$"
_SYSTEM_USER = re.compile(r"[A-Za-z0-9._-]{1,64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_MONTH_FILE = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.jsonl")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class JournalEntry(BaseModel):
    """One write: when (UTC, to the second), who, what, to which worker and entry (a placement
    id such as `p3`; null when the entry has no id, as observations and trainings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: dt.datetime
    login: Annotated[str, StringConstraints(pattern=LOGIN_PATTERN)]
    action: Action
    worker: Id
    entry: Annotated[str, StringConstraints(pattern=ENTRY_PATTERN)] | None

    @field_validator("time", mode="before")
    @classmethod
    def _written_form(cls, value: Any) -> Any:
        """As written in a line, the time is text in one form: pydantic would also take a
        number of seconds, or a date with an offset."""
        if isinstance(value, dt.datetime) or (isinstance(value, str) and _TIME.fullmatch(value)):
            return value
        raise ValueError("time")

    @field_validator("time")
    @classmethod
    def _utc_seconds(cls, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() != dt.timedelta(0) or value.microsecond:
            raise ValueError("time")
        return value

    @field_serializer("time")
    def _iso(self, value: dt.datetime) -> str:
        return value.strftime(TIME_FORMAT)

    @classmethod
    def now(
        cls, *, login: str, action: Action, worker: str, entry: str | None = None
    ) -> JournalEntry:
        """The entry of a write made at this moment."""
        moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return cls(time=moment, login=login, action=action, worker=worker, entry=entry)

    @property
    def file_name(self) -> str:
        """The month file the entry belongs to: `2026-11.jsonl`."""
        return f"{self.time:%Y-%m}.jsonl"

    def line(self) -> str:
        return self.model_dump_json() + "\n"


def actor_login(actor: str | None) -> str:
    """Who writes: the web account's login, or `cli:<system user>` for a command (`cli` alone
    when the system cannot tell, or names its user with characters a login never holds)."""
    if actor is not None:
        if re.fullmatch(LOGIN_PATTERN, actor) is None:
            raise PortfolioError(
                f"« {actor[:80]} » ne peut pas signer une écriture du journal : un identifiant "
                "de connexion (lettres sans accent, chiffres, « . », « - », « _ », « @ », « : ») "
                "est attendu ; rien n'a été écrit"
            )
        return actor
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        return "cli"
    return f"cli:{user}" if _SYSTEM_USER.fullmatch(user) else "cli"


# --- writing ------------------------------------------------------------------------------------


def commit(root: Path, files: Mapping[Path, str | bytes], entries: Sequence[JournalEntry]) -> None:
    """Replace `files` (paths inside the workspace `root`) and append the lines of `entries`,
    all of it or nothing (see the module's note). Call it under `transaction.locked(root)`,
    which is not re-entrant: it does not take the lock itself."""
    settle(root)
    if not entries:
        transaction.commit(root, files)
        return
    folder = root / JOURNAL_DIR
    folder.mkdir(exist_ok=True)
    by_file: dict[str, list[str]] = {}
    for entry in entries:
        by_file.setdefault(entry.file_name, []).append(entry.line())
    pending = [_pending_append(folder / name, "".join(lines)) for name, lines in by_file.items()]
    transaction.commit(root, {**files, folder / PENDING_FILE: json.dumps(pending)})
    settle(root)


def _pending_append(path: Path, text: str) -> dict[str, Any]:
    """Where the lines go: the month file and its size now, the point to cut back to when the
    append is done again. A file a hand edit left without its last line break gets one first,
    so that the new line stays a line of its own."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if size:
        with path.open("rb") as handle:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                text = "\n" + text
    return {"file": path.name, "offset": size, "text": text}


def settle(root: Path) -> None:
    """Append the lines a commit left pending, then drop the note. Under the lock; harmless when
    nothing is pending, and when it runs twice on the same note."""
    folder = root / JOURNAL_DIR
    note = folder / PENDING_FILE
    try:
        pending = json.loads(note.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    for append in pending:
        _append_at(folder / append["file"], append["offset"], append["text"].encode("utf-8"))
    note.unlink()


def _append_at(path: Path, offset: int, data: bytes) -> None:
    """Write `data` at the end of the file in one `os.write` (O_APPEND) and flush it to disk.

    When the file already holds part or all of `data` after `offset` (an earlier try was
    killed), it is first cut back to `offset`, so that the lines are there once and whole."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size > offset and data.startswith(os.pread(fd, size - offset, offset)):
            os.ftruncate(fd, offset)
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(f"{path} : écriture incomplète ({written} octets sur {len(data)})")
        os.fsync(fd)
    finally:
        os.close(fd)


# --- reading ------------------------------------------------------------------------------------


def month_files(root: Path) -> list[Path]:
    """The journal's month files, oldest first."""
    folder = root / JOURNAL_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _MONTH_FILE.fullmatch(p.name) and p.is_file())


def read(root: Path, worker: str | None = None) -> list[JournalEntry]:
    """The journal's entries, oldest first; only one worker's with `worker`. A line that does not
    read as an entry is left out here (`portfolio check` reports it)."""
    found = []
    needle = None if worker is None else json.dumps(worker).encode("utf-8")
    for path in month_files(root):
        with path.open("rb") as handle:
            for raw in handle:
                if needle is not None and needle not in raw:
                    continue
                try:
                    entry = JournalEntry.model_validate_json(raw)
                except ValidationError:
                    continue
                if worker is None or entry.worker == worker:
                    found.append(entry)
    return found


def line_worker(raw: bytes) -> str | None:
    """The worker a journal line is about, read as leniently as possible (a line with an extra
    field still names its worker): `forget` removes it by this; None when it names none."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    worker = data.get("worker") if isinstance(data, dict) else None
    return worker if isinstance(worker, str) else None


# --- checking -----------------------------------------------------------------------------------

FIELD_RULES = {
    "time": "date et heure UTC à la seconde, par exemple 2026-11-02T14:05:09Z",
    "login": "identifiant de connexion, ou cli:<utilisateur> pour une commande",
    "action": f"une de : {', '.join(ACTIONS)}",
    "worker": "identifiant de salarié : minuscules sans accent, chiffres et tirets",
    "entry": "identifiant d'entrée (p3…) ou null",
}
ENTRY_SHAPE = (
    "une ligne du journal tient les champs time, login, action, worker et entry, rien d'autre"
)


def check_journal(root: Path) -> list[Issue]:
    """SPEC §11: every line of every month file is one entry; any other file in `journal/` is
    not read, so it is pointed out (hidden files are the journal's own, while it writes)."""
    folder = root / JOURNAL_DIR
    if not folder.is_dir():
        return []
    issues = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        shown = f"{JOURNAL_DIR}/{path.name}"
        if _MONTH_FILE.fullmatch(path.name) and path.is_file():
            issues += _check_month_file(path, shown)
        else:
            issues.append(
                warning(
                    Location(shown),
                    "journal-file",
                    "ce fichier n'est pas lu : le dossier journal/ ne contient que des fichiers "
                    "AAAA-MM.jsonl (un par mois, par exemple 2026-11.jsonl) ; renommez-le ou "
                    "déplacez-le",
                )
            )
    return issues


def _check_month_file(path: Path, shown: str) -> list[Issue]:
    issues = []
    try:
        for number, raw in _numbered_lines(path):
            problem = _line_problem(raw)
            if problem is not None:
                column, code, message = problem
                issues.append(error(Location(shown, number, column), code, message))
    except OSError as exc:
        issues.append(
            error(Location(shown), "journal-unreadable", f"fichier illisible : {exc.strerror}")
        )
    return issues


def _numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)


def _line_problem(raw: bytes) -> tuple[int, str, str] | None:
    """(column, code, French message) of what is wrong with a line; None when it is an entry."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return 1, "journal-encoding", "ligne illisible : elle n'est pas en UTF-8"
    if not text.strip():
        return 1, "journal-json", "ligne vide : le journal tient une entrée par ligne, ôtez-la"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return (
            exc.colno,
            "journal-json",
            f"ligne illisible (JSON invalide : {exc.msg}) : {ENTRY_SHAPE} ; corrigez-la",
        )
    if not isinstance(data, dict):
        return 1, "journal-entry", f"ligne invalide, pas un objet JSON : {ENTRY_SHAPE}"
    try:
        JournalEntry.model_validate(data)
    except ValidationError as exc:
        reasons = " ; ".join(dict.fromkeys(_reason(e) for e in exc.errors()))
        return 1, "journal-entry", f"entrée invalide : {reasons} ; {ENTRY_SHAPE}"
    return None


def _reason(found: Any) -> str:
    field = str(found["loc"][0]) if found["loc"] else ""
    if found["type"] == "missing":
        return f"champ « {field} » manquant"
    if found["type"] == "extra_forbidden":
        return f"champ « {field[:40]} » en trop (le journal ne garde rien d'autre)"
    return f"champ « {field} » invalide ({FIELD_RULES[field]})"
