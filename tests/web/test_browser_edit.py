"""Editing and deleting an entry in a real browser (SPEC §11, issue 17 items 1, 6 and 7): two
browsers editing the same entry get one 409 showing the other change; an edit made with the
keyboard alone; axe-core finds no violation in the empty, error, 409 and success states; the
pages fit a 390 px screen."""

from __future__ import annotations

import pytest
from browser_support import log_in, tab_to, violations
from playwright.sync_api import Browser, Page
from web_support import OWN_WORKER

pytestmark = pytest.mark.slow

BASE = f"/salaries/{OWN_WORKER}"


def no_violations(page: Page) -> None:
    found = violations(page)
    assert not found, "violations d'accessibilité :\n" + "\n".join(found)


def submit(page: Page, selector: str = "form.record button[type=submit]") -> int:
    """Click the form's first submit button; the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(selector).first.click()
    response = navigation.value
    assert response is not None
    return response.status


def test_two_browsers_edit_the_same_entry_and_exactly_one_gets_409(
    browser: Browser, base_url: str
) -> None:
    """Two counselors open the same observation's form; both save: the second is told that the
    file changed, sees the first one's change, and nothing of theirs was written."""
    first = browser.new_context(base_url=base_url, locale="fr-FR")
    second = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        pages = [first.new_page(), second.new_page()]
        for page, role in zip(pages, ["counselor", "federation"], strict=True):
            log_in(page, role)
            page.goto(f"{BASE}/observations/5/modifier")
            no_violations(page)
        pages[0].fill("#champ-note", "Note de la conseillère")
        pages[1].fill("#champ-note", "Note de la fédération")
        statuses = [submit(page) for page in pages]
        assert sorted(statuses) == [200, 409]  # the winner follows its 303 to the worker page
        winner, loser = (pages[0], pages[1]) if statuses[0] == 200 else (pages[1], pages[0])
        assert winner.url.endswith(f"{BASE}#observations")
        assert "Observation n° 5" in winner.locator(".notice").inner_text()
        alert = loser.locator("#conflit")
        assert alert.is_visible()
        text = alert.inner_text()
        assert "rien n'a été enregistré" in text
        assert "Note de la conseillère" in text and "Note de la fédération" in text
        assert "conseil : entrée modifiée : observations.5" in text
        assert loser.evaluate("document.activeElement.id") == "conflit"
        no_violations(loser)
        winner.goto(BASE)
        assert "Note de la conseillère" in winner.content()
        assert "Note de la fédération" not in winner.content()
    finally:
        first.close()
        second.close()


def test_a_training_edited_with_the_keyboard_only(page: Page) -> None:
    """Refused once (the summary gets the focus, no violation), corrected and sent with the
    keyboard: the worker page says what was changed, with no violation either."""
    log_in(page, "counselor")
    page.goto(BASE)
    page.locator(f'a[href="{BASE}/formations/3/modifier"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_violations(page)
    tab_to(page, "#champ-start")
    page.keyboard.press("Control+A")
    page.keyboard.type("31/02/2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#erreur-start").is_visible()
    no_violations(page)
    tab_to(page, "#champ-start")
    page.keyboard.press("Control+A")
    page.keyboard.type("20/01/2026")
    tab_to(page, "#champ-hours")
    page.keyboard.press("Control+A")
    page.keyboard.type("11,5")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**{BASE}#formations")
    assert "Formation n° 3 (graindesel.ordinateur) modifiée" in page.locator(".notice").inner_text()
    no_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        "/missions/p3/modifier",
        "/missions/p3/supprimer",
        "/observations/1/modifier",
        "/observations/1/supprimer",
        "/formations/1/supprimer",
    ],
)
def test_no_violation_on_the_empty_forms(page: Page, path: str) -> None:
    log_in(page, "counselor")
    page.goto(BASE + path)
    no_violations(page)


def test_a_refused_deletion_and_a_stale_one_have_no_violation(browser: Browser, page: Page) -> None:
    log_in(page, "counselor")
    page.goto(f"{BASE}/missions/p1/supprimer")
    assert submit(page) == 400
    assert "citée par" in page.locator("#refus").inner_text()
    no_violations(page)
    page.goto(f"{BASE}/formations/1/supprimer")
    page.evaluate("document.querySelector('input[name=version]').value = '0000000000000000'")
    assert submit(page) == 409
    assert page.locator("#conflit").is_visible()
    no_violations(page)


def test_the_worker_page_and_an_edit_form_fit_a_phone(browser: Browser, base_url: str) -> None:
    phone = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        page = phone.new_page()
        log_in(page, "counselor")
        page.goto(BASE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        edit = page.get_by_role("link", name="Modifier la mission p2")
        assert edit.is_visible()
        with page.expect_navigation():
            edit.click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        no_violations(page)
        page.evaluate("document.querySelector('input[name=version]').value = '0000000000000000'")
        assert submit(page) == 409
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        no_violations(page)
    finally:
        phone.close()
