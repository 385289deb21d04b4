"""The recording functions both front ends call (portfolio/app/recording.py, SPEC §9, §11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portfolio.app.recording import (
    ChangeRefused,
    add_observation,
    add_placement,
    add_training,
    add_worker,
    import_timesheet,
    open_for_recording,
    open_recording,
    parse_task,
    parse_worker_id,
    plan_timesheet,
)
from portfolio.french import InputError
from portfolio.issues import PortfolioError

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
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tutor: Mme D.
    tasks: [repassage]
trainings:
  - {module: ofa.linge, start: 2002-11-04, hours: 3, result: en-cours}
"""


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(
        {"referentiels/tst.yaml": TST, "catalog/ofa.yaml": CATALOG, "workers/w-1.yaml": WORKER}
    )


def worker_text(root: Path, stem: str = "w-1") -> str:
    return (root / "workers" / f"{stem}.yaml").read_text(encoding="utf-8")


# --- values typed in a form ---------------------------------------------------------------------


def test_a_task_may_carry_its_hours_after_an_equals_sign() -> None:
    assert parse_task("repassage") == "repassage"
    assert parse_task("ménage des sols=3,5") == {"task": "ménage des sols", "hours": 3.5}
    with pytest.raises(InputError, match="sans texte"):
        parse_task("=3")


def test_a_worker_id_must_be_usable_as_a_file_name() -> None:
    assert parse_worker_id(" fatima-b ") == "fatima-b"
    with pytest.raises(InputError, match="minuscules sans accent"):
        parse_worker_id("../x")


# --- adding entries -----------------------------------------------------------------------------


def test_added_placement_is_written_and_told(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    change = add_placement(
        rec,
        client="Mairie de Bron",
        client_kind="collectivite",
        start=dt.date(2002, 11, 4),
        end=dt.date(2002, 11, 8),
        hours=12.5,
        tasks=["lessive"],
    )
    assert worker_text(root) == change.new_text
    assert change.old_text == WORKER
    assert change.display == "workers/w-1.yaml"
    assert change.added_lines[0] == "  - id: p2"
    assert change.done == (
        "Mise à disposition p2 ajoutée à workers/w-1.yaml (Mairie de Bron, du 04/11/2002 au "
        "08/11/2002, 12,5\u00a0h)."
    )


def test_a_declined_change_writes_nothing(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    seen = []

    def decline(change) -> bool:
        seen.append(change.added_lines)
        return False

    with pytest.raises(PortfolioError, match="rien n'a été écrit"):
        add_training(
            rec,
            module="ofa.linge",
            start=dt.date(2002, 12, 2),
            end=None,
            hours=12,
            result="acquis",
            confirm=decline,
        )
    assert seen == [["  - {module: ofa.linge, start: 2002-12-02, hours: 12, result: acquis}"]]
    assert worker_text(root) == WORKER


def test_a_change_breaking_a_rule_is_refused_with_its_problems(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    with pytest.raises(ChangeRefused) as refused:
        add_observation(
            rec, day=TODAY, by="Mme D.", role="tuteur", competency="b1.c1", level=3, placement="p7"
        )
    assert [i.code for i in refused.value.problems] == ["unknown-placement"]
    assert worker_text(root) == WORKER


def test_observation_of_a_short_competency_id_records_the_full_one(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    change = add_observation(
        rec, day=TODAY, by="Mme D.", role="tuteur", competency="b1.c2", level=2
    )
    assert "    competency: tst.b1.c2" in change.added_lines
    assert change.done.endswith("(tst.b1.c2, niveau 2 avec aide).")


def test_an_unknown_module_is_refused_before_anything_is_written(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    with pytest.raises(PortfolioError, match=r"module inconnu « ofa\.cuisine »"):
        add_training(rec, module="ofa.cuisine", start=TODAY, end=None, hours=3, result="acquis")
    assert worker_text(root) == WORKER


def test_a_worker_file_with_errors_is_not_opened_for_recording(root) -> None:
    (root / "workers" / "w-1.yaml").write_text(
        WORKER.replace("end: 2002-10-31", "end: 2002-09-30"), encoding="utf-8"
    )
    with pytest.raises(PortfolioError, match="contient déjà des erreurs") as caught:
        open_for_recording(root, "w-1", TODAY)
    assert [i.code for i in caught.value.issues] == ["end-before-start"]


def test_new_worker_file_is_created_but_never_replaced(root) -> None:
    rec = open_recording(root, TODAY)
    values = {
        "first_name": "Kévin",
        "last_name": "T.",
        "association": "ai-est",
        "counselor": None,
        "targets": ["tst"],
        "consent": True,
        "consent_date": TODAY,
    }
    ident = rec.suggest_worker_id()
    change = add_worker(rec, ident=ident, **values)
    assert (ident, change.done) == ("w-0002", "Fiche créée : workers/w-0002.yaml")
    with pytest.raises(PortfolioError, match="existe déjà"):
        add_worker(rec, ident="w-0002", **values)


# --- what the forms offer -----------------------------------------------------------------------


def test_forms_offer_known_clients_and_what_a_placement_evidences(root) -> None:
    rec = open_for_recording(root, "w-1", TODAY)
    assert rec.client_options() == [("Mme D.", "Mme D. (particulier)")]
    assert rec.known_client_kind("mme d.") == "particulier"
    assert rec.previous_tutor("MME D.") == "Mme D."
    assert rec.competency_options("p1") == [("tst.b1.c1", "Je sais repasser (tst.b1.c1)")]
    # Without a placement: every assessed competency, the trades aimed at first.
    assert [value for value, _ in rec.competency_options(None)][:2] == ["tst.b1.c1", "tst.b1.c2"]
    assert rec.suggested_observer("p1", "tuteur") == "Mme D."
    assert rec.default_hours("ofa.linge") == "12"


# --- timesheets ---------------------------------------------------------------------------------

SHEET = """\
salarié;client;type_client;date;heures;tâches
w-1;Mairie de Bron;collectivite;2002-11-05;7;lessive
w-9;X;particulier;2002-11-05;3;
"""


def test_timesheet_is_planned_then_imported_without_the_rejected_rows(root) -> None:
    (root / "heures.csv").write_text(SHEET, encoding="utf-8")
    planned = plan_timesheet(root, root / "heures.csv", max_gap_days=7, today=TODAY)
    assert planned.summaries == [
        "w-1 (Fatima B.) :\n"
        "  + p2 Mairie de Bron (collectivite), le 05/11/2002, 7\u00a0h, ligne 2 ; tâches : lessive"
    ]
    assert planned.refusals[0].startswith(
        "refusé : heures.csv, ligne 3, colonne A (salarie) : salarié inconnu « w-9 »"
    )
    with pytest.raises(PortfolioError, match="1 ligne refusée"):
        import_timesheet(planned)
    dry = import_timesheet(planned, skip_invalid=True, dry_run=True)
    assert dry.message == (
        "Simulation : rien n'a été écrit (1 mise à disposition à ajouter pour 1 salarié)."
    )
    assert worker_text(root) == WORKER
    done = import_timesheet(planned, skip_invalid=True)
    assert (done.message, done.skipped) == (
        "Import terminé : 1 mise à disposition ajoutée pour 1 salarié.",
        "1 ligne ignorée (--skip-invalid).",
    )
    assert "Mairie de Bron" in worker_text(root)
