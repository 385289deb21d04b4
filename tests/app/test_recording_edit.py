"""Editing and deleting an entry of a worker file, carrying the file's version (SPEC §11;
portfolio/app/recording.py)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from portfolio import journal
from portfolio.app.recording import (
    ChangeRefused,
    EntryNotFound,
    VersionConflict,
    add_observation,
    delete_entry,
    edit_entry,
    file_version,
    open_entry,
    open_for_recording,
)
from portfolio.issues import PortfolioError
from portfolio.model.workspace import Observation, Placement, Training
from portfolio.record.entries import observation_entry, placement_entry, training_entry

TODAY = dt.date(2003, 6, 30)

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
blocks:
  - id: b1
    title: Entretenir le linge
    competencies:
      - {id: c1, title: Repasser le linge, plain: Je sais repasser}
      - {id: c2, title: Laver le linge, plain: Je sais laver le linge}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
  - {id: lessive, label: Faire la lessive, evidences: [b1.c2]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1]}
"""

WORKER = """\
# Suivie par Mme Martin.
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}   # voisine
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tutor: Mme D.
    tasks: [repassage]
  - id: p2
    client: {name: Mairie de Bron, kind: collectivite}
    start: 2002-11-04
    end: 2002-11-08
    hours: 12
observations:
  - {date: 2002-10-31, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 2, placement: p1}
  - {date: 2002-11-08, by: M. Ruiz, role: tuteur, competency: tst.b1.c2, level: 3}  # Bron
trainings:
  - {module: ofa.linge, start: 2002-11-04, hours: 3, result: en-cours}
"""


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(
        {"referentiels/tst.yaml": TST, "catalog/ofa.yaml": CATALOG, "workers/w-1.yaml": WORKER}
    )


def worker_bytes(root: Path) -> bytes:
    return (root / "workers" / "w-1.yaml").read_bytes()


def opened(root: Path, section: str, position: str):  # type: ignore[no-untyped-def]
    rec = open_for_recording(root, "w-1", TODAY)
    return rec, open_entry(rec, section, position)  # type: ignore[arg-type]


def p2_entry(hours: float = 14, tutor: str | None = "M. Ruiz") -> dict:
    return placement_entry(
        ident="p2",
        client="Mairie de Bron",
        client_kind="collectivite",
        start=dt.date(2002, 11, 4),
        end=dt.date(2002, 11, 8),
        hours=hours,
        tutor=tutor,
    )


# --- reading an entry for a form ----------------------------------------------------------------


def test_the_version_is_a_short_hash_of_the_text() -> None:
    assert file_version(WORKER) == file_version(WORKER)
    assert file_version(WORKER) != file_version(WORKER + "\n")
    assert len(file_version(WORKER)) == 16


def test_an_entry_is_read_with_the_version_of_its_file(root) -> None:
    _, placement = opened(root, "placements", "p2")
    assert isinstance(placement.entry, Placement) and placement.entry.hours == 12
    assert placement.version == file_version(WORKER)
    assert placement.reference == "p2"
    _, observation = opened(root, "observations", "2")
    assert isinstance(observation.entry, Observation) and observation.entry.by == "M. Ruiz"
    assert observation.reference == "observations.2"
    _, training = opened(root, "trainings", "1")
    assert isinstance(training.entry, Training) and training.entry.module == "ofa.linge"


@pytest.mark.parametrize(
    ("section", "position"),
    [("placements", "p9"), ("observations", "0"), ("observations", "3"), ("trainings", "x")],
)
def test_an_entry_that_is_not_there_is_not_found(root, section, position) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    with pytest.raises(EntryNotFound, match="rechargez la page"):
        open_entry(rec, section, position)


# --- editing ------------------------------------------------------------------------------------


def test_an_edited_placement_keeps_its_id_place_and_the_rest_of_the_file(root) -> None:
    rec, placement = opened(root, "placements", "p2")
    change = edit_entry(rec, "placements", "p2", p2_entry(), placement.version, actor="m.martin")
    text = worker_bytes(root).decode()
    assert text == WORKER.replace("    hours: 12\n", "    hours: 14\n    tutor: M. Ruiz\n")
    assert change.done == "Mise à disposition p2 (Mairie de Bron) modifiée dans workers/w-1.yaml."
    assert [(e.login, e.action, e.worker, e.entry) for e in journal.read(root)] == [
        ("m.martin", "entry.edit", "w-1", "p2")
    ]


