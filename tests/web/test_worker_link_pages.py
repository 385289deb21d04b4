"""A worker's personal link in the browser (issue 20): made and revoked from the worker page by
who may see the worker, opened with no account as the dossier's web page, kept by no cache and
listed by no search engine; a link that does not open says why and shows nothing of the worker."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient
from web_support import AS_OF, OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.app.worker_links import WORKER_LINK_DAYS
from portfolio.web.server import create_app

MAKE = f"/salaries/{OWN_WORKER}/lien-personnel"
NAMES = ("Fatima", "Benali", OWN_WORKER)
"""What a refusal page must not show: the worker's names and id."""


def make_link(client: TestClient, worker: str = OWN_WORKER) -> str:
    token = csrf_of(client.get(f"/salaries/{worker}").text)
    answer = client.post(f"/salaries/{worker}/lien-personnel", data={"csrf_token": token})
    assert answer.status_code == 200, answer.text
    return re.search(r'value="https?://[^/"]+(/mon-dossier/[^"]+)"', answer.text).group(1)


def assert_private(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]


def assert_refused(response, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert words in response.text
    assert not any(name in response.text for name in NAMES)
    assert "no-store" in response.headers["cache-control"]
    assert "noindex" in response.headers["x-robots-tag"]


def later_client(web_root, days: int) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(
        create_app(web_root, today=lambda: AS_OF + dt.timedelta(days=days), secret="clé de test")
    )


def test_the_answer_shows_the_address_the_qr_code_and_the_dossier_to_print(make_client, web_root):
    client = make_client("counselor")
    token = csrf_of(client.get(f"/salaries/{OWN_WORKER}").text)
    answer = client.post(MAKE, data={"csrf_token": token})
    assert answer.status_code == 200
    path = re.search(r'value="(http://testserver/mon-dossier/[^"]+)"', answer.text).group(1)
    assert 'role="img"' in answer.text and "<svg" in answer.text
    assert f'href="{path.removeprefix("http://testserver")}/dossier.pdf"' in answer.text
    assert "Imprimer le dossier avec ce code" in answer.text
    last_day = AS_OF + dt.timedelta(days=WORKER_LINK_DAYS - 1)
    assert f"valable jusqu'au {last_day:%d/%m/%Y}" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    lines = journal.read(web_root, worker=OWN_WORKER)
    assert [(e.action, e.login) for e in lines] == [("dossier.link", "conseil")]


def test_the_worker_reads_the_dossier_without_an_account(make_client):
    path = make_link(make_client("counselor"))
    worker = make_client()  # no account
    page = worker.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert_private(page)
    assert "Fatima" in page.text and "Mon dossier" in page.text
    assert f'href="{path}/dossier.pdf"' in page.text
    assert "Ce lien marche jusqu'au 17 février 2027." in page.text
    assert page.text.count("<main") == 1 and '<nav class="personal-link"' in page.text
    assert page.text.index("<main") < page.text.index('<nav class="personal-link"')
    assert worker.get(path).status_code == 200  # as often as the worker likes


def test_the_worker_page_lists_the_links_and_their_state(make_client):
    client = make_client("counselor")
    make_link(client)
    page = html.unescape(client.get(f"/salaries/{OWN_WORKER}").text)
    section = page.split('id="lien-personnel"')[1].split("</section>")[0]
    assert "Créer un lien personnel" in section
    assert "Créé le 20/11/2026 par conseil : ouvert jusqu'au 17/02/2027" in section
    assert "Annuler ce lien" in section
    assert 'href="#lien-personnel"' in page


@pytest.mark.parametrize(
    ("path", "status"),
    [("/mon-dossier/pas-un-lien", 404), ("/mon-dossier/pas-un-lien/dossier.pdf", 404)],
)
def test_an_unknown_link_is_a_plain_page_without_data(make_client, path, status):
    for role in (None, "counselor"):
        answer = make_client(role).get(path)
        assert_refused(answer, status, "Ce lien ne marche pas.")


def test_a_tampered_expired_or_revoked_link_says_why_and_nothing_else(make_client, web_root):
    client = make_client("counselor")
    path = make_link(client)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert_refused(make_client().get(tampered), 404, "Ce lien ne marche pas.")
    assert later_client(web_root, WORKER_LINK_DAYS - 1).get(path).status_code == 200
    expired = later_client(web_root, WORKER_LINK_DAYS).get(path)
    assert_refused(expired, 410, "Ce lien a expiré le 18 février 2027.")
    assert_refused(
        later_client(web_root, WORKER_LINK_DAYS).get(f"{path}/dossier.pdf"), 410, "expiré"
    )
    page = client.get(f"/salaries/{OWN_WORKER}").text
    action = re.search(r'action="(/salaries/[^"]+/liens-personnels/[^"]+/annuler)"', page).group(1)
    answer = client.post(action, data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/salaries/{OWN_WORKER}#lien-personnel"
    after = client.get(f"/salaries/{OWN_WORKER}").text
    assert "Lien personnel annulé" in after and "annulé le 20/11/2026" in after
    assert_refused(make_client().get(path), 410, "Ce lien a été annulé le 20 novembre 2026.")
    assert client.post(action, data={"csrf_token": csrf_of(page)}).status_code == 409
    actions = [e.action for e in journal.read(web_root, worker=OWN_WORKER)]
    assert actions == ["dossier.link", "dossier.revoke"]


def test_a_withdrawn_consent_closes_the_dossier(make_client, web_root):
    client = make_client("counselor")
    path = make_link(client)
    file = web_root / "workers" / f"{OWN_WORKER}.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("consent: {given: true,", "consent: {given: false,"), "utf-8")
    assert_refused(make_client().get(path), 409, "ne peut pas être montré")
    page = client.get(f"/salaries/{OWN_WORKER}").text
    assert "Pas de lien personnel sans consentement enregistré." in page
    refused = client.post(MAKE, data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 409 and "consentement" in refused.text


def test_only_who_sees_the_worker_makes_or_revokes_a_link(make_client, web_root):
    fede = make_client("federation")
    other_path = make_link(fede, OTHER_WORKER)
    assert make_client().get(other_path).status_code == 200
    other_page = fede.get(f"/salaries/{OTHER_WORKER}").text
    revoke = re.search(r'action="(/salaries/[^"]+/liens-personnels/[^"]+/annuler)"', other_page)
    counselor = make_client("counselor")
    token = csrf_of(counselor.get("/").text)
    made = counselor.post(f"/salaries/{OTHER_WORKER}/lien-personnel", data={"csrf_token": token})
    assert made.status_code == 404
    assert counselor.post(revoke.group(1), data={"csrf_token": token}).status_code == 404
    link_id = revoke.group(1).split("/")[-2]
    own_path = f"/salaries/{OWN_WORKER}/liens-personnels/{link_id}/annuler"
    assert counselor.post(own_path, data={"csrf_token": token}).status_code == 409
    trainer = make_client("trainer")
    trainer_token = csrf_of(trainer.get("/").text)
    assert trainer.post(MAKE, data={"csrf_token": trainer_token}).status_code == 404
    assert counselor.post(MAKE).status_code == 403  # no CSRF token
    assert make_client().post(MAKE, follow_redirects=False).status_code == 303
    assert make_client().get(other_path).status_code == 200  # nothing was revoked
    assert [e.action for e in journal.read(web_root, worker=OTHER_WORKER)] == ["dossier.link"]


@pytest.mark.slow
def test_the_dossier_to_print_carries_the_links_qr_code(make_client):
    path = make_link(make_client("counselor"))
    pdf = make_client().get(f"{path}/dossier.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert_private(pdf)
    assert 'filename="mon-dossier.pdf"' in pdf.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "17 février 2027" in " ".join(text.split())
    plain = make_client("counselor").get(f"/salaries/{OWN_WORKER}/dossier.pdf")
    plain_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(plain.content)).pages)
    assert "17 février 2027" not in " ".join(plain_text.split())
