"""Recording a training in the browser (SPEC §11 `/salaries/{id}/formations/nouvelle`): the same
entry as `portfolio log training`; a trainer records its own body's modules for a worker known
by id only, and never sees the worker's name."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from web_support import AS_OF, OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.app.workspace import check

FORM = f"/salaries/{OWN_WORKER}/formations/nouvelle"
OWN_MODULE = "graindesel.positionnement"
"""A module of the trainer account's body (graindesel), of 7 hours."""
OTHER_MODULE = "ateliers.equipe"
NAMES = ("Fatima", "Kevin")
"""The first names of OWN_WORKER and OTHER_WORKER, which a trainer must never see."""
GOOD = {"module": OWN_MODULE, "start": "02/11/2026", "end": "03/11/2026", "hours": "7,5",
        "result": "acquis"}  # fmt: skip


def post(client, data: dict[str, str], form: str = FORM):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/").text)
    return client.post(form, data={"csrf_token": token, **data}, follow_redirects=False)


def trainings(web_root, worker: str = OWN_WORKER) -> list[dict]:  # type: ignore[no-untyped-def]
    text = (web_root / "workers" / f"{worker}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text).get("trainings") or []


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="erreur-{name}">(.*?)</p>', page, re.S)
    assert found is not None, f"pas d'erreur pour {name}"
    return html.unescape(found.group(1))


def test_the_form_offers_every_module_with_its_hours_and_the_results_in_words(make_client):
    page = make_client("counselor").get(FORM).text
    assert f'value="{OWN_MODULE}"' in page and f'value="{OTHER_MODULE}"' in page
    assert re.search(rf'<option value="{OWN_MODULE}">[^<]*7\xa0h', page)
    assert '<optgroup label="Grain de Sel Formation">' in page
    for value, words in (
        ("acquis", "réussie"),
        ("non-acquis", "pas encore"),
        ("en-cours", "pas finie"),
    ):
        assert re.search(rf'value="{value}"> [^<]*{words}', page), value
    assert "Fatima" in page and 'name="csrf_token"' in page


def test_a_posted_training_lands_in_the_file_and_the_journal(make_client, web_root):
    before = len(trainings(web_root))
    answer = post(make_client("counselor"), GOOD)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/salaries/{OWN_WORKER}#formations"
    added = trainings(web_root)[before:]
    assert [{k: str(v) for k, v in t.items()} for t in added] == [
        {
            "module": OWN_MODULE,
            "start": "2026-11-02",
            "end": "2026-11-03",
            "hours": "7.5",
            "result": "acquis",
        }
    ]
    lines = journal.read(web_root, worker=OWN_WORKER)
    assert [(e.login, e.action) for e in lines] == [("conseil", "training.add")]


def test_empty_hours_take_the_modules_and_an_empty_end_means_one_day(make_client, web_root):
    answer = post(make_client("federation"), {**GOOD, "end": "", "hours": ""})
    assert answer.status_code == 303
    added = trainings(web_root)[-1]
    assert added["hours"] == 7 and "end" not in added
    assert str(added["start"]) == "2026-11-02"


@pytest.mark.parametrize(("typed", "stored"), [("3h30", 3.5), ("7.5", 7.5), ("2,25", 2.25)])
def test_hours_are_read_as_the_french_write_them(make_client, web_root, typed, stored):
    assert post(make_client("counselor"), {**GOOD, "hours": typed}).status_code == 303
    assert trainings(web_root)[-1]["hours"] == stored


def test_the_page_after_a_save_says_what_was_recorded(make_client):
    client = make_client("counselor")
    page = client.get(post(client, GOOD).headers["location"]).text
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page, re.S)
    assert notice is not None and OWN_MODULE in notice.group(1)


def test_a_save_brings_no_new_error_to_the_workspace_check(make_client, web_root):
    before = {i.message for i in check(web_root, AS_OF) if i.is_error}
    assert post(make_client("counselor"), GOOD).status_code == 303
    assert post(make_client("trainer"), {**GOOD, "result": "en-cours"}).status_code == 303
    after = {i.message for i in check(web_root, AS_OF) if i.is_error}
    assert after <= before


