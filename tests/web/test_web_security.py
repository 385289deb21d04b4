"""Every route with every role and without a session (SPEC §11; issue 16 item 4)."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route
from web_support import OTHER_WORKER, OWN_WORKER, PASSWORD, csrf_of, login

from portfolio.app.accounts import remove_user
from portfolio.web import server

ANONYMOUS = None
ROLES = [ANONYMOUS, "federation", "counselor", "trainer"]

# Path → expected status for (anonymous, federation, counselor, trainer) on GET.
PAGES: dict[str, tuple[int, int, int, int]] = {
    "/": (303, 200, 200, 200),
    f"/salaries/{OWN_WORKER}": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}": (303, 200, 404, 404),
    "/salaries/personne": (303, 404, 404, 404),
    f"/salaries/{OWN_WORKER}/dossier.html": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/dossier.html": (303, 200, 404, 404),
    f"/salaries/{OWN_WORKER}/portfolio.html": (303, 200, 200, 404),
    f"/salaries/{OWN_WORKER}/autre.html": (303, 404, 404, 404),
    f"/salaries/{OWN_WORKER}/observations/nouvelle": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/observations/nouvelle": (303, 200, 404, 404),
    f"/salaries/{OWN_WORKER}/missions/nouvelle": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/missions/nouvelle": (303, 200, 404, 404),
    "/salaries/nouveau": (303, 200, 200, 403),
    f"/salaries/{OWN_WORKER}/formations/nouvelle": (303, 200, 200, 200),
    f"/salaries/{OTHER_WORKER}/formations/nouvelle": (303, 200, 404, 200),
    "/salaries/personne/formations/nouvelle": (303, 404, 404, 404),
    f"/salaries/{OWN_WORKER}/missions/p2/modifier": (303, 200, 200, 404),
    f"/salaries/{OWN_WORKER}/missions/p2/supprimer": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/missions/p1/modifier": (303, 200, 404, 404),
    f"/salaries/{OWN_WORKER}/missions/p9/modifier": (303, 404, 404, 404),
    f"/salaries/{OWN_WORKER}/observations/3/modifier": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/observations/1/supprimer": (303, 200, 404, 404),
    f"/salaries/{OWN_WORKER}/formations/2/modifier": (303, 200, 200, 404),
    f"/salaries/{OWN_WORKER}/formations/2/supprimer": (303, 200, 200, 404),
    f"/formations/saisie?salarie={OWN_WORKER}": (303, 403, 403, 303),
    "/organismes/graindesel": (303, 200, 200, 200),
    "/organismes/ateliers": (303, 200, 200, 404),
    "/organismes/inconnu": (303, 404, 404, 404),
    "/organismes/graindesel/couverture.html": (303, 200, 200, 200),
    "/organismes/ateliers/couverture.html": (303, 200, 200, 404),
    "/programme": (303, 200, 403, 403),
    "/programme/rapport.html": (303, 200, 403, 403),
    "/verification": (303, 200, 200, 200),
    "/import": (303, 200, 200, 403),
    "/connexion": (200, 303, 303, 303),
    "/static/site.css": (200, 200, 200, 200),
    "/polices/AtkinsonHyperlegible_400Regular.ttf": (200, 200, 200, 200),
    "/nulle-part": (303, 404, 404, 404),
    "/tuteur/merci": (200, 200, 200, 200),
    "/tuteur/pas-un-lien": (404, 404, 404, 404),
    "/mon-dossier/pas-un-lien": (404, 404, 404, 404),
    "/mon-dossier/pas-un-lien/dossier.pdf": (404, 404, 404, 404),
}
PDF_PAGES: dict[str, tuple[int, int, int, int]] = {
    f"/salaries/{OWN_WORKER}/dossier.pdf": (303, 200, 200, 404),
    f"/salaries/{OTHER_WORKER}/portfolio.pdf": (303, 200, 404, 404),
    "/organismes/graindesel/couverture.pdf": (303, 200, 200, 200),
    "/programme/rapport.pdf": (303, 200, 403, 403),
}


def test_the_walk_covers_every_route():
    """A route added without a line here fails this test."""
    walked = {*PAGES, *PDF_PAGES}
    routes = _app_routes()
    templates = {
        "/": "/",
        "/salaries/{worker_id}": f"/salaries/{OWN_WORKER}",
        "/salaries/{worker_id}/{doc}.{fmt}": f"/salaries/{OWN_WORKER}/dossier.html",
        "/salaries/{worker_id}/observations/nouvelle": (
            f"/salaries/{OWN_WORKER}/observations/nouvelle"
        ),
        "/salaries/{worker_id}/missions/nouvelle": f"/salaries/{OWN_WORKER}/missions/nouvelle",
        "/salaries/nouveau": "/salaries/nouveau",
        "/salaries/{worker_id}/formations/nouvelle": f"/salaries/{OWN_WORKER}/formations/nouvelle",
        "/formations/saisie": f"/formations/saisie?salarie={OWN_WORKER}",
        "/salaries/{worker_id}/missions/{position}/modifier": (
            f"/salaries/{OWN_WORKER}/missions/p2/modifier"
        ),
        "/salaries/{worker_id}/missions/{position}/supprimer": (
            f"/salaries/{OWN_WORKER}/missions/p2/supprimer"
        ),
        "/salaries/{worker_id}/observations/{position}/modifier": (
            f"/salaries/{OWN_WORKER}/observations/3/modifier"
        ),
        "/salaries/{worker_id}/observations/{position}/supprimer": (
            f"/salaries/{OTHER_WORKER}/observations/1/supprimer"
        ),
        "/salaries/{worker_id}/formations/{position}/modifier": (
            f"/salaries/{OWN_WORKER}/formations/2/modifier"
        ),
        "/salaries/{worker_id}/formations/{position}/supprimer": (
            f"/salaries/{OWN_WORKER}/formations/2/supprimer"
        ),
        "/organismes/{body}": "/organismes/graindesel",
        "/organismes/{body}/couverture.{fmt}": "/organismes/graindesel/couverture.html",
        "/programme": "/programme",
        "/programme/rapport.{fmt}": "/programme/rapport.html",
        "/verification": "/verification",
        "/import": "/import",
        "/import/confirmer": None,
        "/connexion": "/connexion",
        "/deconnexion": None,
        "/salaries/{worker_id}/missions/{placement}/lien-tuteur": None,
        "/salaries/{worker_id}/liens-tuteur/{link}/annuler": None,
        "/tuteur/merci": "/tuteur/merci",
        "/tuteur/{token}": "/tuteur/pas-un-lien",
        "/salaries/{worker_id}/lien-personnel": None,
        "/salaries/{worker_id}/liens-personnels/{link}/annuler": None,
        "/mon-dossier/{token}": "/mon-dossier/pas-un-lien",
        "/mon-dossier/{token}/dossier.pdf": "/mon-dossier/pas-un-lien/dossier.pdf",
        "/static": "/static/site.css",
        "/polices": "/polices/AtkinsonHyperlegible_400Regular.ttf",
    }
    assert set(routes) == set(templates), "a route is missing from the walk"
    assert {p for p in templates.values() if p} <= walked


def _app_routes() -> set[str]:
    from pathlib import Path

    app = server.create_app(Path(__file__).resolve().parents[2] / "demo", secret="x")
    return {r.path for r in app.routes if isinstance(r, Route | Mount)}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_every_page_answers_each_role_as_its_scope_says(make_client, path):
    for index, role in enumerate(ROLES):
        client = make_client(role)
        response = client.get(path, follow_redirects=False)
        assert response.status_code == PAGES[path][index], (role, path)
        if response.status_code == 303 and role is ANONYMOUS:
            assert response.headers["location"] == "/connexion"


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(PDF_PAGES))
def test_every_pdf_answers_each_role_as_its_scope_says(make_client, path):
    for index, role in enumerate(ROLES):
        response = make_client(role).get(path, follow_redirects=False)
        assert response.status_code == PDF_PAGES[path][index], (role, path)
        if response.status_code == 200:
            assert response.headers["content-type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")


def test_another_associations_worker_looks_exactly_like_a_missing_one(make_client):
    client = make_client("counselor")
    other = client.get(f"/salaries/{OTHER_WORKER}")
    missing = client.get("/salaries/personne")
    assert other.status_code == missing.status_code == 404
    assert other.text == missing.text
    assert OTHER_WORKER not in other.text


def test_a_post_without_its_csrf_token_is_refused(make_client):
    client = make_client("federation")
    assert client.post("/deconnexion", follow_redirects=False).status_code == 403
    observation = f"/salaries/{OWN_WORKER}/observations/nouvelle"
    refused = client.post(observation, data={"by": "x", "date": "01/01/2026"})
    assert refused.status_code == 403
    forged = client.post("/deconnexion", data={"csrf_token": "faux"}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in
    anonymous = make_client()
    refused = anonymous.post("/connexion", data={"login": "fede", "password": PASSWORD})
    assert refused.status_code == 403


def test_logging_out_ends_the_session_even_for_a_copied_cookie(make_client):
    client = make_client("counselor")
    cookie = client.cookies.get("portfolio_session")
    token = csrf_of(client.get("/").text)
    out = client.post("/deconnexion", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/connexion"
    replay = make_client()
    replay.cookies.set("portfolio_session", cookie)
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_httponly_lax_and_secure_behind_tls(make_client):
    plain = make_client()
    answer = login(plain, "fede", PASSWORD)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    tls = make_client(https=True)
    secure = login(tls, "fede", PASSWORD).headers["set-cookie"].lower()
    assert "secure" in secure and "httponly" in secure


def test_unknown_login_and_wrong_password_get_the_same_answer(make_client):
    client = make_client()
    unknown = login(client, "inconnu-zz", PASSWORD)
    wrong = login(client, "fede", "pas le bon mot de passe")
    assert unknown.status_code == wrong.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in unknown.text
    assert unknown.text.replace("inconnu-zz", "fede") == wrong.text


@pytest.mark.parametrize("name", ["fede", "personne"])
def test_logins_are_throttled_after_five_failures(make_client, name):
    client = make_client()
    for _ in range(5):
        assert login(client, name, "mauvais mot de passe").status_code == 200
    blocked = login(client, name, PASSWORD if name == "fede" else "x")
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.text
    assert "portfolio_session" not in blocked.headers.get("set-cookie", "")


def test_a_removed_account_is_logged_out_at_once(make_client, web_root):
    client = make_client("counselor")
    assert client.get("/", follow_redirects=False).status_code == 200
    remove_user(web_root, "conseil")
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_carries_the_security_headers(make_client, role):
    client = make_client(role)
    for path in [*PAGES, "/salaries/personne"]:
        headers = client.get(path, follow_redirects=False).headers
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        )
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_static_files_are_cached_long(make_client):
    response = make_client().get("/static/site.css")
    assert "max-age=31536000" in response.headers["cache-control"]
    page = make_client("federation").get("/").text
    assert "/static/site.css?v=" in page
