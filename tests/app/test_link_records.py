"""The record files shared by tutors' and workers' links (portfolio/app/link_records.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from portfolio.app.link_records import (
    LINK_ID,
    RecordFolder,
    new_link_id,
    optional_date,
    record_data,
    record_text,
)
from portfolio.journal import JournalEntry


@dataclass(frozen=True)
class Record:
    id: str
    worker: str
    created: dt.date
    state: str
    ended: dt.date | None = None

    @classmethod
    def from_text(cls, text: str) -> Record:
        data = record_data(text, ("open", "ended"))
        return cls(
            id=data["id"],
            worker=data["worker"],
            created=dt.date.fromisoformat(data["created"]),
            state=data["state"],
            ended=optional_date(data.get("ended")),
        )


FOLDER = RecordFolder("some-links", Record.from_text)


def record(worker: str, day: int, state: str = "open") -> Record:
    return Record(new_link_id(), worker, dt.date(2026, 3, day), state)


def test_a_record_is_written_as_json_with_iso_dates_and_read_back(tmp_path: Path) -> None:
    made = Record(new_link_id(), "fatima-b", dt.date(2026, 3, 2), "ended", dt.date(2026, 3, 9))
    FOLDER.save(tmp_path, made, JournalEntry.now(login="c", action="tutor.link", worker="x"))
    text = FOLDER.path(tmp_path, made.id).read_text(encoding="utf-8")
    assert text == record_text(made)
    assert json.loads(text)["created"] == "2026-03-02"
    assert json.loads(text)["ended"] == "2026-03-09"
    assert FOLDER.read(tmp_path, made.id) == made
    assert LINK_ID.fullmatch(made.id)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "{",
        '{"id": "0123456789abcdef", "state": "lost"}',
        '{"id": "../../etc", "state": "open"}',
        '{"id": "0123456789abcdef", "state": "open"}',
    ],
)
def test_a_damaged_record_reads_as_none(tmp_path: Path, text: str) -> None:
    (tmp_path / "some-links").mkdir()
    FOLDER.path(tmp_path, "0123456789abcdef").write_text(text, encoding="utf-8")
    assert FOLDER.read(tmp_path, "0123456789abcdef") is None
    assert FOLDER.read(tmp_path, "fedcba9876543210") is None


def test_a_record_naming_another_link_reads_as_none(tmp_path: Path) -> None:
    """Saving it would write over the other link's file."""
    made = record("fatima-b", 2)
    FOLDER.save(tmp_path, made, JournalEntry.now(login="c", action="tutor.link", worker="x"))
    other = new_link_id()
    FOLDER.path(tmp_path, made.id).rename(FOLDER.path(tmp_path, other))
    assert FOLDER.read(tmp_path, other) is None
    assert FOLDER.of_worker(tmp_path, "fatima-b") == []


def test_a_workers_records_come_newest_first_without_the_others(tmp_path: Path) -> None:
    entry = JournalEntry.now(login="c", action="tutor.link", worker="x")
    older, newer, other = record("aicha-m", 1), record("aicha-m", 5), record("kevin-t", 9)
    for made in (older, newer, other):
        FOLDER.save(tmp_path, made, entry)
    FOLDER.path(tmp_path, "0123456789abcdef").write_text("{", encoding="utf-8")
    assert FOLDER.of_worker(tmp_path, "aicha-m") == [newer, older]
    assert FOLDER.of_worker(tmp_path / "elsewhere", "aicha-m") == []
