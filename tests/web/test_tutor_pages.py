"""A tutor's link in the browser (SPEC §11): made from a placement by a counselor, opened with
no account, submitted once; an expired, used or tampered link gets a clear page."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from starlette.testclient import TestClient
from web_support import AS_OF, OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.web.server import create_app

MAKE = f"/salaries/{OWN_WORKER}/missions/p3/lien-tuteur"


def make_link(client) -> str:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(f"/salaries/{OWN_WORKER}").text)
    answer = client.post(MAKE, data={"csrf_token": token})
    assert answer.status_code == 200, answer.text
    return re.search(r'value="https?://[^/"]+(/tuteur/[^"]+)"', answer.text).group(1)


def tutor_observations(web_root) -> list[dict]:  # type: ignore[no-untyped-def]
    text = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_text(encoding="utf-8")
    return [o for o in yaml.safe_load(text)["observations"] if o.get("by") == "M. Tuteur"]


def fill(tutor, path: str, **levels: str):  # type: ignore[no-untyped-def]
    page = tutor.get(path)
    fields = dict.fromkeys(re.findall(r'name="(level:[^"]+)"', page.text), "")
    fields.update(levels)
    data = {"csrf_token": csrf_of(page.text), "by": "M. Tuteur", "note": "Sérieuse", **fields}
    return tutor.post(path, data=data, follow_redirects=False), fields


def test_a_counselor_makes_a_link_and_the_tutor_fills_it_once(make_client, web_root):
    path = make_link(make_client("counselor"))
    tutor = make_client()  # no account
    page = tutor.get(path)
    assert page.status_code == 200
    assert "Fatima" in page.text and "B." not in page.text.split("<main")[1]
    first = sorted(re.findall(r'name="(level:[^"]+)"', page.text))[0]
    answer, _ = fill(tutor, path, **{first: "3"})
    assert answer.status_code == 303 and answer.headers["location"] == "/tuteur/merci"
    written = tutor_observations(web_root)
    assert [(o["role"], o["placement"], o["level"]) for o in written] == [("tuteur", "p3", 3)]
    actions = [e.action for e in journal.read(web_root, worker=OWN_WORKER)]
    assert actions == ["tutor.link", "tutor.grid"]
    again = tutor.get(path)
    assert again.status_code == 410 and "déjà été remplie" in again.text
    twice = tutor.post(path, data={"csrf_token": csrf_of(page.text), "by": "x", first: "4"})
    assert twice.status_code == 410
    assert len(tutor_observations(web_root)) == 1


def test_a_grid_with_no_level_is_refused_and_keeps_the_link_open(make_client, web_root):
    path = make_link(make_client("counselor"))
    tutor = make_client()
    answer, _ = fill(tutor, path)
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert tutor_observations(web_root) == []
    assert tutor.get(path).status_code == 200


def test_a_tampered_or_expired_link_gets_a_clear_page(make_client, web_root):
    path = make_link(make_client("counselor"))
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert make_client().get(tampered).status_code == 404
    later = TestClient(
        create_app(web_root, today=lambda: AS_OF + dt.timedelta(days=31), secret="clé de test")
    )
    expired = later.get(path)
    assert expired.status_code == 410 and "expiré" in expired.text


def test_only_who_sees_the_worker_makes_a_link(make_client):
    client = make_client("counselor")
    token = csrf_of(client.get("/").text)
    other = client.post(
        f"/salaries/{OTHER_WORKER}/missions/p1/lien-tuteur", data={"csrf_token": token}
    )
    assert other.status_code == 404
    assert client.post(MAKE).status_code == 403


def test_a_counselor_revokes_an_unused_link_from_the_worker_page(make_client, web_root):
    client = make_client("counselor")
    path = make_link(client)
    page = client.get(f"/salaries/{OWN_WORKER}").text
    action = re.search(r'action="(/salaries/[^"]+/annuler)"', page).group(1)
    answer = client.post(action, data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert answer.status_code == 303
    closed = make_client().get(path)
    assert closed.status_code == 410 and "annulé" in closed.text
    assert "Annuler ce lien" not in client.get(f"/salaries/{OWN_WORKER}").text
    assert client.post(action, data={"csrf_token": csrf_of(page)}).status_code == 409
