"""User text is printed as text and makes the renderer fetch nothing (SPEC §10).

Every free-text field of a worker carries HTML, template syntax or URLs aimed at a local
listener; rendering both documents must leave the listener without a single request, print
the text literally and embed no file.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import NamedTuple

import pikepdf
import pypdf
import pytest

from portfolio.load import load_workspace
from portfolio.render.documents import RenderedDocument, render_document

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 6, 30)
KINDS = ("dossier", "portfolio")


def payloads(address: str) -> dict[str, str]:
    return {
        "first_name": f'<img src="http://{address}/prenom">',
        "last_name": "{{ 7*7 }}",
        "counselor": '<link rel=attachment href="file:///etc/passwd">',
        "client": f'<iframe src="http://{address}/client"></iframe>',
        "service": '{% include "base.html.j2" %}',
        "means": f"<style>@import url(http://{address}/css);</style>",
        "note": '<link rel="attachment" href="file:///etc/passwd">',
        "task": f'<img src="http://{address}/tache">',
        "observation": f'<a href="http://{address}/obs">{{{{ 7*7 }}}}</a>',
        "association": f"<b>AI</b> http://{address}/ai",
    }


def hostile_workspace(root: Path, text: dict[str, str]) -> Path:
    def quoted(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    files = {
        "workspace.yaml": f"""\
name: Programme test
associations:
  - {{id: ai, name: {quoted(text["association"])}, counselors: [{quoted(text["counselor"])}]}}
""",
        "workers/w-1.yaml": f"""\
id: w-1
first_name: {quoted(text["first_name"])}
last_name: {quoted(text["last_name"])}
association: ai
counselor: {quoted(text["counselor"])}
targets: [advf]
consent: {{given: true, date: 2025-09-20}}
placements:
  - id: p1
    client: {{name: {quoted(text["client"])}, kind: particulier}}
    service: {quoted(text["service"])}
    start: 2026-01-05
    end: 2026-03-27
    hours: 40
    tutor: {quoted(text["counselor"])}
    means: [{quoted(text["means"])}]
    note: {quoted(text["note"])}
    tasks: [{{task: repassage, hours: 30}}, {quoted(text["task"])}]
observations:
  - {{date: 2026-03-27, by: Mme D., role: tuteur, competency: advf.ccp1.c3, level: 3,
     placement: p1, note: {quoted(text["observation"])}}}
""",
    }
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


class Hostile(NamedTuple):
    text: dict[str, str]
    requests: list[str]
    documents: dict[str, RenderedDocument]
    pdfs: dict[str, bytes]


@pytest.fixture(scope="module")
def hostile(
    http_listener: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> Hostile:
    address, requests = http_listener
    text = payloads(address)
    ws, issues = load_workspace(hostile_workspace(tmp_path_factory.mktemp("hostile"), text))
    assert not [i for i in issues if i.is_error], issues
    worker = ws.workers["w-1"]
    documents = {kind: render_document(ws, worker, kind, AS_OF) for kind in KINDS}
    pdfs = {kind: doc.pdf() for kind, doc in documents.items()}
    return Hostile(text, requests, documents, pdfs)


def squeezed(value: str) -> str:
    return "".join(value.split())


def test_no_request_reaches_the_network(hostile: Hostile) -> None:
    assert hostile.requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_user_text_is_printed_literally(hostile: Hostile, kind: str) -> None:
    text = hostile.text
    reader = pypdf.PdfReader(io.BytesIO(hostile.pdfs[kind]))
    printed = squeezed("".join(page.extract_text() for page in reader.pages))
    for field in ("first_name", "last_name", "client", "counselor"):
        assert squeezed(text[field]) in printed, field
    if kind == "dossier":
        assert squeezed(text["task"]) in printed
    else:
        for field in ("service", "means", "note", "observation"):
            assert squeezed(text[field]) in printed, field


@pytest.mark.parametrize("kind", KINDS)
def test_no_file_is_embedded(hostile: Hostile, kind: str) -> None:
    data = hostile.pdfs[kind]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.attachments) == 0
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    assert b"root:x:0:0" not in data


@pytest.mark.parametrize("kind", KINDS)
def test_html_output_escapes_user_text(hostile: Hostile, kind: str) -> None:
    html = hostile.documents[kind].standalone_html()
    assert hostile.text["first_name"] not in html
    assert "&lt;img src=&#34;http://" in html
    assert "<iframe" not in html and "<link rel=attachment" not in html
    assert "{{ 7*7 }}" in html
