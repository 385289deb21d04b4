"""Screenshots of every page of `portfolio serve`, for each role, at 1280 px and 390 px wide
(issue 16 item 5): to be looked at by a person, after a change of the templates or the stylesheet.

Starts the server on a copy of the demo with one account per role, logs in with Debian's Chromium
(Playwright) and saves one full-page PNG per page, role and width.

    python benchmarks/screenshots.py [DOSSIER]    (default: /tmp/captures)

Files are named `<role>-<page>-<width>.png`, e.g. `conseil-salarie-390.png`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from portfolio.app.accounts import add_user
from portfolio.resources import demo_dir
from portfolio.web.server import create_app

AS_OF = dt.date(2026, 11, 20)
PASSWORD = "mot de passe des captures"
WIDTHS = (1280, 390)
HEIGHT = 900
PHONE_WIDTH = 390
"""At this width the browser acts as a phone's (touch, `<meta name="viewport">` obeyed)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACCOUNTS = {
    # login → (role, association, body)
    "fede": ("federation", None, None),
    "conseil": ("counselor", "ai-lyon-est", None),
    "formation": ("trainer", None, "graindesel"),
}
PAGES = {
    # login → {short name: path}
    "fede": {
        "accueil": "/",
        "salarie": "/salaries/mehdi-k",
        "couverture": "/organismes/graindesel",
        "couverture-ateliers": "/organismes/ateliers",
        "programme": "/programme",
        "verification": "/verification",
        "introuvable": "/salaries/personne",
        "dossier-html": "/salaries/fatima-b/dossier.html",
        "portfolio-html": "/salaries/fatima-b/portfolio.html",
        "couverture-html": "/organismes/graindesel/couverture.html",
        "rapport-html": "/programme/rapport.html",
    },
    "conseil": {
        "accueil": "/",
        "salarie": "/salaries/fatima-b",
        "couverture": "/organismes/graindesel",
        "verification": "/verification",
        "refuse": "/programme",
        "nouveau-salarie": "/salaries/nouveau",
        "nouvelle-mission": "/salaries/fatima-b/missions/nouvelle",
        "nouvelle-observation": "/salaries/fatima-b/observations/nouvelle",
        "nouvelle-formation": "/salaries/fatima-b/formations/nouvelle",
        "modifier-mission": "/salaries/fatima-b/missions/p1/modifier",
        "modifier-observation": "/salaries/fatima-b/observations/1/modifier",
        "modifier-formation": "/salaries/fatima-b/formations/1/modifier",
        "supprimer-observation": "/salaries/fatima-b/observations/1/supprimer",
        "import": "/import",
    },
    "formation": {
        "accueil": "/",
        "couverture": "/organismes/graindesel",
        "verification": "/verification",
        "presence": "/salaries/kevin-t/formations/nouvelle",
    },
}


def demo_with_accounts(folder: Path) -> Path:
    root = folder / "demo"
    shutil.copytree(demo_dir(), root)
    for login, (role, association, body) in ACCOUNTS.items():
        add_user(root, login, role, PASSWORD, association=association, body=body)
    return root


@contextmanager
def running_server(root: Path) -> Iterator[str]:
    """uvicorn on a free port of 127.0.0.1 in a daemon thread; yields the base address."""
    app = create_app(root, today=lambda: AS_OF, secret="clé des captures")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("le serveur n'a pas démarré")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def capture_all(browser: Browser, base_url: str, out: Path) -> list[Path]:
    saved: list[Path] = []
    for width in WIDTHS:
        anonymous = _new_page(browser, base_url, width)
        anonymous.goto("/connexion")
        saved.append(_shot(anonymous, out / f"anonyme-connexion-{width}.png"))
        anonymous.fill("#login", "fede")
        anonymous.fill("#password", "pas le bon mot de passe")
        anonymous.click("button[type=submit]")
        saved.append(_shot(anonymous, out / f"anonyme-connexion-erreur-{width}.png"))
        anonymous.context.close()
        for login, pages in PAGES.items():
            page = _new_page(browser, base_url, width)
            page.goto("/connexion")
            page.fill("#login", login)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base_url}/")
            for name, path in pages.items():
                page.goto(path)
                saved.append(_shot(page, out / f"{login}-{name}-{width}.png"))
            page.context.close()
    return saved


def _new_page(browser: Browser, base_url: str, width: int) -> Page:
    phone = width == PHONE_WIDTH
    return browser.new_page(
        base_url=base_url,
        viewport={"width": width, "height": HEIGHT},
        is_mobile=phone,
        has_touch=phone,
        locale="fr-FR",
    )


def _shot(page: Page, file: Path) -> Path:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(file), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    note = f"  (déborde de {overflow} px en largeur)" if overflow > 0 else ""
    print(f"{file}{note}")
    return file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("/tmp/captures"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        root = demo_with_accounts(Path(folder))
        with running_server(root) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            saved = capture_all(browser, base_url, args.out)
            browser.close()
    print(f"{len(saved)} captures dans {args.out}")


if __name__ == "__main__":
    main()