def test_a_placement_cannot_change_its_id(root) -> None:
    rec, placement = opened(root, "placements", "p2")
    with pytest.raises(PortfolioError, match="garde son identifiant"):
        edit_entry(rec, "placements", "p2", {**p2_entry(), "id": "p7"}, placement.version)
    assert worker_bytes(root) == WORKER.encode()


def test_an_edited_observation_stays_on_its_line_with_its_comment(root) -> None:
    rec, observation = opened(root, "observations", "2")
    entry = observation_entry(
        day=dt.date(2002, 11, 8), by="M. Ruiz", role="tuteur", competency="tst.b1.c2", level=4
    )
    change = edit_entry(rec, "observations", "2", entry, observation.version, actor="m.martin")
    assert worker_bytes(root).decode() == WORKER.replace("level: 3}  # Bron", "level: 4}  # Bron")
    assert change.entry == "observations.2"
    assert journal.read(root)[-1].entry == "observations.2"


def test_an_edited_training_is_judged_by_the_rules_of_check(root) -> None:
    rec, training = opened(root, "trainings", "1")
    unknown = training_entry(
        module="ofa.inconnu", start=dt.date(2002, 11, 4), end=None, hours=3, result="acquis"
    )
    with pytest.raises(ChangeRefused) as refused:
        edit_entry(rec, "trainings", "1", unknown, training.version)
    assert any("ofa.inconnu" in p.message for p in refused.value.problems)
    assert worker_bytes(root) == WORKER.encode()
    assert journal.read(root) == []
    backwards = training_entry(
        module="ofa.linge",
        start=dt.date(2002, 11, 4),
        end=dt.date(2002, 11, 1),
        hours=3,
        result="acquis",
    )
    with pytest.raises(ChangeRefused):
        edit_entry(rec, "trainings", "1", backwards, training.version)
    assert worker_bytes(root) == WORKER.encode()


# --- deleting -----------------------------------------------------------------------------------


def test_a_deleted_observation_goes_with_its_line_only(root) -> None:
    rec, observation = opened(root, "observations", "1")
    change = delete_entry(rec, "observations", "1", observation.version, actor="m.martin")
    assert worker_bytes(root).decode() == WORKER.replace(
        "  - {date: 2002-10-31, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 2, "
        "placement: p1}\n",
        "",
    )
    assert change.done == (
        "Observation n° 1 (tst.b1.c1, du 31/10/2002) supprimée de workers/w-1.yaml."
    )
    assert [(e.action, e.entry) for e in journal.read(root)] == [("entry.delete", "observations.1")]


def test_deleting_the_last_training_leaves_an_empty_list(root) -> None:
    rec, training = opened(root, "trainings", "1")
    delete_entry(rec, "trainings", "1", training.version)
    assert worker_bytes(root).decode().endswith("trainings: []\n")


def test_a_placement_that_observations_name_cannot_be_deleted(root) -> None:
    rec, placement = opened(root, "placements", "p1")
    with pytest.raises(ChangeRefused) as refused:
        delete_entry(rec, "placements", "p1", placement.version)
    (problem,) = refused.value.problems
    assert problem.message == (
        "la mise à disposition p1 est citée par 1 observation (n° 1) : modifiez ou supprimez "
        "d'abord cette observation"
    )
    assert worker_bytes(root) == WORKER.encode()
    assert journal.read(root) == []


def test_a_placement_no_observation_names_can_be_deleted(root) -> None:
    rec, placement = opened(root, "placements", "p2")
    change = delete_entry(rec, "placements", "p2", placement.version, actor="m.martin")
    assert "- id: p2" not in worker_bytes(root).decode()
    assert "    client: {name: Mme D., kind: particulier}   # voisine\n" in change.new_text
    assert journal.read(root)[-1].entry == "p2"


# --- the version --------------------------------------------------------------------------------


