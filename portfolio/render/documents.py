"""A worker's two printed documents, from the loaded workspace to HTML and PDF (SPEC §10).

Reads top to bottom as the pipeline: assess (and plan) the worker at the date, build the view,
render its template, then write HTML or PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from portfolio.assess import assess
from portfolio.credentials.issued import Credential
from portfolio.fsutil import write_atomic
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.plan import plan_worker
from portfolio.render.consent import require_consent
from portfolio.render.environment import render_html
from portfolio.render.pdf import html_to_pdf, standalone_html
from portfolio.render.views.dossier import DossierLink, dossier_view
from portfolio.render.views.portfolio import portfolio_view

DocumentKind = Literal["dossier", "portfolio"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("dossier", "portfolio")
Format = Literal["pdf", "html"]
LARGE_PRINT_STYLESHEET = "dossier-large.css"
"""Added after the dossier's own for large print (18 pt and more, one column, larger marks)."""


@dataclass(frozen=True)
class RenderedDocument:
    """A document's HTML with what its PDF needs: metadata and its stylesheet."""

    kind: DocumentKind
    html: str
    title: str
    author: str
    stylesheets: tuple[str, ...]

    def pdf(self) -> bytes:
        return html_to_pdf(
            self.html, title=self.title, author=self.author, stylesheets=list(self.stylesheets)
        )

    def standalone_html(self) -> str:
        return standalone_html(self.html, list(self.stylesheets))

    def content(self, fmt: Format) -> bytes | str:
        return self.pdf() if fmt == "pdf" else self.standalone_html()


def render_document(
    ws: Workspace,
    worker: Worker,
    kind: DocumentKind,
    as_of: dt.date,
    *,
    assessed: tuple[Assessment, WorkerEvidence] | None = None,
    credentials: Sequence[Credential] = (),
    dossier_link: DossierLink | None = None,
    large_print: bool = False,
) -> RenderedDocument:
    """One document of the worker at `as_of`, never without their consent (SPEC §10).

    `assessed` is the worker's assessment at `as_of` when the caller has it already (a build
    assesses each worker once for both documents and the cohort); the dossier's plan reuses the
    assessment instead of assessing the worker a second time. `credentials` are the worker's
    issued credentials (`credentials.issued.issued_credentials`), which the portfolio lists.
    `dossier_link` is the worker's personal link, which the dossier prints as a QR code;
    `large_print` prints the dossier for readers with low vision (the portfolio has no such
    edition: asking for it is a caller's error)."""
    if large_print and kind != "dossier":
        raise ValueError(f"large print is for the dossier only, not the {kind}")
    require_consent(worker)
    assessment, evidence = assessed or assess(ws, worker, as_of)
    if kind == "dossier":
        plan = plan_worker(ws, worker, as_of, assessment=assessment)
        view = dossier_view(ws, worker, assessment, evidence, plan, link=dossier_link)
    else:
        view = portfolio_view(ws, worker, assessment, evidence, credentials)
    html = render_html(f"{kind}/{kind}.html.j2", view=view, doc=view.doc)
    return RenderedDocument(
        kind=kind,
        html=html,
        title=view.doc.title,
        author=view.doc.author,
        stylesheets=(f"{kind}.css", *([LARGE_PRINT_STYLESHEET] if large_print else [])),
    )


def write_document(document: RenderedDocument, path: Path, fmt: Format) -> None:
    """Write the PDF or the standalone HTML atomically."""
    write_atomic(path, document.content(fmt))
