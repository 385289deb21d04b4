"""Editing and deleting an entry from the worker page (SPEC §11): each form carries the version of
the file it was read from; a stale version writes nothing and answers 409 with the other change."""

from __future__ import annotations

import re

import pytest
import yaml
from web_support import OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal

BASE = f"/salaries/{OWN_WORKER}"


def worker_file(web_root, stem: str = OWN_WORKER):  # type: ignore[no-untyped-def]
    return web_root / "workers" / f"{stem}.yaml"


def worker_data(web_root) -> dict:  # type: ignore[no-untyped-def]
    return yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def opened(client, path: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The hidden fields of a form as it was opened."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return {name: hidden(page.text, name) for name in ("csrf_token", "version", "opened")}


def post(client, path: str, fields: dict[str, str], data):  # type: ignore[no-untyped-def]
    return client.post(path, data={**fields, **data}, follow_redirects=False)


OBSERVATION_3 = {
    "date": "16/03/2026",
    "by": "Mme Delorme",
    "role": "tuteur",
    "placement": "p1",
    "competency": "advf.ccp1.c3",
    "level": "3",
    "note": "Repassage soigné",
}
TRAINING_2 = {
    "module": "graindesel.linge",
    "start": "17/11/2025",
    "end": "18/11/2025",
    "hours": "7",
    "result": "non-acquis",
}
PLACEMENT_P2 = {
    "client": "M. et Mme Garnier",
    "kind": "particulier",
    "start": "06/10/2025",
    "end": "29/05/2026",
    "hours": "80",
    "tutor": "Mme Garnier",
    "note": "Couple de plus de 80 ans.",
    "tasks": ["entretien de la maison", "courses + prépa repas du midi"],
    "task_hours": ["", "10"],
}


# --- the worker page ----------------------------------------------------------------------------


def test_each_row_of_the_worker_page_links_to_its_edit_and_delete_pages(make_client):
    page = make_client("counselor").get(BASE).text
    assert f'href="{BASE}/missions/p2/modifier" aria-label="Modifier la mission p2"' in page
    assert f'href="{BASE}/missions/p2/supprimer" aria-label="Supprimer la mission p2"' in page
    # Observations are listed by date; their links name their place in the file.
    assert f'href="{BASE}/observations/10/modifier"' in page
    assert "aria-label=\"Modifier l'observation du 10/02/2026" in page
    assert f'href="{BASE}/formations/4/supprimer"' in page
    assert "Ajouter une mise à disposition" in page and "Lien pour le tuteur" in page


# --- the forms ----------------------------------------------------------------------------------


def test_the_edit_forms_show_the_entry_and_carry_the_file_version(make_client, web_root):
    client = make_client("counselor")
    placement = client.get(f"{BASE}/missions/p2/modifier").text
    assert 'value="M. et Mme Garnier"' in placement and 'value="06/10/2025"' in placement
    assert 'value="entretien de la maison"' in placement
    assert re.fullmatch(r"[0-9a-f]{16}", hidden(placement, "version"))
    observation = client.get(f"{BASE}/observations/3/modifier").text
    assert '<option value="advf.ccp1.c3" selected>' in observation
    assert 'name="level" value="4" checked' in observation
    training = client.get(f"{BASE}/formations/2/modifier").text
    assert '<option value="graindesel.linge" selected>' in training
    assert 'value="17/11/2025"' in training


@pytest.mark.parametrize(
    "path",
    [
        "/missions/p9/modifier",
        "/missions/p9/supprimer",
        "/observations/0/modifier",
        "/observations/11/supprimer",
        "/formations/9/modifier",
        "/formations/x/supprimer",
    ],
)
def test_an_entry_that_does_not_exist_answers_404(make_client, path):
    assert make_client("federation").get(BASE + path).status_code == 404


def test_an_edited_observation_is_written_in_place_with_one_journal_line(make_client, web_root):
    client = make_client("counselor")
    before = worker_file(web_root).read_text(encoding="utf-8")
    fields = opened(client, f"{BASE}/observations/3/modifier")
    answer = post(client, f"{BASE}/observations/3/modifier", fields, OBSERVATION_3)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BASE}#observations"
    after = worker_file(web_root).read_text(encoding="utf-8")
    assert after == before.replace(
        "  - {date: 2026-03-16, by: Mme Delorme, role: tuteur, competency: advf.ccp1.c3, "
        "level: 4,\n"
        "     placement: p1, note: \"Repassage impeccable, m'a montré comment plier les "
        'draps-housses"}\n',
        "  - {date: 2026-03-16, by: Mme Delorme, role: tuteur, competency: advf.ccp1.c3, level: 3, "
        "placement: p1, note: Repassage soigné}\n",
    )
    lines = journal.read(web_root, worker=OWN_WORKER)
    assert [(e.login, e.action, e.entry) for e in lines] == [
        ("conseil", "entry.edit", "observations.3")
    ]
    page = client.get(answer.headers["location"]).text
    assert "Observation n° 3 (advf.ccp1.c3, du 16/03/2026) modifiée" in page
    assert "conseil : entrée modifiée : observations.3" in page


