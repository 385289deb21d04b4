"""Tables and documents list ids as a reader counts them (c2 before c10, w-2 before w-10), while
`assess --json` keeps SPEC §9's order (ids sorted as strings)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from portfolio.assess import assess
from portfolio.build import Job
from portfolio.coverage import body_coverage
from portfolio.french import natural_key
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.render.federation import coverage_html
from portfolio.render.views.dossier import dossier_view
from portfolio.render.views.index import Person, index_view
from portfolio.render.views.portfolio import portfolio_view

AS_OF = dt.date(2003, 6, 30)

REFERENTIEL = """\
id: nat
title: Référentiel à dix compétences
track: emplois-familiaux
certification: {kind: titre-professionnel}
defaults: {min_hours: 1, observation: false}
blocks:
  - id: b2
    title: Deuxième bloc
    competencies:
      - {id: c3, title: Compétence trois, plain: Je sais faire trois}
  - id: b10
    title: Dixième bloc
    competencies:
      - {id: c1, title: Compétence un, plain: Je sais faire un}
      - {id: c2, title: Compétence deux, plain: Je sais faire deux}
      - {id: c10, title: Compétence dix, plain: Je sais faire dix}
tasks:
  - {id: tout, label: Tout faire, evidences: [b2.c3, b10.c1, b10.c2, b10.c10]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.m10, title: Module dix, axis: technique, hours: 5, competencies: [nat.b10.c1]}
  - {id: ofa.m2, title: Module deux, axis: technique, hours: 5, competencies: [nat.b10.c2]}
"""


def people(ws: Workspace) -> dict[str, Person]:
    return {stem: Person.of(worker) for stem, worker in ws.workers.items()}


def worker(ident: str) -> str:
    return f"""\
id: {ident}
first_name: Léa
last_name: {ident}
association: ai-est
targets: [nat]
consent: {{given: true, date: 2002-09-20}}
placements:
  - id: p1
    client: {{name: Mme D., kind: particulier}}
    start: 2002-10-01
    end: 2002-10-31
    hours: 40
    tasks: [tout]
"""


@pytest.fixture
def ws(make_workspace) -> Workspace:
    root = make_workspace(
        {
            "referentiels/nat.yaml": REFERENTIEL,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-10.yaml": worker("w-10"),
            "workers/w-2.yaml": worker("w-2"),
        }
    )
    loaded, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error], issues
    return loaded


def test_natural_key_counts_numbers_as_numbers() -> None:
    ids = ["nat.b10.c10", "nat.b10.c2", "nat.b2.c3", "nat.b10.c1", "w-10", "w-2"]
    assert sorted(ids, key=natural_key) == [
        "nat.b2.c3",
        "nat.b10.c1",
        "nat.b10.c2",
        "nat.b10.c10",
        "w-2",
        "w-10",
    ]


def test_json_keeps_ids_sorted_as_strings(ws: Workspace) -> None:
    assessment, _ = assess(ws, ws.workers["w-2"], AS_OF)
    data = json.loads(assessment.model_dump_json())
    (nat,) = [r for r in data["referentiels"] if r["id"] == "nat"]
    assert [b["id"] for b in nat["blocks"]] == ["nat.b10", "nat.b2"]
    assert [c["id"] for c in nat["blocks"][0]["competencies"]] == [
        "nat.b10.c1",
        "nat.b10.c10",
        "nat.b10.c2",
    ]


def test_portfolio_status_tables_are_in_natural_order(ws: Workspace) -> None:
    worker = ws.workers["w-2"]
    assessment, evidence = assess(ws, worker, AS_OF)
    view = portfolio_view(ws, worker, assessment, evidence)
    blocks = view.targets[0].status.blocks
    assert [b.id for b in blocks] == ["nat.b2", "nat.b10"]
    assert [r.id for r in blocks[1].rows] == ["nat.b10.c1", "nat.b10.c2", "nat.b10.c10"]


def test_dossier_lists_what_the_worker_can_do_in_natural_order(ws: Workspace) -> None:
    worker = ws.workers["w-2"]
    assessment, evidence = assess(ws, worker, AS_OF)
    view = dossier_view(ws, worker, assessment, evidence, None)
    assert [skill for row in view.targets[0].rows for _, skill in row.skills] == [
        "Je sais faire trois",
        "Je sais faire un",
        "Je sais faire deux",
        "Je sais faire dix",
    ]


def test_coverage_lists_modules_in_natural_order(ws: Workspace) -> None:
    assessments = {stem: assess(ws, w, AS_OF)[0] for stem, w in ws.workers.items()}
    html = coverage_html(body_coverage(ws, "ofa", assessments, AS_OF), "Fédération test")
    assert html.index('<th class="num module">m2</th>') < html.index(
        '<th class="num module">m10</th>'
    )
    assert html.index("Module deux") < html.index("Module dix")


def test_build_index_lists_workers_in_natural_order(ws: Workspace) -> None:
    jobs = [Job(f"salaries/{w}-dossier.pdf", "dossier", w, "") for w in ("w-10", "w-2")]
    view = index_view(ws, people(ws), jobs, set(), {}, AS_OF)
    assert [w.id for w in view.workers] == ["w-2", "w-10"]