def test_refused_fields_are_said_next_to_themselves_and_nothing_is_written(make_client, web_root):
    before = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes()
    answer = post(
        make_client("counselor"),
        {
            "module": "graindesel.inconnu",
            "start": "31/02/2024",
            "end": "hier",
            "hours": "-3",
            "result": "bof",
        },
    )
    assert answer.status_code == 400
    page = answer.text
    assert 'role="alert"' in page and "autofocus" in page
    for name in ("module", "start", "end", "hours", "result"):
        assert f'id="erreur-{name}"' in page, name
        assert f"erreur-{name}" in re.search(rf'id="champ-{name}"[^>]*>', page).group(0), name
    assert 'value="31/02/2024"' in page and 'value="-3"' in page
    assert (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes() == before
    assert journal.read(web_root) == []


def test_an_end_before_the_start_is_refused_next_to_the_end(make_client):
    answer = post(make_client("counselor"), {**GOOD, "end": "01/11/2026"})
    assert answer.status_code == 400
    assert "avant le premier" in field_error(answer.text, "end")


def test_what_was_chosen_is_kept_when_the_form_comes_back(make_client):
    page = post(make_client("counselor"), {**GOOD, "start": ""}).text
    assert f'<option value="{OWN_MODULE}" selected>' in page
    assert 'value="acquis" checked' in page and 'value="7,5"' in page


def test_hostile_input_gets_a_field_error(make_client, web_root):
    client = make_client("counselor")
    before = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes()
    for hostile in ("x" * 10_000, "<script>alert(1)</script>", "{{ 7*7 }}", "7\x1b[31m"):
        for name in ("module", "start", "end", "hours", "result"):
            answer = post(client, {**GOOD, name: hostile})
            assert answer.status_code == 400, (name, hostile[:20])
            assert f'id="erreur-{name}"' in answer.text, (name, hostile[:20])
            assert "<script>alert" not in answer.text
            summary = answer.text.split('class="error-summary"')[1].split("</div>")[0]
            assert "x" * 100 not in summary, name
    assert (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes() == before


def test_another_associations_worker_cannot_be_written_to(make_client, web_root):
    client = make_client("counselor")
    form = f"/salaries/{OTHER_WORKER}/formations/nouvelle"
    assert client.get(form).status_code == 404
    assert post(client, GOOD, form).status_code == 404
    assert journal.read(web_root) == []


def test_a_post_without_its_csrf_token_is_refused(make_client, web_root):
    for role in ("counselor", "trainer"):
        answer = make_client(role).post(FORM, data=GOOD, follow_redirects=False)
        assert answer.status_code == 403
    assert journal.read(web_root) == []


# --- a trainer --------------------------------------------------------------------------------


@pytest.mark.parametrize("worker", [OWN_WORKER, OTHER_WORKER])
def test_a_trainer_sees_the_id_never_the_name_and_its_own_modules_only(make_client, worker):
    page = make_client("trainer").get(f"/salaries/{worker}/formations/nouvelle").text
    assert worker in page
    assert not any(name in page for name in NAMES)
    assert f'value="{OWN_MODULE}"' in page and f'value="{OTHER_MODULE}"' not in page
    assert "<optgroup" not in page


def test_a_trainers_attendance_is_recorded_and_said_without_the_name(make_client, web_root):
    client = make_client("trainer")
    before = len(trainings(web_root, OTHER_WORKER))
    form = f"/salaries/{OTHER_WORKER}/formations/nouvelle"
    answer = post(client, {**GOOD, "hours": "3h30"}, form)
    assert answer.status_code == 303 and answer.headers["location"] == form
    added = trainings(web_root, OTHER_WORKER)[before:]
    assert [(t["module"], t["hours"], t["result"]) for t in added] == [(OWN_MODULE, 3.5, "acquis")]
    assert [(e.login, e.action) for e in journal.read(web_root, worker=OTHER_WORKER)] == [
        ("formation", "training.add")
    ]
    page = client.get(form).text
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page, re.S)
    assert notice is not None
    assert OTHER_WORKER in notice.group(1) and OWN_MODULE in notice.group(1)
    assert "3,5" in notice.group(1) and "acquis" in notice.group(1)
    assert not any(name in page for name in NAMES)


def test_a_trainer_is_refused_another_bodys_module(make_client, web_root):
    before = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes()
    answer = post(make_client("trainer"), {**GOOD, "module": OTHER_MODULE})
    assert answer.status_code == 400
    assert "pas un module de votre organisme" in field_error(answer.text, "module")
    assert not any(name in answer.text for name in NAMES)
    assert (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes() == before


def test_a_trainers_refused_form_never_shows_the_name(make_client):
    answer = post(make_client("trainer"), {**GOOD, "start": "", "hours": "x"})
    assert answer.status_code == 400
    assert not any(name in answer.text for name in NAMES)


def test_a_worker_id_that_names_no_file_is_not_found(make_client):
    client = make_client("trainer")
    assert client.get("/salaries/w-9999/formations/nouvelle").status_code == 404
    assert post(client, GOOD, "/salaries/w-9999/formations/nouvelle").status_code == 404


def test_a_trainer_still_sees_no_worker_page(make_client):
    assert make_client("trainer").get(f"/salaries/{OWN_WORKER}").status_code == 404


# --- the trainer's home: from an id to its form ------------------------------------------------


def test_the_trainers_home_asks_for_an_id_and_leads_to_its_form(make_client):
    client = make_client("trainer")
    home = client.get("/").text
    assert 'action="/formations/saisie"' in home and 'method="get"' in home
    assert '<label for="champ-salarie">' in home
    answer = client.get(f"/formations/saisie?salarie=+{OTHER_WORKER}+", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/salaries/{OTHER_WORKER}/formations/nouvelle"


@pytest.mark.parametrize(
    ("typed", "said"),
    [("", "écrivez l'identifiant"), ("w-9999", "aucun salarié"), ("<b>x</b>", "invalide")],
)
def test_a_wrong_id_is_said_on_the_home_next_to_its_field(make_client, typed, said):
    answer = make_client("trainer").get("/formations/saisie", params={"salarie": typed})
    assert answer.status_code == 400
    found = re.search(r'id="erreur-salarie"[^>]*>(.*?)</span>', answer.text, re.S)
    assert found is not None and said in html.unescape(found.group(1))
    assert 'aria-invalid="true"' in answer.text
    assert "<b>x</b>" not in answer.text


def test_only_a_trainer_uses_the_id_lookup(make_client):
    for role in ("counselor", "federation"):
        answer = make_client(role).get(f"/formations/saisie?salarie={OWN_WORKER}")
        assert answer.status_code == 403


def test_a_file_with_errors_is_refused_to_a_trainer_without_naming_anyone(make_client, web_root):
    (web_root / "workers" / "w-0100.yaml").write_text(
        "id: w-0100\nfirst_name: Zoé\nassociation: [\n", encoding="utf-8"
    )
    answer = make_client("trainer").get("/salaries/w-0100/formations/nouvelle")
    assert answer.status_code == 409
    assert "w-0100" in answer.text and "Zoé" not in answer.text
