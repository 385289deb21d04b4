"""SPEC §7: needed competencies, candidate modules and the optimal training plan."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import textwrap
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from unittest import mock

import numpy as np
import plan_reference
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from portfolio import plan
from portfolio.assess import assess
from portfolio.load import load_workspace
from portfolio.model.evidence import Plan
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module
from portfolio.plan import (
    candidate_modules,
    needed_competencies,
    optimal_selection,
    plan_worker,
)

AS_OF = dt.date(2003, 6, 30)

# Ten hours of work make a competency `acquise`; no observation is needed.
TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
defaults: {min_hours: 10, observation: false}
blocks:
  - id: b1
    title: Entretenir le logement et le linge
    competencies:
      - {id: c1, title: Repasser le linge, plain: Je sais repasser}
      - {id: c2, title: Laver les sols, plain: Je sais laver les sols}
      - {id: c3, title: Faire les courses, plain: Je sais faire les courses}
      - {id: c4, title: Préparer un repas, plain: Je sais cuisiner}
tasks:
  - {id: repassage, label: Repasser le linge, evidences: [b1.c1]}
  - {id: sols, label: Laver les sols, evidences: [b1.c2]}
  - {id: courses, label: Faire les courses, evidences: [b1.c3]}
  - {id: repas, label: Préparer un repas, evidences: [b1.c4]}
"""

WORKER = """\
id: w-0001
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
"""


def catalog(*modules: str) -> str:
    """A catalogue of body `ofa`; each module as `id hours comp,comp`."""
    lines = ["body: {id: ofa, name: Organisme de formation A}", "modules:"]
    for spec in modules:
        ident, hours, comps = spec.split()
        targets = ", ".join(f"tst.b1.{c}" for c in comps.split(","))
        lines.append(
            f"  - {{id: ofa.{ident}, title: Module {ident}, axis: technique, hours: {hours}, "
            f"competencies: [{targets}]}}"
        )
    return "\n".join(lines) + "\n"


def worker(extra: str = "") -> str:
    return WORKER + textwrap.dedent(extra)


def load(make_workspace, files: dict[str, str]) -> Workspace:
    ws, issues = load_workspace(make_workspace({"referentiels/tst.yaml": TST, **files}))
    assert not [i for i in issues if i.is_error], issues
    return ws


def plan_of(make_workspace, files: dict[str, str], **kwargs) -> Plan:
    ws = load(make_workspace, {"workers/w-0001.yaml": WORKER, **files})
    return plan_worker(ws, ws.workers["w-0001"], kwargs.pop("as_of", AS_OF), **kwargs)


def ours(ids: list[str]) -> list[str]:
    """The competencies of the test référentiel (the bundled transversal ones are needed too)."""
    return [i for i in ids if i.startswith("tst.")]


def needed_of(ws: Workspace, as_of: dt.date = AS_OF) -> list[str]:
    person = ws.workers["w-0001"]
    assessment, _ = assess(ws, person, as_of)
    return needed_competencies(assessment, person, ws.modules, as_of)


def module(ident: str, hours: float, *comps: str) -> Module:
    return Module(id=ident, title=ident, axis="technique", hours=hours, competencies=list(comps))


PLACEMENT_REPASSAGE = """\
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}
    start: 2002-10-01
    end: 2002-12-20
    hours: 12
    tasks: [repassage]
"""

# --- needed competencies ------------------------------------------------------------------------


def test_needed_are_competencies_of_targets_and_transversal_referentiels(make_workspace):
    ws = load(make_workspace, {"workers/w-0001.yaml": WORKER})
    needed = needed_of(ws)
    assert ours(needed) == ["tst.b1.c1", "tst.b1.c2", "tst.b1.c3", "tst.b1.c4"]
    referentiels = {c.split(".")[0] for c in needed}
    assert referentiels == {"tst", "savoir-etre", "numerique"}


def test_acquired_competency_is_not_needed(make_workspace):
    ws = load(make_workspace, {"workers/w-0001.yaml": worker(PLACEMENT_REPASSAGE)})
    assert ours(needed_of(ws)) == ["tst.b1.c2", "tst.b1.c3", "tst.b1.c4"]


