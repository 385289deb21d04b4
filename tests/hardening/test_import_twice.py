"""Issue 13, item 2: an import lands whole or not at all, and importing the same rows again says
« déjà importé » instead of reporting overlaps."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from portfolio.resources import demo_dir
from portfolio.transaction import JOURNAL_FILE, locked

PORTFOLIO = [sys.executable, "-m", "portfolio"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PORTFOLIO, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_importing_the_same_timesheet_twice_adds_nothing_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo_dir(), root)
    sheet = "imports/feuille-de-temps-exemple.csv"
    first = run("import", "timesheet", sheet, cwd=root)
    assert first.returncode == 0, first.stderr
    after_first = {p.name: p.read_bytes() for p in (root / "workers").iterdir()}
    second = run("import", "timesheet", sheet, cwd=root)
    assert second.returncode == 0, second.stderr
    assert re.search(r"déjà importées? \(fatima-b, mise à disposition p5\)", second.stderr)
    assert "chevauche" not in second.stderr + second.stdout
    assert "refusé" not in second.stderr
    assert {p.name: p.read_bytes() for p in (root / "workers").iterdir()} == after_first


def test_a_change_killed_after_some_renames_is_completed_not_left_half_done(
    tmp_path: Path,
) -> None:
    """Killed after the 5th of 13 renames (the probe of the issue): the next writer finishes."""
    files = [tmp_path / f"w{n}.yaml" for n in range(13)]
    for n, path in enumerate(files):
        path.write_text(f"ancien {n}\n", encoding="utf-8")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "import portfolio.transaction as t\n"
        "real, done = os.replace, []\n"
        "def dying(a, b):\n"
        "    if str(b).endswith(t.JOURNAL_FILE):\n"
        "        return real(a, b)\n"
        "    if len(done) == 5:\n"
        "        os._exit(9)\n"
        "    done.append(b)\n"
        "    real(a, b)\n"
        "folder = Path(sys.argv[1])\n"
        "with t.locked(folder):\n"
        "    t.os.replace = dying\n"
        "    t.commit(folder, {folder / f'w{n}.yaml': f'nouveau {n}\\n' for n in range(13)})\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    assert killed.returncode == 9
    texts = [p.read_text(encoding="utf-8") for p in files]
    assert sum(t.startswith("nouveau") for t in texts) == 5
    with locked(tmp_path):
        pass
    assert [p.read_text(encoding="utf-8") for p in files] == [f"nouveau {n}\n" for n in range(13)]
    assert not (tmp_path / JOURNAL_FILE).exists()
