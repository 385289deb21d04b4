"""Load + check + assess a generated workspace and report the time of each stage.

    python benchmarks/bench_assess.py [--workers 5000] [--seed 1] [--modules 40]
                                      [--workspace DIR] [--profile FILE]
                                      [--stream [--skip N] [--count N]]

Target (issue "Evidence matching, assessment with evidence trail"): 5,000 workers in ≤ 10 s on
2 cores. The workspace is generated once into DIR (default: a folder under the system's temporary
folder named after the parameters) and reused. Peak memory is the process's maximum resident set
size (`resource.getrusage`), which includes the interpreter and the libraries (about 60 MB).
With --profile, the three stages run under cProfile and the statistics are written to FILE
(read them with `python -m pstats FILE` or snakeviz); the 25 most expensive functions are printed.

With --stream, the path of `portfolio check` and `assess --all --json` on a federation (issue
19): the shared files loaded once, then each worker file loaded, checked, assessed, written as
JSON and forgotten (as `portfolio.cohort.run_one` does), in this one process, with the CPU time
of each step per worker. The first --skip workers are processed first without being counted, so
that the figures are those of a long run (task texts resolved, suggestions and vocabularies
built); --count limits the workers counted after them.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import DEFAULT_MODULES, generate

from portfolio.assess import assess
from portfolio.checks import check_worker, check_workspace
from portfolio.issues import sort_issues
from portfolio.load import _cyclic_gc_paused, load_worker, load_workspace, worker_files
from portfolio.model.loaded import Workspace

AS_OF = dt.date(2003, 6, 30)


def timed(label: str, func: Callable[[], Any], times: dict[str, float]) -> Any:
    """Run one stage; wall-clock time is what users wait, CPU time shows a busy machine."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    times[label] = time.perf_counter() - start
    print(
        f"  {label:<10} {times[label]:7.2f} s (CPU {time.process_time() - cpu:.2f} s)",
        file=sys.stderr,
    )
    return result


def run(root: Path) -> dict[str, float]:
    """The pipeline of `portfolio check` then `assess --all --json`, stage by stage."""
    times: dict[str, float] = {}
    ws, issues = timed("load", lambda: load_workspace(root), times)
    checked = timed("check", lambda: check_workspace(ws, AS_OF), times)
    errors = [i for i in issues + checked if i.is_error]
    if errors:
        raise SystemExit(f"{len(errors)} erreur(s), par exemple : {errors[0].render()}")

    def assess_all() -> int:
        count = 0
        for worker in ws.workers.values():
            assessment, _ = assess(ws, worker, AS_OF)
            count += len(assessment.referentiels)
        return count

    timed("assess", assess_all, times)
    times["total"] = sum(times.values())
    print(
        f"  {len(ws.workers)} salariés, {len(issues) + len(checked)} avertissements",
        file=sys.stderr,
    )
    return times


STEPS = ("chargement", "vérifications", "évaluation", "JSON")


def one_worker(ws: Workspace, file: Path, steps: dict[str, float]) -> None:
    """What `portfolio.cohort.run_one` does for `assess --all --json`, each step's CPU time
    added to `steps`."""
    clock = time.process_time
    with _cyclic_gc_paused():  # as in run_one
        start = clock()
        worker, issues = load_worker(ws, file)
        loaded = clock()
        if worker is not None:
            issues = sort_issues(issues + check_worker(ws, file.stem, worker, AS_OF))
        checked = clock()
        if worker is not None and not any(i.is_error for i in issues):
            assessment, _ = assess(ws, worker, AS_OF, [i.render() for i in issues])
            assessed = clock()
            assessment.model_dump_json()
            steps["JSON"] += clock() - assessed
            steps["évaluation"] += assessed - checked
        steps["chargement"] += loaded - start
        steps["vérifications"] += checked - loaded
        ws.workers.pop(file.stem, None)
        ws.sources.pop(("worker", file.stem), None)


def stream(root: Path, skip: int, count: int | None) -> dict[str, float]:
    """One worker at a time (`one_worker`) for `count` workers after the first `skip`, which
    are not counted: CPU time of each step."""
    ws, _ = load_workspace(root, workers=False)
    files = worker_files(root)
    for file in files[:skip]:
        one_worker(ws, file, dict.fromkeys(STEPS, 0.0))
    steps = dict.fromkeys(STEPS, 0.0)
    counted = files[skip:] if count is None else files[skip : skip + count]
    for file in counted:
        one_worker(ws, file, steps)
    per_worker = 1000 / max(len(counted), 1)
    for step, seconds in steps.items():
        print(f"  {step:<14} {seconds * per_worker:6.3f} ms par salarié", file=sys.stderr)
    steps["total"] = sum(steps.values())
    print(
        f"  {'total':<14} {steps['total'] * per_worker:6.3f} ms par salarié "
        f"({len(counted)} salariés comptés, {skip} avant)",
        file=sys.stderr,
    )
    return steps


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modules", type=int, default=DEFAULT_MODULES)
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None, help="fichier de statistiques")
    parser.add_argument("--stream", action="store_true", help="un salarié à la fois (issue 19)")
    parser.add_argument("--skip", type=int, default=0, help="salariés non comptés (--stream)")
    parser.add_argument("--count", type=int, default=None, help="salariés comptés (--stream)")
    args = parser.parse_args(argv)
    root = args.workspace or Path(tempfile.gettempdir()) / (
        f"vae-bench-{args.workers}-{args.seed}-{args.modules}"
    )
    if not (root / "workspace.yaml").is_file():
        start = time.perf_counter()
        generate(root, args.workers, args.seed, args.modules)
        print(f"généré {root} en {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(f"espace de travail : {root}", file=sys.stderr)

    def measured() -> dict[str, float]:
        return stream(root, args.skip, args.count) if args.stream else run(root)

    if args.profile:
        profiler = cProfile.Profile()
        times = profiler.runcall(measured)
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        times = measured()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  total      {times['total']:7.2f} s ; mémoire maximale {peak_mb:.0f} Mo")


if __name__ == "__main__":
    main()