def test_competency_with_an_acquis_training_is_not_needed(make_workspace):
    trainings = """\
    trainings:
      - {module: ofa.sols, start: 2003-01-10, hours: 6, result: acquis}
    """
    files = {"catalog/ofa.yaml": catalog("sols 6 c2"), "workers/w-0001.yaml": worker(trainings)}
    ws = load(make_workspace, files)
    # c2 has no work hours, so it is not `acquise`; the training still takes it off the plan.
    assert ours(needed_of(ws)) == ["tst.b1.c1", "tst.b1.c3", "tst.b1.c4"]


def test_training_without_acquis_leaves_the_competency_needed(make_workspace):
    trainings = """\
    trainings:
      - {module: ofa.sols, start: 2003-01-10, hours: 6, result: non-acquis}
      - {module: ofa.sols, start: 2003-03-10, hours: 6, result: en-cours}
    """
    files = {"catalog/ofa.yaml": catalog("sols 6 c2"), "workers/w-0001.yaml": worker(trainings)}
    assert "tst.b1.c2" in needed_of(load(make_workspace, files))


def test_acquis_training_ending_after_the_assessment_date_does_not_count(make_workspace):
    trainings = """\
    trainings:
      - {module: ofa.sols, start: 2003-06-20, end: 2003-07-04, hours: 6, result: acquis}
    """
    files = {"catalog/ofa.yaml": catalog("sols 6 c2"), "workers/w-0001.yaml": worker(trainings)}
    ws = load(make_workspace, files)
    assert "tst.b1.c2" in needed_of(ws, AS_OF)
    assert "tst.b1.c2" not in needed_of(ws, dt.date(2003, 7, 4))


def test_acquis_training_without_end_counts_from_its_start(make_workspace):
    trainings = """\
    trainings:
      - {module: ofa.sols, start: 2003-06-30, hours: 6, result: acquis}
    """
    files = {"catalog/ofa.yaml": catalog("sols 6 c2"), "workers/w-0001.yaml": worker(trainings)}
    ws = load(make_workspace, files)
    assert "tst.b1.c2" in needed_of(ws, dt.date(2003, 6, 29))
    assert "tst.b1.c2" not in needed_of(ws, AS_OF)


# --- candidate modules --------------------------------------------------------------------------


def test_module_targeting_no_needed_competency_is_not_a_candidate(make_workspace):
    files = {
        "catalog/ofa.yaml": catalog("linge 6 c1", "mixte 6 c1,c2"),
        "workers/w-0001.yaml": worker(PLACEMENT_REPASSAGE),
    }
    ws = load(make_workspace, files)
    modules = ws.modules
    found = candidate_modules(needed_of(ws), modules, ws.workers["w-0001"], AS_OF)
    assert [m.id for m in found] == ["ofa.mixte"]


def test_module_completed_with_acquis_is_not_a_candidate(make_workspace):
    trainings = """\
    trainings:
      - {module: ofa.sols, start: 2003-06-20, end: 2003-06-30, hours: 6, result: acquis}
      - {module: ofa.courses, start: 2003-06-20, hours: 6, result: non-acquis}
    """
    files = {
        "catalog/ofa.yaml": catalog("sols 6 c2", "courses 6 c3"),
        "workers/w-0001.yaml": worker(trainings),
    }
    ws = load(make_workspace, files)
    modules = ws.modules
    # Asked about c2 anyway, the rule on modules holds on its own.
    needed = ["tst.b1.c2", "tst.b1.c3"]
    person = ws.workers["w-0001"]
    assert [m.id for m in candidate_modules(needed, modules, person, AS_OF)] == ["ofa.courses"]
    before_end = dt.date(2003, 6, 29)
    assert [m.id for m in candidate_modules(needed, modules, person, before_end)] == [
        "ofa.courses",
        "ofa.sols",
    ]


# --- choosing the modules -----------------------------------------------------------------------


def test_plan_covers_the_most_needed_competencies_within_the_budget(make_workspace):
    files = {"catalog/ofa.yaml": catalog("court 8 c1", "long 20 c2,c3", "trop 21 c1,c2,c3,c4")}
    plan = plan_of(make_workspace, files, budget=20)
    assert plan.modules == ["ofa.long"]
    assert ours(plan.covers) == ["tst.b1.c2", "tst.b1.c3"]
    assert plan.hours == 20


def test_among_plans_of_equal_cover_the_fewest_hours_win(make_workspace):
    files = {"catalog/ofa.yaml": catalog("double 12 c1,c2", "un 6 c1", "deux 5 c2")}
    plan = plan_of(make_workspace, files, budget=30)
    assert plan.modules == ["ofa.deux", "ofa.un"]
    assert plan.hours == 11


