"""The two printed documents, read back from their PDFs (SPEC §10). Rendered once per module."""

from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import pypdf
import pytest

from portfolio.model.loaded import Workspace
from portfolio.render.documents import render_document

pytestmark = pytest.mark.slow


def pdf_text(reader: pypdf.PdfReader) -> str:
    """Page texts with runs of white space (line breaks, no-break spaces) made single spaces."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


class Rendered:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.reader = pypdf.PdfReader(io.BytesIO(data))
        self.text = pdf_text(self.reader)


@pytest.fixture(scope="module")
def dossier(render_workspace: Workspace, as_of: dt.date) -> Rendered:
    worker = render_workspace.workers["fatima-b"]
    return Rendered(render_document(render_workspace, worker, "dossier", as_of).pdf())


@pytest.fixture(scope="module")
def portfolio(render_workspace: Workspace, as_of: dt.date) -> Rendered:
    worker = render_workspace.workers["fatima-b"]
    return Rendered(render_document(render_workspace, worker, "portfolio", as_of).pdf())


@pytest.fixture(params=["dossier", "portfolio"])
def document(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


def test_dossier_has_its_sections(dossier: Rendered) -> None:
    for heading in (
        "Mes missions",
        "Ce que je sais faire et ce que j'apprends",
        "Ma formation",
        "Mes prochaines étapes",
        "Qui peut m'aider",
    ):
        assert heading in dossier.text


def test_dossier_speaks_plain_language_with_the_data(dossier: Rendered) -> None:
    text = dossier.text
    assert "Je sais nettoyer les sols" in text
    assert "Je sais aider une personne à se laver" in text
    assert "Chez Mme Delorme" in text
    assert "Du 1er octobre au 19 décembre 2025 : 60 heures." in text
    assert "En tout, j'ai travaillé 128 heures." in text
    assert "Entretenir le logement" in text
    assert "Ma conseillère : Mme Martin" in text
    assert "14 rue des Mûriers, 69120 Vaulx-en-Velin" in text


def test_dossier_leaves_codes_out(dossier: Rendered) -> None:
    assert "aide-test" not in dossier.text
    assert "RNCP" not in dossier.text


def test_dossier_is_two_to_four_pages(dossier: Rendered) -> None:
    assert 2 <= len(dossier.reader.pages) <= 4


def test_portfolio_follows_the_dossier_professionnel(portfolio: Rendered) -> None:
    text = portfolio.text
    for part in (
        "Dossier professionnel",
        "Titre professionnel TP-99999 — RNCP99999 — niveau 3",
        "Validation des Acquis de l'Expérience (VAE)",
        "Sommaire",
        "Activité-type 1 Entretenir le logement",
        "Exemple n°1",
        "Décrivez les tâches ou opérations que vous avez effectuées, et dans quelles conditions :",
        "Précisez les moyens utilisés :",
        "Avec qui avez-vous travaillé ?",
        "Contexte",
        "Nom de l'entreprise, organisme ou association",
        "Chantier, atelier, service",
        "Période d'exercice",
        "Informations complémentaires (facultatif)",
        "État des compétences",
        "Attestations de formation",
        "Déclaration sur l'honneur",
        "Je soussigné(e) Fatima B., déclare sur l'honneur",
    ):
        assert part in text, part


def test_portfolio_examples_hold_the_placement_facts(portfolio: Rendered) -> None:
    text = portfolio.text
    assert "Du 01/10/2025 au 19/12/2025, 60 h" in text
    assert "fer à repasser vapeur" in text
    assert "Mme Delorme (tuteur)" in text
    assert "Cliente exigeante sur le repassage" in text
    assert "Service d'aide à domicile" in text


def test_portfolio_contents_give_page_numbers(portfolio: Rendered) -> None:
    contents = " ".join(portfolio.reader.pages[1].extract_text().split())
    match = re.search(r"Déclaration sur l'honneur[ .]*?(\d+)", contents)
    assert match is not None
    declaration = int(match.group(1))
    assert "Déclaration sur l'honneur" in portfolio.reader.pages[declaration - 1].extract_text()


def test_pages_are_numbered(document: Rendered, request: pytest.FixtureRequest) -> None:
    """The worker's dossier says « page 2 sur 4 » in words (docs/dossier.md)."""
    of = "sur" if request.node.callspec.params["document"] == "dossier" else "/"
    total = len(document.reader.pages)
    for number, page in enumerate(document.reader.pages, start=1):
        assert f"page {number} {of} {total}" in page.extract_text()


def test_metadata_has_title_author_and_language(document: Rendered) -> None:
    meta = document.reader.metadata
    assert meta is not None
    assert meta.title.endswith("Fatima B.")
    assert meta.author == "AI Lyon Est"
    assert document.reader.trailer["/Root"]["/Lang"] == "fr"


def test_every_font_is_embedded_and_shipped(document: Rendered) -> None:
    embedded: dict[str, bool] = {}
    with pikepdf.open(io.BytesIO(document.data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                has_file = "/FontFile2" in descriptor or "/FontFile3" in descriptor
                embedded[str(font.BaseFont)] = embedded.get(str(font.BaseFont), True) and has_file
    assert embedded
    assert all(embedded.values()), embedded
    assert all("Atkinson-Hyperlegible" in name for name in embedded), embedded
