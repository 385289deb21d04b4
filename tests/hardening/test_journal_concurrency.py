"""The journal of writes under several writers and crashes (SPEC §11, issue 17 item 4).

Writers are real processes. A crash is a process killed (`os._exit`) at the worst moments of a
recording: after its worker file and pending note are committed but before the journal line is
appended, in the middle of the transaction's renames, and half-way through the line. In every
case the next writer leaves the worker file and the journal agreeing: each change has its line,
once and whole, and no line stands for a change that was not made.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import VALID_CATALOG, VALID_WORKER

from portfolio import journal
from portfolio.app.recording import add_observation, open_for_recording
from portfolio.journal import JournalEntry, check_journal, read

WRITERS = 8
ENTRIES = 50

APPEND_MANY = """\
import sys
from pathlib import Path
from portfolio import journal
from portfolio.journal import JournalEntry
from portfolio.transaction import locked

root, writer = Path(sys.argv[1]), int(sys.argv[2])
for n in range({entries}):
    entry = JournalEntry.now(
        login=f"writer{{writer}}", action="observation.add", worker=f"w-{{writer}}", entry=f"e{{n}}"
    )
    with locked(root):
        journal.commit(root, {{}}, [entry])
"""


@pytest.mark.slow
def test_eight_writers_appending_fifty_entries_each_leave_400_whole_lines(tmp_path: Path) -> None:
    script = APPEND_MANY.format(entries=ENTRIES)
    running = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(writer)])
        for writer in range(WRITERS)
    ]
    assert [p.wait(timeout=120) for p in running] == [0] * WRITERS
    lines = b"".join(p.read_bytes() for p in journal.month_files(tmp_path)).split(b"\n")
    assert lines[-1] == b""  # the last line is whole too
    entries = [JournalEntry.model_validate(json.loads(line)) for line in lines[:-1]]
    assert len(entries) == WRITERS * ENTRIES
    assert {(e.worker, e.entry) for e in entries} == {
        (f"w-{w}", f"e{n}") for w in range(WRITERS) for n in range(ENTRIES)
    }
    for writer in range(WRITERS):  # each writer's lines in the order it wrote them
        assert [e.entry for e in entries if e.worker == f"w-{writer}"] == [
            f"e{n}" for n in range(ENTRIES)
        ]
    assert check_journal(tmp_path) == []
    assert not (tmp_path / "journal" / journal.PENDING_FILE).exists()


# --- crashes ------------------------------------------------------------------------------------

RECORD_THEN_DIE = """\
import datetime as dt, os, sys
from pathlib import Path
import portfolio.transaction as transaction
from portfolio import journal
from portfolio.app.recording import add_observation, open_for_recording

root = Path(sys.argv[1])
{crash}
rec = open_for_recording(root, "w-0042")
add_observation(
    rec, day=dt.date(2002, 12, 20), by="Mme D.", role="tuteur", competency="advf.ccp1.c3",
    level=3, actor="killed.writer",
)
"""

BEFORE_THE_APPEND = "journal._append_at = lambda *args: os._exit(9)"

DURING_THE_RENAMES = """\
finish = transaction.recover
calls = []
def recover(folder):
    calls.append(folder)
    if len(calls) > 1:  # the lock's own recovery passes; the commit's renames never happen
        os._exit(9)
    finish(folder)
transaction.recover = recover
"""

HALF_WAY_THROUGH_THE_LINE = """\
def half(path, offset, data):
    with open(path, "ab") as handle:
        handle.write(data[: len(data) // 2])
    os._exit(9)
journal._append_at = half
"""


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})


def observations(root: Path) -> list[dict]:
    data = yaml.safe_load((root / "workers" / "w-0042.yaml").read_text(encoding="utf-8"))
    return data.get("observations") or []


def killed(root: Path, crash: str) -> None:
    script = RECORD_THEN_DIE.format(crash=crash)
    done = subprocess.run([sys.executable, "-c", script, str(root)], check=False)
    assert done.returncode == 9


def record_next(root: Path) -> None:
    """The next write, by someone else: it takes the lock and finds what the killed one left."""
    rec = open_for_recording(root, "w-0042")
    add_observation(
        rec, day=dt.date(2002, 12, 21), by="Mme D.", role="tuteur",
        competency="advf.ccp1.c3", level=4, actor="next.writer",
    )  # fmt: skip


def test_killed_after_its_file_is_written_its_line_is_appended_by_the_next_writer(
    root: Path,
) -> None:
    killed(root, BEFORE_THE_APPEND)
    assert len(observations(root)) == 1  # the change is made, its line committed with it …
    assert (root / "journal" / journal.PENDING_FILE).is_file()
    assert read(root) == []  # … and not yet appended
    record_next(root)
    assert [e.login for e in read(root)] == ["killed.writer", "next.writer"]
    assert len(observations(root)) == 2
    assert check_journal(root) == []


def test_killed_during_the_renames_neither_file_nor_line_shows_until_finished(root: Path) -> None:
    killed(root, DURING_THE_RENAMES)
    assert observations(root) == []
    assert read(root) == []
    record_next(root)
    assert [o["level"] for o in observations(root)] == [3, 4]
    assert [e.login for e in read(root)] == ["killed.writer", "next.writer"]


def test_killed_half_way_through_the_line_it_is_written_again_once_and_whole(root: Path) -> None:
    killed(root, HALF_WAY_THROUGH_THE_LINE)
    assert len(check_journal(root)) == 1  # half a line, until the next writer comes
    record_next(root)
    assert [e.login for e in read(root)] == ["killed.writer", "next.writer"]
    assert check_journal(root) == []


def test_forget_finishes_a_pending_line_before_removing_the_persons_lines(root: Path) -> None:
    from typer.testing import CliRunner

    from portfolio.cli import app

    killed(root, BEFORE_THE_APPEND)
    result = CliRunner().invoke(app, ["forget", "w-0042", "--yes", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert read(root) == []
    assert not (root / "journal" / journal.PENDING_FILE).exists()
    assert b"w-0042" not in b"".join(p.read_bytes() for p in (root / "journal").iterdir())