def test_among_plans_of_equal_cover_and_hours_the_fewest_modules_win(make_workspace):
    files = {"catalog/ofa.yaml": catalog("a 5 c1", "b 5 c2", "z 10 c1,c2")}
    plan = plan_of(make_workspace, files, budget=30)
    assert plan.modules == ["ofa.z"]


def test_among_equal_plans_the_smallest_sorted_ids_win():
    needed = ["c1", "c2"]
    candidates = [
        module("o.b", 5, "c1"),
        module("o.c", 5, "c2"),
        module("o.a", 5, "c1"),
        module("o.z", 5, "c2"),
    ]
    # {o.a, o.c} < {o.a, o.z} < {o.b, o.c} < {o.b, o.z}, comparing sorted lists.
    assert optimal_selection(needed, candidates, 10) == ["o.a", "o.c"]


def test_module_ids_compare_as_text():
    needed = ["c1"]
    assert optimal_selection(needed, [module("o.m2", 5, "c1"), module("o.m10", 5, "c1")], 10) == [
        "o.m10"
    ]


def test_plan_is_optimal_where_greedy_is_not(make_workspace):
    # Most competencies per hour first would take `large` (3 for 6 h), then nothing fits.
    files = {"catalog/ofa.yaml": catalog("large 6 c1,c2,c3", "gauche 5 c1,c2", "droite 5 c3,c4")}
    plan = plan_of(make_workspace, files, budget=10)
    assert plan.modules == ["ofa.droite", "ofa.gauche"]
    assert ours(plan.covers) == ["tst.b1.c1", "tst.b1.c2", "tst.b1.c3", "tst.b1.c4"]


def test_budget_defaults_to_training_budget_hours(make_workspace):
    settings = textwrap.dedent(
        """\
        name: Programme test
        associations:
          - {id: ai-est, name: AI Lyon Est}
        settings: {training_budget_hours: 12}
        """
    )
    files = {"workspace.yaml": settings, "catalog/ofa.yaml": catalog("a 8 c1", "b 8 c2")}
    default = plan_of(make_workspace, files)
    assert default.budget == 12 and default.modules == ["ofa.a"]
    assert plan_of(make_workspace, files, budget=16).modules == ["ofa.a", "ofa.b"]


def test_competencies_no_module_targets_are_to_work_on_at_work(make_workspace):
    files = {"catalog/ofa.yaml": catalog("a 8 c1", "cher 40 c2")}
    plan = plan_of(make_workspace, files, budget=30)
    assert ours(plan.covers) == ["tst.b1.c1"]
    assert ours(plan.uncovered) == ["tst.b1.c2", "tst.b1.c3", "tst.b1.c4"]
    # c2 stays open for lack of budget: a module targets it.
    assert ours(plan.no_module) == ["tst.b1.c3", "tst.b1.c4"]
    assert "savoir-etre.relation.c1" in plan.no_module


def test_plan_json_has_the_spec_keys(make_workspace):
    plan = plan_of(make_workspace, {"catalog/ofa.yaml": catalog("a 7.5 c1", "b 0.25 c2")})
    assert list(plan.model_dump(mode="json")) == [
        "worker",
        "budget",
        "modules",
        "hours",
        "covers",
        "uncovered",
        "no_module",
    ]
    assert plan.worker == "w-0001" and plan.budget == 30.0 and plan.hours == 7.75


def test_nothing_needed_gives_an_empty_plan():
    assert optimal_selection([], [module("o.a", 5, "c1")], 30) == []


def test_empty_catalogue_gives_an_empty_plan():
    assert optimal_selection(["c1"], [], 30) == []


def test_budget_zero_gives_an_empty_plan():
    assert optimal_selection(["c1"], [module("o.a", 5, "c1")], 0) == []


def test_module_of_exactly_the_budget_fits():
    assert optimal_selection(["c1"], [module("o.a", 7.3, "c1")], 7.3) == ["o.a"]


