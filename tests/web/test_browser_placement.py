"""The new placement form in Chromium (issue 17 items 1 and 7): filled with the keyboard only,
the tasks checked before saving, no accessibility violation in its empty, preview, error and
success states, and usable on a 390 px phone."""

from __future__ import annotations

import pytest
from browser_support import log_in, tab_to, violations
from playwright.sync_api import Browser, Page
from web_support import OWN_WORKER

pytestmark = pytest.mark.slow

FORM = f"/salaries/{OWN_WORKER}/missions/nouvelle"
SAVE = ".form-actions button:not([name])"


def no_violation(page: Page, state: str) -> None:
    found = violations(page)
    assert not found, f"violations d'accessibilité ({state}) :\n" + "\n".join(found)


def type_into(page: Page, selector: str, text: str) -> None:
    """Reach a field with Tab, then replace what it holds by typing."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def test_a_placement_recorded_with_the_keyboard_only(page: Page) -> None:
    """Empty form, a refused save (focus on the summary), the tasks checked (focus on the
    preview), then saved: every state without violation, the worker page says what was added."""
    log_in(page, "counselor")
    page.goto(FORM)
    no_violation(page, "vide")
    type_into(page, "#champ-client", "Mme Delorme")
    type_into(page, "#champ-start", "31/02/2026")
    type_into(page, "#champ-end", "31/08/2026")
    type_into(page, "#champ-hours", "7,5")
    type_into(page, "#champ-tasks-1", "ménage des sols")
    type_into(page, "#champ-task_hours-1", "3h30")
    type_into(page, "#champ-tasks-2", "lavage voiture")
    tab_to(page, SAVE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "n'est pas une date valide" in page.locator("#erreur-start").inner_text()
    assert "Faire le ménage du logement" in page.locator("#correspondance-1").inner_text()
    no_violation(page, "erreur")

    type_into(page, "#champ-start", "01/08/2026")
    tab_to(page, "button[value=verifier]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused_id(page) == "verification"
    summary = page.get_by_role("status").filter(has_text="tâches vérifiées").inner_text()
    assert "2 tâches vérifiées : 1 reconnue, 1 sans correspondance" in summary
    assert "ne correspond à aucune tâche" in page.locator("#correspondance-2").inner_text()
    no_violation(page, "vérification")

    tab_to(page, SAVE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**/salaries/{OWN_WORKER}#missions")
    assert "Mise à disposition p4 ajoutée" in page.locator(".notice").inner_text()
    no_violation(page, "enregistrée")


def test_more_task_rows_with_the_keyboard(page: Page) -> None:
    log_in(page, "counselor")
    page.goto(FORM)
    type_into(page, "#champ-tasks-1", "repassage")
    tab_to(page, "button[value=lignes]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("input[name=tasks]").count() == 10
    assert focused_id(page) == "champ-tasks-2"
    assert page.locator("#champ-tasks-1").input_value() == "repassage"


def test_the_form_on_a_phone(browser: Browser, base_url: str) -> None:
    """At 390 px nothing scrolls sideways, in any state, and the form saves."""
    phone = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        page = phone.new_page()
        log_in(page, "counselor")
        page.goto(FORM)
        wide = "document.documentElement.scrollWidth"
        assert page.evaluate(wide) <= 390
        no_violation(page, "vide, 390 px")
        page.fill("#champ-client", "Centre social des Buers")
        page.fill("#champ-start", "02/11/2026")
        page.fill("#champ-end", "13/11/2026")
        page.fill("#champ-hours", "20")
        page.fill("#champ-tasks-1", "aide aux repas des personnes âgées du quartier")
        page.click("button[value=verifier]")
        assert page.evaluate(wide) <= 390
        assert page.locator('input[name=kind][value="association"]').is_checked()
        no_violation(page, "vérification, 390 px")
        page.click(SAVE)
        page.wait_for_url(f"**/salaries/{OWN_WORKER}#missions")
        assert "Centre social des Buers" in page.locator(".notice").inner_text()
    finally:
        phone.close()