def test_a_stale_version_writes_nothing_and_says_what_changed(root) -> None:
    rec, observation = opened(root, "observations", "2")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    add_observation(
        open_for_recording(root, "w-1", TODAY),
        day=dt.date(2002, 11, 9),
        by="Mme D.",
        role="tuteur",
        competency="tst.b1.c1",
        level=3,
        actor="m.diallo",
    )
    colleague = open_entry(rec, "observations", "2")
    edit_entry(
        rec,
        "observations",
        "2",
        observation_entry(
            day=dt.date(2002, 11, 8), by="M. Ruiz", role="tuteur", competency="tst.b1.c2", level=1
        ),
        colleague.version,
        actor="m.diallo",
    )
    written = worker_bytes(root)
    mine = observation_entry(
        day=dt.date(2002, 11, 8), by="M. Ruiz", role="tuteur", competency="tst.b1.c2", level=4
    )
    with pytest.raises(VersionConflict) as conflict:
        edit_entry(rec, "observations", "2", mine, observation.version, "m.martin", since=before)
    assert "rien n'a été enregistré" in str(conflict.value)
    assert isinstance(conflict.value.current, Observation) and conflict.value.current.level == 1
    assert conflict.value.version == file_version(written.decode())
    assert [(e.login, e.action, e.entry) for e in conflict.value.lines] == [
        ("m.diallo", "observation.add", None),
        ("m.diallo", "entry.edit", "observations.2"),
    ]
    assert worker_bytes(root) == written
    assert len(journal.read(root)) == 2
    with pytest.raises(VersionConflict):
        delete_entry(rec, "observations", "2", observation.version)
    assert worker_bytes(root) == written


def test_a_conflict_on_a_deleted_entry_says_it_is_gone(root) -> None:
    rec, placement = opened(root, "placements", "p2")
    delete_entry(rec, "placements", "p2", placement.version)
    with pytest.raises(VersionConflict) as conflict:
        edit_entry(rec, "placements", "p2", p2_entry(), placement.version)
    assert conflict.value.current is None


def test_a_hand_edit_is_a_conflict_too_with_no_journal_line(root) -> None:
    rec, training = opened(root, "trainings", "1")
    path = root / "workers" / "w-1.yaml"
    path.write_text(WORKER.replace("hours: 3,", "hours: 4,"), encoding="utf-8")
    with pytest.raises(VersionConflict) as conflict:
        delete_entry(rec, "trainings", "1", training.version, since=dt.datetime.now(dt.UTC))
    assert conflict.value.lines == []
    assert isinstance(conflict.value.current, Training) and conflict.value.current.hours == 4


def test_of_two_concurrent_edits_of_one_version_exactly_one_is_written(root) -> None:
    """Two counselors opened the same form; both submit at the same moment."""
    _, placement = opened(root, "placements", "p2")
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    def submit(login: str, hours: float) -> None:
        rec = open_for_recording(root, "w-1", TODAY)
        start.wait()
        try:
            edit_entry(rec, "placements", "p2", p2_entry(hours), placement.version, login)
            outcomes[login] = "écrit"
        except VersionConflict as exc:
            outcomes[login] = exc

    threads = [
        threading.Thread(target=submit, args=("m.martin", 15)),
        threading.Thread(target=submit, args=("m.diallo", 16)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [login for login, outcome in outcomes.items() if outcome == "écrit"]
    losers = [o for o in outcomes.values() if isinstance(o, VersionConflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    hours = 15 if winners == ["m.martin"] else 16
    assert worker_bytes(root).decode() == WORKER.replace(
        "    hours: 12\n", f"    hours: {hours}\n    tutor: M. Ruiz\n"
    )
    assert isinstance(losers[0].current, Placement) and losers[0].current.hours == hours
    assert [(e.login, e.action) for e in journal.read(root)] == [(winners[0], "entry.edit")]
    assert [(e.login, e.action) for e in losers[0].lines] == [(winners[0], "entry.edit")]
    assert not list((root / "workers").glob("*.tmp*")) and not list(root.glob("*.new"))


def test_a_placement_whose_tutor_link_is_open_is_kept_until_the_link_is_revoked(root) -> None:
    from portfolio.app.tutor_links import make_link, revoke_link

    with_tasks = WORKER.replace("    hours: 12\n", "    hours: 12\n    tasks: [repassage]\n")
    (root / "workers" / "w-1.yaml").write_text(with_tasks, encoding="utf-8")
    link = make_link(root, "w-1", "p2", actor="m.martin", today=TODAY)
    rec, placement = opened(root, "placements", "p2")
    with pytest.raises(ChangeRefused) as refused:
        delete_entry(rec, "placements", "p2", placement.version)
    (problem,) = refused.value.problems
    assert problem.message.startswith(
        "un lien pour le tuteur de la mise à disposition p2 est encore ouvert jusqu'au "
    )
    assert worker_bytes(root) == with_tasks.encode()
    revoke_link(root, link.record.id, "m.martin", today=TODAY)
    delete_entry(rec, "placements", "p2", placement.version)
    assert "- id: p2" not in worker_bytes(root).decode()
