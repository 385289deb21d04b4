"""The record files of links (tutors' links, SPEC §11, and workers' personal links, issue 20).

Both kinds keep one small JSON file per link in a folder of the workspace, named after a random
link id (`tutor-links/<id>.json`, `worker-links/<id>.json`): opening a link reads one file found
by its id, a write replaces only that link's file, and a damaged file spoils one link, not all
of them. What the two kinds share lives here; what a record holds, and what its states mean,
stays with each kind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from portfolio import journal
from portfolio.journal import JournalEntry

LINK_ID = re.compile(r"[0-9a-f]{16}")
"""A link id: 16 hexadecimal digits (`new_link_id`)."""
TutorLinkState = Literal["open", "closed", "revoked"]
"""A tutor's link (`tutor_links.LinkRecord`): closed once the grid is submitted."""
WorkerLinkState = Literal["open", "revoked"]
"""A worker's personal link (`worker_links.WorkerLinkRecord`)."""


def new_link_id() -> str:
    return secrets.token_hex(8)


class LinkRecord(Protocol):
    """What every record has: the link's id, the worker it names, the day it was made."""

    id: str
    worker: str
    created: dt.date


R = TypeVar("R", bound=LinkRecord)


def record_text(record: Any) -> str:
    """A record (a dataclass) as its file's text: JSON, dates in ISO form."""
    data = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in asdict(record).items()
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def record_data(text: str, states: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object of a record file; ValueError when it is not a link record (not an
    object, an unknown state, a malformed link id)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a link record")
    if data.get("state") not in states or not LINK_ID.fullmatch(str(data.get("id"))):
        raise ValueError("not a link record")
    return data


def optional_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class RecordFolder(Generic[R]):
    """One kind's folder of record files, and how to read one of its files."""

    folder: str
    parse: Callable[[str], R]
    """The record of a file's text; ValueError (or KeyError, TypeError) when it is not one."""

    def path(self, root: Path, link_id: str) -> Path:
        return root / self.folder / f"{link_id}.json"

    def read(self, root: Path, link_id: str) -> R | None:
        """The link's record, or None when there is none, or it is damaged, or it names
        another link (which saving it would write over)."""
        try:
            record = self.parse(self.path(root, link_id).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return record if record.id == link_id else None

    def of_worker(self, root: Path, worker_id: str) -> list[R]:
        """The worker's links, newest first (a damaged record is left out)."""
        folder = root / self.folder
        if not folder.is_dir():
            return []
        records = [self.read(root, p.stem) for p in folder.glob("*.json")]
        mine = [r for r in records if r is not None and r.worker == worker_id]
        return sorted(mine, key=lambda r: (r.created, r.id), reverse=True)

    def save(self, root: Path, record: R, entry: JournalEntry) -> None:
        """Write the record and its journal line together; the caller holds the workspace
        lock (`portfolio.transaction.locked`)."""
        (root / self.folder).mkdir(exist_ok=True)
        journal.commit(root, {self.path(root, record.id): record_text(record)}, [entry])
