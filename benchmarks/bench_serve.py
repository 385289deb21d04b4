"""Speed and memory of `portfolio serve` under load, on generated federations (issue 16, item 6).

    python benchmarks/bench_serve.py [--workers 240 5000] [--seconds 30] [--clients 20]
                                     [--warmup 5] [--pdfs 5] [--seed 1]

For each size, a workspace is generated (kept in the system's temporary folder, `vae-serve-N`,
and reused) with two accounts: a federation account and the counselor of its first association.
The server runs in its own process, as `portfolio serve` runs it (uvicorn, one process, on a free
port of 127.0.0.1), its date fixed inside the generated period. Then:

- the first page after start (every worker file read) is timed for each account;
- `--clients` clients, half federation and half counselor, each with its own session, ask pages
  one after another without pause for `--warmup` seconds (not counted), then for `--seconds`:
  each time, at random, the first page of the dashboard, a page of the dashboard at random (50
  workers a page), or the page of a worker at random among those the account sees. Latency is
  the wall time from the request sent to the whole answer read, per kind: median, 95th
  percentile, maximum;
- the dossier PDF of `--pdfs` + 1 workers is asked one at a time: the first of all (renderer
  cold: WeasyPrint imported, fonts read), the next ones (renderer warm), then the first worker's
  again; and, in this process, WeasyPrint alone on the same document's HTML (warm), for the
  ratio;
- the server's peak memory (`VmHWM` of /proc/PID/status) and its CPU time.

Targets (issue 16, item 6): 240 workers, dashboard and worker page p95 ≤ 100 ms; 5,000
workers, dashboard p95 ≤ 300 ms; dossier PDF ≤ 1.5 s (warm renderer), ≤ 1.10 × WeasyPrint
alone; server memory with 5,000 workers ≤ 500 MB. The clients run on the same machine as the
server (2 cores here): the load average, printed before and after, says how busy it was.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AS_OF = dt.date(2003, 6, 30)
PAGE_SIZE = 50
PASSWORD = "mot de passe du banc de mesure"
FEDERATION = "banc-federation"
COUNSELOR = "banc-conseil"
COUNSELOR_ASSOCIATION = "ai-lyon-est"
SERVER = """
import datetime as dt
import sys
from pathlib import Path

import uvicorn

from portfolio.web.server import create_app

today = dt.date.fromisoformat(sys.argv[3])
app = create_app(Path(sys.argv[1]), today=lambda: today, secret="bench_serve")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
"""The server as `portfolio.web.server.serve` starts it, with the date fixed: the generated
period is 2002-2003."""
KINDS = ("accueil, page 1", "accueil, page au hasard", "fiche salarié")


@dataclass(frozen=True)
class Visible:
    """What one account sees: its worker ids and how many dashboard pages they fill."""

    workers: list[str]
    consenting: list[str]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.workers) / PAGE_SIZE))


def workspace(workers: int, seed: int) -> Path:
    root = Path(tempfile.gettempdir()) / f"vae-serve-{workers}-{seed}"
    if not (root / "workspace.yaml").is_file():
        print(f"génération de {workers} salariés dans {root}…", file=sys.stderr)
        generate(root, workers, seed)
    return root


def add_accounts(root: Path) -> None:
    from portfolio.app.accounts import add_user

    (root / "users.yaml").unlink(missing_ok=True)
    add_user(root, FEDERATION, "federation", PASSWORD)
    add_user(root, COUNSELOR, "counselor", PASSWORD, association=COUNSELOR_ASSOCIATION)


def visible(root: Path) -> dict[str, Visible]:
    """Each account's workers, read from the generated files' `association:` and `consent:`
    lines (the generator writes both on a line of their own)."""
    every, own, consenting, own_consenting = [], [], [], []
    for file in sorted((root / "workers").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        assoc = re.search(r"^association: (\S+)$", text, re.MULTILINE)
        consents = "consent: {given: true" in text
        every.append(file.stem)
        consenting += [file.stem] if consents else []
        if assoc and assoc.group(1) == COUNSELOR_ASSOCIATION:
            own.append(file.stem)
            own_consenting += [file.stem] if consents else []
    return {FEDERATION: Visible(every, consenting), COUNSELOR: Visible(own, own_consenting)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root), str(port), AS_OF.isoformat()],
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/connexion", timeout=2)
            return server
        except httpx2.TransportError:
            if server.poll() is not None:
                raise SystemExit("le serveur s'est arrêté au démarrage") from None
            time.sleep(0.2)
    server.kill()
    raise SystemExit("le serveur n'a pas répondu en 60 s")


def proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def log_in(base: str, login: str) -> httpx2.AsyncClient:
    client = httpx2.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None, page.text[:500]
    answer = await client.post(
        "/connexion", data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, f"connexion de {login} : {answer.status_code}"
    return client


def request_for(kind: str, seen: Visible, rng: random.Random) -> str:
    if kind == KINDS[0]:
        return "/"
    if kind == KINDS[1]:
        return f"/?page={rng.randint(1, seen.pages)}"
    return f"/salaries/{rng.choice(seen.workers)}"


async def client_loop(
    client: httpx2.AsyncClient,
    seen: Visible,
    rng: random.Random,
    start: float,
    stop: float,
    samples: dict[str, list[float]],
    failures: dict[str, int],
) -> None:
    while (now := time.perf_counter()) < stop:
        kind = rng.choice(KINDS)
        began = time.perf_counter()
        try:
            status = (await client.get(request_for(kind, seen, rng))).status_code
        except httpx2.TransportError:  # the server dropped the connection (an error 500)
            status = 0
        elapsed = time.perf_counter() - began
        if now < start:
            continue
        samples[kind].append(elapsed)
        if status != 200:
            failures[kind] += 1


async def service_times(
    base: str, accounts: dict[str, Visible], rounds: int, seed: int
) -> dict[str, list[float]]:
    """Each kind of page asked `rounds` times by one federation client alone: the server's
    time per page, without waiting behind other requests. Before them, the very first page
    of each account, timed apart (the first one reads every worker file)."""
    times: dict[str, list[float]] = defaultdict(list)
    for login in (FEDERATION, COUNSELOR):
        client = await log_in(base, login)
        began = time.perf_counter()
        answer = await client.get("/")
        times[f"première page ({login})"].append(time.perf_counter() - began)
        assert answer.status_code == 200, answer.status_code
        await client.aclose()
    client = await log_in(base, FEDERATION)
    rng = random.Random(seed)
    for _ in range(rounds):
        for kind in KINDS:
            began = time.perf_counter()
            answer = await client.get(request_for(kind, accounts[FEDERATION], rng))
            times[kind].append(time.perf_counter() - began)
            assert answer.status_code == 200, answer.status_code
    await client.aclose()
    return times


async def load(
    base: str,
    accounts: dict[str, Visible],
    args: argparse.Namespace,
    at_start: Callable[[], object],
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """`args.clients` clients without pause; `at_start` is called when the warm-up ends and
    the measured seconds begin."""
    sessions = []
    for index in range(args.clients):
        login = FEDERATION if index % 2 == 0 else COUNSELOR
        client = await log_in(base, login)
        sessions.append((client, accounts[login], random.Random(args.seed * 1000 + index)))
    samples: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    start = time.perf_counter() + args.warmup
    stop = start + args.seconds
    asyncio.get_running_loop().call_later(args.warmup, at_start)
    await asyncio.gather(
        *(client_loop(c, seen, rng, start, stop, samples, failures) for c, seen, rng in sessions)
    )
    for client, _, _ in sessions:
        await client.aclose()
    return samples, failures


Timing = tuple[float, float]
"""Wall seconds and CPU seconds of one render: on a busy machine, the CPU time still tells what
the render itself costs."""


async def pdf_times(base: str, seen: Visible, count: int, pid: int) -> dict[str, list[Timing]]:
    """Dossier PDFs asked one at a time: cold renderer, warm renderer, the same again; the CPU
    time is the server process's during the request."""
    chosen = seen.consenting[: count + 1]
    times: dict[str, list[Timing]] = defaultdict(list)
    client = await log_in(base, FEDERATION)
    client.timeout = httpx2.Timeout(120)

    async def fetch(worker: str) -> Timing:
        cpu = cpu_seconds(pid)
        began = time.perf_counter()
        answer = await client.get(f"/salaries/{worker}/dossier.pdf")
        elapsed = time.perf_counter() - began
        assert answer.status_code == 200, (worker, answer.status_code)
        assert answer.content.startswith(b"%PDF"), worker
        return elapsed, cpu_seconds(pid) - cpu

    times["premier PDF (moteur froid)"].append(await fetch(chosen[0]))
    for worker in chosen[1:]:
        times["autres salariés (moteur chaud)"].append(await fetch(worker))
    for _ in range(3):
        times["même salarié, redemandé"].append(await fetch(chosen[0]))
    await client.aclose()
    return times


def bare_weasyprint(root: Path, worker_id: str) -> list[Timing]:
    """WeasyPrint alone on the same dossier's HTML, in this process, warm (bench_build_render)."""
    from bench_build_render import Sample, bare

    from portfolio.app.workspace import open_worker
    from portfolio.render.documents import render_document

    ws, worker = open_worker(root, worker_id)
    doc = render_document(ws, worker, "dossier", AS_OF)
    sample = Sample("dossier", doc.html, doc.title, doc.author, list(doc.stylesheets))
    bare(sample)
    times = []
    for _ in range(3):
        began, cpu = time.perf_counter(), time.process_time()
        bare(sample)
        times.append((time.perf_counter() - began, time.process_time() - cpu))
    return times


def profile(pid: int, workers: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """py-spy sampling every thread of the server for the measured seconds, as collapsed
    stacks (`flamegraph.pl`, speedscope, or sorted with grep), one file per size."""
    out = args.profile.with_name(f"{args.profile.stem}-{workers}{args.profile.suffix}")
    command = [args.py_spy, "record", "--pid", str(pid), "--format", "raw", "-o", str(out)]
    command += ["--duration", str(math.ceil(args.seconds)), "--rate", "200", "--nonblocking"]
    print(f"profil py-spy du serveur : {out}", file=sys.stderr)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def run(workers: int, args: argparse.Namespace) -> None:
    root = workspace(workers, args.seed)
    add_accounts(root)
    accounts = visible(root)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    began = time.perf_counter()
    server = start_server(root, port)
    started = time.perf_counter() - began
    try:
        alone = asyncio.run(service_times(base, accounts, args.alone, args.seed))
        profilers: list[subprocess.Popen[bytes]] = []

        def measured_seconds_begin() -> None:
            if args.profile:
                profilers.append(profile(server.pid, workers, args))

        own_cpu = time.process_time()
        samples, failures = asyncio.run(load(base, accounts, args, measured_seconds_begin))
        own_cpu = time.process_time() - own_cpu
        for profiler in profilers:
            profiler.wait(timeout=60)
        server_cpu = cpu_seconds(server.pid)
        load_after = os.getloadavg()
        pdfs = asyncio.run(pdf_times(base, accounts[FEDERATION], args.pdfs, server.pid))
        status = proc_status(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    pdfs["WeasyPrint seul (même HTML)"] = bare_weasyprint(root, accounts[FEDERATION].consenting[0])
    counselor = accounts[COUNSELOR]
    print(
        f"\n== {workers} salariés ({len(counselor.workers)} pour le conseiller), "
        f"{args.clients} clients, {args.seconds:g} s après {args.warmup:g} s de mise en route"
    )
    print(
        f"charge moyenne de la machine (1 min) : {load_before[0]:.1f} avant, "
        f"{load_after[0]:.1f} après ; {os.cpu_count()} cœurs"
    )
    firsts = {k: v[0] for k, v in alone.items() if k.startswith("première page")}
    print(
        f"démarrage du serveur {started:.1f} s ; "
        + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in firsts.items())
    )
    total = sum(len(v) for v in samples.values())
    print(
        f"{total} requêtes, {total / args.seconds:.0f} par seconde ; CPU du serveur "
        f"{server_cpu:.0f} s en tout, des clients {own_cpu:.0f} s"
    )
    print(f"un client seul, {args.alone} fois chaque page : médiane (max)")
    for kind in KINDS:
        values = alone[kind]
        print(f"  {kind:<26}{ms(statistics.median(values)):>9} ({ms(max(values))})")
    print(f"{'page':<26}{'requêtes':>9}{'p50':>9}{'p95':>9}{'max':>9}{'échecs':>8}")
    for kind in KINDS:
        values = samples.get(kind, [])
        if not values:
            continue
        print(
            f"{kind:<26}{len(values):>9}{ms(statistics.median(values)):>9}"
            f"{ms(percentile(values, 0.95)):>9}{ms(max(values)):>9}{failures.get(kind, 0):>8}"
        )
    print("PDF du dossier, un à la fois : médiane durée réelle (CPU) ; chaque mesure")
    for label, values in pdfs.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        shown = ", ".join(f"{w:.2f} ({c:.2f})" for w, c in values)
        print(f"  {label:<32} {wall:.2f} s ({cpu:.2f} s)  ; {shown}")
    warm = statistics.median(v[1] for v in pdfs["autres salariés (moteur chaud)"])
    bare_cpu = statistics.median(v[1] for v in pdfs["WeasyPrint seul (même HTML)"])
    print(f"  rapport moteur chaud / WeasyPrint seul (CPU) : {warm / bare_cpu:.2f}")
    print(
        f"mémoire du serveur : pointe {status['VmHWM']}, à la fin {status['VmRSS']} "
        f"({int(status['VmHWM'].split()[0]) / 1024:.0f} Mo)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[240, 5000])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--pdfs", type=int, default=5)
    parser.add_argument("--alone", type=int, default=20, help="requêtes d'un client seul")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", type=Path, help="profil py-spy du serveur (piles repliées) dans ce fichier"
    )
    parser.add_argument("--py-spy", default="py-spy", help="la commande py-spy")
    args = parser.parse_args()
    for workers in args.workers:
        run(workers, args)


if __name__ == "__main__":
    main()