def test_hours_add_up_as_decimals_not_binary_floats():
    # 0.1 + 0.2 equals 0.3 = 0.15 + 0.15: the tie goes to the smaller ids. In binary floats
    # 0.1 + 0.2 is 0.30000000000000004 and {o.c, o.d} would look cheaper.
    candidates = [
        module("o.a", 0.1, "c1"),
        module("o.b", 0.2, "c2", "c3"),
        module("o.c", 0.15, "c1", "c2"),
        module("o.d", 0.15, "c3"),
    ]
    assert optimal_selection(["c1", "c2", "c3"], candidates, 1) == ["o.a", "o.b"]
    assert optimal_selection(["c1", "c2", "c3"], candidates, 0.3) == ["o.a", "o.b"]


# --- against brute force ------------------------------------------------------------------------

POOL = [f"c{i}" for i in range(8)]
# Hundredths of an hour: ties on purpose (10 + 20 = 30), and values no binary float holds.
CENTS = [10, 20, 30, 50, 100, 100, 125, 150, 200, 250, 300, 333, 500, 700]


def brute_force(needed: list[str], candidates: list[Module], cents: dict[str, int], budget: int):
    """Every subset, ranked by the four criteria of SPEC §7 in exact hundredths of an hour."""
    best = None
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            hours = sum(cents[m.id] for m in subset)
            if hours > budget:
                continue
            covered = set().union(*(m.competencies for m in subset))
            cover = len(covered.intersection(needed))
            key = (-cover, hours, size, sorted(m.id for m in subset))
            if best is None or key < best:
                best = key
    assert best is not None
    return best[3]


@st.composite
def instances(draw):
    size = draw(st.integers(0, 12))
    numbers = draw(st.lists(st.integers(0, 40), min_size=size, max_size=size, unique=True))
    candidates, cents = [], {}
    for number in numbers:
        ident = f"o.m{number}"
        comps = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
        cents[ident] = draw(st.sampled_from(CENTS) | st.integers(1, 900))
        candidates.append(module(ident, cents[ident] / 100, *comps))
    needed = draw(st.lists(st.sampled_from(POOL), unique=True))
    budget = draw(st.integers(0, 1500))
    return needed, candidates, cents, budget


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(instances())
def test_selection_equals_brute_force(instance):
    needed, candidates, cents, budget = instance
    expected = brute_force(needed, candidates, cents, budget)
    assert optimal_selection(needed, candidates, budget / 100) == expected


@settings(max_examples=100, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_selection_does_not_depend_on_candidate_order(instance, rng: random.Random):
    needed, candidates, _, budget = instance
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    assert optimal_selection(needed, shuffled, budget / 100) == optimal_selection(
        needed, candidates, budget / 100
    )


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from([plan.TIE_NODES, 0]))
def test_integer_program_equals_brute_force(instance, tie_nodes):
    """Criterion (4) decided by the search given the optimum, or by the integer program."""
    needed, candidates, cents, budget = instance
    expected = brute_force(needed, candidates, cents, budget)
    with mock.patch.object(plan, "FAST_NODES", 0), mock.patch.object(plan, "TIE_NODES", tie_nodes):
        assert optimal_selection(needed, candidates, budget / 100) == expected


def test_a_refuted_solver_answer_falls_back_to_the_exact_search():
    needed, candidates = hard_instance(random.Random(7), modules=40, needed=12)
    expected = plan_reference.optimal_selection(needed, candidates, 20)
    everything = SimpleNamespace(status=0, x=np.ones(200), fun=0.0)
    with (
        mock.patch.object(plan, "FAST_NODES", 0),
        mock.patch("scipy.optimize.milp", return_value=everything),
    ):
        assert optimal_selection(needed, candidates, 20) == expected


def test_what_the_solver_prints_stays_out_of_the_output(capfd):
    def noisy_milp(*args, **kwargs):
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();\n")
        return SimpleNamespace(status=4, x=None, fun=None)

    needed, candidates = hard_instance(random.Random(7), modules=40, needed=12)
    with (
        mock.patch.object(plan, "FAST_NODES", 0),
        mock.patch("scipy.optimize.milp", side_effect=noisy_milp),
    ):
        optimal_selection(needed, candidates, 20)
    assert capfd.readouterr().out == ""


# --- against the previous search, on large catalogues -------------------------------------------

COMPETENCIES = [f"r{r}.c{c}" for r in range(8) for c in range(11)]


