"""Issuing and checking Open Badges 3.0 credentials (`portfolio credentials`, `verify`, SPEC §12).

    python benchmarks/bench_credentials.py [--rounds 200]

On a copy of the demo workspace, with a fresh issuer key folder:
- the steps of one badge, each timed over `--rounds` repetitions in this process: building the
  credential, signing it (two RDF canonicalisations and an Ed25519 signature), the official
  schema with the extra rules (which expands and compacts the JSON-LD once), the proof check;
- the commands as a counselor runs them, each in a fresh process (wall time, peak resident
  memory of the child): `credentials WORKER --renew` for every demo worker with a presentable
  block, and `verify FILE`; `portfolio --help` for the start-up cost every command pays.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portfolio.app.workspace import open_worker
from portfolio.assess import assess
from portfolio.credentials import schema
from portfolio.credentials.badge import Issuer, achievement_credential
from portfolio.credentials.keys import did_key, verification_method
from portfolio.credentials.proof import sign, verify
from portfolio.resources import demo_dir

AS_OF = dt.date(2026, 8, 31)
NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def per_call(step: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def steps(rounds: int) -> None:
    ws, worker = open_worker(demo_dir(), "fatima-b")
    assessment, _ = assess(ws, worker, AS_OF)
    referentiel = ws.referentiels["advf"]
    status = next(b for r in assessment.referentiels for b in r.blocks if b.id == "advf.ccp1")
    association = next(a for a in ws.settings.associations if a.id == worker.association)
    key = Ed25519PrivateKey.generate()
    method = verification_method(key.public_key())

    def build() -> dict:
        return achievement_credential(
            referentiel=referentiel,
            block=referentiel.blocks[0],
            status=status,
            worker=worker,
            issuer=Issuer(did_key(key.public_key()), association),
            as_of=AS_OF,
            issued=NOW,
            valid_until=NOW.replace(year=2029),
            modules={ident: module.title for ident, module in ws.modules.items()},
        )

    credential = build()
    signed = sign(credential, key, method, created=NOW)
    size = len(json.dumps(signed, ensure_ascii=False, indent=2).encode())
    print(f"one badge: {size} bytes of JSON")
    print("| step | median | p95 |")
    print("|---|---|---|")
    for name, step in (
        ("build the credential", build),
        ("sign (eddsa-rdfc-2022)", lambda: sign(credential, key, method, created=NOW)),
        ("schema + extra rules", lambda: schema.problems(signed)),
        ("check the proof", lambda: verify(signed, now=NOW)),
    ):
        median, p95 = per_call(step, rounds)
        print(f"| {name} | {median:.1f} ms | {p95:.1f} ms |")


RUN_AND_MEASURE = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "f'\\nRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
    "sys.argv = ['portfolio', *sys.argv[1:]]\n"
    "from portfolio.cli import main\n"
    "main()\n"
)
"""The command in a child that prints its own peak resident memory (KB) as it exits."""


def command(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, the child's peak resident memory in MB, and its output."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_MEASURE, *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}")
    peak_kb = int(done.stderr.rsplit("RSS ", 1)[1])
    return seconds, peak_kb / 1024, done.stdout


def commands() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        shutil.copytree(demo_dir(), root)
        env = {**os.environ, "PORTFOLIO_ISSUER_KEYS": str(Path(folder) / "cles")}
        print("\n| command | wall | peak RSS |")
        print("|---|---|---|")
        seconds, peak, _ = command(["--help"], env)
        print(f"| `portfolio --help` | {seconds:.2f} s | {peak:.0f} MB |")
        for association in ("ai-lyon-est", "ai-sud-lyonnais", "ai-monts-lyonnais"):
            command(
                ["credentials", "--new-key", "--association", association, "-w", str(root)], env
            )
        for worker in ("fatima-b", "samia-o", "sandrine-l"):
            seconds, peak, out = command(
                ["credentials", worker, "--renew", "--as-of", str(AS_OF), "-w", str(root)], env
            )
            count = out.split(" badge", 1)[0].rsplit("\n", 1)[-1]
            print(
                f"| `credentials {worker}` ({count} badge(s)) | {seconds:.2f} s | {peak:.0f} MB |"
            )
        badge = next((root / "badges" / "fatima-b").glob("*.json"))
        seconds, peak, _ = command(["verify", str(badge)], env)
        print(f"| `verify {badge.name}` | {seconds:.2f} s | {peak:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    steps(rounds)
    commands()


if __name__ == "__main__":
    main()
