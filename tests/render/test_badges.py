"""The portfolio lists the Open Badges credentials issued to the worker, each with a QR code
holding its file name and hash, so that a jury can match paper and file (issue 18, SPEC §12).

The workspace is the rendering tests' one (tests/render/conftest.py) with two credential files
for fatima-b; the QR codes are read back from the SVG drawn into the document."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest
import segno
from badge_support import credential, write_badge

from portfolio.app.documents import render_worker_document
from portfolio.assess import assess
from portfolio.credentials.issued import Credential, IssuedCredential, issued_credentials
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.render.documents import render_document
from portfolio.render.environment import render_html
from portfolio.render.views.portfolio import PortfolioView, portfolio_view

SECTION = "Badges numériques remis"
HASH = "0123456789abcdef" * 4


def issued(block: str, **fields: object) -> IssuedCredential:
    values: dict[str, object] = {
        "file_name": f"{block}.json",
        "block_id": block,
        "achievement": "Entretenir le logement",
        "rncp_code": "RNCP99999BC01",
        "issuer": "AI Lyon Est",
        "valid_from": dt.date(2026, 6, 30),
        "valid_until": dt.date(2031, 6, 30),
        "sha256": HASH,
    }
    return IssuedCredential(**{**values, **fields})  # type: ignore[arg-type]


def view_with(ws: Workspace, as_of: dt.date, credentials: list[Credential]) -> PortfolioView:
    worker = ws.workers["fatima-b"]
    assessment, evidence = assess(ws, worker, as_of)
    return portfolio_view(ws, worker, assessment, evidence, credentials)


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) of a QR code drawn by segno as one SVG path of
    horizontal strokes: `M x y h n` starts a run, `m dx dy h n` moves from the last run's end."""
    path = re.search(r' d="([^"]+)"', svg)
    assert path is not None, svg
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for move, a, b, length in re.findall(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)", path.group(1)):
        x, y = (float(a), float(b)) if move == "M" else (x + float(a), y + float(b))
        row = int(y)
        dark.update((int(x) + k, row) for k in range(int(length)))
        x += int(length)
    return dark


def expected_modules(payload: str) -> set[tuple[int, int]]:
    """The dark modules of the code of `payload`, from segno's matrix, with the 4-module quiet
    zone the SVG draws."""
    code = segno.make(payload, error="m", micro=False)
    return {
        (x + 4, y + 4)
        for y, row in enumerate(code.matrix)
        for x, value in enumerate(row)
        if value & 1
    }


# --- the view -----------------------------------------------------------------------------------


