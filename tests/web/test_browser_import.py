"""The timesheet import in Chromium (issue 17 items 2 and 7): a file chosen, previewed and
confirmed with the keyboard, no accessibility violation in the empty form, the preview, an
error and the success notice, and usable on a 390 px phone.

The module's server keeps one workspace for every test: each test imports rows of its own
(another month), so that none finds them already imported."""

from __future__ import annotations

import pytest
from browser_support import log_in, tab_to, violations
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

HEADER = "salarie;client;type_client;date;heures;taches\n"


def sheet(month: int, *extra: str) -> dict[str, object]:
    """A timesheet of two of the counselor's workers in `month` of 2026, with `extra` rows."""
    rows = (
        f"fatima-b;Mme Delorme;particulier;05/{month:02d}/2026;2;ménage | repassage\n"
        f"fatima-b;Mme Delorme;particulier;12/{month:02d}/2026;2;ménage | repassage\n"
        f"dominique-r;Centre social des Buers;association;06/{month:02d}/2026;3,5;classement\n"
    )
    content = HEADER + rows + "".join(extra)
    return {"name": "heures.csv", "mimeType": "text/csv", "buffer": content.encode()}


def no_violation(page: Page, state: str) -> None:
    found = violations(page)
    assert not found, f"violations d'accessibilité ({state}) :\n" + "\n".join(found)


def press_enter_on(page: Page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_an_import_previewed_and_confirmed_with_the_keyboard(page: Page, base_url: str) -> None:
    """Empty form, preview with a refused row, a confirmation refused (focus on the summary),
    the box ticked with the space bar, then the import: every state without violation."""
    log_in(page, "counselor")
    page.goto("/import")
    assert page.locator('header a[aria-current="page"]').inner_text() == "Importer"
    no_violation(page, "vide")
    page.set_input_files("#champ-file", sheet(9, "fatima-b;X;particulier;31/02/2026;2;\n"))
    press_enter_on(page, "form.import-upload button[type=submit]")
    assert page.locator("h1").inner_text() == "Aperçu de l'import : heures.csv"
    assert page.locator("#a-ajouter").inner_text() == "Mises à disposition à ajouter (2)"
    refused = page.locator("table").nth(1).inner_text()
    assert "ligne 5" in refused and "31/02/2026" in refused
    no_violation(page, "aperçu")

    press_enter_on(page, "form[action='/import/confirmer'] button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "1 ligne refusée : rien n'a été écrit" in page.locator(".error-summary").inner_text()
    no_violation(page, "confirmation refusée")

    tab_to(page, "#champ-skip_invalid")
    page.keyboard.press("Space")
    assert page.locator("#champ-skip_invalid").is_checked()
    press_enter_on(page, "form[action='/import/confirmer'] button[type=submit]")
    assert page.url == f"{base_url}/"
    notice = page.locator(".notice").inner_text()
    assert "Import terminé : 2 mises à disposition ajoutées pour 2 salariés" in notice
    assert "1 ligne refusée laissée de côté." in notice
    no_violation(page, "importé")


def test_a_file_that_is_not_a_timesheet_is_said_next_to_its_field(page: Page) -> None:
    log_in(page, "counselor")
    page.goto("/import")
    page.set_input_files(
        "#champ-file", {"name": "../../notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}
    )
    press_enter_on(page, "form.import-upload button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    said = page.locator("#erreur-file").inner_text()
    assert said.startswith("notes.pdf : format non reconnu « .pdf »")
    assert page.locator("#champ-file").get_attribute("aria-invalid") == "true"
    no_violation(page, "erreur")


def test_the_import_on_a_phone(browser: Browser, base_url: str) -> None:
    """At 390 px nothing scrolls sideways (the preview's tables scroll in their own box), and
    the import goes through."""
    phone = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    try:
        page = phone.new_page()
        log_in(page, "counselor")
        page.goto("/import")
        wide = "document.documentElement.scrollWidth"
        assert page.evaluate(wide) <= 390
        no_violation(page, "vide, 390 px")
        page.set_input_files("#champ-file", sheet(10))
        page.click("form.import-upload button[type=submit]")
        page.wait_for_selector("#a-ajouter")
        assert page.evaluate(wide) <= 390
        no_violation(page, "aperçu, 390 px")
        page.click("form[action='/import/confirmer'] button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        assert "Import terminé" in page.locator(".notice").inner_text()
        assert page.evaluate(wide) <= 390
    finally:
        phone.close()
