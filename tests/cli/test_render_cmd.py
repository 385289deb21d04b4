"""`portfolio render WORKER --doc dossier|portfolio [--format pdf|html] [-o FILE]` (SPEC §9)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from portfolio.app.documents import build_report
from portfolio.app.workspace import create_workspace
from portfolio.build import BuildSummary
from portfolio.cli import app

WORKER = """\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
counselor: Mme Martin
targets: [advf]
consent: {given: true, date: 2025-09-20}
placements:
  - id: p1
    client: {name: Mme Delorme, kind: particulier}
    start: 2025-10-01
    end: 2025-12-19
    hours: 40
    tutor: Mme Delorme
    tasks: [repassage]
"""


@pytest.fixture
def workspace(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"workers/w-1.yaml": WORKER})


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["render", *args])


def test_pdf_goes_to_worker_and_document_name_by_default(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("w-1", "--doc", "dossier", "--as-of", "2026-06-30", "-w", str(workspace))
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "w-1-dossier.pdf").read_bytes()))
    assert "Chez Mme Delorme" in reader.pages[0].extract_text()
    assert reader.metadata.author == "AI Lyon Est"


def test_html_format_writes_a_standalone_page(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "portfolio.html"
    result = run(
        "w-1", "--doc", "portfolio", "--format", "html", "-o", str(target), "--as-of",
        "2026-06-30", "-w", str(workspace),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert "<style>" in html and "@font-face" in html
    assert "Exemple n°1" in html and "Mme Delorme" in html


def test_progress_goes_to_stderr_and_stdout_stays_empty(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "d.html"
    result = run("w-1", "--doc", "dossier", "--format", "html", "-o", str(target),
                 "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == ""
    assert str(target) in result.stderr


def test_unknown_worker_is_invalid_data(workspace: Path, tmp_path: Path) -> None:
    result = run("w-9", "--doc", "dossier", "-o", str(tmp_path / "x.pdf"), "-w", str(workspace))
    assert result.exit_code == 1
    assert "salarié inconnu « w-9 »" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_document_is_a_usage_error(workspace: Path) -> None:
    result = run("w-1", "--doc", "cv", "-w", str(workspace))
    assert result.exit_code == 2


def test_document_is_required(workspace: Path) -> None:
    assert run("w-1", "-w", str(workspace)).exit_code == 2


@pytest.mark.slow
def test_demo_prints_both_documents_of_every_worker(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    create_workspace(root, demo=True)
    for file in (root / "workers").glob("*.yaml"):  # one worker is enough, and quicker
        if file.stem != "fatima-b":
            file.unlink()
    result = CliRunner().invoke(app, ["demo", "-o", str(root), "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "déjà présent" in result.stderr
    documents = root / "documents"
    for kind, heading in (("dossier", "Mes missions"), ("portfolio", "Dossier professionnel")):
        data = (documents / "salaries" / "fatima-b" / f"{kind}.pdf").read_bytes()
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
        assert heading in text
    assert 'href="salaries/fatima-b/dossier.pdf"' in (documents / "index.html").read_text()
    assert "0 en échec" in result.stdout
    assert "Démonstration prête" in result.stdout


def test_build_summary_is_written_in_french_typography() -> None:
    summary = BuildSummary(
        rendered=["a.pdf"], reused=["b.pdf", "c.pdf"], removed=["d.pdf"], seconds=46.26
    )
    failures, withheld, closing = build_report(summary, Path("docs"))
    assert failures == withheld == []
    assert closing == (
        "1 document produit, 2 réutilisés, 0 en échec, 1 supprimé, en 46,3\u00a0s. "
        "Index : docs/index.html"
    )


def test_build_summary_counts_in_the_plural_from_two() -> None:
    summary = BuildSummary(rendered=["a.pdf", "b.pdf"], failed={"c.pdf": "délai dépassé"})
    failures, _, closing = build_report(summary, Path("docs"))
    assert failures == ["échec c.pdf : délai dépassé"]
    assert closing.startswith("2 documents produits, 0 réutilisé, 1 en échec, en 0\u00a0s.")


def test_build_summary_lists_the_workers_left_out_for_lack_of_consent() -> None:
    summary = BuildSummary(
        rendered=["a.pdf"],
        withheld={"w-2": "aucun consentement enregistré", "w-3": "consentement non donné"},
    )
    _, withheld, closing = build_report(summary, Path("docs"))
    assert withheld == [
        "sans consentement, aucun document pour w-2 : aucun consentement enregistré ; une fois "
        "son consentement recueilli, inscrivez-le dans workers/w-2.yaml : "
        "consent: {given: true, date: AAAA-MM-JJ}",
        "sans consentement, aucun document pour w-3 : consentement non donné ; une fois son "
        "consentement recueilli, inscrivez-le dans workers/w-3.yaml : "
        "consent: {given: true, date: AAAA-MM-JJ}",
    ]
    assert ", 0 en échec, 2 salariés sans consentement (aucun document), en " in closing
