"""The new worker and training forms in a real browser (SPEC §11): filled and sent with the
keyboard only, refused once then accepted, with no axe-core violation in the empty, error and
success states; a trainer notes an attendance on a 390 px phone and never sees a name."""

from __future__ import annotations

import pytest
from browser_support import log_in, tab_to, violations
from playwright.sync_api import Browser, Page
from web_support import OTHER_WORKER, OWN_WORKER

pytestmark = pytest.mark.slow


def no_violation(page: Page, state: str) -> None:
    found = violations(page)
    assert not found, f"violations d'accessibilité ({state}) :\n" + "\n".join(found)


def summary_has_focus(page: Page) -> bool:
    return bool(page.evaluate("document.activeElement.classList.contains('error-summary')"))


def test_a_worker_created_with_the_keyboard_only(page: Page, base_url: str) -> None:
    """Sent without a target nor consent: refused, the summary takes the focus; then the boxes
    are checked with the Space key and the form sent with Enter: the new worker's page."""
    log_in(page, "counselor")
    page.goto("/salaries/nouveau")
    no_violation(page, "vide")
    suggested = page.locator("#champ-id").input_value()
    assert suggested.startswith("w-")
    tab_to(page, "#champ-first_name")
    page.keyboard.type("Awa")
    tab_to(page, "#champ-last_name")
    page.keyboard.type("D.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").is_visible() and summary_has_focus(page)
    assert page.locator("#erreur-consent").is_visible()
    assert page.locator("#champ-first_name").input_value() == "Awa"
    no_violation(page, "erreurs")
    tab_to(page, "input[name=targets][value=advf]")
    page.keyboard.press("Space")
    tab_to(page, "#champ-consent")
    page.keyboard.press("Space")
    tab_to(page, "form.record button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/salaries/{suggested}#missions"
    assert "Awa D." in page.locator("h1").inner_text()
    assert f"workers/{suggested}.yaml" in page.locator(".notice").inner_text()
    no_violation(page, "après l'enregistrement")


def test_a_training_recorded_with_the_keyboard_only(page: Page, base_url: str) -> None:
    log_in(page, "counselor")
    page.goto(f"/salaries/{OWN_WORKER}/formations/nouvelle")
    no_violation(page, "vide")
    tab_to(page, "#champ-start")
    page.keyboard.type("31/02/2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert summary_has_focus(page)
    for name in ("module", "start", "result"):
        assert page.locator(f"#erreur-{name}").is_visible(), name
    no_violation(page, "erreurs")
    tab_to(page, "#champ-module")
    page.keyboard.press("ArrowDown")
    assert page.locator("#champ-module").input_value() != ""
    tab_to(page, "#champ-start")
    page.keyboard.press("Control+A")
    page.keyboard.type("02/11/2026")
    tab_to(page, "#champ-hours")
    page.keyboard.type("3h30")
    tab_to(page, "input[name=result]")
    page.keyboard.press("Space")
    tab_to(page, "form.record button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/salaries/{OWN_WORKER}#formations"
    assert "Formation" in page.locator(".notice").inner_text()
    no_violation(page, "après l'enregistrement")


def test_a_trainer_notes_an_attendance_on_a_phone(browser: Browser, base_url: str) -> None:
    """From its home, by the worker's id: the form shows the id, never the name, and its own
    modules; after the save it comes back saying what was recorded."""
    phone = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        page = phone.new_page()
        log_in(page, "trainer")
        assert page.locator("h1").is_visible()
        tab_to(page, "#champ-salarie")
        page.keyboard.type("w-9999")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#erreur-salarie").is_visible()
        no_violation(page, "identifiant inconnu")
        page.locator("#champ-salarie").fill("")
        page.locator("#champ-salarie").focus()
        page.keyboard.type(OTHER_WORKER)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{base_url}/salaries/{OTHER_WORKER}/formations/nouvelle"
        no_violation(page, "vide")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert "Kevin" not in page.content()
        options = page.locator("#champ-module option").all_inner_texts()
        assert options[1:] and all("graindesel." in o for o in options[1:])
        tab_to(page, "form.record button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert summary_has_focus(page)
        no_violation(page, "erreurs")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        tab_to(page, "#champ-module")
        page.keyboard.press("ArrowDown")
        tab_to(page, "#champ-start")
        page.keyboard.type("02/11/2026")
        tab_to(page, "input[name=result]")
        page.keyboard.press("Space")
        tab_to(page, "form.record button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{base_url}/salaries/{OTHER_WORKER}/formations/nouvelle"
        notice = page.locator(".notice").inner_text()
        assert "Présence enregistrée" in notice and OTHER_WORKER in notice
        assert "Kevin" not in page.content()
        no_violation(page, "après l'enregistrement")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()
