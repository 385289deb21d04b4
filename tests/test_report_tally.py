"""`ReportTally` folds workers one at a time (SPEC §13) into the very report the whole-cohort
computation gave (tests/federation_reference.py): same model, same JSON, whatever the order in
which workers come, pseudonymised or not, on the demo and on a generated federation."""

from __future__ import annotations

import datetime as dt
import functools
import math
import pickle
import random
import sys
import tracemalloc
from pathlib import Path

import federation_reference as reference
import pytest

from portfolio.load import load_workspace
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.report import (
    ExactSum,
    Pseudonyms,
    ReportTally,
    WorkerFacts,
    assess_cohort,
    programme_report,
    worker_facts,
)
from portfolio.resources import demo_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate

Cohort = dict[str, tuple[Assessment, WorkerEvidence]]
KEY = "clé du programme de test"


def generated_federation(folder: Path) -> Path:
    """300 generated workers: several associations and tracks, workers outside the band on both
    sides, pro-rated placements (float sums), and pseudonyms sharing their first digits."""
    generate(folder, 300, 11)
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_federation(tmp_path_factory.mktemp("report") / "federation")


@functools.cache
def cohort_of(root: Path, as_of: dt.date) -> tuple[Workspace, Cohort]:
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws, assess_cohort(ws, as_of)


def folded(ws: Workspace, cohort: Cohort, as_of: dt.date, order: int, key: str | None) -> str:
    """The report of the tally fed in a shuffled order, the facts sent through pickle as the
    processes of `portfolio report` send them."""
    stems = sorted(cohort)
    random.Random(order).shuffle(stems)
    tally = ReportTally(ws, as_of, pseudonym_key=key)
    for stem in stems:
        facts = worker_facts(ws, ws.workers[stem], *cohort[stem])
        tally.add(pickle.loads(pickle.dumps(facts)))
    return tally.result().model_dump_json()


@pytest.mark.parametrize("key", [None, KEY], ids=["named", "pseudonymised"])
@pytest.mark.parametrize(
    ("where", "as_of"),
    [
        ("demo", dt.date(2026, 3, 15)),
        ("demo", dt.date(2026, 11, 20)),
        ("generated", dt.date(2003, 3, 15)),
        ("generated", dt.date(2003, 6, 30)),
    ],
)
def test_the_tally_gives_the_whole_cohort_report_in_any_order(
    generated: Path, where: str, as_of: dt.date, key: str | None
) -> None:
    ws, cohort = cohort_of(demo_dir() if where == "demo" else generated, as_of)
    expected = reference.programme_report(ws, cohort, as_of, pseudonym_key=key)
    assert expected.outside and expected.months and len(expected.associations) > 1
    for order in range(3):
        assert folded(ws, cohort, as_of, order, key) == expected.model_dump_json()
    assert programme_report(ws, cohort, as_of, pseudonym_key=key) == expected


def test_add_worker_is_add_of_the_worker_facts(generated: Path) -> None:
    as_of = dt.date(2003, 6, 30)
    ws, cohort = cohort_of(generated, as_of)
    by_models, by_facts = ReportTally(ws, as_of), ReportTally(ws, as_of)
    for stem, (assessment, evidence) in cohort.items():
        by_models.add_worker(ws.workers[stem], assessment, evidence)
        by_facts.add(worker_facts(ws, ws.workers[stem], assessment, evidence))
    assert by_models.result() == by_facts.result()


def test_pseudonym_lengths_follow_the_rule_on_a_national_cohort() -> None:
    """At 20,000 workers most four-digit starts are shared: six digits, sometimes eight."""
    ids = [f"w-{number:06d}" for number in range(20_000)]
    book = Pseudonyms(KEY)
    for worker_id in reversed(ids):
        book.add(worker_id)
    names = book.names(ids)
    assert names == reference.pseudonyms(ids, KEY)
    assert {len(name) - len("Salarié·e ") for name in names.values()} == {4, 6, 8}


def test_exact_sums_do_not_depend_on_the_order() -> None:
    draw = random.Random(3)
    values = [0.1] * 10 + [1e16, -1e16] + [round(draw.random() * 37, 9) for _ in range(500)]
    totals = set()
    for order in range(5):
        random.Random(order).shuffle(values)
        total = ExactSum()
        for value in values:
            total.add(value)
        totals.add(total.total)
    assert totals == {math.fsum(values)}


def inside_the_band(number: int) -> WorkerFacts:
    return WorkerFacts(
        id=f"w-{number}",
        name=f"Salarié {number}",
        association=("ai-est", "ai-ouest")[number % 2],
        tracks=("emplois-familiaux",),
        work_hours=100 + number % 7 / 3,
        training_hours=15.0,
        ratio=0.15,
        position=None,
        acquired={"emplois-familiaux": 3},
        presentable={"emplois-familiaux": number % 2},
        transversal_acquired=1,
        months=tuple((0.5, number % 11 / 7) for _ in range(10)),
    )


def test_the_memory_of_a_tally_does_not_grow_with_the_workers_it_does_not_list(
    generated: Path,
) -> None:
    ws, _ = load_workspace(generated, workers=False)
    tally = ReportTally(ws, dt.date(2003, 6, 30))
    for number in range(1_000):
        tally.add(inside_the_band(number))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(1_000, 6_000):
            tally.add(inside_the_band(number))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 5_000, f"{grown} octets de plus pour 5 000 salariés"
    assert tally.result().programme.workers == 6_000
