"""Time `plan_worker` (SPEC §7) on a hard federation, at budgets from 30 h to 200 h.

Targets (issue 15): median ≤ 20 ms and p95 ≤ 100 ms at 30 h; p95 ≤ 500 ms at 120 h; worst case
≤ 2 s at 200 h. The catalogue is harder than `bench_plan.py`'s: each module takes 3 to 21 hours
and targets one to five competencies drawn at random among every competency of the bundled
référentiels, so a worker has about 135 candidate modules (of 200) whose competencies overlap at
random, and about 32 needed competencies. On it the previous search takes about as long as the
issue measured on a real federation (30 h: median 24 ms, p95 160 ms). Reports, per budget, the
CPU time of one plan (assessment included): median, 95th percentile and maximum, for the
current implementation and for the previous
branch and bound (`tests/plan_reference.py`), which is stopped after `--old-cap` seconds of CPU
per worker (a capped worker counts as the cap: its figures are then lower bounds, marked ≥).
Where both finish, their plans must be identical.

    .venv/bin/python benchmarks/bench_plan_hard.py [--workers 240] [--modules 200 500]
        [--budgets 30 60 120 200] [--old-cap 2] [--old-workers 240] [--no-old]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_plan import (
    BODIES,
    bundled_referentiels,
    catalogs_of,
    numbered_module,
    percentile,
    random_worker,
)
from plan_reference import optimal_selection as reference_selection

import portfolio.plan
from portfolio.model.evidence import Plan
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import (
    Association,
    Catalog,
    Module,
    Settings,
    WorkspaceSettings,
)

AS_OF = dt.date(2003, 6, 30)
MODULE_HOURS = (3, 3.5, 6, 7, 7, 10.5, 12, 14, 14, 17.5, 21)


def random_catalogs(rng: random.Random, refs: dict[str, Referentiel], size: int) -> list[Catalog]:
    """Modules targeting one to five competencies drawn among all those of `refs`."""
    every = [ref.full_id(b, c) for ref in refs.values() for b, c in ref.competencies()]
    modules: dict[str, list[Module]] = {body: [] for body in BODIES}
    for number in range(size):
        body = rng.choice(BODIES)
        hours = rng.choice(MODULE_HOURS)
        targets = sorted(rng.sample(every, rng.randint(1, 5)))
        modules[body].append(numbered_module(body, number, hours, targets))
    return catalogs_of(modules)


def build_workspace(workers: int, modules: int, seed: int) -> Workspace:
    rng = random.Random(seed)
    refs = bundled_referentiels()
    catalogs = random_catalogs(rng, refs, modules)
    every_module = [m for cat in catalogs for m in cat.modules]
    settings = WorkspaceSettings(
        name="Banc d'essai",
        associations=[Association(id="ai-est", name="AI")],
        settings=Settings(training_budget_hours=30),
    )
    ws = Workspace(root=Path("."), settings=settings, referentiels=refs, catalogs=catalogs)
    for number in range(workers):
        worker = random_worker(rng, number, refs, every_module)
        ws.workers[worker.id] = worker
    return ws


class _OutOfTime(Exception):
    pass


@contextmanager
def cpu_cap(seconds: float) -> Iterator[None]:
    """Raise `_OutOfTime` inside the block once it has used `seconds` of CPU."""

    def stop(signum: int, frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def time_plans(
    ws: Workspace, budget: float, workers: int, cap: float | None
) -> tuple[list[float], dict[str, Plan], int]:
    """CPU seconds per worker, the plans that finished, and how many hit the cap."""
    times, plans, capped = [], {}, 0
    for worker in list(ws.workers.values())[:workers]:
        began = time.process_time()
        try:
            if cap is None:
                plans[worker.id] = portfolio.plan.plan_worker(ws, worker, AS_OF, budget)
            else:
                with cpu_cap(cap):
                    plans[worker.id] = portfolio.plan.plan_worker(ws, worker, AS_OF, budget)
        except _OutOfTime:
            capped += 1
        times.append(time.process_time() - began if worker.id in plans else cap or 0.0)
    return times, plans, capped


@contextmanager
def selection(choose: Callable[..., list[str]]) -> Iterator[None]:
    """Make `plan_worker` choose its modules with `choose`."""
    current = portfolio.plan.optimal_selection
    portfolio.plan.optimal_selection = choose
    try:
        yield
    finally:
        portfolio.plan.optimal_selection = current


def figures(times: list[float], capped: int) -> str:
    mark = "≥ " if capped else ""
    return (
        f"médiane {mark}{statistics.median(times) * 1000:.1f} ms, "
        f"p95 {mark}{percentile(times, 0.95) * 1000:.1f} ms, "
        f"max {mark}{max(times) * 1000:.1f} ms"
        + (f" ({capped} arrêtés au plafond)" if capped else "")
    )


def describe(ws: Workspace) -> str:
    modules = ws.modules
    needed, candidates = [], []
    for worker in ws.workers.values():
        assessment, _ = portfolio.plan.assess(ws, worker, AS_OF)
        wanted = portfolio.plan.needed_competencies(assessment, worker, modules, AS_OF)
        needed.append(len(wanted))
        candidates.append(len(portfolio.plan.candidate_modules(wanted, modules, worker, AS_OF)))
    return (
        f"{len(ws.workers)} salariés, {len(modules)} modules ; en moyenne "
        f"{statistics.mean(needed):.1f} compétences à travailler, "
        f"{statistics.mean(candidates):.1f} modules candidats"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=240)
    parser.add_argument("--modules", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30, 60, 120, 200])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--old-cap", type=float, default=2.0, help="secondes de CPU par salarié")
    parser.add_argument("--old-workers", type=int, help="salariés mesurés avec l'ancien code")
    parser.add_argument("--no-old", action="store_true", help="ne pas mesurer l'ancien code")
    args = parser.parse_args()
    for size in args.modules:
        ws = build_workspace(args.workers, size, args.seed)
        print(describe(ws))
        for budget in args.budgets:
            times, plans, _ = time_plans(ws, budget, args.workers, None)
            print(f"  budget {budget:g} h, actuel : {figures(times, 0)}")
            if args.no_old:
                continue
            with selection(reference_selection):
                old_workers = args.old_workers or args.workers
                old_times, old_plans, capped = time_plans(ws, budget, old_workers, args.old_cap)
            print(f"  budget {budget:g} h, ancien : {figures(old_times, capped)}")
            differ = [w for w, plan in old_plans.items() if plan != plans[w]]
            if differ:
                sys.exit(f"plans différents pour {', '.join(differ)}")


if __name__ == "__main__":
    main()
