"""One build at a time in an output folder (issue 13 item 10).

A second build's clean-up deleted the temporary file a first build was writing, which then
failed to rename it into place. A build now holds its output folder's lock for its whole run:
a second build waits for the first, and gives up with a French message after the lock's wait.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import MINIMAL_WORKSPACE, write_tree
from test_build import AS_OF, CATALOG, REFERENTIEL, worker
from typer.testing import CliRunner

from portfolio import build as build_module
from portfolio.cli import app
from portfolio.transaction import locked

pytestmark = pytest.mark.slow


def workspace(root: Path) -> Path:
    return write_tree(
        root,
        {
            "workspace.yaml": MINIMAL_WORKSPACE,
            "referentiels/tst.yaml": REFERENTIEL,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-1.yaml": worker("w-1"),
        },
    )


def test_a_build_waits_for_the_one_writing_its_folder_and_spares_its_temporary_file(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "ws")
    out = tmp_path / "out"
    partial = out / "salaries" / "w-2" / ".dossier.pdf.k2x9.tmp"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"%PDF-1.7 en cours")
    command = [sys.executable, "-m", "portfolio", "build", "-w", str(root), "-o", str(out)]
    command += ["--jobs", "1", "--as-of", AS_OF.isoformat()]
    with locked(out):  # a first build, at work
        second = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            time.sleep(3)
            assert partial.exists()
            assert second.poll() is None
            assert not (out / "index.html").exists()
        except BaseException:
            second.kill()
            raise
    _, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors.decode()
    assert not partial.exists()  # the first build is over: now a leftover, cleaned
    assert (out / "salaries" / "w-1" / "dossier.pdf").is_file()


def test_a_build_that_waits_too_long_stops_with_a_french_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace(tmp_path / "ws")
    out = tmp_path / "out"
    monkeypatch.setattr(build_module, "locked", functools.partial(locked, wait=0.2))
    with locked(out):
        result = CliRunner().invoke(
            app, ["build", "-w", str(root), "-o", str(out), "--as-of", AS_OF.isoformat()]
        )
    assert result.exit_code == 1
    assert "en cours de modification par une autre commande" in result.stderr
    assert "Traceback" not in result.output
    assert not list(out.rglob("*.pdf"))
