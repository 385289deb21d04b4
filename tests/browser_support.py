"""Helpers of the browser tests (Playwright on Debian's Chromium, axe-core): logging in,
walking with the Tab key, listing accessibility violations. Their fixtures (a server, a browser,
a fresh profile per test) are in tests/web/conftest.py."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from web_support import ACCOUNTS, PASSWORD

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


def log_in(page: Page, role: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    page.fill("#login", ACCOUNTS[role]["login"])
    page.fill("#password", password)
    page.click("button[type=submit]")


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


AXE = Axe()


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it stands, one line per rule with its elements."""
    found = AXE.run(page).response["violations"]
    return [
        f"{page.url} : {v['id']} ({v['impact']}) — {v['help']} — "
        + " ; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
        for v in found
    ]
