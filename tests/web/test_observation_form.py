"""Recording an observation in the browser (SPEC §11): the same rules and files as
`portfolio log observation`, refusals next to their field, one journal line per write."""

from __future__ import annotations

import html
import re

import yaml
from web_support import OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal

FORM = f"/salaries/{OWN_WORKER}/observations/nouvelle"
COMPETENCY = "advf.ccp2.c9"
COMPETENCY_FIELD = f"level:{COMPETENCY}"


def post(client, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(FORM).text)
    return client.post(FORM, data={"csrf_token": token, **data}, follow_redirects=False)


def observations(web_root) -> list[dict]:  # type: ignore[no-untyped-def]
    text = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["observations"]


def test_the_form_offers_each_competency_as_a_radio_group_in_plain_words(make_client):
    page = make_client("counselor").get(FORM).text
    assert f'name="level:{COMPETENCY}"' in page
    assert re.search(r"<legend>[^<]*mon aide à une personne handicapée", page)
    assert page.count(f'name="level:{COMPETENCY}"') == 5  # non observée, then 1 to 4
    assert 'name="csrf_token"' in page and 'name="date"' in page and 'name="by"' in page


def test_a_posted_observation_lands_in_the_file_and_the_journal(make_client, web_root):
    before = len(observations(web_root))
    answer = post(
        make_client("counselor"),
        {
            "date": "15/11/2026",
            "by": "Mme Ferhat",
            "role": "conseillère",
            "placement": "p3",
            f"level:{COMPETENCY}": "2",
            "note": "Première mise en situation",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/salaries/{OWN_WORKER}#observations"
    added = observations(web_root)[before:]
    assert added == [
        {
            "date": added[0]["date"],
            "by": "Mme Ferhat",
            "role": "conseiller",
            "competency": COMPETENCY,
            "level": 2,
            "placement": "p3",
            "note": "Première mise en situation",
        }
    ]
    assert str(added[0]["date"]) == "2026-11-15"
    lines = journal.read(web_root, worker=OWN_WORKER)
    assert [(e.login, e.action) for e in lines] == [("conseil", "observation.add")]


def test_the_new_observation_shows_on_the_worker_page_with_its_history(make_client):
    client = make_client("counselor")
    post(client, {"date": "2026-11-15", "by": "Mme Ferhat", "role": "conseiller",
                  f"level:{COMPETENCY}": "3"})  # fmt: skip
    page = client.get(f"/salaries/{OWN_WORKER}").text
    assert "15/11/2026" in page
    assert "conseil : observation ajoutée" in page


def test_refused_fields_are_said_next_to_themselves_and_nothing_is_written(make_client, web_root):
    before = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes()
    answer = post(
        make_client("counselor"),
        {"date": "31/02/2026", "by": "", "role": "chef", "placement": "p99"},
    )
    assert answer.status_code == 400
    page = answer.text
    assert 'role="alert"' in page
    for field in ("date", "by", "role", "placement"):
        assert f'id="erreur-{field}"' in page, field
        assert f'aria-describedby="erreur-{field}"' in page, field
    assert "au moins une compétence" in page
    assert (web_root / "workers" / f"{OWN_WORKER}.yaml").read_bytes() == before
    assert journal.read(web_root) == []


def test_what_was_typed_is_kept_when_the_form_comes_back(make_client):
    page = post(
        make_client("counselor"),
        {"date": "15/11/2026", "by": "Mme <b>Ferhat</b>", "role": "tuteur"},
    ).text
    assert 'value="Mme &lt;b&gt;Ferhat&lt;/b&gt;"' in page
    assert 'value="15/11/2026"' in page


def test_hostile_text_is_refused_or_stored_as_text(make_client, web_root):
    client = make_client("counselor")
    long = post(client, {"date": "15/11/2026", "by": "x" * 10_000, "role": "tuteur",
                         f"level:{COMPETENCY}": "2"})  # fmt: skip
    assert long.status_code == 400 and "200 caractères au plus" in long.text
    control = post(client, {"date": "15/11/2026", "by": "Mme \x1b[31mF", "role": "tuteur",
                            f"level:{COMPETENCY}": "2"})  # fmt: skip
    assert control.status_code == 400
    markup = post(client, {"date": "15/11/2026", "by": "{{ 7*7 }} <script>", "role": "tuteur",
                           f"level:{COMPETENCY}": "2"})  # fmt: skip
    assert markup.status_code == 303
    assert observations(web_root)[-1]["by"] == "{{ 7*7 }} <script>"
    page = client.get(f"/salaries/{OWN_WORKER}").text
    assert "{{ 7*7 }} &lt;script&gt;" in page


def test_another_associations_worker_cannot_be_written_to(make_client, web_root):
    client = make_client("counselor")
    token = csrf_of(client.get(FORM).text)
    answer = client.post(
        f"/salaries/{OTHER_WORKER}/observations/nouvelle",
        data={"csrf_token": token, "date": "15/11/2026", "by": "x", "role": "tuteur"},
    )
    assert answer.status_code == 404
    assert journal.read(web_root) == []


def test_several_levels_are_written_together_with_one_journal_line(make_client, web_root):
    before = len(observations(web_root))
    answer = post(
        make_client("federation"),
        {"date": "15/11/2026", "by": "Mme Ferhat", "role": "conseiller",
         f"level:{COMPETENCY}": "2", "level:advf.ccp1.c1": "4"},
    )  # fmt: skip
    assert answer.status_code == 303
    added = observations(web_root)[before:]
    assert sorted((o["competency"], o["level"]) for o in added) == [
        ("advf.ccp1.c1", 4),
        (COMPETENCY, 2),
    ]
    assert [e.action for e in journal.read(web_root, worker=OWN_WORKER)] == ["observation.add"]


def test_the_page_after_a_save_says_what_was_recorded_once_and_offers_the_dossier(make_client):
    client = make_client("counselor")
    answer = post(
        client, {"date": "15/11/2026", "by": "Mme Ferhat", "role": "tuteur", COMPETENCY_FIELD: "3"}
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page, re.S)
    assert notice is not None
    assert "1 observation ajoutée" in notice.group(1)
    assert f'href="/salaries/{OWN_WORKER}/dossier.pdf"' in notice.group(1)
    assert 'class="notice"' not in client.get(f"/salaries/{OWN_WORKER}").text


def test_a_worker_file_with_errors_is_not_recorded_into_and_the_page_says_which(
    make_client, web_root
):
    file = web_root / "workers" / f"{OWN_WORKER}.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace("placement: p3", "placement: p99", 1),
        encoding="utf-8",
    )
    answer = make_client("counselor").get(FORM)
    assert answer.status_code == 409
    page = html.unescape(answer.text)
    assert "La fiche de ce salarié contient des erreurs à corriger d'abord" in page
    assert "mise à disposition inconnue « p99 »" in page
    assert "ci-dessus" not in page
