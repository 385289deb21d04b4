"""Measure `portfolio build` on a generated federation and write the figures.

    python benchmarks/bench_build.py [--workers 240] [--seed 1] [--skip-jobs1]

Targets (issue "`portfolio build`"): full build of 240 workers with --jobs 1 and 2, speed-up
≥ 1.8 on 2 cores; no-change rebuild ≤ 3 s; rebuild after editing one worker. Each build runs as
the `portfolio` command in a fresh process, so the times include start-up, as a user waits them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AS_OF = "2003-06-30"


def run_build(workspace: Path, out: Path, jobs: int) -> tuple[float, str]:
    command = [
        sys.executable,
        "-m",
        "portfolio",
        "build",
        "-w",
        str(workspace),
        "-o",
        str(out),
        "--jobs",
        str(jobs),
        "--as-of",
        AS_OF,
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr


def edit_one_worker(workspace: Path) -> str:
    """Change the hours of one placement of the first worker, as a counselor's fix would."""
    first = sorted((workspace / "workers").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    marker = "hours: "
    at = text.index(marker) + len(marker)
    end = text.index("\n", at)
    value = float(text[at:end].split()[0].rstrip(","))
    first.write_text(text[:at] + f"{value + 1:g}" + text[end:], encoding="utf-8")
    return first.stem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=240)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-jobs1", action="store_true", help="ne pas mesurer --jobs 1")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-build-"))
    workspace = base / "ws"
    generate(workspace, args.workers, args.seed)
    results: dict[str, object] = {"workers": args.workers}
    if not args.skip_jobs1:
        seconds, line = run_build(workspace, base / "out1", 1)
        results["full_jobs1_s"] = round(seconds, 1)
        print(f"build complet, --jobs 1 : {seconds:.1f} s ({line})")
    seconds, line = run_build(workspace, base / "out2", 2)
    results["full_jobs2_s"] = round(seconds, 1)
    print(f"build complet, --jobs 2 : {seconds:.1f} s ({line})")
    if "full_jobs1_s" in results:
        speedup = results["full_jobs1_s"] / seconds  # type: ignore[operator]
        results["speedup"] = round(speedup, 2)
        print(f"accélération : {speedup:.2f}")
    seconds, line = run_build(workspace, base / "out2", 2)
    results["nochange_s"] = round(seconds, 2)
    print(f"rebuild sans changement : {seconds:.2f} s ({line})")
    edited = edit_one_worker(workspace)
    seconds, line = run_build(workspace, base / "out2", 2)
    results["one_worker_s"] = round(seconds, 1)
    print(f"rebuild après modification de {edited} : {seconds:.1f} s ({line})")
    print(json.dumps(results))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
