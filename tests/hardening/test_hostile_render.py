"""A hostile workspace prints as text: nothing fetched, nothing embedded (SPEC §10).

Names, notes and tasks hold HTML, Jinja syntax, `file:` and `http:` URLs pointing at a listener on
127.0.0.1, CSS `url()`, a 10,000-character name and right-to-left text. `portfolio render` must
show all of it literally in the dossier and the portfolio, while the listener receives nothing and
the PDFs carry no attached file and only the title, the association and the language as metadata.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdf
import pytest
from typer.testing import CliRunner

from portfolio.cli import app

pytestmark = pytest.mark.slow

AS_OF = "2003-06-30"
LONG_NAME = "Nomtreslong" * 909 + "X"  # 10,000 characters, no space to break on
SCRIPT = "<script>alert(1)</script>"
ATTACHMENT = "<link rel=attachment href=file:///etc/passwd>"
TEMPLATE_TASK = "{{ 7*7 }} {% if true %}x{% endif %}"
RAW_TUTOR = "{% raw %} Mme D. {% endraw %}"
RICH_MARKUP = "[/x] [bold]gras[/bold] :smile:"
ARABIC = "بنت"
ASSOCIATION = f"AI {SCRIPT} {{{{ 7*7 }}}}"


def hostile_files(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}"
    return {
        "workspace.yaml": f"""\
            name: "Programme {{{{ 7*7 }}}} <b>gras</b>"
            federation: "Fédération {{% raw %}} <i>x</i>"
            associations:
              - {{id: ai-est, name: "{ASSOCIATION}", counselors: ["Mme <u>Martin</u>"]}}
            settings:
              training_budget_hours: 30
              training_ratio: [0.10, 0.20]
              period: {{start: 2002-09-01, end: 2003-08-31}}
            """,
        "workers/w-1.yaml": f"""\
            id: w-1
            first_name: "Fatima {SCRIPT} {RICH_MARKUP}"
            last_name: "B. \\u200f{ARABIC}\\u200f {LONG_NAME}"
            association: ai-est
            counselor: "<img src={url}/counselor>"
            targets: [advf]
            consent: {{given: true, date: 2002-09-20}}
            placements:
              - id: p1
                client: {{name: "{ATTACHMENT}", kind: particulier}}
                service: "<p style=\\"background: url({url}/css)\\">service</p>"
                start: 2002-10-01
                end: 2002-12-20
                hours: 64
                tutor: "{RAW_TUTOR}"
                means: ["file:///etc/passwd", "{url}/means"]
                note: "\\u202eABC\\u202c <object data={url}/object></object>"
                tasks:
                  - repassage
                  - {{task: "ménage des sols <img src={url}/task>", hours: 20}}
                  - "{TEMPLATE_TASK}"
            observations:
              - {{date: 2002-12-20, by: "<svg onload=alert(1)>", role: tuteur,
                 competency: advf.ccp1.c3, level: 3, placement: p1,
                 note: "<iframe src=file:///etc/passwd></iframe>"}}
            """,
    }


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"fetched")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def listener() -> Iterator[tuple[int, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request path."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The dossier and the portfolio of the hostile worker, as PDF and HTML, rendered once."""
    root = tmp_path_factory.mktemp("hostile")
    workspace = root / "ws"
    out = root / "out"
    out.mkdir()
    with listener() as (port, requests):
        for relative, text in hostile_files(port).items():
            path = workspace / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        results = {}
        for doc in ("dossier", "portfolio"):
            for fmt in ("pdf", "html"):
                target = out / f"{doc}.{fmt}"
                args = ["render", "w-1", "--doc", doc, "--format", fmt, "-o", str(target)]
                args += ["--as-of", AS_OF, "-w", str(workspace)]
                results[doc, fmt] = CliRunner().invoke(app, args)
        yield {"out": out, "workspace": workspace, "results": results, "requests": requests}


def flat(text: str) -> str:
    """Text without any white space: PDF extraction breaks long lines where it likes."""
    return re.sub(r"\s+", "", text)


FOOTER_HEIGHT = 22 * 72 / 25.4
"""The bottom page margin (base.css), where the footer repeats the title on every page."""


def pdf_text(path: Path) -> str:
    """The text of every page without the footers, so a long text that wraps across a page break
    still reads as one piece."""
    parts: list[str] = []

    def body_only(text: str, cm: list, tm: list, font: object, size: object) -> None:
        height_on_page = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        if height_on_page > FOOTER_HEIGHT:
            parts.append(text)

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=body_only)
    return flat("".join(parts))


