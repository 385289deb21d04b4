"""What the reading pages show to each role, kept fresh from the files (SPEC §11)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from badge_support import credential, write_badge
from hardening.test_hostile_render import hostile_files
from starlette.testclient import TestClient
from web_support import (
    AS_OF,
    FAST_HASHER,
    OTHER_WORKER,
    OWN_WORKER,
    PASSWORD,
    login,
)

from portfolio.fsutil import write_atomic
from portfolio.web.server import create_app
from portfolio.web.views import CheckView

OWN_NAMES = ("Aïcha", "Dominique", "Fatima")
"""First names of ai-lyon-est's workers in the demo (aicha-m, dominique-r, fatima-b)."""


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_counselor_sees_the_workers_of_their_association_only(make_client):
    page = make_client("counselor").get("/").text
    assert all(name in page for name in OWN_NAMES)
    assert f'href="/salaries/{OTHER_WORKER}"' not in page
    assert "3 salariés" in text_of(page)


def test_the_federation_sees_every_worker_and_can_search(make_client):
    client = make_client("federation")
    page = client.get("/").text
    assert "13 salariés" in text_of(page)
    found = client.get("/", params={"q": "fatima"}).text
    assert 'href="/salaries/fatima-b"' in found and 'href="/salaries/kevin-t"' not in found


def test_the_dashboard_shows_block_progress_and_alerts(make_client):
    page = text_of(make_client("federation").get("/").text)
    assert re.search(r"\d+ sur \d+ acquises", page)
    assert "consentement" in page or "PASS IAE" in page or "part de formation" in page


def test_the_worker_page_shows_the_trail_the_assessment_and_the_plan(make_client):
    page = text_of(make_client("counselor").get(f"/salaries/{OWN_WORKER}").text)
    for heading in (
        "Mises à disposition",
        "Observations",
        "Formations",
        "Évaluation des compétences",
        "Plan de formation",
    ):
        assert heading in page
    assert "acquise" in page
    assert "Budget" in page
    assert "/10/2025" in page or "/09/2025" in page  # dates as 31/12/2024


def test_a_trainer_sees_its_bodys_needs_without_any_worker_name(make_client, web_root):
    client = make_client("trainer")
    home = client.get("/").text
    assert "Compétences à travailler dans la cohorte" in home
    names = [
        line.split(":", 1)[1].strip()
        for file in (web_root / "workers").glob("*.yaml")
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.startswith("last_name:")
    ]
    for page in (home, client.get("/verification").text):
        assert not [name for name in names if name in page]


def test_a_change_in_a_file_shows_on_the_next_load(make_client, web_root):
    client = make_client("federation")
    assert "Fatima" in client.get(f"/salaries/{OWN_WORKER}").text
    file = web_root / "workers" / f"{OWN_WORKER}.yaml"
    text = file.read_text(encoding="utf-8")
    write_atomic(file, text.replace("first_name: Fatima", "first_name: Fatimata"))
    assert "Fatimata" in client.get(f"/salaries/{OWN_WORKER}").text


def test_a_broken_worker_file_shows_on_the_check_page_with_a_link(make_client, web_root):
    client = make_client("federation")
    file = web_root / "workers" / f"{OWN_WORKER}.yaml"
    write_atomic(file, file.read_text(encoding="utf-8") + "\nplacements: [\n")
    page = client.get("/verification").text
    assert f"workers/{OWN_WORKER}.yaml" in page
    assert client.get(f"/salaries/{OWN_WORKER}").status_code == 404
    counselor = text_of(make_client("counselor").get("/verification").text)
    assert f"workers/{OWN_WORKER}.yaml" not in counselor


def test_check_lines_about_a_worker_link_to_their_page(make_client):
    page = make_client("federation").get("/verification").text
    assert re.search(r'<a href="/salaries/[a-z0-9-]+">workers/', page)


def test_the_check_page_counts_in_the_french_of_the_command(make_client):
    """0 takes the singular, as on `portfolio check`'s last line (the demo has no error)."""
    page = text_of(make_client("federation").get("/verification").text)
    assert re.search(r"\b0 erreur et \d+ avertissements?, comme « portfolio check »", page)
    assert CheckView((), 0, 0).counts == "0 erreur et 0 avertissement"
    assert CheckView((), 2, 1).counts == "2 erreurs et 1 avertissement"


def test_the_programme_page_shows_figures_and_charts(make_client):
    page = make_client("federation").get("/programme").text
    assert "Heures de formation" in page
    assert "<svg" in page


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    for name, content in hostile_files(9).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(content), encoding="utf-8")
    shutil.copytree(Path(__file__).resolve().parents[2] / "referentiels", root / "referentiels")
    (root / "users.yaml").write_text(
        f"users:\n  - login: fede\n    role: federation\n"
        f"    password: '{FAST_HASHER.hash(PASSWORD)}'\n",
        encoding="utf-8",
    )
    return root


def test_hostile_worker_text_shows_as_text_on_every_page(hostile_root):
    client = TestClient(create_app(hostile_root, today=lambda: AS_OF, secret="x"))
    login(client, "fede", PASSWORD)
    for path in ("/", "/salaries/w-1", "/verification", "/salaries/w-1/dossier.html"):
        page = client.get(path).text
        assert "<script>alert(1)</script>" not in page, path
        assert "<svg onload" not in page and "<img src=http" not in page, path
    for path in ("/", "/salaries/w-1"):
        page = client.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert "{{ 7*7 }}" in page, path  # printed, never evaluated


def test_the_portfolio_downloaded_from_the_web_lists_the_badges_issued(make_client, web_root):
    write_badge(web_root, OWN_WORKER, "advf.ccp1", credential("Entretenir le logement"))
    page = text_of(make_client("counselor").get(f"/salaries/{OWN_WORKER}/portfolio.html").text)
    assert "Badges numériques remis" in page
    assert "advf.ccp1.json" in page


def test_the_dashboard_counts_in_french_with_no_plural_below_two(make_client, web_root):
    """« 0 salarié », as `check` says « 0 erreur »: the French plural starts at 2."""
    for file in (web_root / "workers").glob("*.yaml"):
        file.unlink()
    page = text_of(make_client("federation").get("/").text)
    assert "0 salarié." in page
