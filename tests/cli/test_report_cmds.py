"""`portfolio coverage` and `portfolio report` (SPEC §9, §10): formats, files, errors, privacy.

The workspace is the report's (tests/test_report.py), plus a catalogue of seven modules on one
référentiel, wide enough to be printed landscape.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_report import FILES, write_files
from typer.testing import CliRunner

from portfolio.cli import app
from portfolio.secret import pseudonym_key

runner = CliRunner()
AS_OF = "2003-06-30"
REAL_NAMES = ("Alice", "Arnaud", "Bruno", "Bernard", "Chloé", "Chevalier", "Denis", "Dupont")

WIDE_CATALOG = "body: {id: large, name: Organisme large}\nmodules:\n" + "".join(
    f"  - {{id: large.m{i}, title: Module {i}, axis: technique, hours: {i},"
    f" competencies: [tst.b1.c1]}}\n"
    for i in range(1, 8)
)

REPORT_FIGURES = {
    "salaries": "workers",
    "heures_travail": "work_hours",
    "heures_formation": "training_hours",
    "ratio_formation": "ratio",
    "salaries_hors_fourchette": "outside_band",
    "competences_acquises": "competencies_acquired",
    "competences_transversales_acquises": "transversal_acquired",
    "blocs_presentables": "blocks_presentable",
    "salaries_avec_bloc_presentable": "workers_with_presentable_block",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {**FILES, "catalog/large.yaml": WIDE_CATALOG}
    return write_files(tmp_path_factory.mktemp("cli") / "ws", files)


def run(root: Path, *args: str):
    return runner.invoke(app, [*args, "-w", str(root), "--as-of", AS_OF])


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell.replace(",", "."))


@pytest.fixture(scope="module")
def report_json(root: Path) -> dict:
    result = run(root, "report", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report_pdf(root: Path, tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    target = tmp_path_factory.mktemp("pdf") / "rapport.pdf"
    result = run(root, "report", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    return PdfReader(target)


@pytest.fixture(scope="module")
def coverage_pdf(root: Path, tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    target = tmp_path_factory.mktemp("pdf") / "couverture.pdf"
    result = run(root, "coverage", "large", "--format", "pdf", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    return PdfReader(target)


def test_report_csv_agrees_with_json(root: Path, report_json: dict) -> None:
    result = run(root, "report", "--format", "csv")
    assert result.exit_code == 0
    rows = parse_csv(result.stdout)
    expected = {}
    for assoc in report_json["associations"]:
        expected[("association", assoc["id"], "")] = assoc
        for track in assoc["tracks"]:
            expected[("association-filiere", assoc["id"], track["track"])] = track
    for track in report_json["tracks"]:
        expected[("filiere", "", track["track"])] = track
    expected[("programme", "", "")] = report_json["programme"]
    figures = [r for r in rows if r["niveau"] != "mois"]
    assert {(r["niveau"], r["association"], r["filiere"]) for r in figures} == set(expected)
    for r in figures:
        group = expected[(r["niveau"], r["association"], r["filiere"])]
        for column, key in REPORT_FIGURES.items():
            assert number(r[column]) == group[key], (r["niveau"], column)


def test_report_csv_months_agree_with_json(root: Path, report_json: dict) -> None:
    rows = [r for r in parse_csv(run(root, "report", "-f", "csv").stdout) if r["niveau"] == "mois"]
    assert [r["mois"] for r in rows] == [m["month"] for m in report_json["months"]]
    for r, month in zip(rows, report_json["months"], strict=True):
        assert number(r["heures_formation_cumulees"]) == month["cumulative_training_hours"]
        assert number(r["objectif_heures"]) == month["target_cumulative_hours"]


def test_report_json_holds_the_nested_structure(report_json: dict) -> None:
    assert report_json["programme"]["training_hours"] == 21.5
    assert [a["id"] for a in report_json["associations"]] == ["ai-est", "ai-ouest", "ai-nord"]
    assert report_json["pseudonymised"] is False


def test_coverage_csv_agrees_with_json(root: Path) -> None:
    as_json = json.loads(run(root, "coverage", "ofa", "-f", "json").stdout)
    rows = parse_csv(run(root, "coverage", "ofa", "-f", "csv").stdout)
    competencies = {
        c["id"]: c
        for ref in as_json["referentiels"]
        for block in ref["blocks"]
        for c in block["competencies"]
    }
    csv_competencies = {r["competence"]: r for r in rows if r["niveau"] == "competence"}
    assert set(csv_competencies) == set(competencies)
    for ident, r in csv_competencies.items():
        assert int(r["salaries_besoin"]) == competencies[ident]["needing"]
        cells = {m: number(r[m]) for m in ("ofa.m1", "ofa.m2", "ofa.m3") if r[m]}
        assert cells == competencies[ident]["cells"]
    demand = {r["module"]: int(r["salaries_besoin"]) for r in rows if r["niveau"] == "module"}
    assert demand == {d["id"]: d["workers"] for d in as_json["demand"]}


def test_coverage_unknown_body_exits_1_listing_bodies(root: Path) -> None:
    result = run(root, "coverage", "inconnu", "-f", "json")
    assert result.exit_code == 1
    assert "large, ofa" in result.stderr
    assert result.stdout == ""


def test_coverage_html_goes_to_the_default_file(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(root, "coverage", "ofa", "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "couverture-ofa.html").read_text(encoding="utf-8")
    assert "Couverture du catalogue : Organisme A" in page
    assert "tst.b2.c3" in page


def test_json_goes_to_a_file_with_output(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.json"
    result = run(root, "report", "-f", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["programme"]["workers"] == 4


def test_pseudonymise_removes_every_name_from_html_and_json(root: Path, tmp_path: Path) -> None:
    page = tmp_path / "rapport.html"
    assert run(root, "report", "-f", "html", "--pseudonymise", "-o", str(page)).exit_code == 0
    as_json = run(root, "report", "-f", "json", "--pseudonymise").stdout
    for text in (page.read_text(encoding="utf-8"), as_json):
        assert "Salarié·e " in text
        for name in REAL_NAMES:
            assert name not in text
        assert pseudonym_key() not in text


def test_pseudonyms_are_stable_between_runs(root: Path) -> None:
    first = json.loads(run(root, "report", "-f", "json", "--pseudonymise").stdout)
    second = json.loads(run(root, "report", "-f", "json", "--pseudonymise").stdout)
    assert [w["name"] for w in first["outside"]] == [w["name"] for w in second["outside"]]
    assert len({w["name"] for w in first["outside"]}) == 3


def test_report_without_pseudonymise_names_workers_outside_the_band(root: Path) -> None:
    as_json = run(root, "report", "-f", "json").stdout
    assert "Bruno Bernard" in as_json


@pytest.mark.slow
def test_report_pdf_metadata_and_text(report_pdf: PdfReader) -> None:
    assert report_pdf.metadata.title == "Rapport de programme : Programme test"
    assert report_pdf.metadata.author == "Fédération test"
    text = " ".join(page.extract_text() for page in report_pdf.pages)
    assert "Le programme en chiffres" in text
    assert "Bruno Bernard" in text
    assert "AI Ouest" in text


@pytest.mark.slow
def test_wide_coverage_matrix_is_printed_landscape(coverage_pdf: PdfReader) -> None:
    box = coverage_pdf.pages[-1].mediabox
    assert float(box.width) > float(box.height)
    assert coverage_pdf.metadata.title == "Couverture du catalogue : Organisme large"
    text = " ".join(page.extract_text() for page in coverage_pdf.pages)
    assert "Référentiel de test" in text