def decoded_streams(path: Path) -> bytes:
    """Every stream of the PDF, decompressed, to look for bytes that should not be there."""
    chunks = [path.read_bytes()]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                with contextlib.suppress(pikepdf.PdfError):
                    chunks.append(obj.read_bytes())
    return b"\n".join(chunks)


def test_the_listener_records_a_request() -> None:
    """The witness works: a real request does reach it."""
    with listener() as (port, requests):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/witness", timeout=5).read()
    assert requests == ["/witness"]


def test_every_document_renders(rendered: dict) -> None:
    for key, result in rendered["results"].items():
        assert result.exit_code == 0, (key, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in rendered["out"].iterdir()) == [
        "dossier.html",
        "dossier.pdf",
        "portfolio.html",
        "portfolio.pdf",
    ]


def test_no_request_reaches_the_listener(rendered: dict) -> None:
    assert rendered["requests"] == []


@pytest.mark.parametrize("doc", ["dossier", "portfolio"])
def test_pdf_embeds_no_file(rendered: dict, doc: str) -> None:
    path = rendered["out"] / f"{doc}.pdf"
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert annotation.get("/Subtype") != "/FileAttachment"
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first_line = passwd.read_bytes().splitlines()[0]
        assert first_line not in decoded_streams(path)


DOSSIER_LITERALS = [
    f"Fatima {SCRIPT} {RICH_MARKUP}",
    LONG_NAME,
    ARABIC,
    ATTACHMENT,
    "<img src=http://127.0.0.1:",
    TEMPLATE_TASK,
    RAW_TUTOR,
    '<p style="background: url(http://127.0.0.1:',
]
PORTFOLIO_LITERALS = [  # the portfolio names tasks by their référentiel label, not as written
    *(literal for literal in DOSSIER_LITERALS if literal != TEMPLATE_TASK),
    ASSOCIATION,
    "file:///etc/passwd",
    "<svg onload=alert(1)>",
    "<iframe src=file:///etc/passwd></iframe>",
]


@pytest.mark.parametrize(
    ("doc", "literals"), [("dossier", DOSSIER_LITERALS), ("portfolio", PORTFOLIO_LITERALS)]
)
def test_user_text_appears_literally_in_the_pdf(rendered: dict, doc: str, literals: list[str]):
    text = pdf_text(rendered["out"] / f"{doc}.pdf")
    missing = [literal for literal in literals if flat(literal) not in text]
    assert missing == []


@pytest.mark.parametrize("doc", ["dossier", "portfolio"])
def test_user_markup_is_escaped_in_the_html(rendered: dict, doc: str) -> None:
    html = (rendered["out"] / f"{doc}.html").read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=http://127.0.0.1" not in html
    assert "<link rel=attachment" not in html
    assert "{{ 7*7 }}" in html
    assert RAW_TUTOR in html


@pytest.mark.parametrize("doc", ["dossier", "portfolio"])
def test_pdf_metadata_holds_only_title_author_and_language(rendered: dict, doc: str) -> None:
    """No personal data in the metadata beyond the document's title (docs/donnees-personnelles)."""
    path = rendered["out"] / f"{doc}.pdf"
    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        with pdf.open_metadata() as xmp:
            xmp_fields = {str(k).rsplit("}", 1)[-1]: str(v) for k, v in xmp.items()}
        language = str(pdf.Root.get("/Lang"))
    assert set(info) <= {"/Title", "/Author", "/Creator", "/Producer"}
    assert info["/Author"] == ASSOCIATION
    assert info["/Creator"] == "vae-portfolio"
    assert info["/Producer"].startswith("WeasyPrint")
    assert "Fatima" in info["/Title"]
    assert language == "fr"
    assert set(xmp_fields) <= {"part", "Producer", "title", "creator", "CreatorTool"}
    assert xmp_fields["title"] == info["/Title"]
    others = " ".join(v for k, v in info.items() if k != "/Title")
    others += " ".join(v for k, v in xmp_fields.items() if k != "title")
    for personal in ("Fatima", "w-1", "Mme D.", "/etc/passwd", "127.0.0.1"):
        assert personal not in others


@pytest.mark.parametrize("doc", ["dossier", "portfolio"])
def test_pdf_does_not_reveal_the_workspace_folder(rendered: dict, doc: str) -> None:
    assert str(rendered["workspace"]).encode() not in decoded_streams(
        rendered["out"] / f"{doc}.pdf"
    )
