"""The web interface in a real browser (issue 16 item 5): Debian's Chromium driven by Playwright
against a uvicorn server on 127.0.0.1, logging in with each role, downloading a PDF, using the
keyboard only, and axe-core finding no accessibility violation on any page.

One Chromium serves the whole module and one server the whole module: starting them is most of
the time these tests take.
"""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    APIResponse,
    Browser,
    BrowserContext,
    Page,
    Route,
    sync_playwright,
)
from pypdf import PdfReader
from web_support import ACCOUNTS, AS_OF, OWN_WORKER, PASSWORD, users_yaml

from portfolio.resources import demo_dir
from portfolio.web.server import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Without the networking flags Chromium keeps calling Google's hosts, which this closed network
refuses."""
LOGIN_ERROR = "Identifiant ou mot de passe incorrect."
MAX_TABS = 60
"""More Tab presses than any page has stops before the element a test is after."""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free port of 127.0.0.1, over a copy of the demo with one account
    per role, running in a daemon thread for the whole module."""
    root = tmp_path_factory.mktemp("browser") / "demo"
    shutil.copytree(demo_dir(), root)
    users = root / "users.yaml"
    users.write_text(users_yaml(ACCOUNTS), encoding="utf-8")
    users.chmod(0o600)
    app = create_app(root, today=lambda: AS_OF, secret="clé des tests du navigateur")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started or not thread.is_alive():
            break
        time.sleep(0.05)
    assert server.started, "le serveur uvicorn des tests n'a pas démarré"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} manque : installez le paquet Debian « chromium » (.ci/run le fait)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookie carried from one test to the next."""
    fresh = browser.new_context(base_url=base_url, locale="fr-FR")
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, role: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    page.fill("#login", ACCOUNTS[role]["login"])
    page.fill("#password", password)
    page.click("button[type=submit]")


# --- the flow of each role --------------------------------------------------------------------

FLOWS = {
    # role → (workers on the dashboard, the page it opens, a PDF linked there, a text of the PDF)
    "federation": (13, f"/salaries/{OWN_WORKER}", f"/salaries/{OWN_WORKER}/dossier.pdf", "Fatima"),
    "counselor": (3, f"/salaries/{OWN_WORKER}", f"/salaries/{OWN_WORKER}/dossier.pdf", "Fatima"),
    "trainer": (
        0,
        "/organismes/graindesel",
        "/organismes/graindesel/couverture.pdf",
        "Grain de Sel",
    ),
}


@pytest.mark.parametrize("role", list(FLOWS))
def test_log_in_read_download_and_log_out(page: Page, base_url: str, role: str) -> None:
    workers, target, pdf, expected_text = FLOWS[role]
    log_in(page, role)
    assert page.url == f"{base_url}/"
    assert page.locator("header .who").inner_text() == ACCOUNTS[role]["login"]
    assert page.locator(".worker-card").count() == workers

    if workers:
        page.click(f'a[href="{target}"]')
        assert page.url == f"{base_url}{target}"
    else:
        worker = page.goto(f"/salaries/{OWN_WORKER}")
        assert worker is not None and worker.status == 404
        page.goto(target)
    assert page.locator("h1").count() == 1
    # Chromium shows the PDF in its viewer, which keeps the bytes to itself: the route hands the
    # answer to the viewer and keeps a copy (rendered once, fetched with the browser's cookies).
    answers: list[APIResponse] = []

    def keep(route: Route) -> None:
        answers.append(route.fetch())
        route.fulfill(response=answers[-1])

    page.route(f"**{pdf}", keep)
    with page.expect_response(f"**{pdf}"):
        page.locator(f'a[href="{pdf}"]').click()
    (answer,) = answers
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.body()))
    assert len(reader.pages) >= 1
    text = " ".join(p.extract_text() for p in reader.pages)
    assert expected_text.casefold() in text.casefold()

    page.go_back()
    page.click("header button[type=submit]")
    assert page.url == f"{base_url}/connexion"
    page.goto("/")
    assert page.url == f"{base_url}/connexion"


def test_a_failed_login_says_so_in_french(page: Page, base_url: str) -> None:
    log_in(page, "counselor", password="pas le bon mot de passe")
    assert page.url == f"{base_url}/connexion"
    assert page.get_by_role("alert").inner_text() == LOGIN_ERROR
    assert page.locator("#login").input_value() == ACCOUNTS["counselor"]["login"]
    assert page.locator("#password").get_attribute("aria-invalid") == "true"


# --- the keyboard alone -----------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    href: el.getAttribute("href"),
    text: (el.innerText || el.value || "").trim(),
    inViewport: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
  };
}"""


