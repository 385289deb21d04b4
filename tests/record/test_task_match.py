"""What a task entry resolves to before it is saved (portfolio/record/queries.py `match_task`,
SPEC §5.1–§5.2): the placement form shows it under each task row."""

from __future__ import annotations

import pytest
from support import MINIMAL_WORKSPACE, VALID_REFERENTIEL

from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.record.queries import match_task

WORKER = """\
id: w-0001
first_name: Awa
last_name: K.
association: ai-est
targets: [menage]
consent: {given: true, date: 2002-09-20}
"""

REFERENTIEL = VALID_REFERENTIEL.replace(
    "{id: lavage-sols, label: Laver les sols, evidences: [b1.c1]}",
    "{id: lavage-sols, label: Laver les sols, synonyms: [serpillière], evidences: [b1.c1]}",
)


@pytest.fixture
def loaded(make_workspace) -> tuple[Workspace, Worker]:
    ws, _ = load_workspace(
        make_workspace(
            {
                "workspace.yaml": MINIMAL_WORKSPACE,
                "workers/w-0001.yaml": WORKER,
                "referentiels/menage.yaml": REFERENTIEL,
            }
        )
    )
    return ws, ws.workers["w-0001"]


def test_free_text_resolves_to_the_task_and_the_competency_it_proves(loaded):
    ws, worker = loaded
    found = match_task(ws, worker, "lavage des sols à la serpillière")
    assert found.tasks == (("menage.lavage-sols", "Laver les sols"),)
    assert found.competencies == (("menage.b1.c1", "Je sais laver les sols"),)
    assert found.suggestions == ()


def test_an_entry_resolves_to_every_task_it_names(loaded):
    ws, worker = loaded
    found = match_task(ws, worker, "Laver les sols, laver les vitres")
    assert [task for task, _ in found.tasks] == ["menage.lavage-sols", "menage.lavage-vitres"]
    assert [c for c, _ in found.competencies] == ["menage.b1.c1", "menage.b1.c2"]


def test_a_task_id_resolves_as_it_is_written(loaded):
    ws, worker = loaded
    assert match_task(ws, worker, "lavage-vitres").tasks == (
        ("menage.lavage-vitres", "Laver les vitres"),
    )
    assert match_task(ws, worker, " menage.lavage-vitres ").tasks[0][0] == "menage.lavage-vitres"


def test_an_unknown_entry_gets_the_closest_suggestions_and_proves_nothing(loaded):
    ws, worker = loaded
    found = match_task(ws, worker, "laver les vitrres")
    assert found.tasks == () and found.competencies == ()
    assert found.suggestions == ("Laver les vitres (menage.lavage-vitres)",)


def test_nothing_close_gets_no_suggestion(loaded):
    ws, worker = loaded
    found = match_task(ws, worker, "conduite d'engins")
    assert (found.tasks, found.suggestions) == ((), ())


def test_transversal_referentiels_are_matched_too(loaded):
    """The vocabulary is the worker's targets plus every transversal référentiel (SPEC §5.1)."""
    ws, worker = loaded
    transversal = [r for r in ws.referentiels.values() if r.track == "transversal" and r.tasks]
    task = transversal[0].tasks[0]
    found = match_task(ws, worker, task.label)
    assert f"{transversal[0].id}.{task.id}" in [t for t, _ in found.tasks]
