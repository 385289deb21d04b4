"""`portfolio build` on this machine's processes versus on a Dask cluster (SPEC §13).

    python benchmarks/bench_cluster.py [--workers 2000] [--processes 2] [--rounds 4]
                                       [--folder DOSSIER]

Generates a workspace (`benchmarks/generate.py`, seed 1; reused when `--folder` already holds
one of that size), then builds every document twice from scratch, each into a new folder:
with `--jobs PROCESSES`, and with a `LocalCluster` of PROCESSES worker processes (one thread
each, Dask's sampling profiler off as docs/grande-echelle.md advises), its address given as
`--scheduler`. The two builds alternate by parts (`--shard K/N`,
N = `--rounds`): on a machine shared with other work, both meet the same load. Prints each
part's time, both totals, their ratio, and checks that both folders hold the same PDF files,
byte for byte, and the same manifest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from portfolio.app.documents import dask_cluster
from portfolio.build import MANIFEST, Shard, build

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

AS_OF = dt.date(2003, 6, 30)


def pdfs(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*.pdf")
    }


def timed_build(name: str, root: Path, out: Path, **target: object) -> float:
    """The build's wall time, printed at once with the machine's load before and after: a long
    benchmark should not lose its first half to a failure of the second."""
    before, start = os.getloadavg(), time.perf_counter()
    summary = build(root, out, AS_OF, **target)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(f"{len(summary.failed)} documents failed: {summary.failed}")
    after = os.getloadavg()
    print(f"{name}: {seconds:.1f} s (load {before[0]:.1f} → {after[0]:.1f})", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--folder", type=Path)
    options = parser.parse_args()
    import dask
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        folder = options.folder or Path(scratch)
        root = folder / f"ws-{options.workers}"
        if len(list((root / "workers").glob("*.yaml"))) != options.workers:
            generate(root, options.workers, seed=1)
        local, on_cluster = Path(scratch) / "local", Path(scratch) / "dask"
        times = {"--jobs": 0.0, "Dask LocalCluster": 0.0}
        with (
            dask.config.set({"distributed.worker.profile.enabled": False}),
            LocalCluster(
                n_workers=options.processes,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
        ):
            for index in range(1, options.rounds + 1):
                part = Shard(index, options.rounds)
                times["--jobs"] += timed_build(
                    f"--jobs, part {index}/{options.rounds}",
                    root,
                    local,
                    jobs=options.processes,
                    shard=part,
                )
                times["Dask LocalCluster"] += timed_build(
                    f"Dask, part {index}/{options.rounds}",
                    root,
                    on_cluster,
                    remote=dask_cluster(cluster.scheduler_address),
                    shard=part,
                )
        documents = len(pdfs(local))
        same = pdfs(local) == pdfs(on_cluster) and json.loads(
            (local / MANIFEST).read_text(encoding="utf-8")
        ) == json.loads((on_cluster / MANIFEST).read_text(encoding="utf-8"))
        print(f"{options.workers} workers, {documents} documents, {options.processes} processes")
        print("| build | time | per document |")
        print("|---|---|---|")
        for name, seconds in times.items():
            print(f"| {name} | {seconds:.1f} s | {1000 * seconds / documents:.0f} ms |")
        ratio = times["Dask LocalCluster"] / times["--jobs"]
        print(f"Dask / local: {ratio:.2f}; same files and manifest: {same}")


if __name__ == "__main__":
    main()
