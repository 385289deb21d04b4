"""Creating a worker in the browser (SPEC §11 `/salaries/nouveau`): the same file as
`portfolio worker new`, consent asked explicitly, refusals next to their field, one journal line."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from web_support import AS_OF, csrf_of

from portfolio import journal
from portfolio.app.workspace import check

FORM = "/salaries/nouveau"
GOOD = {
    "id": "w-0001",
    "first_name": "Awa",
    "last_name": "D.",
    "association": "ai-lyon-est",
    "counselor": "Mme Ferhat",
    "targets": ["advf", "aph"],
    "consent": "oui",
    "consent_date": "18/11/2026",
}


def post(client, data: dict[str, object]):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(FORM).text)
    return client.post(FORM, data={"csrf_token": token, **data}, follow_redirects=False)


def worker_file(web_root, ident: str = "w-0001"):  # type: ignore[no-untyped-def]
    return web_root / "workers" / f"{ident}.yaml"


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="erreur-{name}">(.*?)</p>', page, re.S)
    assert found is not None, f"pas d'erreur pour {name}"
    return html.unescape(found.group(1))


def test_the_form_suggests_a_neutral_id_and_asks_for_consent_explicitly(make_client):
    page = make_client("counselor").get(FORM).text
    assert 'name="id"' in page and 'value="w-0001"' in page
    assert "sans le nom" in page
    assert (
        'name="consent" value="oui"' in page
        and "checked" not in page.split('name="consent"')[1][:40]
    )
    assert "retirer son accord à tout moment" in page
    assert 'name="consent_date"' in page and 'value="20/11/2026"' in page
    assert page.count('name="targets"') == 6  # one checkbox per trade référentiel
    assert '<datalist id="conseillers">' in page and 'value="Mme Ferhat"' in page
    assert 'name="csrf_token"' in page


def test_a_new_worker_lands_in_its_file_and_the_journal(make_client, web_root):
    answer = post(make_client("counselor"), GOOD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/salaries/w-0001#missions"
    data = yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))
    assert data == {
        "id": "w-0001",
        "first_name": "Awa",
        "last_name": "D.",
        "association": "ai-lyon-est",
        "counselor": "Mme Ferhat",
        "targets": ["advf", "aph"],
        "consent": {"given": True, "date": data["consent"]["date"]},
    }
    assert str(data["consent"]["date"]) == "2026-11-18"
    lines = journal.read(web_root, worker="w-0001")
    assert [(e.login, e.action) for e in lines] == [("conseil", "worker.add")]


def test_the_new_workers_page_says_what_was_recorded(make_client):
    client = make_client("counselor")
    answer = post(client, GOOD)
    page = client.get(answer.headers["location"]).text
    assert "Awa D." in page
    assert 'class="notice"' in page and "workers/w-0001.yaml" in page


def test_a_save_brings_no_new_error_to_the_workspace_check(make_client, web_root):
    before = {i.message for i in check(web_root, AS_OF) if i.is_error}
    assert post(make_client("federation"), GOOD).status_code == 303
    after = {i.message for i in check(web_root, AS_OF) if i.is_error}
    assert after <= before


def test_without_consent_no_file_is_made(make_client, web_root):
    answer = post(make_client("counselor"), {**GOOD, "consent": ""})
    assert answer.status_code == 400
    assert "sans le consentement du salarié" in field_error(answer.text, "consent")
    assert 'aria-invalid="true"' in answer.text.split('id="champ-consent"')[1][:200]
    assert not worker_file(web_root).exists()
    assert journal.read(web_root) == []


def test_refused_fields_are_said_next_to_themselves_and_values_are_kept(make_client, web_root):
    answer = post(
        make_client("federation"),
        {
            "id": "Fatima B",
            "first_name": "",
            "last_name": "Durand",
            "association": "ai-nulle-part",
            "consent": "oui",
            "consent_date": "31/02/2024",
        },
    )
    assert answer.status_code == 400
    page = answer.text
    assert 'role="alert"' in page and "autofocus" in page
    for name in ("id", "first_name", "association", "targets", "consent_date"):
        assert f'id="erreur-{name}"' in page, name
        assert f"erreur-{name}" in re.search(rf'id="champ-{name}"[^>]*>', page).group(0), name
    assert 'value="Durand"' in page and 'value="Fatima B"' in page
    assert 'value="31/02/2024"' in page
    assert list((web_root / "workers").glob("w-*.yaml")) == []
    assert journal.read(web_root) == []


def test_the_checked_targets_and_consent_are_kept_when_the_form_comes_back(make_client):
    page = post(make_client("counselor"), {**GOOD, "first_name": ""}).text
    for target in ("advf", "aph"):
        assert re.search(rf'value="{target}" checked', page), target
    assert not re.search(r'value="eaa" checked', page)
    assert re.search(r'name="consent" value="oui" checked', page)


@pytest.mark.parametrize("ident", ["nouveau", "fatima-b"])
def test_an_id_that_is_a_page_or_an_existing_file_is_refused(make_client, web_root, ident):
    before = sorted(p.name for p in (web_root / "workers").iterdir())
    answer = post(make_client("federation"), {**GOOD, "id": ident})
    assert answer.status_code == 400
    assert "w-0001" in field_error(answer.text, "id")
    assert sorted(p.name for p in (web_root / "workers").iterdir()) == before


def test_an_unknown_target_is_refused_with_the_known_ones(make_client):
    answer = post(make_client("counselor"), {**GOOD, "targets": ["advff"]})
    assert answer.status_code == 400
    assert "advf" in field_error(answer.text, "targets")


def test_a_consent_dated_after_today_is_refused(make_client):
    answer = post(make_client("counselor"), {**GOOD, "consent_date": "2026-12-01"})
    assert answer.status_code == 400
    assert "après aujourd'hui" in field_error(answer.text, "consent_date")


def test_iso_and_french_consent_dates_are_both_read(make_client, web_root):
    assert post(make_client("counselor"), {**GOOD, "consent_date": "2026-11-02"}).status_code == 303
    data = yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))
    assert str(data["consent"]["date"]) == "2026-11-02"


def test_a_counselors_worker_belongs_to_its_own_association_whatever_is_posted(
    make_client, web_root
):
    client = make_client("counselor")
    page = client.get(FORM).text
    assert 'name="association"' not in page and "Entr&#39;Aide Lyon Est" in page
    assert "Coup de Main Beaujolais" not in page
    assert post(client, {**GOOD, "association": "ai-beaujolais"}).status_code == 303
    data = yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))
    assert data["association"] == "ai-lyon-est"


def test_the_federation_chooses_the_association(make_client, web_root):
    client = make_client("federation")
    page = client.get(FORM).text
    assert page.count('<option value="ai-') == 4
    answer = post(client, {**GOOD, "association": "ai-beaujolais", "counselor": "Mme Dumas"})
    assert answer.status_code == 303
    data = yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))
    assert data["association"] == "ai-beaujolais"
    missing = post(client, {**GOOD, "id": "w-0002", "association": ""})
    assert missing.status_code == 400
    assert "choisissez l'association" in field_error(missing.text, "association")


def test_a_trainer_records_no_worker(make_client, web_root):
    client = make_client("trainer")
    assert client.get(FORM).status_code == 403
    token = csrf_of(client.get("/").text)
    answer = client.post(FORM, data={"csrf_token": token, **GOOD})
    assert answer.status_code == 403
    assert not worker_file(web_root).exists()


def test_a_post_without_its_csrf_token_is_refused(make_client, web_root):
    answer = make_client("counselor").post(FORM, data=GOOD, follow_redirects=False)
    assert answer.status_code == 403
    assert not worker_file(web_root).exists()


def test_hostile_text_is_refused_or_stored_as_text(make_client, web_root):
    client = make_client("counselor")
    long = post(client, {**GOOD, "first_name": "x" * 10_000})
    assert long.status_code == 400 and "200 caractères au plus" in long.text
    long_date = post(client, {**GOOD, "consent_date": "1" * 10_000})
    assert long_date.status_code == 400
    assert "1" * 100 not in field_error(long_date.text, "consent_date")
    long_id = post(client, {**GOOD, "id": "w" * 10_000})
    assert long_id.status_code == 400 and "60 caractères au plus" in long_id.text
    control = post(client, {**GOOD, "last_name": "D\x1b[31m."})
    assert control.status_code == 400
    assert "de contrôle" in field_error(control.text, "last_name")
    assert not worker_file(web_root).exists()
    markup = post(client, {**GOOD, "first_name": "{{ 7*7 }} <script>alert(1)</script>"})
    assert markup.status_code == 303
    data = yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))
    assert data["first_name"] == "{{ 7*7 }} <script>alert(1)</script>"
    page = client.get("/salaries/w-0001").text
    assert "{{ 7*7 }} &lt;script&gt;" in page and "<script>alert" not in page


def test_an_id_taken_while_the_form_was_sent_is_said_at_the_id(make_client, web_root, monkeypatch):
    """Another counselor creates the same id between the judging and the write: nothing of
    this form is written and the id field says to choose another."""
    from portfolio.web import worker_form

    real = worker_form.add_worker

    def first_someone_else(rec, **fields):  # type: ignore[no-untyped-def]
        worker_file(web_root).write_text("id: w-0001\n", encoding="utf-8")
        return real(rec, **fields)

    monkeypatch.setattr(worker_form, "add_worker", first_someone_else)
    answer = post(make_client("counselor"), GOOD)
    assert answer.status_code == 400
    assert "existe déjà" in field_error(answer.text, "id")
    assert worker_file(web_root).read_text(encoding="utf-8") == "id: w-0001\n"
    assert journal.read(web_root) == []


def test_a_long_posted_target_is_refused_without_being_quoted_back(make_client):
    answer = post(make_client("counselor"), {**GOOD, "targets": ["x" * 10_000]})
    assert answer.status_code == 400
    assert "x" * 100 not in answer.text
    assert "certification inconnue" in field_error(answer.text, "targets")