def test_an_edited_training_is_written(make_client, web_root):
    client = make_client("federation")
    fields = opened(client, f"{BASE}/formations/2/modifier")
    answer = post(client, f"{BASE}/formations/2/modifier", fields, TRAINING_2)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BASE}#formations"
    assert worker_data(web_root)["trainings"][1]["result"] == "non-acquis"
    assert journal.read(web_root)[-1].entry == "trainings.2"


def test_an_edited_placement_keeps_its_id_and_its_means(make_client, web_root):
    client = make_client("counselor")
    fields = opened(client, f"{BASE}/missions/p2/modifier")
    answer = post(client, f"{BASE}/missions/p2/modifier", fields, PLACEMENT_P2)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{BASE}#missions"
    p2 = worker_data(web_root)["placements"][1]
    assert p2["id"] == "p2" and p2["hours"] == 80
    assert p2["tasks"] == [
        "entretien de la maison",
        {"task": "courses + prépa repas du midi", "hours": 10},
    ]
    fields = opened(client, f"{BASE}/missions/p1/modifier")
    p1 = {**PLACEMENT_P2, "client": "Mme Delorme", "start": "22/09/2025", "end": "26/06/2026"}
    assert post(client, f"{BASE}/missions/p1/modifier", fields, p1).status_code == 303
    assert worker_data(web_root)["placements"][0]["means"][0] == "aspirateur"
    assert [e.entry for e in journal.read(web_root)] == ["p2", "p1"]


def test_the_placement_preview_shows_the_form_again_and_writes_nothing(make_client, web_root):
    client = make_client("counselor")
    before = worker_file(web_root).read_bytes()
    fields = opened(client, f"{BASE}/missions/p2/modifier")
    answer = post(
        client, f"{BASE}/missions/p2/modifier", fields, {**PLACEMENT_P2, "action": "verifier"}
    )
    assert answer.status_code == 200
    assert hidden(answer.text, "version") == fields["version"]
    assert worker_file(web_root).read_bytes() == before


def test_refused_fields_are_said_next_to_themselves_and_nothing_is_written(make_client, web_root):
    client = make_client("counselor")
    before = worker_file(web_root).read_bytes()
    fields = opened(client, f"{BASE}/observations/3/modifier")
    bad = {**OBSERVATION_3, "date": "31/02/2026", "by": "", "level": "7", "competency": "x.y"}
    answer = post(client, f"{BASE}/observations/3/modifier", fields, bad)
    assert answer.status_code == 400
    for name in ("date", "by", "level", "competency"):
        assert f'id="erreur-{name}"' in answer.text, name
    assert 'role="alert"' in answer.text
    assert hidden(answer.text, "version") == fields["version"]
    assert worker_file(web_root).read_bytes() == before
    assert journal.read(web_root) == []


