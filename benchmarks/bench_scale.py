"""Load + check + assess of a whole federation, as a user runs it, with time and peak memory.

    python benchmarks/bench_scale.py --workers 5000 [--seed 1] [--workspace DIR]
    python benchmarks/bench_scale.py --workers 180000 --workspace /tmp/gen-180k [--repeat 2]
                                     [--commands check assess]

Targets (issue 19): 180,000 workers ≤ 120 s on 2 cores for each command, memory flat.
Runs `portfolio check` and `portfolio assess --all --json` (output discarded) in fresh processes.
Memory is the peak of the summed resident memory of the command and its worker processes,
sampled every 0.1 s from /proc. CPU time is user + system of the command and of the pool
processes it waited for (`wait4`): other programs on the machine lengthen the wall time, hardly
the CPU time, so the load average is printed before and after each run.

The speed of a virtual machine's cores changes with what its host runs: on the development
machine the same `assess --all` took 206 s of CPU one evening and 260 s earlier that day. So a
reference figure is printed before and after the measurements, the CPU time of a fixed piece of
the same work (`REFERENCE_FILES` reads of one worker file's text, in this process): figures
taken at different times compare once divided by it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AS_OF = "2003-06-30"
REFERENCE_FILES = 3_000


def reference(workspace: Path) -> float:
    """CPU seconds to parse and validate the first worker file's text REFERENCE_FILES times."""
    from portfolio.load import validate, worker_files
    from portfolio.model.workspace import Worker
    from portfolio.yamlsource import parse_yaml_text

    file = worker_files(workspace)[0]
    text = file.read_text(encoding="utf-8")
    start = time.process_time()
    for _ in range(REFERENCE_FILES):
        data, source, _ = parse_yaml_text(text, file.name)
        validate(Worker, data, source)
    return time.process_time() - start


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        pending += [int(child) for child in children]
    return total / 1024


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """Wall time, CPU time (user + system, pool processes included), peak MB and exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, peak, process.returncode


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="mesures de chaque commande")
    parser.add_argument(
        "--commands", nargs="+", choices=("check", "assess"), default=["check", "assess"]
    )
    args = parser.parse_args()
    workspace = args.workspace or Path(tempfile.gettempdir()) / f"vae-scale-{args.workers}"
    if not (workspace / "workspace.yaml").is_file():
        started = time.perf_counter()
        generate(workspace, args.workers, args.seed)
        print(f"généré : {args.workers} salariés en {time.perf_counter() - started:.0f} s")
    base = [sys.executable, "-m", "portfolio"]
    commands = {
        "check": [*base, "check", "-w", str(workspace), "--as-of", AS_OF],
        "assess": [*base, "assess", "--all", "--json", "-w", str(workspace), "--as-of", AS_OF],
    }
    print(f"référence : {reference(workspace):.2f} s de CPU", flush=True)
    for name in args.commands:
        for _ in range(args.repeat):
            before = load()
            seconds, cpu, peak, code = measure(commands[name])
            print(
                f"{name} : {seconds:.1f} s, CPU {cpu:.1f} s, mémoire max {peak:.0f} Mo "
                f"(code de sortie {code}) ; charge {before} → {load()}",
                flush=True,
            )
    print(f"référence : {reference(workspace):.2f} s de CPU", flush=True)


if __name__ == "__main__":
    main()
