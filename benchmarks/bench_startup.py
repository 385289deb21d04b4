"""Start-up of the command: `portfolio --help` and `portfolio check` on the demo (issue 12).

Runs each command several times in a fresh Python process and prints the median wall time, and
which heavy modules the process imported (none of WeasyPrint, build, record, render may be).

    python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from portfolio.resources import demo_dir

HEAVY = ("weasyprint", "portfolio.build", "portfolio.record", "portfolio.render")
PROBE = (
    "import sys\n"
    "from portfolio.cli import app\n"
    "try:\n"
    "    app(sys.argv[1:], prog_name='portfolio')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"heavy = [m for m in sys.modules if m.startswith({HEAVY!r})]\n"
    "print(len(heavy), sorted(heavy)[:5], file=sys.stderr)\n"
)


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        demo = Path(scratch) / "demo"
        shutil.copytree(demo_dir(), demo)
        bare = median_seconds([sys.executable, "-c", "pass"], runs)
        print(f"python nu : {bare:.3f} s")
        for label, args in (("--help", ["--help"]), ("check", ["check", "-w", str(demo)])):
            seconds = median_seconds([sys.executable, "-m", "portfolio", *args], runs)
            heavy = (
                subprocess.run(
                    [sys.executable, "-c", PROBE, *args],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                .stderr.strip()
                .splitlines()[-1]
            )
            print(f"portfolio {label} : {seconds:.3f} s (médiane de {runs})")
            print(f"  modules lourds importés (nombre, premiers) : {heavy}")


if __name__ == "__main__":
    main()
