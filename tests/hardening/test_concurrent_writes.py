"""Issue 13, item 1: several counselors recording into one worker file at the same instant lose
nothing. Real processes (the `portfolio` command), started together, then the entries counted.

Before the workspace lock, two simultaneous `log observation` lost one entry in 5 to 17 trials
out of 20, while both commands said they had succeeded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portfolio.resources import demo_dir
from portfolio.transaction import JOURNAL_FILE, commit, locked

WRITERS = 8
PORTFOLIO = [sys.executable, "-m", "portfolio"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(demo_dir(), root)
    return root


def entries(root: Path, worker: str, section: str) -> list[dict]:
    data = yaml.safe_load((root / "workers" / f"{worker}.yaml").read_text(encoding="utf-8"))
    return data.get(section) or []


def start_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any, so that they read and write at once."""
    env = {**os.environ, "COLUMNS": "200"}
    running = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for c in commands
    ]
    results = []
    for command, process in zip(commands, running, strict=True):
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


@pytest.mark.slow
def test_simultaneous_observations_are_all_kept(workspace: Path) -> None:
    before = len(entries(workspace, "fatima-b", "observations"))
    commands = [
        [
            *PORTFOLIO,
            "log",
            "observation",
            "fatima-b",
            "--competency",
            "advf.ccp1.c3",
            "--level",
            "3",
            "--by",
            "Mme Martin",
            "--role",
            "conseiller",
            "--date",
            "2026-11-02",
            "--note",
            f"écrivain {n}",
            "--yes",
            "-w",
            str(workspace),
        ]
        for n in range(WRITERS)
    ]
    results = start_together(commands)
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr for r in results]
    notes = [o.get("note") for o in entries(workspace, "fatima-b", "observations")[before:]]
    assert sorted(notes) == sorted(f"écrivain {n}" for n in range(WRITERS))


@pytest.mark.slow
def test_simultaneous_placements_get_distinct_ids(workspace: Path) -> None:
    before = {p["id"] for p in entries(workspace, "mehdi-k", "placements")}
    commands = [
        [
            *PORTFOLIO,
            "log",
            "placement",
            "mehdi-k",
            "--client",
            f"Client numéro {n}",
            "--client-kind",
            "particulier",
            "--start",
            "2026-10-05",
            "--end",
            "2026-10-09",
            "--hours",
            "6",
            "--task",
            "repassage",
            "--yes",
            "-w",
            str(workspace),
        ]
        for n in range(WRITERS)
    ]
    results = start_together(commands)
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr for r in results]
    placements = entries(workspace, "mehdi-k", "placements")
    added = [p for p in placements if p["id"] not in before]
    assert sorted(p["client"]["name"] for p in added) == sorted(
        f"Client numéro {n}" for n in range(WRITERS)
    )
    assert len({p["id"] for p in placements}) == len(placements)


def test_a_change_of_many_files_killed_half_way_is_finished_by_the_next_writer(
    tmp_path: Path,
) -> None:
    """The journal lists staged files; a writer killed before its renames leaves it, and the
    next one to take the lock completes them: all files change, not some."""
    folder = tmp_path / "ws"
    files = {folder / f"w{n}.yaml": f"ancien {n}\n" for n in range(13)}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "import portfolio.transaction as t\n"
        "folder = Path(sys.argv[1])\n"
        "with t.locked(folder):\n"
        "    t.recover = lambda folder: os._exit(9)  # killed right after staging\n"
        "    t.commit(folder, {folder / f'w{n}.yaml': f'nouveau {n}\\n' for n in range(13)})\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(folder)], check=False)
    assert killed.returncode == 9
    assert (folder / JOURNAL_FILE).exists()
    assert {p.read_text(encoding="utf-8") for p in files} == {f"ancien {n}\n" for n in range(13)}
    with locked(folder):
        pass
    assert not (folder / JOURNAL_FILE).exists()
    assert [p.read_text(encoding="utf-8") for p in files] == [f"nouveau {n}\n" for n in range(13)]
    assert not list(folder.glob(".*.new"))


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from portfolio.transaction import locked\n"
        "with locked(Path(sys.argv[1])):\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    assert killed.returncode == -9
    with locked(tmp_path, wait=5):
        commit(tmp_path, {tmp_path / "a.txt": "ok"})
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "ok"
