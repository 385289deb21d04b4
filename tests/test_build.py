"""`portfolio build`: incremental, parallel, crash-safe (SPEC §9 `build`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from badge_support import credential, write_badge
from pypdf import PdfReader

from portfolio import build as build_module
from portfolio.build import MANIFEST, build

pytestmark = pytest.mark.slow

AS_OF = dt.date(2003, 6, 30)

REFERENTIEL = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel, rncp: RNCP1}
defaults: {min_hours: 10, observation: false}
blocks:
  - id: b1
    title: Bloc un
    competencies:
      - {id: c1, title: Repasser, plain: Je sais repasser}
      - {id: c2, title: Cuisiner, plain: Je sais cuisiner}
tasks:
  - {id: repassage, label: Repasser le linge, evidences: [b1.c1]}
  - {id: cuisine, label: Préparer les repas, evidences: [b1.c2]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme A}
modules:
  - {id: ofa.cuisine, title: Cuisine, axis: technique, hours: 10, competencies: [tst.b1.c2],
     group: {min: 4, max: 8}}
"""


def worker(ident: str, hours: int = 40) -> str:
    return f"""\
id: {ident}
first_name: Prénom
last_name: {ident.upper()}.
association: ai-est
counselor: Mme Martin
targets: [tst]
consent: {{given: true, date: 2002-09-01}}
placements:
  - id: p1
    client: {{name: Mme D., kind: particulier}}
    start: 2002-10-01
    end: 2002-12-20
    hours: {hours}
    tasks: [repassage]
"""


@pytest.fixture
def workspace(make_workspace):
    return make_workspace(
        {
            "referentiels/tst.yaml": REFERENTIEL,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-1.yaml": worker("w-1"),
            "workers/w-2.yaml": worker("w-2"),
        }
    )


def outputs(out: Path) -> dict[str, float]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


def test_full_build_renders_every_document_with_an_index(workspace, tmp_path):
    out = tmp_path / "out"
    summary = build(workspace, out, AS_OF, jobs=2)
    expected = {
        "salaries/w-1/dossier.pdf",
        "salaries/w-1/portfolio.pdf",
        "salaries/w-2/dossier.pdf",
        "salaries/w-2/portfolio.pdf",
        "organismes/couverture-ofa.pdf",
        "programme/rapport.pdf",
    }
    assert summary.failed == {}
    assert set(summary.rendered) == expected
    for document in expected:
        assert len(PdfReader(out / document).pages) >= 1
    index = (out / "index.html").read_text(encoding="utf-8")
    for document in expected:
        assert f'href="{document}"' in index
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["documents"]) == expected


