"""The package reads as a pipeline: each layer imports only the layers below it (issue 12).

Imports are read from the source with `ast`, every one of them, including those inside
functions, so that a lazy import cannot hide a dependency on a higher layer.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "portfolio"

ENGINE = ("match", "assess", "plan", "checks", "cohort", "report", "coverage")
"""Modules of the engine: pure functions over models, below every document and front end."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every `portfolio…` module a file imports, relative imports resolved."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                )
            found.add(base.rstrip("."))
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "portfolio" or name.startswith("portfolio.")}


GRAPH = {module_name(p): imported_modules(p) for p in PACKAGE.rglob("*.py")}


def folder_of(module: str) -> str:
    """The top-level folder (or module) of the package a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def real(module: str) -> bool:
    return module in GRAPH


def imports_of(prefix: str) -> dict[str, set[str]]:
    return {
        name: {m for m in deps if real(m)}
        for name, deps in GRAPH.items()
        if name == prefix or name.startswith(prefix + ".")
    }


def test_only_the_cli_imports_the_cli() -> None:
    offenders = {
        name: sorted(m for m in deps if m.startswith("portfolio.cli"))
        for name, deps in GRAPH.items()
        if not name.startswith(("portfolio.cli", "portfolio.__main__"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_front_ends_import_the_web_interface() -> None:
    """`web/` is a front end like `cli/`: the engine and `app/` never depend on it, and the
    command line reaches it only through `portfolio serve`."""
    offenders = {
        name: sorted(m for m in deps if m.startswith("portfolio.web"))
        for name, deps in GRAPH.items()
        if not name.startswith(("portfolio.web", "portfolio.cli"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_models_import_only_models_and_ground_modules() -> None:
    allowed = ("portfolio.model", "portfolio.issues")
    offenders = {
        name: sorted(m for m in deps if real(m) and not m.startswith(allowed))
        for name, deps in imports_of("portfolio.model").items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_credentials_stand_on_the_ground_modules_and_the_models() -> None:
    """Badges are built from results and signed below the engine: `credentials/` never
    reaches the engine, documents, the application or a front end."""
    ground = ("issues", "french", "fsutil", "pool", "resources", "secret", "journal")
    allowed = ("portfolio.credentials", "portfolio.model", *(f"portfolio.{m}" for m in ground))
    offenders = {
        name: sorted(m for m in deps if real(m) and not m.startswith(allowed))
        for name, deps in imports_of("portfolio.credentials").items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_french_module_stands_on_the_models_alone() -> None:
    deps = {m for m in GRAPH["portfolio.french"] if real(m)}
    assert all(m.startswith("portfolio.model") for m in deps), deps


@pytest.mark.parametrize("module", ENGINE)
def test_engine_imports_no_document_build_or_front_end(module: str) -> None:
    deps = GRAPH[f"portfolio.{module}"]
    above = ("portfolio.render", "portfolio.build", "portfolio.app", "portfolio.cli")
    assert sorted(m for m in deps if m.startswith(above)) == []


def test_no_import_cycle_between_folders() -> None:
    edges: dict[str, set[str]] = {}
    for name, deps in GRAPH.items():
        source = folder_of(name)
        for dep in deps:
            if real(dep) and folder_of(dep) != source:
                edges.setdefault(source, set()).add(folder_of(dep))
    cycles = []
    for start in edges:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    cycles.append(" → ".join([*path, nxt]))
                elif nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


HEAVY = (
    "weasyprint",
    "portfolio.build",
    "portfolio.record",
    "portfolio.render",
    "pyld",
    "jsonschema",
    "cryptography",
)


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["check", "--help"], ["assess", "--help"], ["credentials", "--help"]],
    ids=["help", "check-help", "assess-help", "credentials-help"],
)
def test_help_loads_no_document_or_recording_module(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        "from portfolio.cli import app\n"
        "try:\n"
        f"    app({argv!r}, prog_name='portfolio')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_check_loads_no_document_or_recording_module(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from portfolio.cli import app\n"
        "try:\n"
        f"    app(['check', '-w', {str(tmp_path)!r}], prog_name='portfolio')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    (tmp_path / "workspace.yaml").write_text("name: essai\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
