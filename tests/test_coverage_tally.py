"""`CoverageTally` folds workers one at a time (SPEC §13) into the very coverage the
whole-cohort computation gave (tests/federation_reference.py), for every body, with or without
`--referentiel`, whatever the order in which workers come."""

from __future__ import annotations

import datetime as dt
import pickle
import random
import tracemalloc
from pathlib import Path

import federation_reference as reference
import pytest
from test_report_tally import cohort_of, generated_federation

from portfolio.coverage import (
    CoverageFacts,
    CoverageTally,
    body_coverage,
    coverage_facts,
    shown_referentiels,
)
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace
from portfolio.resources import demo_dir


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_federation(tmp_path_factory.mktemp("coverage") / "federation")


@pytest.mark.parametrize(
    ("where", "as_of"),
    [
        ("demo", dt.date(2026, 3, 15)),
        ("demo", dt.date(2026, 11, 20)),
        ("generated", dt.date(2003, 3, 15)),
        ("generated", dt.date(2003, 6, 30)),
    ],
)
def test_the_tally_gives_the_whole_cohort_coverage_in_any_order(
    generated: Path,
    where: str,
    as_of: dt.date,
) -> None:
    ws, cohort = cohort_of(demo_dir() if where == "demo" else generated, as_of)
    assessments = {stem: assessment for stem, (assessment, _) in cohort.items()}
    facts = [pickle.loads(pickle.dumps(coverage_facts(a))) for a in assessments.values()]
    for catalog in ws.catalogs:
        body = catalog.body.id
        shown = [r.id for r in shown_referentiels(ws, catalog, None)]
        for referentiel in (None, *shown):
            expected = reference.body_coverage(ws, body, assessments, as_of, referentiel)
            assert any(d.workers for d in expected.demand) or not expected.demand
            for order in range(3):
                random.Random(order).shuffle(facts)
                tally = CoverageTally(ws, body, as_of, referentiel)
                for one in facts:
                    tally.add(one)
                assert tally.result().model_dump_json() == expected.model_dump_json()
            assert body_coverage(ws, body, assessments, as_of, referentiel) == expected


def test_unknown_body_or_referentiel_stops_before_any_worker(generated: Path) -> None:
    ws, _ = load_workspace(generated, workers=False)
    as_of = dt.date(2003, 6, 30)
    with pytest.raises(PortfolioError, match="organisme de formation inconnu"):
        CoverageTally(ws, "nope", as_of)
    with pytest.raises(PortfolioError, match="référentiel inconnu « zzz »"):
        CoverageTally(ws, ws.catalogs[0].body.id, as_of, referentiel="zzz")


def test_the_memory_of_a_tally_does_not_grow_with_the_workers(generated: Path) -> None:
    ws, _ = load_workspace(generated, workers=False)
    catalog = ws.catalogs[0]
    refs = shown_referentiels(ws, catalog, None)
    competencies = sorted(c for ref in refs for c in ref.competency_ids())
    draw = random.Random(5)

    def worker() -> CoverageFacts:
        assessed = tuple(ref.id for ref in refs if draw.random() < 0.6)
        known = [c for c in competencies if c.split(".")[0] in assessed]
        return CoverageFacts(assessed, tuple(draw.sample(known, min(len(known), 12))))

    workers = [worker() for _ in range(6_000)]
    tally = CoverageTally(ws, catalog.body.id, dt.date(2003, 6, 30))
    for facts in workers[:1_000]:
        tally.add(facts)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for facts in workers[1_000:]:
            tally.add(facts)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 5_000, f"{grown} octets de plus pour 5 000 salariés"
    assert max(r.assessed for r in tally.result().referentiels) > 3_000
