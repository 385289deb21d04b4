"""Without the system libraries WeasyPrint loads (Pango…), PDFs are refused in French, and
nothing else breaks (issue 14 item 8).

`render`, `build` and `demo` printed WeasyPrint's English notice, a 170-line traceback and, for a
build, `BrokenProcessPool`. The machine is simulated: the CLI runs in a subprocess whose
`sitecustomize` makes `import weasyprint` fail as it does without Pango — WeasyPrint prints its
notice on stdout, then cffi's `dlopen` raises `OSError: cannot load library …`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace

from portfolio.render.pdf import install_hint, missing_libraries_message

SITECUSTOMIZE = '''
import importlib.abc
import sys


class NoPango(importlib.abc.MetaPathFinder):
    """`import weasyprint` as on a machine without Pango."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            print("\\n-----\\n\\nWeasyPrint could not import some external libraries. Please "
                  "carefully follow the installation steps before reporting an issue")
            raise OSError(
                "cannot load library 'libgobject-2.0-0': libgobject-2.0-0: cannot open shared "
                "object file: No such file or directory.  Additionally, ctypes.util.find_library() "
                "did not manage to locate a library called 'libgobject-2.0-0'"
            )
        return None


sys.meta_path.insert(0, NoPango())
'''
AS_OF = "2003-06-30"
APT = "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


@pytest.fixture
def without_pango(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine without Pango, for the CLI in a subprocess."""
    site = tmp_path / "sans-pango"
    site.mkdir()
    (site / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE), encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "80", "PYTHONWARNINGS": ""}


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Path:
    return make_workspace({"catalog/ofa.yaml": VALID_CATALOG, "workers/w-0042.yaml": VALID_WORKER})


def portfolio(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portfolio", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_refused_in_french(run: subprocess.CompletedProcess[str]) -> None:
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    assert "BrokenProcessPool" not in output
    assert "WeasyPrint could not import" not in output
    flat = " ".join(run.stderr.split())
    assert "impossible de produire un PDF" in flat
    assert "(libgobject-2.0-0 introuvable)" in flat
    assert f"  Debian, Ubuntu :\n    {APT}\n" in run.stderr  # a command alone on its line
    assert "« --format html »" in flat


def test_the_simulation_fails_as_weasyprint_does(without_pango: dict[str, str]) -> None:
    probe = "import weasyprint"
    run = subprocess.run(
        [sys.executable, "-c", probe], env=without_pango, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "OSError: cannot load library 'libgobject-2.0-0'" in run.stderr


def test_render_pdf_says_what_to_install_and_writes_nothing(
    without_pango: dict[str, str], workspace: Path, tmp_path: Path
) -> None:
    run = portfolio(without_pango, tmp_path, "render", "w-0042", "--doc", "dossier",
                    "--as-of", AS_OF, "-w", str(workspace))  # fmt: skip
    assert_refused_in_french(run)
    assert "Préparation" not in run.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_html_documents_and_other_commands_still_work(
    without_pango: dict[str, str], workspace: Path, tmp_path: Path
) -> None:
    run = portfolio(without_pango, tmp_path, "render", "w-0042", "--doc", "portfolio",
                    "--format", "html", "--as-of", AS_OF, "-w", str(workspace))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "w-0042-portfolio.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    run = portfolio(without_pango, tmp_path, "grid", "w-0042", "--format", "html",
                    "--as-of", AS_OF, "-w", str(workspace))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "grille-w-0042-p1.html").is_file()
    run = portfolio(without_pango, tmp_path, "check", "--as-of", AS_OF, "-w", str(workspace))
    assert run.returncode == 0, run.stderr
    assert "Aucun problème trouvé." in run.stdout
    report = str(tmp_path / "rapport.html")
    run = portfolio(without_pango, tmp_path, "report", "--format", "html", "-o", report,
                    "--as-of", AS_OF, "-w", str(workspace))  # fmt: skip
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    "command",
    [["grid", "w-0042"], ["report"], ["coverage", "ofa"]],
    ids=["grid", "report", "coverage"],
)
def test_every_pdf_command_is_refused_in_french(
    without_pango: dict[str, str], workspace: Path, tmp_path: Path, command: list[str]
) -> None:
    run = portfolio(without_pango, tmp_path, *command, "--as-of", AS_OF, "-w", str(workspace))
    assert_refused_in_french(run)
    assert not list(tmp_path.glob("*.pdf"))


def test_build_is_refused_once_before_any_process_starts(
    without_pango: dict[str, str], workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "documents"
    run = portfolio(without_pango, tmp_path, "build", "-o", str(out), "--as-of", AS_OF,
                    "-w", str(workspace))  # fmt: skip
    assert_refused_in_french(run)
    assert run.stderr.count("impossible de produire un PDF") == 1
    assert not list(out.rglob("*.pdf"))
    assert not (out / "index.html").exists()


def test_demo_copies_and_checks_its_workspace_then_says_pdfs_need_pango(
    without_pango: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "demo"
    run = portfolio(without_pango, tmp_path, "demo", "-o", str(target), "--as-of", "2026-06-30")
    assert_refused_in_french(run)
    flat = " ".join(run.stderr.split())
    assert f"Espace de démonstration copié dans {target}." in flat
    assert f"l'espace de démonstration est prêt dans {target}, mais impossible de produire" in flat
    assert f"--doc dossier --format html -w {target}" in flat
    assert "Démonstration prête" not in run.stdout
    assert (target / "workspace.yaml").is_file()
    assert not (target / "documents").exists()


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", (f"  {APT}", "  sudo dnf install pango")),
        ("darwin", ("  brew install pango",)),
        ("win32", ("WSL (« wsl --install » installe Ubuntu)",)),
        ("freebsd14", ("brew install pango", APT)),
    ],
)
def test_install_commands_fit_the_system(platform: str, expected: tuple[str, ...]) -> None:
    lines = install_hint(platform)
    for part in expected:
        assert any(part in line for line in lines), (part, lines)
    if platform == "darwin":
        assert not any("apt install" in line for line in lines)


def test_message_names_the_missing_library_on_one_line() -> None:
    failure = OSError("cannot load library 'libpango-1.0-0': not found")
    message = missing_libraries_message(failure)
    assert "(libpango-1.0-0 introuvable). Installez-les (ci-dessous), puis relancez" in message
    assert "\n" not in message
