"""Recording a placement in the browser (SPEC §11 `/salaries/{id}/missions/nouvelle`): the same
rules and files as `portfolio log placement`, each task row's match shown before saving
(SPEC §5), refusals next to their field, one journal line per write."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from web_support import OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.web.placement_form import DEFAULT_ROWS, entry_values

FORM = f"/salaries/{OWN_WORKER}/missions/nouvelle"
VALID = {
    "client": "Mme Delorme",
    "kind": "particulier",
    "start": "01/07/2026",
    "end": "31/07/2026",
    "hours": "12",
}


def post(client, data: dict[str, object], path: str = FORM):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def worker_file(web_root):  # type: ignore[no-untyped-def]
    return web_root / "workers" / f"{OWN_WORKER}.yaml"


def placements(web_root) -> list[dict]:  # type: ignore[no-untyped-def]
    return yaml.safe_load(worker_file(web_root).read_text(encoding="utf-8"))["placements"]


def test_the_form_offers_known_clients_the_task_vocabulary_and_empty_rows(make_client):
    page = make_client("counselor").get(FORM).text
    assert 'name="csrf_token"' in page
    for name in ("client", "kind", "start", "end", "hours", "tutor", "service", "note"):
        assert f'name="{name}"' in page, name
    assert page.count('name="tasks"') == page.count('name="task_hours"') == DEFAULT_ROWS
    clients = re.search(r'<datalist id="clients-connus">(.*?)</datalist>', page, re.S)
    assert clients is not None and 'value="CCAS de Villeurbanne"' in clients.group(1)
    tasks = re.search(r'<datalist id="taches-referentiel">(.*?)</datalist>', page, re.S)
    assert tasks is not None and '<option value="Repasser le linge">' in tasks.group(1)
    kinds = re.findall(r'name="kind" id="champ-kind[^"]*" value="([^"]+)"', page)
    assert kinds == ["particulier", "collectivite", "association", "entreprise"]
    assert "collectivité" in page


def test_a_posted_placement_lands_in_the_file_and_the_journal(make_client, web_root):
    before = len(placements(web_root))
    answer = post(
        make_client("counselor"),
        {
            **VALID,
            "hours": "7,5",
            "tutor": "Mme Delorme",
            "service": "",
            "note": "Remplacement d'été",
            "tasks": ["ménage des sols", "repassage", ""],
            "task_hours": ["3h30", "", ""],
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/salaries/{OWN_WORKER}#missions"
    added = placements(web_root)[before:]
    assert added == [
        {
            "id": "p4",
            "client": {"name": "Mme Delorme", "kind": "particulier"},
            "start": dt.date(2026, 7, 1),
            "end": dt.date(2026, 7, 31),
            "hours": 7.5,
            "tutor": "Mme Delorme",
            "note": "Remplacement d'été",
            "tasks": [{"task": "ménage des sols", "hours": 3.5}, "repassage"],
        }
    ]
    lines = journal.read(web_root, worker=OWN_WORKER)
    assert [(e.login, e.action, e.entry) for e in lines] == [("conseil", "placement.add", "p4")]


def test_the_page_after_a_save_says_what_was_recorded(make_client):
    client = make_client("federation")
    answer = post(client, {**VALID, "tasks": ["repassage"], "task_hours": [""]})
    page = client.get(answer.headers["location"]).text
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page, re.S)
    assert notice is not None and "Mise à disposition p4 ajoutée" in notice.group(1)
    assert f'href="/salaries/{OWN_WORKER}/dossier.pdf"' in notice.group(1)


def test_a_known_clients_kind_is_taken_when_none_is_chosen(make_client, web_root):
    answer = post(make_client("counselor"), {**VALID, "client": "ccas de villeurbanne", "kind": ""})
    assert answer.status_code == 303
    assert placements(web_root)[-1]["client"]["kind"] == "collectivite"


def test_the_preview_shows_each_rows_match_and_writes_nothing(make_client, web_root):
    before = worker_file(web_root).read_bytes()
    answer = post(
        make_client("counselor"),
        {
            "client": "Mme Delorme",
            "tasks": ["ménage des sols", "lavage voiture", "aspirateure"],
            "task_hours": ["3", "", ""],
            "action": "verifier",
        },
    )
    assert answer.status_code == 200
    page = answer.text
    first = re.search(r'<div class="task-match" id="correspondance-1">(.*?)</div>', page, re.S)
    assert first is not None
    assert (
        "«&nbsp;ménage des sols&nbsp;» → <strong>Faire le ménage du logement</strong>"
        in first.group(1)
    )
    assert "Prouve : Je sais parler avec la personne" in first.group(1)
    assert "Je sais faire le ménage d&#39;une maison" in first.group(1)
    assert 'aria-describedby="correspondance-1"' in page
    missing = re.search(r'id="correspondance-2">(.*?)</div>', page, re.S)
    assert missing is not None
    assert "ne correspond à aucune tâche du référentiel" in missing.group(1)
    assert "ne prouvent rien" in missing.group(1)
    close = re.search(r'id="correspondance-3">(.*?)</div>', page, re.S)
    assert close is not None and "Tâches proches : Laver les sols (advf.sols)" in close.group(1)
    status = re.search(r'<div class="match-summary"[^>]*role="status"[^>]*>(.*?)</div>', page, re.S)
    assert status is not None and "3 tâches vérifiées : 1 reconnue, 2 sans" in status.group(1)
    assert 'aria-live="polite"' in page
    assert 'value="particulier" checked' in page  # the known client's kind, filled in
    assert "la dernière fois : Mme Delorme" in page
    assert worker_file(web_root).read_bytes() == before
    assert journal.read(web_root) == []


def test_more_rows_are_added_without_losing_what_was_typed(make_client, web_root):
    before = worker_file(web_root).read_bytes()
    answer = post(
        make_client("counselor"),
        {"client": "X", "tasks": ["repassage", "", "vitres"], "task_hours": ["", "", "2"],
         "action": "lignes"},
    )  # fmt: skip
    assert answer.status_code == 200
    page = answer.text
    assert page.count('name="tasks"') == DEFAULT_ROWS + 5
    assert 'value="repassage"' in page and 'value="vitres"' in page
    assert re.search(r'id="champ-tasks-3"[^>]*autofocus', page)
    assert worker_file(web_root).read_bytes() == before


def test_refused_fields_are_said_next_to_themselves_and_nothing_is_written(make_client, web_root):
    before = worker_file(web_root).read_bytes()
    answer = post(
        make_client("counselor"),
        {
            "client": "",
            "kind": "voisin",
            "start": "31/02/2024",
            "end": "2026-13-01",
            "hours": "beaucoup",
            "tasks": ["repassage", ""],
            "task_hours": ["-2", "4"],
        },
    )
    assert answer.status_code == 400
    page = answer.text
    assert 'role="alert"' in page
    for field in ("client", "kind", "start", "end", "hours", "tasks-2", "task_hours-1"):
        assert f'id="erreur-{field}"' in page, field
        assert re.search(f'aria-describedby="erreur-{field}[ "]', page), field
    assert "« 31/02/2024 » n&#39;est pas une date valide" in page
    assert "la ligne 2 a des heures mais pas de tâche" in page
    assert "Tâche 1" in page and "Repasser le linge" in page  # the preview shows on a refusal
    assert worker_file(web_root).read_bytes() == before
    assert journal.read(web_root) == []


def test_the_end_before_the_start_is_refused_next_to_the_end(make_client, web_root):
    answer = post(make_client("counselor"), {**VALID, "start": "31/07/2026", "end": "01/07/2026"})
    assert answer.status_code == 400
    error = re.search(r'id="erreur-end">(.*?)</p>', answer.text)
    assert error is not None and "est avant le premier" in error.group(1)


def test_task_hours_above_the_placements_hours_are_refused(make_client, web_root):
    answer = post(
        make_client("counselor"),
        {**VALID, "hours": "10", "tasks": ["repassage", "vitres"], "task_hours": ["7,5", "3h"]},
    )
    assert answer.status_code == 400
    assert 'id="erreur-task_hours"' in answer.text
    said = (
        "les heures des tâches (10,5\u00a0h) dépassent celles de la mise à disposition (10\u00a0h)"
    )
    assert said in answer.text
    assert 'value="7,5"' in answer.text and 'value="3h"' in answer.text


def test_an_overlap_at_the_same_client_is_refused_by_the_application(make_client, web_root):
    before = worker_file(web_root).read_bytes()
    answer = post(make_client("counselor"), {**VALID, "start": "01/03/2026", "end": "31/03/2026"})
    assert answer.status_code == 400
    summary = re.search(r'<div class="error-summary"(.*?)</div>', answer.text, re.S)
    assert summary is not None and "la saisie est refusée" in summary.group(1)
    assert 'id="refus"' in answer.text
    assert worker_file(web_root).read_bytes() == before


def test_hostile_text_is_refused_or_stored_as_text(make_client, web_root):
    client = make_client("counselor")
    markup = "{{ 7*7 }} <script>alert(1)</script>"
    saved = post(
        client,
        {**VALID, "client": markup, "kind": "entreprise", "tutor": markup, "service": markup,
         "note": markup, "tasks": [markup], "task_hours": [""]},
    )  # fmt: skip
    assert saved.status_code == 303
    stored = placements(web_root)[-1]
    assert stored["client"]["name"] == stored["tutor"] == stored["note"] == markup
    assert stored["tasks"] == [markup]
    page = client.get(f"/salaries/{OWN_WORKER}").text
    assert "<script>alert(1)</script>" not in page
    assert "{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in page

    before = worker_file(web_root).read_bytes()
    long = "x" * 10_000
    fields = {f: f for f in ("client", "kind", "start", "end", "hours", "tutor", "service", "note")}
    for name, error in {**fields, "tasks": "tasks-1", "task_hours": "task_hours-1"}.items():
        refused = post(client, {**VALID, "tasks": ["repassage"], "task_hours": [""], name: long})
        assert refused.status_code == 400, name
        assert f'id="erreur-{error}"' in refused.text, name
        assert refused.text.count(long) <= 1, name  # kept in its field, not echoed in messages
    control = post(
        client,
        {**VALID, "client": "Mme \x1b[31mD", "tutor": "a\x00b", "tasks": ["repa\x07ssage"],
         "task_hours": [""], "note": "ligne\x1b"},
    )  # fmt: skip
    assert control.status_code == 400
    for field in ("client", "tutor", "tasks-1", "note"):
        assert f'id="erreur-{field}"' in control.text, field
    assert "caractères invisibles ou de contrôle" in control.text
    assert worker_file(web_root).read_bytes() == before


def test_a_counselor_cannot_write_to_another_associations_worker(make_client, web_root):
    client = make_client("counselor")
    token = csrf_of(client.get(FORM).text)
    answer = client.post(
        f"/salaries/{OTHER_WORKER}/missions/nouvelle", data={"csrf_token": token, **VALID}
    )
    assert answer.status_code == 404
    assert journal.read(web_root) == []


def test_the_federation_records_for_any_worker_and_a_trainer_for_none(make_client, web_root):
    federation = make_client("federation")
    path = f"/salaries/{OTHER_WORKER}/missions/nouvelle"
    answer = post(federation, {**VALID, "client": "Mairie de Bron", "kind": "collectivite"}, path)
    assert answer.status_code == 303
    assert [e.worker for e in journal.read(web_root)] == [OTHER_WORKER]
    trainer = make_client("trainer")
    assert trainer.get(FORM).status_code == 404
    token = csrf_of(trainer.get("/").text)
    refused = trainer.post(FORM, data={"csrf_token": token, **VALID})
    assert refused.status_code == 404
    assert len(journal.read(web_root)) == 1


def test_a_post_without_its_csrf_token_is_refused(make_client, web_root):
    before = worker_file(web_root).read_bytes()
    answer = make_client("counselor").post(FORM, data=VALID)
    assert answer.status_code == 403
    assert worker_file(web_root).read_bytes() == before


def test_an_existing_placement_fills_the_same_fields(make_client, web_root):
    """The edit form of a placement shows the same fields, filled from the entry."""
    from portfolio.app.recording import open_for_recording
    from portfolio.web.placement_form import placement_form, read_placement

    rec = open_for_recording(web_root, OWN_WORKER, dt.date(2026, 11, 20))
    values = entry_values(rec.worker.placements[0])
    assert values["start"] == "22/09/2025" and values["hours"] == "96"
    assert values["task_hours"] == ["", "", "20", ""]
    form = placement_form(rec, values)
    assert [row.text for row in form.rows[:4]] == [
        "ménage complet (sols, sdb, cuisine)",
        "repasage chemises + draps",
        "linge",
        "vitres 1 fois / mois",
    ]
    assert form.rows[1].match is not None and form.rows[1].match.tasks
    judged = read_placement(rec, form)
    assert judged is not None, form.errors
    assert judged.tasks[2] == {"task": "linge", "hours": 20}
