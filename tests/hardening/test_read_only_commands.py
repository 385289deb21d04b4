"""Commands that read the workspace never change a byte of it (crash safety, privacy).

Each command runs on a copy of the demo workspace from another folder, writing its documents to
a third one; before and after, every file and folder of the workspace is listed with its content
hash and modification time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from portfolio.cli import app
from portfolio.resources import demo_dir

AS_OF = ["--as-of", "2026-06-30"]
REGISTERED = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback} | {
    g.name for g in app.registered_groups if g.name
}

Args = Callable[[str, str, Path], list[str]]
"""(worker id, training body id, output folder) → command-line arguments."""

COMMANDS: list[tuple[str, Args]] = [
    ("check", lambda w, b, out: ["check", *AS_OF]),
    ("assess", lambda w, b, out: ["assess", w, *AS_OF]),
    ("assess", lambda w, b, out: ["assess", "--all", "--json", *AS_OF]),
    ("plan", lambda w, b, out: ["plan", w, "--json", *AS_OF]),
    ("render", lambda w, b, out: ["render", w, "--doc", "dossier", "-o", str(out / "d.pdf")]),
    (
        "render",
        lambda w, b, out: [
            *("render", w, "--doc", "portfolio", "--format", "html"),
            *("-o", str(out / "p.html"), *AS_OF),
        ],
    ),
    ("report", lambda w, b, out: ["report", "--format", "json", *AS_OF]),
    ("report", lambda w, b, out: ["report", "--format", "html", "-o", str(out / "r.html")]),
    ("report", lambda w, b, out: ["report", "--format", "csv", "--pseudonymise", *AS_OF]),
    ("coverage", lambda w, b, out: ["coverage", b, "--format", "csv", *AS_OF]),
    ("coverage", lambda w, b, out: ["coverage", b, "--format", "html", "-o", str(out / "c.html")]),
    ("referentiels", lambda w, b, out: ["referentiels"]),
    ("grid", lambda w, b, out: ["grid", w, "-o", str(out / "g.pdf"), *AS_OF]),
]

SMALL_WORKSPACE = {
    "workspace.yaml": """\
name: Programme test
associations:
  - {id: ai-est, name: AI Lyon Est, counselors: [Mme Martin]}
""",
    "catalog/ofa.yaml": """\
body: {id: ofa, name: Organisme A}
modules:
  - {id: ofa.linge, title: Linge, axis: technique, hours: 12, competencies: [advf.ccp1.c3]}
""",
    "workers/w-1.yaml": """\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: [advf]
consent: {given: true, date: 2025-09-20}
placements:
  - {id: p1, client: {name: Mme D., kind: particulier}, start: 2025-10-01, end: 2025-12-20,
     hours: 64, tasks: [repassage]}
""",
}


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under root: content hash (or "folder") and modification time."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            stat = path.lstat()
            kind = "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            entries[str(path.relative_to(root))] = (kind, stat.st_mtime_ns)
    return entries


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo workspace (or a small one while the demo is not written yet)."""
    root = tmp_path_factory.mktemp("readonly") / "ws"
    if (demo_dir() / "workspace.yaml").is_file():
        shutil.copytree(demo_dir(), root, ignore=shutil.ignore_patterns(".keep", "__pycache__"))
    else:
        for relative, text in SMALL_WORKSPACE.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "args"), COMMANDS, ids=[f"{name}-{i}" for i, (name, _) in enumerate(COMMANDS)]
)
def test_command_leaves_the_workspace_untouched(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, args: Args
) -> None:
    if name not in REGISTERED:
        pytest.skip(f"« {name} » is not a command yet")
    worker = sorted(workspace.glob("workers/*.yaml"))[0].stem
    catalog = sorted(workspace.glob("catalog/*.yaml"))[0]
    body = yaml.safe_load(catalog.read_text(encoding="utf-8"))["body"]["id"]
    elsewhere = tmp_path / "elsewhere"
    out = tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    monkeypatch.chdir(elsewhere)
    before = snapshot(workspace)
    result = CliRunner().invoke(app, [*args(worker, body, out), "-w", str(workspace)])
    assert result.exit_code == 0, (result.stdout[-2000:], result.stderr[-2000:])
    assert snapshot(workspace) == before
    assert list(elsewhere.iterdir()) == []