def tab_to(page: Page, wanted: str) -> int:
    """Press Tab until the focused element matches the CSS selector `wanted`, checking at every
    stop that the focused element is on screen and drawn with a focus ring; how many presses."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        focused: dict[str, object] = page.evaluate(FOCUSED)
        if focused["tag"] == "body":
            continue
        assert focused["inViewport"], f"le focus est hors de l'écran : {focused}"
        assert focused["ring"], f"le focus ne se voit pas : {focused}"
        if page.evaluate("(s) => document.activeElement.matches(s)", wanted):
            return presses
    raise AssertionError(f"{wanted} n'est pas atteint avec Tab ({MAX_TABS} appuis)")


def test_the_whole_flow_with_the_keyboard_only(page: Page, base_url: str) -> None:
    page.goto("/connexion")
    page.keyboard.press("Tab")
    first: dict[str, object] = page.evaluate(FOCUSED)
    assert first["text"] == "Aller au contenu", f"premier arrêt de Tab : {first}"
    assert first["inViewport"] and first["ring"], f"le lien d'évitement ne se voit pas : {first}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    assert tab_to(page, "#login") == 1, "après le lien d'évitement, Tab mène au formulaire"
    page.keyboard.type(ACCOUNTS["counselor"]["login"])
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/"

    tab_to(page, f'a[href="/salaries/{OWN_WORKER}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/salaries/{OWN_WORKER}"
    assert "Fatima" in page.locator("h1").inner_text()

    tab_to(page, "header form.logout button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/connexion"
    page.goto("/")
    assert page.url == f"{base_url}/connexion"


# --- accessibility: axe-core in the page ---------------------------------------------------------

AXE = Axe()
PAGES = {
    "federation": [
        "/",
        f"/salaries/{OWN_WORKER}",
        "/organismes/graindesel",
        "/programme",
        "/verification",
        "/salaries/personne",
    ],
    "counselor": [
        "/",
        f"/salaries/{OWN_WORKER}",
        f"/salaries/{OWN_WORKER}/observations/nouvelle",
        f"/salaries/{OWN_WORKER}/dossier.html",
        "/organismes/graindesel",
        "/verification",
        "/programme",
        "/salaries/personne",
    ],
    "trainer": ["/", "/organismes/graindesel", "/verification", "/salaries/personne"],
}
"""Every page of each role, its 403 and 404 pages included (`/salaries/personne` does not
exist; `/programme` is refused to a counselor), and one document's HTML (the documents share
their base template)."""


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it stands, one line per rule with its elements."""
    found = AXE.run(page).response["violations"]
    return [
        f"{page.url} : {v['id']} ({v['impact']}) — {v['help']} — "
        + " ; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
        for v in found
    ]


@pytest.mark.parametrize("role", list(PAGES))
def test_no_accessibility_violation_on_any_page_of_a_role(page: Page, role: str) -> None:
    log_in(page, role)
    found: list[str] = []
    for path in PAGES[role]:
        page.goto(path)
        found += violations(page)
    assert not found, "violations d'accessibilité :\n" + "\n".join(found)


def test_no_accessibility_violation_on_the_login_page(page: Page) -> None:
    page.goto("/connexion")
    found = violations(page)
    log_in(page, "trainer", password="pas le bon mot de passe")
    assert page.get_by_role("alert").is_visible()
    found += [f"(après un échec) {line}" for line in violations(page)]
    assert not found, "violations d'accessibilité :\n" + "\n".join(found)


def test_an_observation_recorded_with_the_keyboard_only(page: Page) -> None:
    """The form refused once (errors summarised, focus on the summary, no violation), then
    filled and sent with the keyboard: the worker page shows the observation."""
    log_in(page, "counselor")
    page.goto(f"/salaries/{OWN_WORKER}/observations/nouvelle")
    page.locator("#champ-by").focus()
    page.keyboard.type("Mme Ferhat")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    found = violations(page)
    assert not found, "violations d'accessibilité :\n" + "\n".join(found)
    page.locator("input[name='level:advf.ccp1.c1'][value='2']").focus()
    page.keyboard.press("Space")
    page.locator("#champ-by").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/salaries/{OWN_WORKER}#observations")
    assert "observation ajoutée" in page.content()


def test_a_tutor_fills_the_grid_on_a_phone(page: Page, browser: Browser, base_url: str) -> None:
    """The counselor makes the link from the worker page; the tutor opens it on a 390 px
    screen with no account, sees no accessibility violation, and sends the grid once."""
    log_in(page, "counselor")
    page.goto(f"/salaries/{OWN_WORKER}")
    page.locator("form[action$='/p2/lien-tuteur'] button").click()
    link = page.locator("#lien").input_value()
    phone = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        tutor = phone.new_page()
        tutor.goto(link)
        found = violations(tutor)
        assert not found, "violations d'accessibilité :\n" + "\n".join(found)
        assert tutor.evaluate("document.documentElement.scrollWidth") <= 390
        tutor.locator("input[type=radio][value='3']").first.check()
        tutor.fill("#champ-by", "M. Garnier")
        with tutor.expect_navigation():
            tutor.locator("button[type=submit]").click()
        assert tutor.url.endswith("/tuteur/merci")
        tutor.goto(link)
        assert "déjà été remplie" in tutor.content()
    finally:
        phone.close()
