"""Many people recording at once through `portfolio serve` (issue 17, item 6): nothing is lost.

    python benchmarks/bench_load.py [--clients 20] [--seconds 60] [--workers 10]
                                    [--workspace DOSSIER]

A copy of the demo (or `--workspace`, copied too) gets two accounts, the federation's and the
counselor of ai-lyon-est. The server runs in its own process, as `portfolio serve` runs it
(uvicorn, one process, on a free port of 127.0.0.1), its date fixed at 20/11/2026. Then
`--clients` threads, each with its own logged-in httpx2 client (even ones federation, odd ones
counselor), record for `--seconds` seconds and stop by themselves: each time, for one of the
first `--workers` workers the account may write (the counselor writes only its own three), they
open the form and post it, as a browser does:

- an observation (`/salaries/{id}/observations/nouvelle`): one or two competencies of the
  form, each at a level, signed `by` a name no other post uses;
- a placement (`/salaries/{id}/missions/nouvelle`): a client whose name no other post uses (so
  that no two placements of a worker overlap at the same client, a SPEC §8 error), two tasks,
  one with its hours.

Afterwards, with the server stopped, every write the server accepted (303) must be in the
worker's file (found by its unique name), the journal must hold exactly one new line per accepted
write, and `portfolio check` must find no error that was not there before. Printed: accepted
writes per second, latency of the posts (from the request sent to the 303 read: median, 95th
percentile, maximum) per kind, refusals (400, 409) and server errors (5xx, or a dropped
connection).

`tests/web/test_under_load.py` runs the same code for 60 s and asserts it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import yaml

AS_OF = dt.date(2026, 11, 20)
"""The demo's date (tests/web_support.py): its placements and observations are of 2025-2026."""
PASSWORD = "mot de passe du banc de mesure"
FEDERATION = "banc-federation"
COUNSELOR = "banc-conseil"
COUNSELOR_ASSOCIATION = "ai-lyon-est"
KINDS = ("observation", "mission")
FORMS = {
    "observation": "/salaries/{worker}/observations/nouvelle",
    "mission": "/salaries/{worker}/missions/nouvelle",
}


SERVER = """
import datetime as dt
import sys
from pathlib import Path

import uvicorn

from portfolio.web.server import create_app

today = dt.date.fromisoformat(sys.argv[3])
app = create_app(Path(sys.argv[1]), today=lambda: today, secret="bench_load")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
"""The server as `portfolio.web.server.serve` starts it, with the date fixed (as bench_serve.py;
copied, since bench_serve.py needs `httpx`, which a clean install of the project lacks: its tests
use `httpx2`)."""


@dataclass(frozen=True)
class Post:
    """One form posted: by which client, to which worker, with which unique name (the
    observation's `by`, the placement's client), its status (0: no answer) and latency."""

    client: int
    kind: str
    worker: str
    marker: str
    status: int
    seconds: float


@dataclass
class LoadRun:
    """What the clients did and what the files say afterwards."""

    seconds: float
    clients: int
    workers: list[str]
    posts: list[Post] = field(default_factory=list)
    missing: list[Post] = field(default_factory=list)
    """Accepted writes not found in the worker's file."""
    unexpected: list[str] = field(default_factory=list)
    """Names found in the files that no accepted write carried (a refused or lost write that
    landed all the same)."""
    journal_lines: int = 0
    """New lines in the journal."""
    new_errors: list[str] = field(default_factory=list)
    """`portfolio check` errors that were not there before."""
    refusals: dict[str, str] = field(default_factory=dict)
    """One refused post (400, 409) or unanswered one (0) per kind, with why, to explain it."""

    @property
    def accepted(self) -> list[Post]:
        return [p for p in self.posts if p.status == 303]

    @property
    def server_errors(self) -> list[Post]:
        return [p for p in self.posts if p.status >= 500 or p.status == 0]