def test_hostile_text_is_refused_or_stored_as_text(make_client, web_root):
    client = make_client("counselor")
    path = f"{BASE}/observations/3/modifier"
    long = post(client, path, opened(client, path), {**OBSERVATION_3, "by": "x" * 10_000})
    assert long.status_code == 400 and "200 caractères au plus" in long.text
    markup = {**OBSERVATION_3, "by": "{{ 7*7 }} <script>alert(1)</script>"}
    answer = post(client, path, opened(client, path), markup)
    assert answer.status_code == 303
    assert worker_data(web_root)["observations"][2]["by"] == markup["by"]
    page = client.get(BASE).text
    assert "{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    control = post(client, path, opened(client, path), {**OBSERVATION_3, "by": "Mme \x1b[31mF"})
    assert control.status_code == 400
    training = f"{BASE}/formations/2/modifier"
    hours = post(client, training, opened(client, training), {**TRAINING_2, "hours": "9" * 5000})
    assert hours.status_code == 400


# --- deleting -----------------------------------------------------------------------------------


def test_the_delete_page_shows_the_entry_and_asks_to_confirm(make_client):
    page = make_client("counselor").get(f"{BASE}/formations/4/supprimer").text
    assert "graindesel.metiers" in page
    assert "Supprimer définitivement" in page
    assert re.fullmatch(r"[0-9a-f]{16}", hidden(page, "version"))


def test_the_delete_page_names_the_competency_in_plain_words(make_client):
    page = make_client("counselor").get(f"{BASE}/observations/1/supprimer").text
    assert "Je sais faire le ménage d&#39;une maison" in page
    assert "(advf.ccp1.c2)" in page


def test_a_confirmed_deletion_removes_the_entry_with_one_journal_line(make_client, web_root):
    client = make_client("counselor")
    fields = opened(client, f"{BASE}/observations/10/supprimer")
    answer = post(client, f"{BASE}/observations/10/supprimer", fields, {})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BASE}#observations"
    assert len(worker_data(web_root)["observations"]) == 9
    assert [(e.action, e.entry) for e in journal.read(web_root)] == [
        ("entry.delete", "observations.10")
    ]
    assert (
        "Observation n° 10 (numerique.ordinateur.c1, du 10/02/2026) supprimée"
        in client.get(answer.headers["location"]).text
    )


def test_a_placement_that_observations_name_cannot_be_deleted(make_client, web_root):
    client = make_client("counselor")
    before = worker_file(web_root).read_bytes()
    fields = opened(client, f"{BASE}/missions/p1/supprimer")
    answer = post(client, f"{BASE}/missions/p1/supprimer", fields, {})
    assert answer.status_code == 400
    assert "la mise à disposition p1 est citée par 4 observations (n° 1, 2, 3, 4)" in answer.text
    assert worker_file(web_root).read_bytes() == before
    assert journal.read(web_root) == []


# --- the version --------------------------------------------------------------------------------


def test_a_stale_edit_answers_409_writes_nothing_and_shows_the_other_change(make_client, web_root):
    mine, theirs = make_client("counselor"), make_client("federation")
    path = f"{BASE}/observations/3/modifier"
    my_fields = opened(mine, path)
    their_fields = opened(theirs, path)
    first = post(theirs, path, their_fields, {**OBSERVATION_3, "level": "2", "note": "Vu par fede"})
    assert first.status_code == 303
    written = worker_file(web_root).read_bytes()
    answer = post(mine, path, my_fields, {**OBSERVATION_3, "note": "Ma version"})
    assert answer.status_code == 409
    assert worker_file(web_root).read_bytes() == written
    page = answer.text
    assert (
        "Ce dossier a été modifié par quelqu'un d'autre depuis que vous avez ouvert ce "
        "formulaire : rien n'a été enregistré"
    ) in page
    assert "Vu par fede" in page and "Ma version" in page  # the entry now, next to mine
    assert "fede : entrée modifiée : observations.3" in page
    assert f'href="{path}"' in page  # re-open on the new version
    new_version = hidden(page, "version")
    assert new_version != my_fields["version"]
    # Sent again from the 409 page, knowingly: it is written over the other change.
    again = post(
        mine, path, {**my_fields, "version": new_version}, {**OBSERVATION_3, "note": "Ma version"}
    )
    assert again.status_code == 303
    assert worker_data(web_root)["observations"][2]["note"] == "Ma version"