def test_the_view_lists_each_credential_with_dates_and_hash(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    view = view_with(
        render_workspace,
        as_of,
        [issued("aide-test.b1"), issued("aide-test.b2", rncp_code=None, valid_until=None)],
    )
    first, second = view.badges
    assert (first.title, first.rncp_code, first.issuer) == (
        "Entretenir le logement",
        "RNCP99999BC01",
        "AI Lyon Est",
    )
    assert (first.valid_from, first.valid_until, first.expired) == (
        dt.date(2026, 6, 30),
        dt.date(2031, 6, 30),
        False,
    )
    assert first.short_hash == "0123 4567 89ab cdef"
    assert first.hash_lines == (("01234567", "89abcdef") * 2,) * 2
    assert first.qr_payload == f"aide-test.b1.json sha256:{HASH}"
    assert (second.rncp_code, second.valid_until) == (None, None)
    assert view.unreadable_badges == ()


def test_a_credential_past_its_end_is_said_expired(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    view = view_with(
        render_workspace, as_of, [issued("aide-test.b1", valid_until=as_of - dt.timedelta(1))]
    )
    assert view.badges[0].expired


def test_the_qr_code_holds_the_file_name_and_hash(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    [badge] = view_with(render_workspace, as_of, [issued("aide-test.b1")]).badges
    assert qr_modules(badge.qr_svg) == expected_modules(f"aide-test.b1.json sha256:{HASH}")
    assert badge.qr_version == 6
    assert badge.qr_svg.startswith('<svg role="img" ')
    assert (
        "<title>Code QR du badge aide-test.b1.json : nom du fichier et empreinte SHA-256</title>"
        in badge.qr_svg
    )


def test_an_unreadable_file_is_left_out_with_a_sentence_for_the_counselor(
    tmp_path: Path, render_workspace: Workspace, as_of: dt.date
) -> None:
    write_badge(tmp_path, "fatima-b", "aide-test.b1", credential("Entretenir le logement"))
    write_badge(tmp_path, "fatima-b", "aide-test.b2", "{ pas du json")
    view = view_with(render_workspace, as_of, issued_credentials(tmp_path, "fatima-b"))
    assert [b.file_name for b in view.badges] == ["aide-test.b1.json"]
    assert view.unreadable_badges == (
        "Le fichier aide-test.b2.json n'est pas du JSON valide (erreur ligne 1, colonne 3) : "
        "il n'est pas repris ici. Émettez les badges à nouveau (portfolio credentials fatima-b) "
        "ou retirez ce fichier du dossier badges/fatima-b/.",
    )


# --- the document -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def badged_workspace(render_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendering workspace with two credentials issued to fatima-b."""
    root = tmp_path_factory.mktemp("badges") / "ws"
    shutil.copytree(render_workspace_dir, root)
    write_badge(
        root, "fatima-b", "aide-test.b1", credential("Entretenir le logement", rncp="RNCP99999BC01")
    )
    write_badge(root, "fatima-b", "aide-test.b2", credential("Accompagner la personne"))
    return root


def file_hashes(root: Path) -> dict[str, str]:
    folder = root / "badges" / "fatima-b"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.json")}


@pytest.fixture(scope="module")
def badged_html(badged_workspace: Path, as_of: dt.date) -> str:
    ws, _ = load_workspace(badged_workspace)
    credentials = issued_credentials(badged_workspace, "fatima-b")
    return render_document(
        ws, ws.workers["fatima-b"], "portfolio", as_of, credentials=credentials
    ).html


def test_the_document_lists_the_credentials_after_the_statuses(
    badged_html: str, badged_workspace: Path
) -> None:
    section = badged_html.index(f"<h2>{SECTION}</h2>")
    assert badged_html.index('id="transversal"') < section < badged_html.index('id="attestations"')
    assert f'<a href="#badges">{SECTION}</a>' in badged_html
    for name, digest in file_hashes(badged_workspace).items():
        assert name in badged_html
        assert f"{digest[:4]} {digest[4:8]} {digest[8:12]} {digest[12:16]}…" in badged_html
    assert "valable du 30 juin 2026 au 30 juin 2031" in badged_html
    assert 'Entretenir le logement <span class="muted">(RNCP99999BC01)</span>' in badged_html
    assert "portfolio verify FICHIER" in badged_html


def test_each_qr_code_in_the_document_holds_its_file_name_and_hash(
    badged_html: str, badged_workspace: Path
) -> None:
    drawn = re.findall(r'<svg role="img" .*?</svg>', badged_html)
    expected = [
        expected_modules(f"{name} sha256:{digest}")
        for name, digest in sorted(file_hashes(badged_workspace).items())
    ]
    assert [qr_modules(svg) for svg in drawn] == expected


def test_without_credentials_the_document_says_nothing_of_badges(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    html = render_document(
        render_workspace, render_workspace.workers["fatima-b"], "portfolio", as_of
    ).html
    assert "Badges numériques" not in html
    assert "<svg" not in html


def test_render_reads_the_workers_credentials_from_the_workspace(
    badged_workspace: Path, as_of: dt.date, tmp_path: Path
) -> None:
    """`portfolio render WORKER --doc portfolio` lists them; the dossier does not."""
    for doc in ("portfolio", "dossier"):
        target = tmp_path / f"{doc}.html"
        render_worker_document(badged_workspace, "fatima-b", doc, "html", as_of, target)
        html = target.read_text(encoding="utf-8")
        assert ("aide-test.b2.json" in html) == (doc == "portfolio")


@pytest.mark.slow
def test_the_pdf_prints_each_credential_whole_on_one_page(
    badged_workspace: Path, as_of: dt.date
) -> None:
    ws, _ = load_workspace(badged_workspace)
    credentials = issued_credentials(badged_workspace, "fatima-b")
    data = render_document(
        ws, ws.workers["fatima-b"], "portfolio", as_of, credentials=credentials
    ).pdf()
    pages = [
        "".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]
    assert any("Badgesnumériquesremis" in page for page in pages)
    for name, digest in file_hashes(badged_workspace).items():
        [page] = [page for page in pages if name in page]
        assert digest in page
        assert "valabledu30juin2026au30juin2031" in page
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = {
            str(font.BaseFont)
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }
    assert all("Atkinson-Hyperlegible" in name for name in fonts), fonts


def test_what_a_credential_file_says_is_printed_as_text(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    """A credential file is data like a worker file: its texts, and its own name in the QR
    code's label, never become markup."""
    worker = render_workspace.workers["fatima-b"]
    assessment, evidence = assess(render_workspace, worker, as_of)
    view = portfolio_view(
        render_workspace,
        worker,
        assessment,
        evidence,
        [
            issued(
                "b<i>1",
                file_name="<img src=x>.json",
                achievement="<script>alert(1)</script>",
                issuer="{{ 7*7 }}",
            )
        ],
    )
    html = render_html("portfolio/portfolio.html.j2", view=view, doc=view.doc)
    assert "<script>alert" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x&gt;.json" in html
    assert "{{ 7*7 }}" in html


def test_a_badge_whose_block_is_no_longer_presentable_is_said_so(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    """A later observation may lower a level after the badge was issued: the paper says so."""
    worker = render_workspace.workers["fatima-b"]
    assessment, _ = assess(render_workspace, worker, as_of)
    blocks = {b.id: b.presentable for r in assessment.referentiels for b in r.blocks}
    kept = next(block for block, presentable in blocks.items() if presentable)
    lost = next(block for block, presentable in blocks.items() if not presentable)
    view = view_with(render_workspace, as_of, [issued(kept), issued(lost)])
    assert [(b.block_id, b.presentable) for b in view.badges] == [(kept, True), (lost, False)]
    html = render_document(
        render_workspace, worker, "portfolio", as_of, credentials=[issued(kept), issued(lost)]
    ).html
    assert html.count("bloc plus présentable") == 1