def demo_copy(source: Path | None = None) -> Path:
    """A fresh copy of the demo (or of `source`) in the temporary folder, with the two accounts."""
    from portfolio.app.accounts import add_user
    from portfolio.resources import demo_dir

    root = Path(tempfile.mkdtemp(prefix="vae-load-")) / "espace"
    shutil.copytree(source or demo_dir(), root)
    (root / "users.yaml").unlink(missing_ok=True)
    add_user(root, FEDERATION, "federation", PASSWORD)
    add_user(root, COUNSELOR, "counselor", PASSWORD, association=COUNSELOR_ASSOCIATION)
    return root


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def server(root: Path, as_of: dt.date = AS_OF) -> Iterator[Server]:
    """`portfolio serve`'s server over `root` in its own process; yields its address and pid."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root), str(port), as_of.isoformat()],
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx2.get(f"{base}/connexion", timeout=2)
                break
            except httpx2.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("le serveur n'a pas démarré") from None
                time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError(f"pas de jeton CSRF dans la page : {html[:300]}")
    return found.group(1)


KEEPALIVE_SECONDS = 2.0
"""How long a client keeps an idle connection: below uvicorn's 5 s (`timeout_keep_alive`), as
browsers do, so that no request goes out on a connection the server is closing at that instant
(httpx's 5 s default races the server's and fails one request in a few thousand)."""


def log_in(base: str, login: str, password: str) -> httpx2.Client:
    client = httpx2.Client(
        base_url=base, timeout=120, limits=httpx2.Limits(keepalive_expiry=KEEPALIVE_SECONDS)
    )
    token = csrf_of(client.get("/connexion").text)
    answer = client.post(
        "/connexion", data={"login": login, "password": password, "csrf_token": token}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"connexion de {login} refusée : {answer.status_code}")
    return client


def form_data(kind: str, page: str, marker: str, rng: random.Random) -> dict[str, Any]:
    """The fields a person fills in the form `page` (its HTML): see the module's description;
    a repeated field (`tasks`, `task_hours`) has a list of values."""
    token = csrf_of(page)
    if kind == "observation":
        levels = sorted(set(re.findall(r'name="(level:[^"]+)"', page)))
        chosen = rng.sample(levels, rng.randint(1, 2))
        return {
            "csrf_token": token,
            "date": "18/11/2026",
            "by": marker,
            "role": "conseiller",
            "placement": "",
            "note": f"Observé pendant le banc de charge ({marker}).",
            **{name: str(rng.randint(1, 4)) for name in chosen},
        }
    return {
        "csrf_token": token,
        "client": marker,
        "kind": "particulier",
        "start": "02/11/2026",
        "end": "13/11/2026",
        "hours": "7,5",
        "tutor": "Mme Charge",
        "service": "",
        "tasks": ["repassage", "ménage des sols"],
        "task_hours": ["2", ""],
        "note": "",
    }


def summary_of(html: str) -> str:
    """The text of a refused form's error summary, to say why in the report."""
    found = re.search(r'role="alert".*?</(?:div|section)>', html, re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", found.group(0) if found else html[:400])
    return " ".join(text.split())[:300]


def client_loop(
    index: int,
    client: httpx2.Client,
    workers: list[str],
    kinds: tuple[str, ...],
    stop: float,
    run: LoadRun,
    lock: threading.Lock,
) -> None:
    """Open a form and post it, again and again, until `stop` (a time.monotonic instant)."""
    rng = random.Random(index)
    count = 0
    while time.monotonic() < stop:
        kind = rng.choice(kinds)
        worker = rng.choice(workers)
        count += 1
        marker = f"Charge {index:02d}-{count:05d}"
        url = FORMS[kind].format(worker=worker)
        try:
            page = client.get(url)
            if page.status_code != 200:
                status, seconds, refused = page.status_code, 0.0, page.text
            else:
                data = form_data(kind, page.text, marker, rng)
                began = time.perf_counter()
                answer = client.post(url, data=data)
                seconds = time.perf_counter() - began
                status, refused = answer.status_code, answer.text
        except httpx2.TransportError as error:
            status, seconds, refused = 0, 0.0, f"{type(error).__name__} : {error}"
        with lock:
            run.posts.append(Post(index, kind, worker, marker, status, seconds))
            if status in {400, 409}:
                run.refusals.setdefault(f"{kind} {status}", summary_of(refused))
            elif status == 0:
                run.refusals.setdefault(f"{kind} sans réponse", refused)


def writable(client: httpx2.Client, candidates: list[str], kinds: tuple[str, ...]) -> list[str]:
    """The workers among `candidates` whose forms this account may open."""
    return [
        worker
        for worker in candidates
        if all(client.get(FORMS[kind].format(worker=worker)).status_code == 200 for kind in kinds)
    ]


def names_in_files(root: Path, workers: list[str]) -> dict[str, Counter[str]]:
    """Per worker, how many entries carry each name: observations by `by` (one per competency
    observed: counted once), placements by client name."""
    found: dict[str, Counter[str]] = {}
    for worker in workers:
        data = yaml.safe_load((root / "workers" / f"{worker}.yaml").read_text(encoding="utf-8"))
        names: Counter[str] = Counter()
        names.update({o.get("by") for o in data.get("observations") or []})
        names.update(p["client"]["name"] for p in data.get("placements") or [])
        found[worker] = names
    return found


def run_load(
    root: Path,
    accounts: list[tuple[str, str]],
    *,
    clients: int = 20,
    seconds: float = 60.0,
    workers: int = 10,
    kinds: tuple[str, ...] = KINDS,
    as_of: dt.date = AS_OF,
) -> LoadRun:
    """Record with `clients` threads for `seconds`, then check the files. `accounts` are
    (login, password) pairs taken in turn by the clients; the first one must see at least
    `workers` workers, the others write to those of them they may see."""
    from portfolio import journal
    from portfolio.app.workspace import check

    before = {i.render() for i in check(root, as_of) if i.is_error}
    lines_before = len(journal.read(root))
    every = sorted(p.stem for p in (root / "workers").glob("*.yaml"))
    with server(root, as_of) as running:
        sessions = [log_in(running.base, *accounts[i % len(accounts)]) for i in range(clients)]
        chosen = writable(sessions[0], every, kinds)[:workers]
        if len(chosen) < workers:
            raise RuntimeError(f"{len(chosen)} salariés seulement sont ouverts à l'écriture")
        scopes = [writable(s, chosen, kinds) if i % len(accounts) else chosen
                  for i, s in enumerate(sessions)]  # fmt: skip
        run = LoadRun(seconds, clients, chosen)
        lock = threading.Lock()
        stop = time.monotonic() + seconds
        threads = [
            threading.Thread(target=client_loop, args=(i, s, scopes[i], kinds, stop, run, lock))
            for i, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for session in sessions:
            session.close()
    found = names_in_files(root, chosen)
    accepted = {(p.worker, p.marker) for p in run.accepted}
    run.missing = [p for p in run.accepted if found[p.worker][p.marker] != 1]
    run.unexpected = [
        f"{worker} : {name}"
        for worker, names in found.items()
        for name in names
        if isinstance(name, str) and name.startswith("Charge ") and (worker, name) not in accepted
    ]
    run.journal_lines = len(journal.read(root)) - lines_before
    run.new_errors = sorted(
        i.render() for i in check(root, as_of) if i.is_error and i.render() not in before
    )
    return run


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def report(run: LoadRun) -> str:
    """The figures, in French, as the benchmark prints them."""
    accepted = run.accepted
    lines = [
        f"{run.clients} clients, {len(run.workers)} salariés ({', '.join(run.workers)}), "
        f"{run.seconds:g} s",
        f"{len(run.posts)} envois, {len(accepted)} écritures acceptées "
        f"({len(accepted) / run.seconds:.1f} par seconde)",
        f"{'envoi':<14}{'acceptés':>9}{'400':>6}{'409':>6}{'5xx':>6}{'p50':>9}{'p95':>9}{'max':>9}",
    ]
    by_kind: dict[str, list[Post]] = defaultdict(list)
    for post in run.posts:
        by_kind[post.kind].append(post)
    for kind, posts in sorted(by_kind.items()):
        statuses = Counter(p.status for p in posts)
        times = [p.seconds for p in posts if p.status == 303] or [0.0]
        errors = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
        lines.append(
            f"{kind:<14}{statuses[303]:>9}{statuses[400]:>6}{statuses[409]:>6}{errors:>6}"
            f"{statistics.median(times) * 1000:>7.0f}ms{percentile(times, 0.95) * 1000:>7.0f}ms"
            f"{max(times) * 1000:>7.0f}ms"
        )
    others = Counter(p.status for p in run.posts if p.status not in {303, 400, 409})
    if others:
        lines.append(f"autres réponses : {dict(others)}")
    lines += [f"refus {kind} : {summary}" for kind, summary in sorted(run.refusals.items())]
    lines += [
        f"écritures acceptées absentes des fichiers : {len(run.missing)}",
        f"noms présents sans écriture acceptée : {len(run.unexpected)}",
        f"lignes ajoutées au journal : {run.journal_lines} (attendu {len(accepted)})",
        f"nouvelles erreurs de « portfolio check » : {len(run.new_errors)}",
        *run.new_errors[:10],
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--workspace", type=Path, help="espace copié (par défaut : la démo)")
    parser.add_argument(
        "--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="formulaires envoyés"
    )
    args = parser.parse_args()
    root = demo_copy(args.workspace)
    print(f"espace de travail : {root}", file=sys.stderr)
    run = run_load(
        root,
        [(FEDERATION, PASSWORD), (COUNSELOR, PASSWORD)],
        clients=args.clients,
        seconds=args.seconds,
        workers=args.workers,
        kinds=tuple(args.kinds),
    )
    print(report(run))
    lost = run.missing or run.server_errors or run.new_errors
    if lost or run.journal_lines != len(run.accepted):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
