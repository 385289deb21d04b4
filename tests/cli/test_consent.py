"""SPEC §10: no document naming a worker without their recorded consent (issue 14 item 6).

`check` warns about a worker without consent; `render` and `grid` now refuse to print their
documents (exit 1, nothing written), and the programme report and the coverages leave them out
of their figures. `build`, which skips them, is tested in tests/test_build.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace
from typer.testing import CliRunner, Result

from portfolio.app.documents import coverage_output, report_output
from portfolio.cli import app

AS_OF = dt.date(2003, 6, 30)
CONSENT = "consent: {given: true, date: 2002-09-20}\n"


def worker_without_consent(worker_id: str, consent: str = "") -> str:
    return VALID_WORKER.replace("w-0042", worker_id).replace(CONSENT, consent)


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Path:
    return make_workspace(
        {
            "catalog/ofa.yaml": VALID_CATALOG,
            "workers/w-0042.yaml": VALID_WORKER,
            "workers/w-0043.yaml": worker_without_consent("w-0043"),
            "workers/w-0044.yaml": worker_without_consent("w-0044", "consent: {given: false}\n"),
        }
    )


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_render_refuses_a_worker_without_recorded_consent(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = invoke("render", "w-0043", "--doc", "dossier", "--format", fmt, "-w", str(workspace))
    assert result.exit_code == 1
    assert flat(result.stderr) == (
        "Erreur : aucun document pour w-0043 : aucun consentement enregistré dans "
        "workers/w-0043.yaml. Sans son consentement au traitement de ses données, aucun document "
        "qui le nomme n'est produit : recueillez-le, puis inscrivez-le dans sa fiche : "
        "consent: {given: true, date: AAAA-MM-JJ} (rien n'a été écrit)"
    )
    assert sorted(tmp_path.rglob("*")) == before


def test_render_refuses_a_worker_who_did_not_give_consent(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "portfolio.pdf"
    result = invoke("render", "w-0044", "--doc", "portfolio", "-o", str(target),
                    "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 1
    assert "aucun document pour w-0044 : consentement non donné (given: false)" in flat(
        result.stderr
    )
    assert not target.exists()


def test_render_still_prints_the_documents_of_a_worker_who_consented(
    workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "dossier.html"
    result = invoke("render", "w-0042", "--doc", "dossier", "--format", "html",
                    "-o", str(target), "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Fatima B." in target.read_text(encoding="utf-8")


def test_grid_refuses_a_worker_without_recorded_consent(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "grille.pdf"
    result = invoke("grid", "w-0043", "-o", str(target), "-w", str(workspace))
    assert result.exit_code == 1
    assert "Erreur : aucun document pour w-0043 : aucun consentement enregistré" in flat(
        result.stderr
    )
    assert not target.exists()


def test_the_programme_report_counts_only_the_workers_who_consented(workspace: Path) -> None:
    heard: list[str] = []
    content = report_output(workspace, "json", AS_OF, pseudonymise=False, announce=heard.append)
    report = json.loads(content)
    assert report["programme"]["workers"] == 1
    assert "w-0043" not in str(content) and "w-0044" not in str(content)
    assert heard == [
        "2 salariés sans consentement non comptés : w-0043, w-0044 (« portfolio check » dit quoi "
        "faire)"
    ]


def test_a_coverage_counts_only_the_workers_who_consented(workspace: Path) -> None:
    heard: list[str] = []
    coverage = json.loads(coverage_output(workspace, "ofa", None, "json", AS_OF, heard.append))
    assert [r["assessed"] for r in coverage["referentiels"]] == [1]
    assert heard == [
        "2 salariés sans consentement non comptés : w-0043, w-0044 (« portfolio check » dit quoi "
        "faire)"
    ]
