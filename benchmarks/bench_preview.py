"""Live preview (issue 17, item 5): from "Enregistrer" to the updated dossier PDF, ≤ 1.5 s.

    python benchmarks/bench_preview.py [--rounds 20] [--workers fatima-b aicha-m …] [--no-browser]

A copy of the demo gets a federation account; the server runs in its own process, as
`portfolio serve` runs it (uvicorn, one process, on a free port of 127.0.0.1), its date fixed
at 20/11/2026. The dossier must have 4 pages (checked with pypdf on every PDF; a round whose
dossier has grown to 5 pages is not counted): the workers are taken in turn, since each
observation makes a dossier a little longer.

Each round, the observation form being open (its page already loaded, not counted), the clock
runs from the POST of the form ("Enregistrer": one competency at a level) to the last byte of
the dossier PDF: POST → 303 → GET of the worker page, which says what was recorded with a link
"Voir le dossier à jour (PDF)" → GET of that link. Printed: each step's and the whole chain's
median, 95th percentile and maximum over `--rounds` rounds, after one round not counted (the
renderer's first PDF, fonts read).

Then, unless `--no-browser`, the same in Chromium (Playwright, Debian's /usr/bin/chromium): a
level chosen, click on "Enregistrer", wait for the worker page, click on the notice's PDF link,
until the PDF's response is read; a few rounds, median and maximum.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx2
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import FEDERATION, PASSWORD, csrf_of, demo_copy, log_in, server

TARGET = 1.5
PAGES = 4
LINK_TEXT = "Voir le dossier à jour (PDF)"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Round:
    post: float
    page: float
    pdf: float
    pages: int
    cpu: float
    """The server process's CPU seconds during the round: what the chain costs it, whatever
    else the machine runs."""

    @property
    def total(self) -> float:
        return self.post + self.page + self.pdf


def observation(page_html: str, n: int) -> dict[str, str]:
    """The form filled as a counselor would: today's date, one competency observed."""
    levels = sorted(set(re.findall(r'name="(level:[^"]+)"', page_html)))
    return {
        "csrf_token": csrf_of(page_html),
        "date": "18/11/2026",
        "by": f"Mme Aperçu {n}",
        "role": "conseiller",
        "placement": "",
        "note": "",
        levels[n % len(levels)]: str(1 + n % 4),
    }


def pdf_link(html: str) -> str:
    found = re.search(r'<a href="([^"]+)">' + re.escape(LINK_TEXT) + "</a>", html)
    if found is None:
        raise SystemExit(f"la page du salarié n'offre pas le lien « {LINK_TEXT} »")
    return found.group(1)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(client: httpx2.Client, pid: int, worker: str, n: int) -> Round:
    form = f"/salaries/{worker}/observations/nouvelle"
    data = observation(client.get(form).text, n)
    cpu = cpu_seconds(pid)
    began = time.perf_counter()
    answer = client.post(form, data=data)
    posted = time.perf_counter()
    if answer.status_code != 303:
        raise SystemExit(f"observation refusée : {answer.status_code}")
    page = client.get(answer.headers["location"])
    shown = time.perf_counter()
    pdf = client.get(pdf_link(page.text))
    done = time.perf_counter()
    if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
        raise SystemExit(f"le dossier n'est pas venu : {pdf.status_code}")
    used = cpu_seconds(pid) - cpu
    pages = len(PdfReader(io.BytesIO(pdf.content)).pages)
    return Round(posted - began, shown - posted, done - shown, pages, used)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def browser_rounds(base: str, worker: str, rounds: int) -> list[float]:
    """Click on "Enregistrer", then on the notice's PDF link, until the PDF's response is
    read, in Chromium; seconds per round. (Chromium shows the PDF in its viewer: the page's
    body is then the viewer's, so the answer is checked by its status and type.)"""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=base, locale="fr-FR", accept_downloads=True).new_page()
        page.goto("/connexion")
        page.fill("#login", FEDERATION)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for n in range(rounds):
            page.goto(f"/salaries/{worker}/observations/nouvelle")
            page.fill("#champ-by", f"Mme Navigateur {n}")
            radios = page.locator("input[type=radio][name^='level:']:not([value='']):visible")
            radios.nth((n * 4 + n % 4) % radios.count()).check()
            began = time.perf_counter()
            page.click("button[type=submit]:has-text('Enregistrer')")
            page.wait_for_url(re.compile(rf".*/salaries/{worker}#observations$"))
            with page.expect_response(lambda r: r.url.endswith("/dossier.pdf")) as response:
                page.click(f"a:has-text('{LINK_TEXT}')")
            response.value.finished()
            times.append(time.perf_counter() - began)
            if response.value.headers.get("content-type") != "application/pdf":
                raise SystemExit(f"le navigateur n'a pas reçu de PDF : {response.value.status}")
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--browser-rounds", type=int, default=5)
    parser.add_argument(
        "--workers",
        nargs="+",
        default=["fatima-b", "aicha-m", "bernard-g", "jeremy-p", "lucie-v"],
        help="salariés pris tour à tour (chaque observation allonge un peu le dossier)",
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    root = demo_copy()
    print(f"charge de la machine (1 min) : {os.getloadavg()[0]:.1f} ; {os.cpu_count()} cœurs")
    with server(root) as running:
        client = log_in(running.base, FEDERATION, PASSWORD)
        first = one_round(client, running.pid, args.workers[0], 0)
        every = [
            one_round(client, running.pid, args.workers[n % len(args.workers)], n)
            for n in range(1, args.rounds + 1)
        ]
        client.close()
        rounds = [r for r in every if r.pages == PAGES]
        if not rounds:
            raise SystemExit(f"aucun dossier de {PAGES} pages : choisissez d'autres salariés")
        pages = Counter(r.pages for r in every)
        print(
            f"salariés {', '.join(args.workers)} tour à tour ; {args.rounds} fois ; pages des "
            f"dossiers : {dict(sorted(pages.items()))} ; seuls ceux de {PAGES} pages comptent"
        )
        print(f"premier tour (non compté) : {first.total:.2f} s dont PDF {first.pdf:.2f} s")
        print(f"{'étape':<34}{'médiane':>9}{'p95':>9}{'max':>9}")
        steps = {
            "POST → 303": [r.post for r in rounds],
            "page du salarié": [r.page for r in rounds],
            "PDF du dossier": [r.pdf for r in rounds],
            "total, Enregistrer → PDF reçu": [r.total for r in rounds],
            "CPU du serveur pour le tout": [r.cpu for r in rounds],
        }
        for label, values in steps.items():
            print(
                f"{label:<34}{statistics.median(values):>8.2f}s"
                f"{percentile(values, 0.95):>8.2f}s{max(values):>8.2f}s"
            )
        clicks = (
            []
            if args.no_browser
            else browser_rounds(running.base, args.workers[0], args.browser_rounds)
        )
    if clicks:
        print(
            f"Chromium, clic « Enregistrer » → PDF reçu ({len(clicks)} fois) : médiane "
            f"{statistics.median(clicks):.2f} s, max {max(clicks):.2f} s ; chaque fois : "
            + ", ".join(f"{c:.2f}" for c in clicks)
        )
    print(f"charge de la machine (1 min) à la fin : {os.getloadavg()[0]:.1f}")
    worst = max([*steps["total, Enregistrer → PDF reçu"], *clicks])
    print(
        f"objectif ≤ {TARGET} s : {'tenu' if worst <= TARGET else 'dépassé'} (pire {worst:.2f} s)"
    )


if __name__ == "__main__":
    main()
