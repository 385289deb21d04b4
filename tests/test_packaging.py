"""The wheel carries everything a plain `pip install .` needs (SPEC §1): référentiels, templates
(with fonts and the workspace skeleton) and the demo workspace, under portfolio/_data/.

The wheel is built once, from a copy of the repository so that the build cannot touch the working
tree; it is inspected as a zip and, for the data lookup, unpacked and imported in a subprocess
(installing it in a fresh virtual environment would be much slower and prove little more).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parent.parent
DATA = "portfolio/_data"
CACHES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".hypothesis"
)
TOP_LEVEL_OUTPUTS = {"build", "dist", "portfolio-demo"}


def ignored(folder: str, entries: list[str]) -> set[str]:
    """Caches anywhere; build outputs only at the top (templates/build/ is real data)."""
    skipped = set(CACHES(folder, entries))
    if Path(folder) == REPOSITORY:
        skipped |= TOP_LEVEL_OUTPUTS & set(entries)
    return skipped


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(REPOSITORY, source, ignore=ignored)
    out = work / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-q", "-w", str(out), str(source)], check=True, timeout=300)
    (built,) = out.glob("vae_portfolio-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def repository_files(folder: str) -> set[str]:
    """Files of a bundled folder as the wheel should hold them."""
    root = REPOSITORY / folder
    return {
        f"{DATA}/{folder}/{p.relative_to(root).as_posix()}"
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_wheel_contains_every_bundled_referentiel(names: set[str]) -> None:
    expected = repository_files("referentiels")
    assert {n for n in expected if n.endswith(".yaml")} >= {
        f"{DATA}/referentiels/{name}.yaml"
        for name in ("advf", "eaa", "aph", "epr", "paysagiste", "amb", "savoir-etre", "numerique")
    }
    assert expected <= names


def test_wheel_contains_the_templates_fonts_and_skeleton(names: set[str]) -> None:
    expected = repository_files("templates")
    assert f"{DATA}/templates/skeleton/workspace.yaml" in expected
    assert any(n.startswith(f"{DATA}/templates/assets/fonts/") for n in expected)
    assert expected <= names


def test_wheel_contains_the_demo_workspace(names: set[str]) -> None:
    assert f"{DATA}/demo/workspace.yaml" in names
    assert repository_files("demo") <= names


def test_wheel_contains_the_user_documentation(names: set[str]) -> None:
    """Messages and `portfolio doc` point to these pages, whatever the way of installing."""
    assert f"{DATA}/docs/import-feuilles-de-temps.md" in names
    assert repository_files("docs") <= names


def test_wheel_holds_the_package_and_its_command(wheel: Path, names: set[str]) -> None:
    modules = {
        f"portfolio/{p.relative_to(REPOSITORY / 'portfolio').as_posix()}"
        for p in (REPOSITORY / "portfolio").rglob("*.py")
    }
    assert modules <= names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        assert "portfolio = portfolio.cli:main" in archive.read(entry_points).decode()


def test_wheel_leaves_out_tests_and_development_files(names: set[str]) -> None:
    top = {n.split("/", 1)[0] for n in names}
    assert top == {"portfolio", *{n.split("/", 1)[0] for n in names if ".dist-info/" in n}}
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_installed_layout_finds_its_data_inside_the_package(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(unpacked)!r})\n"
        "from portfolio import resources\n"
        "from portfolio.load import load_referentiels\n"
        "found, issues = load_referentiels()\n"
        "print(json.dumps({'package': resources.__file__,\n"
        "  'dirs': [str(resources.referentiels_dir()), str(resources.templates_dir()),\n"
        "           str(resources.demo_dir()), str(resources.docs_dir())],\n"
        "  'referentiels': sorted(found), 'issues': [i.render() for i in issues]}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["package"].startswith(str(unpacked))
    data = unpacked / "portfolio" / "_data"
    assert report["dirs"] == [
        str(data / "referentiels"),
        str(data / "templates"),
        str(data / "demo"),
        str(data / "docs"),
    ]
    assert report["issues"] == []
    assert report["referentiels"] == sorted(
        p.stem for p in (REPOSITORY / "referentiels").glob("*.yaml")
    )
