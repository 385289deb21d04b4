"""The bookkeeping of `portfolio build` at federation scale: a rebuild with nothing to do.

    python benchmarks/bench_build_bookkeeping.py [--workers 1000 10000 50000] [--seed 1]

Target (issue 15, item 3): a no-change rebuild of 50,000 workers takes no longer than loading
their files, and grows linearly. For each size, a workspace is generated (kept in the system's
temporary folder, `vae-bookkeeping-N`, and reused), then, in a fresh process:

- `load_workspace` alone is timed (the reference: every build reads every worker file);
- a first build is made with the PDF rendering replaced by a stub that writes a few bytes
  (100,000 real PDFs would take a day), so that the output folder, its manifest and its index
  are those of a finished build;
- the no-change rebuild is then timed, with the real code: nothing to render, which is what
  this measures, plus `write_index` alone.

Run it with `PYTHONPATH=OLD_TREE` to measure another version of the package (the « before »
figures of docs/performance.md came from `git archive` of the previous commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from portfolio.model.loaded import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))

AS_OF = dt.date(2003, 6, 30)
STUB = b"%PDF-1.7\n% stub: bench_build_bookkeeping\n"


def stub_render(*args: object) -> bytes:
    return STUB


def every_job(build_module: ModuleType, workspace: Path, ws: Workspace) -> list[Any]:
    """The build's jobs, whichever version of `plan_jobs` is measured (it took the workspace
    folder and hashed the worker files itself before it took their hashes)."""
    withheld = build_module.withheld_workers(ws)
    shared = build_module.shared_fingerprint(workspace, AS_OF)
    if "file_hashes" in inspect.signature(build_module.plan_jobs).parameters:
        hashes = build_module.worker_file_hashes(workspace)
        return build_module.plan_jobs(ws, shared, hashes, withheld)
    return build_module.plan_jobs(workspace, ws, shared, withheld)


def measure(workspace: Path, out: Path) -> dict[str, float]:
    """Load, first build (stubbed rendering) and no-change rebuild of one workspace."""
    from portfolio import build as build_module
    from portfolio.load import load_workspace

    started = time.perf_counter()
    ws, _ = load_workspace(workspace)
    load = time.perf_counter() - started
    del ws
    build_module.render_job = stub_render  # the pool forks: its processes run the stub too
    started = time.perf_counter()
    first = build_module.build(workspace, out, AS_OF, jobs=2)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = build_module.build(workspace, out, AS_OF, jobs=2)
    nochange = time.perf_counter() - started
    assert again.rendered == [] and not again.failed, (
        f"the rebuild should have nothing to do: first build failed {len(first.failed)} "
        f"({list(first.failed.items())[:3]}), rebuild rendered {again.rendered[:5]}"
    )
    edited = sorted((workspace / "workers").glob("*.yaml"))[0]
    original = edited.read_bytes()
    edited.write_bytes(original + b"\n# bench_build_bookkeeping\n")
    try:
        started = time.perf_counter()
        one = build_module.build(workspace, out, AS_OF, jobs=2)
        one_edit = time.perf_counter() - started
    finally:
        edited.write_bytes(original)
    assert len(one.rendered) <= 2 + 1, one.rendered
    ws, _ = load_workspace(workspace)
    jobs = every_job(build_module, workspace, ws)
    started = time.perf_counter()
    build_module.write_index(out, ws, jobs, again, AS_OF)
    index = time.perf_counter() - started
    return {
        "documents": len(first.rendered) + len(first.reused),
        "load_s": round(load, 2),
        "first_build_stubbed_s": round(first_s, 1),
        "nochange_s": round(nochange, 2),
        "one_edit_s": round(one_edit, 2),
        "write_index_s": round(index, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    from generate import generate

    for count in args.workers:
        workspace = Path(tempfile.gettempdir()) / f"vae-bookkeeping-{count}"
        if not (workspace / "workspace.yaml").is_file():
            generate(workspace, count, args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-bookkeeping-") as out:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(workspace), out],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            sys.exit(f"{count} salariés : échec de la mesure\n{done.stderr}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        ratio = figures["nochange_s"] / figures["load_s"]
        print(
            f"{count} salariés ({figures['documents']} documents) : chargement "
            f"{figures['load_s']} s, build sans changement {figures['nochange_s']} s "
            f"(×{ratio:.2f} du chargement) ; un salarié modifié {figures['one_edit_s']} s ; "
            f"index seul {figures['write_index_s']} s ; "
            f"premier build (rendu remplacé) {figures['first_build_stubbed_s']} s"
        )
        print(json.dumps({"workers": count, **figures, "nochange_over_load": round(ratio, 2)}))


if __name__ == "__main__":
    main()