def test_a_stale_deletion_answers_409_and_shows_the_entry_as_it_now_reads(make_client, web_root):
    client = make_client("counselor")
    delete = opened(client, f"{BASE}/formations/2/supprimer")
    edit = opened(client, f"{BASE}/formations/2/modifier")
    assert post(client, f"{BASE}/formations/2/modifier", edit, TRAINING_2).status_code == 303
    written = worker_file(web_root).read_bytes()
    answer = post(client, f"{BASE}/formations/2/supprimer", delete, {})
    assert answer.status_code == 409
    assert worker_file(web_root).read_bytes() == written
    assert "non acquis" in answer.text.lower()
    assert "Supprimer définitivement" in answer.text


def test_an_entry_deleted_since_the_form_was_opened_is_said_gone(make_client, web_root):
    client = make_client("counselor")
    edit = opened(client, f"{BASE}/formations/4/modifier")
    delete = opened(client, f"{BASE}/formations/4/supprimer")
    assert post(client, f"{BASE}/formations/4/supprimer", delete, {}).status_code == 303
    written = worker_file(web_root).read_bytes()
    answer = post(client, f"{BASE}/formations/4/modifier", edit, TRAINING_2)
    assert answer.status_code == 409
    assert "a été supprimée entre-temps" in answer.text
    assert worker_file(web_root).read_bytes() == written


def test_a_hand_edit_since_the_form_was_opened_is_a_conflict_too(make_client, web_root):
    client = make_client("counselor")
    fields = opened(client, f"{BASE}/missions/p2/modifier")
    path = worker_file(web_root)
    path.write_text(path.read_text(encoding="utf-8").replace("hours: 72", "hours: 70"), "utf-8")
    answer = post(client, f"{BASE}/missions/p2/modifier", fields, PLACEMENT_P2)
    assert answer.status_code == 409
    assert "modifié directement, dans un éditeur" in answer.text
    assert "70" in answer.text and "80" in answer.text


def test_a_missing_version_writes_nothing(make_client, web_root):
    client = make_client("counselor")
    before = worker_file(web_root).read_bytes()
    fields = {**opened(client, f"{BASE}/formations/2/modifier"), "version": ""}
    answer = post(client, f"{BASE}/formations/2/modifier", fields, TRAINING_2)
    assert answer.status_code == 409
    assert worker_file(web_root).read_bytes() == before


# --- security -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/missions/p2/modifier", "/missions/p2/supprimer", "/observations/3/supprimer"],
)
def test_a_post_without_its_csrf_token_is_refused(make_client, web_root, path):
    client = make_client("counselor")
    fields = {**opened(client, BASE + path), "csrf_token": "faux"}
    before = worker_file(web_root).read_bytes()
    assert post(client, BASE + path, fields, OBSERVATION_3).status_code == 403
    assert worker_file(web_root).read_bytes() == before


@pytest.mark.parametrize("action", ["modifier", "supprimer"])
def test_out_of_scope_workers_answer_404(make_client, web_root, action):
    counselor = make_client("counselor")
    token = csrf_of(counselor.get(BASE).text)
    before = worker_file(web_root, OTHER_WORKER).read_bytes()
    for path in (
        f"/salaries/{OTHER_WORKER}/formations/1/{action}",
        f"/salaries/{OTHER_WORKER}/missions/p1/{action}",
    ):
        assert counselor.get(path).status_code == 404
        assert counselor.post(path, data={"csrf_token": token, "version": "x"}).status_code == 404
    trainer = make_client("trainer")
    token = csrf_of(trainer.get("/").text)
    assert trainer.get(f"{BASE}/formations/1/{action}").status_code == 404
    answer = trainer.post(f"{BASE}/formations/1/{action}", data={"csrf_token": token})
    assert answer.status_code == 404
    assert worker_file(web_root, OTHER_WORKER).read_bytes() == before
    assert journal.read(web_root) == []
