"""`portfolio report` and `portfolio coverage` on federations of growing size: time per 1,000
workers and peak memory (issue 19: time per 1,000 workers flat, ≤ 500 MB at 180,000 workers).

    python benchmarks/bench_aggregates.py [--workers 5000 50000 180000] [--folder /tmp]
                                          [--commands report coverage] [--python PYTHON]

The workspace of N workers is FOLDER/gen-<N/1000>k (e.g. /tmp/gen-180k, the one the team
shares), generated once with `generate.py` (seed 1, 40 modules) and reused: 180,000 workers take
a few minutes to write. Each command runs in a fresh process with `--format json` (the output is
discarded), at 2003-06-30; coverage is that of the largest catalogue. `--python` runs another
installation of the package, e.g. a clean clone of an earlier commit in its own venv, for a
"before" figure.

Memory: the peak resident memory of the command's own process (`ru_maxrss` of RUSAGE_SELF,
printed by the process at exit), and the largest of its pool processes (RUSAGE_CHILDREN). CPU
time is user + system of the command and of the pool processes it waited for: other programs
on the machine lengthen the wall time, hardly the CPU time, so the load average is printed
before and after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AS_OF = "2003-06-30"
SEED = 1

WRAPPER = """
import atexit, json, resource, sys

target = sys.argv[1]

def report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pool = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(target, "w") as file:
        json.dump({"self_kb": own, "children_kb": pool}, file)

atexit.register(report)
sys.argv = ["portfolio", *sys.argv[2:]]
from portfolio.cli import main
main()
"""
"""Runs the command as `portfolio` does, then writes its peak memory to the file named first.
Started with `python -P`, so that a `portfolio` folder in the current directory is not the one
imported (the installation of `--python` is)."""


def workspace_for(folder: Path, workers: int) -> Path:
    """FOLDER/gen-<N/1000>k, generated when missing; an existing one must hold N workers."""
    root = folder / f"gen-{workers // 1000}k" if workers % 1000 == 0 else folder / f"gen-{workers}"
    if (root / "workspace.yaml").is_file():
        found = len(list((root / "workers").glob("*.yaml")))
        if found != workers:
            sys.exit(
                f"{root} contient {found} salariés, pas {workers} : choisissez un autre --folder"
            )
        return root
    started = time.perf_counter()
    generate(root, workers, SEED)
    print(f"généré : {root}, {workers} salariés en {time.perf_counter() - started:.0f} s")
    return root


def largest_body(root: Path) -> str:
    """The catalogue with the most modules (the first one of generate.py)."""
    sizes = {
        file.stem: file.read_text(encoding="utf-8").count("\n  - {id:")
        for file in (root / "catalog").glob("*.yaml")
    }
    return max(sorted(sizes), key=lambda body: sizes[body])


def measure(python: str, args: list[str]) -> dict[str, float]:
    """Wall and CPU time, peak memory (MB) and exit code of one command."""
    with tempfile.NamedTemporaryFile(suffix=".json") as memory, tempfile.TemporaryFile() as said:
        started = time.perf_counter()
        process = subprocess.Popen(
            [python, "-P", "-c", WRAPPER, memory.name, *args],
            stdout=subprocess.DEVNULL,
            stderr=said,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        said.seek(0)
        errors = said.read().decode(errors="replace")
        peaks = json.loads(Path(memory.name).read_text() or "{}")
    code = process.returncode = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(errors[-3000:], file=sys.stderr)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "self_mb": peaks.get("self_kb", 0) / 1024,
        "pool_mb": peaks.get("children_kb", 0) / 1024,
        "code": code,
    }


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[5000, 50000, 180000])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument(
        "--commands", nargs="+", choices=("report", "coverage"), default=["report", "coverage"]
    )
    parser.add_argument("--python", default=sys.executable, help="interpréteur à mesurer")
    args = parser.parse_args()
    print(
        "salariés | commande | durée | par 1 000 salariés | CPU | mémoire max (commande / "
        "processus de calcul) | code | charge avant → après"
    )
    for workers in args.workers:
        root = workspace_for(args.folder, workers)
        for name in args.commands:
            command = ["report"] if name == "report" else ["coverage", largest_body(root)]
            before = load()
            run = measure(
                args.python, [*command, "--format", "json", "-w", str(root), "--as-of", AS_OF]
            )
            print(
                f"{workers} | {' '.join(command)} | {run['wall']:.1f} s | "
                f"{run['wall'] * 1000 / workers:.2f} s | {run['cpu']:.1f} s | "
                f"{run['self_mb']:.0f} Mo / {run['pool_mb']:.0f} Mo | {run['code']} | "
                f"{before} → {load()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
