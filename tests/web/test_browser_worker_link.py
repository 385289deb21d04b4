"""A worker's personal link in a real browser (issue 20): made and revoked from the worker page
with the keyboard only; the dossier it opens, with no account, has no axe-core violation at
1280 and 390 px and no horizontal scroll on a phone; a refused link neither."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import log_in, tab_to, violations
from itsdangerous import URLSafeSerializer
from playwright.sync_api import Browser, BrowserContext, Page
from web_support import OWN_WORKER

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MAKE_BUTTON = f"form[action='/salaries/{OWN_WORKER}/lien-personnel'] button"


def no_violation(page: Page, state: str) -> None:
    found = violations(page)
    assert not found, f"violations d'accessibilité ({state}) :\n" + "\n".join(found)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"la page défile de côté à 390 px ({width} px)"


@pytest.fixture
def visitor(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """The worker's phone: no account, no cookie."""
    fresh = browser.new_context(base_url=base_url, locale="fr-FR", viewport=PHONE)
    yield fresh
    fresh.close()


def make_link_with_the_keyboard(page: Page) -> str:
    log_in(page, "counselor")
    page.goto(f"/salaries/{OWN_WORKER}")
    no_violation(page, "page du salarié")
    tab_to(page, MAKE_BUTTON)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Lien personnel du salarié"
    assert page.locator("figure.personal-qr svg").is_visible()
    no_violation(page, "lien créé")
    tab_to(page, "a[href$='/dossier.pdf']")
    url = page.locator("#lien").input_value()
    assert "/mon-dossier/" in url
    return url


def test_the_dossier_opened_by_the_link_reads_well_on_a_phone_and_a_desktop(
    page: Page, visitor: BrowserContext
) -> None:
    url = make_link_with_the_keyboard(page)
    phone = visitor.new_page()
    answer = phone.goto(url)
    assert answer is not None and answer.status == 200
    assert "Mon dossier" in phone.locator("h1").inner_text()
    no_violation(phone, "dossier à 390 px")
    no_horizontal_scroll(phone)
    tab_to(phone, "nav.personal-link a")
    phone.set_viewport_size(DESKTOP)
    no_violation(phone, "dossier à 1280 px")


def test_a_refused_link_reads_well_on_a_phone(visitor: BrowserContext) -> None:
    phone = visitor.new_page()
    answer = phone.goto("/mon-dossier/pas-un-lien")
    assert answer is not None and answer.status == 404
    assert "Ce lien ne marche pas." in phone.locator("main").inner_text()
    no_violation(phone, "lien refusé à 390 px")
    no_horizontal_scroll(phone)


def revoke_button(url: str) -> str:
    """The button that revokes this link: the token's payload names its record (read without
    checking the signature, which only the server can)."""
    _, link_id = URLSafeSerializer("").loads_unsafe(url.rsplit("/", 1)[1])
    return f"form[action$='/liens-personnels/{link_id}/annuler'] button"


def test_a_link_revoked_with_the_keyboard_only(page: Page, visitor: BrowserContext) -> None:
    url = make_link_with_the_keyboard(page)
    page.goto(f"/salaries/{OWN_WORKER}")
    tab_to(page, revoke_button(url))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Lien personnel annulé" in page.locator(".notice").inner_text()
    no_violation(page, "lien annulé")
    answer = visitor.new_page().goto(url)
    assert answer is not None and answer.status == 410


def test_the_link_page_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    make_link_with_the_keyboard(page)
    no_horizontal_scroll(page)