def hard_instance(rng: random.Random, modules: int, needed: int):
    """A catalogue like a federation's (benchmarks/bench_plan_hard.py): modules of 3 to 21 h
    targeting one to five competencies at random, and a worker needing `needed` of them."""
    hours = (3, 3.5, 6, 7, 7, 10.5, 12, 14, 14, 17.5, 21)
    wanted = sorted(rng.sample(COMPETENCIES, needed))
    catalogue = [
        module(
            f"o{rng.randint(0, 9)}.m{number:03d}",
            rng.choice(hours),
            *rng.sample(COMPETENCIES, rng.randint(1, 5)),
        )
        for number in range(modules)
    ]
    return wanted, [m for m in catalogue if set(m.competencies) & set(wanted)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "modules", "budget"),
    [(0, 200, 12), (1, 200, 21.5), (2, 200, 30), (3, 500, 12), (4, 500, 17.5)],
)
def test_large_catalogues_at_small_budgets_equal_the_previous_search(seed, modules, budget):
    needed, candidates = hard_instance(random.Random(seed), modules, 32)
    expected = plan_reference.optimal_selection(needed, candidates, budget)
    assert optimal_selection(needed, candidates, budget) == expected
    with mock.patch.object(plan, "FAST_NODES", 0):
        assert optimal_selection(needed, candidates, budget) == expected
        with mock.patch.object(plan, "TIE_NODES", 0):
            assert optimal_selection(needed, candidates, budget) == expected


def criteria(needed, chosen: list[Module]) -> tuple[int, int, int]:
    covered = {c for m in chosen for c in m.competencies}.intersection(needed)
    return len(covered), sum(round(m.hours * 100) for m in chosen), len(chosen)


def best_in_turn(needed: list[str], candidates: list[Module], budget: float):
    """Criteria (1), (2) and (3) each solved by its own integer program, in turn, each under
    the optimum of the ones before: another formulation than the plan's single objective."""
    comps = sorted({c for m in candidates for c in m.competencies if c in set(needed)})
    size = len(candidates)
    cover_rows = np.zeros((len(comps), size + len(comps)))
    for row, comp in enumerate(comps):
        cover_rows[row, size + row] = 1
        for index, m in enumerate(candidates):
            if comp in m.competencies:
                cover_rows[row, index] = -1
    cents = np.array([round(m.hours * 100) for m in candidates] + [0] * len(comps), dtype=float)
    ones = np.array([1] * size + [0] * len(comps), dtype=float)
    cover = np.array([0] * size + [1] * len(comps), dtype=float)
    rows = [LinearConstraint(cover_rows, -np.inf, 0), LinearConstraint(cents, 0, budget * 100)]
    steps = []
    for objective, sense in ((cover, -1), (cents, 1), (ones, 1)):
        result = milp(
            sense * objective,
            constraints=rows,
            integrality=ones,
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0},
        )
        assert result.status == 0
        best = round(sense * result.fun)
        steps.append(best)
        bounds = (best - 0.5, np.inf) if sense < 0 else (-np.inf, best + 0.5)
        rows.append(LinearConstraint(objective, *bounds))
    return tuple(steps)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("budget", [120, 200])
def test_large_budgets_reach_each_criterion_in_turn(seed, budget):
    rng = random.Random(100 + seed)
    needed, candidates = hard_instance(rng, 200, 32)
    ids = optimal_selection(needed, candidates, budget)
    chosen = [m for m in candidates if m.id in ids]
    assert len(chosen) == len(ids) and ids == sorted(ids)
    assert criteria(needed, chosen) == best_in_turn(needed, candidates, budget)
    assert criteria(needed, chosen)[1] <= budget * 100
    # Criterion (4), in part: no module of the plan can give way to a smaller id of the same
    # hours that keeps the cover.
    for out in chosen:
        for other in candidates:
            if other.id < out.id and other not in chosen and other.hours == out.hours:
                swapped = [other if m is out else m for m in chosen]
                assert criteria(needed, swapped)[0] < criteria(needed, chosen)[0]


def test_solves_in_several_threads_give_back_the_standard_output(capfd):
    """The web server plans in threads: each solve silences file descriptor 1, and the last one
    to finish must not leave /dev/null in its place."""
    needed, candidates = hard_instance(random.Random(7), modules=40, needed=12)
    expected = plan_reference.optimal_selection(needed, candidates, 20)
    with mock.patch.object(plan, "FAST_NODES", 0), ThreadPoolExecutor(4) as pool:
        plans = list(pool.map(lambda _: optimal_selection(needed, candidates, 20), range(8)))
    os.write(1, b"still here\n")
    assert plans == [expected] * 8
    assert capfd.readouterr().out == "still here\n"
