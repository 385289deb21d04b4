"""Load + check + assess of a whole federation, as a user runs it, with time and peak memory.

    python benchmarks/bench_scale.py --workers 5000 [--seed 1] [--workspace DIR]
    python benchmarks/bench_scale.py --workers 180000

Targets (issue "`portfolio build`"): 5,000 workers ≤ 10 s; 180,000 workers ≤ 5 min and ≤ 2 GB.
Runs `portfolio check` and `portfolio assess --all --json` (output discarded) in fresh processes.
Memory is the peak of the summed resident memory of the command and its worker processes,
sampled every 0.1 s from /proc.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AS_OF = "2003-06-30"


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


def measure(command: list[str]) -> tuple[float, float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    return time.perf_counter() - start, peak, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workspace", type=Path, default=None)
    args = parser.parse_args()
    workspace = args.workspace or Path(tempfile.gettempdir()) / f"vae-scale-{args.workers}"
    if not (workspace / "workspace.yaml").is_file():
        started = time.perf_counter()
        generate(workspace, args.workers, args.seed)
        print(f"généré : {args.workers} salariés en {time.perf_counter() - started:.0f} s")
    base = [sys.executable, "-m", "portfolio"]
    for name, command in (
        ("check", [*base, "check", "-w", str(workspace), "--as-of", AS_OF]),
        (
            "assess --all --json",
            [*base, "assess", "--all", "--json", "-w", str(workspace), "--as-of", AS_OF],
        ),
    ):
        seconds, peak, code = measure(command)
        print(f"{name} : {seconds:.1f} s, mémoire max {peak:.0f} Mo (code de sortie {code})")


if __name__ == "__main__":
    main()
