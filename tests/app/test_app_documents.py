"""`portfolio report` and `portfolio coverage` read the worker files one at a time (SPEC §13):
the figures are those of the whole cohort (tests/federation_reference.py), over the workers who
consented (SPEC §10); a worker file with errors refuses them, every error listed."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import federation_reference as reference
import pytest
from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace

from portfolio.app.documents import coverage_output, report_output
from portfolio.cohort import PARALLEL_FROM
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace
from portfolio.render.consent import consenting
from portfolio.report import assess_cohort
from portfolio.resources import demo_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import generate

AS_OF = dt.date(2003, 6, 30)
KEY = "clé de la fédération"
REFUSED = (
    "l'espace de travail contient des erreurs (ci-dessus) : corrigez-les, puis relancez "
    "(« portfolio check » les liste toutes)"
)


def expected_report(root: Path, as_of: dt.date, key: str | None = None) -> str:
    ws, _ = load_workspace(root)
    cohort = consenting(ws, assess_cohort(ws, as_of))
    return reference.programme_report(ws, cohort, as_of, pseudonym_key=key).model_dump_json(
        indent=2
    )


def expected_coverage(root: Path, body: str, as_of: dt.date, referentiel: str | None) -> str:
    ws, _ = load_workspace(root)
    cohort = consenting(ws, assess_cohort(ws, as_of))
    assessments = {stem: assessment for stem, (assessment, _) in cohort.items()}
    return reference.body_coverage(ws, body, assessments, as_of, referentiel).model_dump_json(
        indent=2
    )


@pytest.mark.parametrize("pseudonymise", [False, True], ids=["named", "pseudonymised"])
def test_the_streamed_report_is_the_whole_cohort_report(
    monkeypatch: pytest.MonkeyPatch, pseudonymise: bool
) -> None:
    monkeypatch.setenv("PORTFOLIO_PSEUDONYM_KEY", KEY)
    as_of = dt.date(2026, 3, 15)
    heard: list[str] = []
    content = report_output(demo_dir(), "json", as_of, pseudonymise=pseudonymise,
                            announce=heard.append)  # fmt: skip
    assert content == expected_report(demo_dir(), as_of, KEY if pseudonymise else None) + "\n"
    assert heard == []


def test_the_streamed_coverage_is_the_whole_cohort_coverage() -> None:
    as_of = dt.date(2026, 3, 15)
    for body, referentiel in (("ateliers", None), ("graindesel", None), ("ateliers", "advf")):
        content = coverage_output(demo_dir(), body, referentiel, "json", as_of)
        assert content == expected_coverage(demo_dir(), body, as_of, referentiel) + "\n"


@pytest.mark.slow
def test_a_federation_read_by_several_processes_gives_the_same_figures(tmp_path: Path) -> None:
    root = tmp_path / "federation"
    generate(root, PARALLEL_FROM + 50, 12)
    heard: list[str] = []
    report = report_output(root, "json", AS_OF, pseudonymise=False, announce=heard.append)
    assert report == expected_report(root, AS_OF) + "\n"
    assert heard and heard[0].endswith("(« portfolio check » dit quoi faire)")
    body = load_workspace(root, workers=False)[0].catalogs[0].body.id
    coverage = coverage_output(root, body, None, "json", AS_OF)
    assert coverage == expected_coverage(root, body, AS_OF, None) + "\n"


@pytest.fixture
def federation(make_workspace: MakeWorkspace) -> Path:
    return make_workspace(
        {
            "catalog/ofa.yaml": VALID_CATALOG,
            "workers/w-0042.yaml": VALID_WORKER,
            "workers/w-0043.yaml": VALID_WORKER.replace("w-0042", "w-0043").replace(
                "consent: {given: true, date: 2002-09-20}\n", ""
            ),
        }
    )


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        (
            VALID_WORKER.replace("targets: [advf]", "targets: [advf]\ncolour: blue"),
            "workers/w-0044.yaml:6:1: erreur: champ inconnu « colour »",
        ),
        (
            VALID_WORKER,  # a file named w-0044.yaml whose id is w-0042
            "workers/w-0044.yaml:1:5: erreur: l'identifiant « w-0042 » doit être égal au nom du "
            "fichier « w-0044 »",
        ),
    ],
    ids=["load", "check"],
)
def test_a_worker_file_with_errors_refuses_the_figures(
    federation: Path, broken: str, error: str
) -> None:
    (federation / "workers" / "w-0044.yaml").write_text(broken, encoding="utf-8")
    heard: list[str] = []
    for make in (
        lambda: report_output(federation, "json", AS_OF, pseudonymise=True, announce=heard.append),
        lambda: coverage_output(federation, "ofa", None, "json", AS_OF, heard.append),
    ):
        with pytest.raises(PortfolioError) as refused:
            make()
        assert str(refused.value) == REFUSED
        assert refused.value.exit_code == 1
        assert refused.value.issues[0].render().startswith(error)
    assert heard == []
