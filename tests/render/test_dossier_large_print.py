"""The dossier in large print (issue 20): the same words, every one at 18 pt or more, in one
column, hence on more pages than the usual dossier. Sizes are read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import pypdf
import pytest

from portfolio.model.loaded import Workspace
from portfolio.render.documents import render_document

pytestmark = pytest.mark.slow

LARGE = 18.0
USUAL = 11.0
"""The usual dossier's smallest text: the page footer (the body is 14 pt)."""


def text_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Each piece of text with its size in points as printed: the font size times the scale of
    the text and page matrices."""
    sizes: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            sizes.append((text.strip(), round(size * scale, 1)))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def words(pdf: bytes) -> set[str]:
    """The words printed, page numbers and list bullets aside (« page 2 sur 5 »)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return set(re.sub(r"page \d+ sur \d+|[•–]", " ", text).split())


@pytest.fixture(scope="module")
def editions(render_workspace: Workspace, as_of: dt.date) -> dict[str, bytes]:
    worker = render_workspace.workers["fatima-b"]
    return {
        edition: render_document(
            render_workspace, worker, "dossier", as_of, large_print=edition == "large"
        ).pdf()
        for edition in ("usual", "large")
    }


def test_every_text_of_the_large_print_is_18_points_or_more(editions: dict[str, bytes]) -> None:
    sizes = text_sizes(editions["large"])
    assert sizes
    assert [(text, size) for text, size in sizes if size < LARGE] == []


def test_the_usual_dossier_keeps_its_sizes(editions: dict[str, bytes]) -> None:
    sizes = [size for _, size in text_sizes(editions["usual"])]
    assert min(sizes) >= USUAL
    assert min(sizes) < LARGE


def test_large_print_says_the_same_on_more_pages(editions: dict[str, bytes]) -> None:
    usual, large = (pypdf.PdfReader(io.BytesIO(editions[e])) for e in ("usual", "large"))
    assert len(large.pages) > len(usual.pages)
    assert words(editions["large"]) == words(editions["usual"])
