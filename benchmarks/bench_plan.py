"""Time `portfolio plan` per worker (SPEC §7) on a large random catalogue; target ≤ 50 ms median.

A seeded catalogue of 200 modules over the bundled référentiels and a few hundred workers built
in memory, with placements, observations and trainings, so that each worker has a different
set of needed competencies. Reports the median and 95th percentile of the time of one plan
(assessment included), and of the optimal selection alone.

    .venv/bin/python benchmarks/bench_plan.py [--workers 300] [--modules 200] [--budget 30]
    .venv/bin/python benchmarks/bench_plan.py --from DIR [--budget H]   # an existing workspace
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from portfolio.assess import assess
from portfolio.load import load_referentiel, load_workspace
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import (
    Association,
    Catalog,
    Module,
    Observation,
    Placement,
    Settings,
    TaskEntry,
    Training,
    TrainingBody,
    Worker,
    WorkspaceSettings,
)
from portfolio.plan import candidate_modules, needed_competencies, optimal_selection, plan_worker
from portfolio.resources import referentiels_dir

AS_OF = dt.date(2003, 6, 30)
MODULE_HOURS = (3, 3.5, 6, 7, 7, 10.5, 12, 14, 14, 17.5, 21, 24, 28, 35)
BODIES = ("ofa", "ofb", "ofc", "ofd", "ofe", "off", "ofg", "ofh")


def bundled_referentiels() -> dict[str, Referentiel]:
    found = {}
    for file in sorted(referentiels_dir().glob("*.yaml")):
        ref, issues = load_referentiel(file)
        if ref is None:
            sys.exit(f"{file}: {issues}")
        found[ref.id] = ref
    return found


def random_catalogs(rng: random.Random, refs: dict[str, Referentiel], size: int) -> list[Catalog]:
    """Modules of one référentiel each, targeting one to four competencies, mostly of one block."""
    weights = [len(r.competencies()) for r in refs.values()]
    modules: dict[str, list[Module]] = {body: [] for body in BODIES}
    for number in range(size):
        ref = rng.choices(list(refs.values()), weights)[0]
        block = rng.choice(ref.blocks)
        pool = [ref.full_id(block, c) for c in block.competencies]
        if rng.random() < 0.3:
            pool += [ref.full_id(b, c) for b, c in ref.competencies()]
        targets = sorted(set(rng.sample(pool, min(len(pool), rng.randint(1, 4)))))
        body = rng.choice(BODIES)
        modules[body].append(numbered_module(body, number, rng.choice(MODULE_HOURS), targets))
    return catalogs_of(modules)


def numbered_module(body: str, number: int, hours: float, targets: list[str]) -> Module:
    return Module(
        id=f"{body}.m{number:03d}",
        title=f"Module {number}",
        axis="technique",
        hours=hours,
        competencies=targets,
    )


def catalogs_of(modules: dict[str, list[Module]]) -> list[Catalog]:
    """One catalogue per training body of the generated modules."""
    return [
        Catalog(body=TrainingBody(id=body, name=f"Organisme {body}"), modules=mods)
        for body, mods in modules.items()
    ]


def random_worker(
    rng: random.Random, number: int, refs: dict[str, Referentiel], modules: list[Module]
) -> Worker:
    tracks = [r.id for r in refs.values() if r.track != "transversal"]
    targets = rng.sample(tracks, 1 if rng.random() < 0.8 else 2)
    assessed = [refs[t] for t in targets] + [r for r in refs.values() if r.track == "transversal"]
    placements = []
    start = dt.date(2002, 9, 1)
    for p in range(rng.randint(0, 5)):
        ref = rng.choice([refs[t] for t in targets])
        tasks = rng.sample(ref.tasks, min(len(ref.tasks), rng.randint(1, 4)))
        end = start + dt.timedelta(days=rng.randint(10, 60))
        placements.append(
            Placement(
                id=f"p{p + 1}",
                client={"name": f"Client {p}", "kind": "particulier"},
                start=start,
                end=end,
                hours=rng.choice([20, 40, 64, 120, 200]),
                tasks=[TaskEntry(task=f"{ref.id}.{t.id}") for t in tasks],
            )
        )
        start = end + dt.timedelta(days=1)
    competencies = [ref.full_id(b, c) for ref in assessed for b, c in ref.competencies()]
    observations = [
        Observation(
            date=AS_OF - dt.timedelta(days=rng.randint(0, 200)),
            by="Mme T.",
            role=rng.choice(["tuteur", "conseiller", "formateur"]),
            competency=comp,
            level=rng.randint(1, 4),
        )
        for comp in rng.sample(competencies, rng.randint(0, len(competencies) // 2))
    ]
    relevant = [m for m in modules if set(m.competencies) & set(competencies)]
    trainings = [
        Training(
            module=m.id,
            start=AS_OF - dt.timedelta(days=rng.randint(-30, 200)),
            hours=m.hours,
            result=rng.choice(["acquis", "non-acquis", "en-cours"]),
        )
        for m in rng.sample(relevant, min(len(relevant), rng.randint(0, 3)))
    ]
    return Worker(
        id=f"w-{number:04d}",
        first_name="Prénom",
        last_name="N.",
        association="ai-est",
        targets=targets,
        placements=placements,
        observations=observations,
        trainings=trainings,
    )


def build_workspace(workers: int, modules: int, budget: float, seed: int) -> Workspace:
    rng = random.Random(seed)
    refs = bundled_referentiels()
    catalogs = random_catalogs(rng, refs, modules)
    every_module = [m for cat in catalogs for m in cat.modules]
    settings = WorkspaceSettings(
        name="Banc d'essai",
        associations=[Association(id="ai-est", name="AI")],
        settings=Settings(training_budget_hours=budget),
    )
    ws = Workspace(root=Path("."), settings=settings, referentiels=refs, catalogs=catalogs)
    for number in range(workers):
        worker = random_worker(rng, number, refs, every_module)
        ws.workers[worker.id] = worker
    return ws


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_plans(ws: Workspace, as_of: dt.date, budget: float | None) -> None:
    modules = ws.modules
    plan_times, select_times, sizes = [], [], []
    for worker in ws.workers.values():
        began = time.perf_counter()
        plan = plan_worker(ws, worker, as_of, budget)
        plan_times.append(time.perf_counter() - began)
        # The selection alone, on the same inputs as inside plan_worker.
        assessment, _ = assess(ws, worker, as_of)
        needed = needed_competencies(assessment, worker, modules, as_of)
        candidates = candidate_modules(needed, modules, worker, as_of)
        began = time.perf_counter()
        chosen = optimal_selection(needed, candidates, plan.budget)
        select_times.append(time.perf_counter() - began)
        assert chosen == plan.modules
        sizes.append((len(needed), len(candidates), len(plan.modules)))
    print(
        f"{len(ws.workers)} salariés, {len(modules)} modules, budget {plan.budget:g} h ; "
        f"en moyenne {statistics.mean(s[0] for s in sizes):.1f} compétences à travailler, "
        f"{statistics.mean(s[1] for s in sizes):.1f} modules candidats, "
        f"{statistics.mean(s[2] for s in sizes):.1f} modules retenus"
    )
    for label, times in (("plan par salarié  ", plan_times), ("sélection optimale", select_times)):
        print(
            f"{label} : médiane {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--budget", type=float, help="heures (par défaut 30, ou celui de --from)")
    parser.add_argument("--seed", type=int, default=2002)
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="planifier plutôt chaque salarié d'un espace existant (par ex. écrit par "
        "benchmarks/generate.py)",
    )
    args = parser.parse_args()
    if args.source is not None:
        ws, _ = load_workspace(args.source)
        time_plans(ws, AS_OF, args.budget)
        return
    budget = 30.0 if args.budget is None else args.budget
    time_plans(build_workspace(args.workers, args.modules, budget, args.seed), AS_OF, None)


if __name__ == "__main__":
    main()
