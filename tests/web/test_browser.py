"""The web interface in a real browser (issue 16 item 5): Debian's Chromium driven by Playwright
against a uvicorn server on 127.0.0.1, logging in with each role, downloading a PDF, using the
keyboard only, and axe-core finding no accessibility violation on any page.

One Chromium and one server (tests/web/conftest.py) serve the whole module: starting them is most of
the time these tests take.
"""

from __future__ import annotations

import io

import pytest
from browser_support import FOCUSED, LOGIN_ERROR, log_in, tab_to, violations
from playwright.sync_api import (
    APIResponse,
    Browser,
    Page,
    Route,
)
from pypdf import PdfReader
from web_support import ACCOUNTS, OWN_WORKER, PASSWORD

pytestmark = pytest.mark.slow

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
