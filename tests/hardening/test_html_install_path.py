"""HTML documents name no folder of the computer that made them (issue 13 item 10).

`--format html` wrote `file:///…/site-packages/portfolio/_data/templates/assets/…` URLs for
fonts and pictograms: the page told where (and by whom, in a home folder) it was made, and lost
its fonts once sent elsewhere. Every standalone HTML now carries its assets as `data:` URLs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import MINIMAL_WORKSPACE, write_tree
from test_build import AS_OF, CATALOG, REFERENTIEL, worker
from typer.testing import CliRunner

import portfolio
from portfolio.cli import app
from portfolio.resources import templates_dir

pytestmark = pytest.mark.slow

COMMANDS = {
    "dossier": ["render", "w-1", "--doc", "dossier", "--format", "html"],
    "portfolio": ["render", "w-1", "--doc", "portfolio", "--format", "html"],
    "coverage": ["coverage", "ofa", "--format", "html"],
    "report": ["report", "--format", "html"],
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("html")
    root = write_tree(
        folder / "ws",
        {
            "workspace.yaml": MINIMAL_WORKSPACE,
            "referentiels/tst.yaml": REFERENTIEL,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-1.yaml": worker("w-1"),
        },
    )
    written = {}
    for name, command in COMMANDS.items():
        target = folder / f"{name}.html"
        args = [*command, "-o", str(target), "-w", str(root), "--as-of", AS_OF.isoformat()]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        written[name] = target.read_text(encoding="utf-8")
    return written


@pytest.mark.parametrize("name", COMMANDS)
def test_an_html_document_names_no_folder_of_the_computer(pages: dict[str, str], name: str) -> None:
    html = pages[name]
    installed = Path(portfolio.__file__).resolve().parent
    for folder in (templates_dir(), templates_dir().resolve(), installed, installed.parent):
        assert str(folder) not in html
    assert "file:" not in html


@pytest.mark.parametrize("name", COMMANDS)
def test_an_html_document_carries_its_fonts(pages: dict[str, str], name: str) -> None:
    assert pages[name].count('url("data:font/ttf;base64,') == 4


def test_the_dossier_carries_its_pictograms(pages: dict[str, str]) -> None:
    """Its stylesheet draws them as backgrounds (issue 20): they come inlined with it."""
    assert 'url("data:image/svg+xml;base64,' in pages["dossier"]