def every_file(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def digests(out: Path) -> dict[str, str]:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["documents"]


def test_unchanged_rebuild_renders_nothing_computes_no_figure_and_rewrites_no_file(
    workspace, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    before = every_file(out)
    assert {"index.html", MANIFEST} <= set(before)

    def no_figures(*args):
        raise AssertionError("no worker file changed: the aggregates' figures are not computed")

    monkeypatch.setattr(build_module, "aggregate_figures", no_figures)
    summary = build(workspace, out, AS_OF, jobs=2)
    assert summary.rendered == []
    assert len(summary.reused) == 6
    assert every_file(out) == before


def test_an_edit_that_changes_no_figure_leaves_the_aggregates_untouched(workspace, tmp_path):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    before, manifest = outputs(out), digests(out)
    edited = worker("w-1") + "# relu avec la salariée le 30/06\n"
    (workspace / "workers/w-1.yaml").write_text(edited, encoding="utf-8")
    summary = build(workspace, out, AS_OF, jobs=2)
    assert set(summary.rendered) == {"salaries/w-1/dossier.pdf", "salaries/w-1/portfolio.pdf"}
    after = outputs(out)
    for aggregate in ("organismes/couverture-ofa.pdf", "programme/rapport.pdf"):
        assert aggregate in summary.reused
        assert after[aggregate] == before[aggregate]
        assert digests(out)[aggregate] == manifest[aggregate]


def test_an_edit_that_changes_a_figure_rerenders_the_aggregates_showing_it(workspace, tmp_path):
    # 5 h of ironing are under the 10 h « repasser » needs: w-1 now needs it, which the coverage
    # counts, and the report's hours change.
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    manifest = digests(out)
    coverage_before = (out / "organismes/couverture-ofa.pdf").read_bytes()
    (workspace / "workers/w-1.yaml").write_text(worker("w-1", hours=5), encoding="utf-8")
    summary = build(workspace, out, AS_OF, jobs=2)
    assert set(summary.rendered) == {
        "salaries/w-1/dossier.pdf",
        "salaries/w-1/portfolio.pdf",
        "organismes/couverture-ofa.pdf",
        "programme/rapport.pdf",
    }
    for aggregate in ("organismes/couverture-ofa.pdf", "programme/rapport.pdf"):
        assert digests(out)[aggregate] != manifest[aggregate]
    assert (out / "organismes/couverture-ofa.pdf").read_bytes() != coverage_before


def _count_assessments(monkeypatch, log: Path) -> None:
    """Record every assessment, in this process and in the forked pool processes alike: the
    build assesses through `portfolio.build.assess`; any other caller is a repeated one."""
    from portfolio import plan, report
    from portfolio.assess import assess
    from portfolio.render import documents

    def counted(caller: str):
        def wrapper(ws, worker, as_of, *args, **kwargs):
            with log.open("a", encoding="utf-8") as file:
                file.write(f"{caller} {worker.id}\n")
            return assess(ws, worker, as_of, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(build_module, "assess", counted("build"))
    for module in (plan, report, documents):
        monkeypatch.setattr(module, "assess", counted(module.__name__))


def test_each_worker_is_assessed_once_per_build(workspace, tmp_path, monkeypatch):
    log = tmp_path / "assessments.log"
    _count_assessments(monkeypatch, log)
    summary = build(workspace, tmp_path / "out", AS_OF, jobs=2)
    assert len(summary.rendered) == 6
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == ["build w-1", "build w-2"]


def test_editing_one_worker_assesses_every_worker_once_for_the_figures(
    workspace, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    (workspace / "workers/w-1.yaml").write_text(worker("w-1", hours=5), encoding="utf-8")
    log = tmp_path / "assessments.log"
    _count_assessments(monkeypatch, log)
    build(workspace, out, AS_OF, jobs=2)
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == ["build w-1", "build w-2"]


def test_editing_one_worker_rerenders_its_documents_and_only_the_aggregates_it_changes(
    workspace, tmp_path
):
    # 50 h instead of 40 still acquire « repasser » (10 h needed): the report's hours change,
    # not one figure of the coverage, whose digest is that of its figures.
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    (workspace / "workers/w-1.yaml").write_text(worker("w-1", hours=50), encoding="utf-8")
    summary = build(workspace, out, AS_OF, jobs=2)
    assert set(summary.rendered) == {
        "salaries/w-1/dossier.pdf",
        "salaries/w-1/portfolio.pdf",
        "programme/rapport.pdf",
    }
    assert set(summary.reused) == {
        "salaries/w-2/dossier.pdf",
        "salaries/w-2/portfolio.pdf",
        "organismes/couverture-ofa.pdf",
    }


def test_changing_the_assessment_date_rerenders_everything(workspace, tmp_path):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=1)
    summary = build(workspace, out, AS_OF + dt.timedelta(days=1), jobs=1)
    assert len(summary.rendered) == 6


def test_an_invalid_worker_fails_alone(workspace, tmp_path):
    (workspace / "workers/w-2.yaml").write_text("id: w-2\nfirst_name: [\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = build(workspace, out, AS_OF, jobs=2)
    assert set(summary.failed) == {"salaries/w-2/dossier.pdf", "salaries/w-2/portfolio.pdf"}
    assert "workers/w-2.yaml" in summary.failed["salaries/w-2/dossier.pdf"]
    assert (out / "salaries/w-1/dossier.pdf").is_file()
    assert "salaries/w-2/dossier.pdf" not in json.loads((out / MANIFEST).read_text())["documents"]


def test_a_removed_worker_loses_its_documents(workspace, tmp_path):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    (workspace / "workers/w-2.yaml").unlink()
    summary = build(workspace, out, AS_OF, jobs=2)
    assert set(summary.removed) == {"salaries/w-2/dossier.pdf", "salaries/w-2/portfolio.pdf"}
    assert not (out / "salaries/w-2").exists()
    assert "w-2" not in (out / "index.html").read_text(encoding="utf-8")


def _slow_for_w1(job, payload, ws):
    if job.subject == "w-1":
        time.sleep(120)
    return original_render_job(job, payload, ws)


original_render_job = build_module.render_job


def test_a_document_over_the_time_limit_is_abandoned(workspace, tmp_path, monkeypatch):
    # The pool forks, so the patched renderer is the one the worker processes run.
    monkeypatch.setattr(build_module, "render_job", _slow_for_w1)
    out = tmp_path / "out"
    summary = build(workspace, out, AS_OF, jobs=2, timeout=10)
    assert set(summary.failed) == {"salaries/w-1/dossier.pdf", "salaries/w-1/portfolio.pdf"}
    assert "trop long" in summary.failed["salaries/w-1/dossier.pdf"]
    assert (out / "salaries/w-2/portfolio.pdf").is_file()


def test_a_killed_build_leaves_no_truncated_pdf_and_the_next_build_completes(workspace, tmp_path):
    out = tmp_path / "out"
    for n in range(3, 7):
        (workspace / f"workers/w-{n}.yaml").write_text(worker(f"w-{n}"), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "portfolio",
        "build",
        "-w",
        str(workspace),
        "-o",
        str(out),
        "--jobs",
        "1",
        "--as-of",
        AS_OF.isoformat(),
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.pdf"))) < 2:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list(out.rglob("*.pdf"))
    assert 2 <= len(written) < 14, "the build must be killed part-way"
    for pdf in written:
        assert len(PdfReader(pdf).pages) >= 1
    summary = build(workspace, out, AS_OF, jobs=2)
    assert summary.failed == {}
    assert len(summary.rendered) + len(summary.reused) == 14
    assert not list(out.rglob("*.tmp"))
    for pdf in out.rglob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 1


def test_a_worker_without_consent_gets_no_document_and_loses_former_ones(workspace, tmp_path):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    withdrawn = worker("w-2").replace("given: true", "given: false")
    (workspace / "workers/w-2.yaml").write_text(withdrawn, encoding="utf-8")
    (out / MANIFEST).unlink()  # even documents the manifest no longer lists are removed
    summary = build(workspace, out, AS_OF, jobs=2)
    assert summary.failed == {}
    assert summary.withheld == {"w-2": "consentement non donné (given: false)"}
    assert set(summary.removed) == {"salaries/w-2/dossier.pdf", "salaries/w-2/portfolio.pdf"}
    assert not (out / "salaries/w-2").exists()
    assert (out / "salaries/w-1/dossier.pdf").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "salaries/w-2" not in index
    assert "Sans consentement : aucun document" in index
    assert "<li>w-2 : " in index
    assert not [d for d in json.loads((out / MANIFEST).read_text())["documents"] if "w-2" in d]
    report = " ".join(p.extract_text() for p in PdfReader(out / "programme/rapport.pdf").pages)
    assert "W-1." in report and "W-2." not in report


def _no_loading(*args, **kwargs):
    raise AssertionError("nothing changed since a complete build: no worker file is parsed")


def test_a_rebuild_after_a_complete_build_parses_no_file_and_reports_the_same(
    workspace, tmp_path, monkeypatch
):
    withdrawn = worker("w-2").replace("given: true", "given: false")
    (workspace / "workers/w-2.yaml").write_text(withdrawn, encoding="utf-8")
    out = tmp_path / "out"
    first = build(workspace, out, AS_OF, jobs=2)
    before = every_file(out)
    monkeypatch.setattr(build_module, "load_workspace", _no_loading)
    again = build(workspace, out, AS_OF, jobs=2)
    assert again.rendered == [] and again.failed == {}
    assert sorted(again.reused) == sorted(first.rendered)
    assert again.withheld == first.withheld == {"w-2": "consentement non donné (given: false)"}
    assert every_file(out) == before


@pytest.mark.parametrize("gone", ["salaries/w-1/dossier.pdf", "index.html"])
def test_a_deleted_output_is_made_again_even_when_no_input_changed(workspace, tmp_path, gone):
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    (out / gone).unlink()
    summary = build(workspace, out, AS_OF, jobs=2)
    assert (out / gone).is_file()
    assert summary.rendered == ([gone] if gone.endswith(".pdf") else [])


def test_a_build_with_a_failure_is_not_recorded_complete(workspace, tmp_path, monkeypatch):
    (workspace / "workers/w-2.yaml").write_text("id: w-2\nfirst_name: [\n", encoding="utf-8")
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    assert "complete" not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    again = build(workspace, out, AS_OF, jobs=2)
    assert set(again.failed) == {"salaries/w-2/dossier.pdf", "salaries/w-2/portfolio.pdf"}


def test_issuing_replacing_or_removing_a_badge_rebuilds_only_that_portfolio(
    workspace, tmp_path, monkeypatch
):
    """The portfolio lists the credentials in `badges/<worker>/` (issue 18): a file added,
    replaced or removed redoes that one document; the aggregates' figures are not computed."""
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)

    def no_figures(*args):
        raise AssertionError("a badge changes no figure of the aggregates")

    monkeypatch.setattr(build_module, "aggregate_figures", no_figures)

    def portfolio_text() -> str:
        reader = PdfReader(out / "salaries/w-1/portfolio.pdf")
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    badge = write_badge(workspace, "w-1", "tst.b1", credential("Bloc un"))
    summary = build(workspace, out, AS_OF, jobs=2)
    assert summary.rendered == ["salaries/w-1/portfolio.pdf"]
    assert "Badges numériques remis" in portfolio_text()
    assert "tst.b1.json" in portfolio_text()

    again = build(workspace, out, AS_OF, jobs=2)
    assert again.rendered == [] and again.failed == {}

    write_badge(workspace, "w-1", "tst.b1", credential("Bloc un", issuer="AI Lyon Ouest"))
    assert build(workspace, out, AS_OF, jobs=2).rendered == ["salaries/w-1/portfolio.pdf"]
    assert "AI Lyon Ouest" in portfolio_text()

    badge.unlink()
    assert build(workspace, out, AS_OF, jobs=2).rendered == ["salaries/w-1/portfolio.pdf"]
    assert "Badges numériques" not in portfolio_text()
    assert build(workspace, out, AS_OF, jobs=2).rendered == []
