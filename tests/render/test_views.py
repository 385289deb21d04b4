"""View models of the printed documents, computed from the shared workspace by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from portfolio.assess import assess
from portfolio.build import Job
from portfolio.load import load_workspace
from portfolio.model.evidence import Plan
from portfolio.model.loaded import Workspace
from portfolio.render.views.common import counselor_title
from portfolio.render.views.dossier import DossierView, dossier_view
from portfolio.render.views.index import BodyLink, Person, WorkerLinks, index_view
from portfolio.render.views.portfolio import PortfolioView, portfolio_view, rule_text


@pytest.fixture(scope="module")
def portfolio(render_workspace: Workspace, as_of: dt.date) -> PortfolioView:
    worker = render_workspace.workers["fatima-b"]
    assessment, evidence = assess(render_workspace, worker, as_of)
    return portfolio_view(render_workspace, worker, assessment, evidence)


def people(ws: Workspace) -> dict[str, Person]:
    return {stem: Person.of(worker) for stem, worker in ws.workers.items()}


def dossier(
    ws: Workspace, as_of: dt.date, plan: Plan | None = None, worker_id: str = "fatima-b"
) -> DossierView:
    worker = ws.workers[worker_id]
    assessment, evidence = assess(ws, worker, as_of)
    return dossier_view(ws, worker, assessment, evidence, plan)


def test_examples_are_the_placements_with_most_block_hours(portfolio: PortfolioView) -> None:
    block = portfolio.targets[0].activities[0]
    assert [e.organisation for e in block.examples] == [
        "Mme Delorme (particulier)",
        "M. Petit (particulier)",
        "Résidence Les Tilleuls (association)",
    ]


def test_a_block_has_at_most_three_examples(portfolio: PortfolioView) -> None:
    assert len(portfolio.targets[0].activities[0].examples) == 3


def test_a_block_without_placement_has_no_example(portfolio: PortfolioView) -> None:
    activities = portfolio.targets[0].activities
    assert [len(a.examples) for a in activities] == [3, 1, 0]


def test_example_tasks_keep_only_what_shows_the_block(portfolio: PortfolioView) -> None:
    residence = portfolio.targets[0].activities[0].examples[2]
    assert [(t.label, t.hours) for t in residence.tasks] == [("Repasser le linge", 10.0)]


def test_example_fills_the_five_headings_from_the_placement(portfolio: PortfolioView) -> None:
    first = portfolio.targets[0].activities[0].examples[0]
    assert first.title == "Laver les sols — Mme Delorme"
    assert first.means == ("fer à repasser vapeur", "aspirateur")
    assert first.with_whom == ("Mme Delorme (tuteur)",)
    assert (first.start, first.end, first.hours) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 19),
        60,
    )
    assert first.further[0] == "Cliente exigeante sur le repassage"
    assert (
        "niveau 4 maîtrise sur « Entretenir le linge » — « Repasse seule, soigneusement »"
        in (first.further[2])
    )


def test_example_context_names_the_service(portfolio: PortfolioView) -> None:
    residence = portfolio.targets[0].activities[0].examples[2]
    assert residence.service == "Service d'aide à domicile"
    assert residence.with_whom == ("M. Garnier (tuteur)",)


def test_cover_carries_the_certification(portfolio: PortfolioView) -> None:
    target = portfolio.targets[0]
    assert (target.kind, target.code, target.rncp, target.level) == (
        "Titre professionnel",
        "TP-99999",
        "RNCP99999",
        3,
    )
    assert portfolio.contact.association == "AI Lyon Est"
    assert portfolio.work_hours == 128


def test_status_rows_carry_the_evidence_trail(portfolio: PortfolioView) -> None:
    row = portfolio.targets[0].status.blocks[0].rows[1]
    assert (row.id, row.status, row.level, row.rule) == (
        "aide-test.b1.c2",
        "Acquise",
        "4 maîtrise",
        "20\u00a0h et niveau 3",
    )
    assert row.evidence == (
        "p1 Mme Delorme : Repasser le linge, 30\u00a0h",
        "p2 Résidence Les Tilleuls : Repasser le linge, 10\u00a0h",
        "p3 M. Petit : Laver et ranger le linge, 20\u00a0h",
        "Formation « Entretien du linge » : 12\u00a0h, acquis, 14/11/2025",
        "Observation Mme Delorme (tuteur, p1) : niveau 4 maîtrise, 19/12/2025",
    )


def test_transversal_sections_list_unevidenced_competencies_in_one_line(
    portfolio: PortfolioView,
) -> None:
    assert portfolio.transversal
    for section in portfolio.transversal:
        assert section.compact
        for block in section.blocks:
            assert len(block.rows) + len(block.unevidenced) == block.total
            assert all(row.evidence for row in block.rows)


def test_attestations_list_trainings(portfolio: PortfolioView) -> None:
    (training,) = portfolio.trainings
    assert (training.title, training.body, training.hours, training.result) == (
        "Entretien du linge",
        "Organisme de formation A",
        12,
        "acquis",
    )


def test_dossier_shows_each_block_as_a_row_of_marks(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    (target,) = dossier(render_workspace, as_of).targets
    assert (target.title, target.pictogram) == (
        "Assistant de vie test",
        "pictograms/emplois-familiaux.svg",
    )
    assert [(row.label, row.marks) for row in target.rows] == [
        ("Entretenir le logement", ("acquise", "acquise")),
        ("Accompagner la personne", ("en-cours", "a-acquerir")),
        ("Garder les enfants", ("a-acquerir",)),
    ]
    assert [row.skills for row in target.rows] == [
        (("acquise", "Je sais nettoyer les sols"), ("acquise", "Je sais repasser le linge")),
        (("en-cours", "Je sais aider une personne à se laver"),),
        (),
    ]
    assert (target.done, target.total) == (2, 5)


def test_dossier_next_steps_name_presentable_blocks(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    assert dossier(render_workspace, as_of).next_steps.presentable == ("Entretenir le logement",)


def test_dossier_next_steps_follow_the_plan(render_workspace: Workspace, as_of: dt.date) -> None:
    plan = Plan(
        worker="fatima-b",
        budget=30,
        modules=["ofa.enfants", "ofa.repas"],
        hours=24,
        covers=["aide-test.b2.c4", "aide-test.b3.c5"],
        uncovered=["aide-test.b2.c3"],
        no_module=["aide-test.b2.c3"],
    )
    steps = dossier(render_workspace, as_of, plan).next_steps
    assert [(m.title, m.hours) for m in steps.modules] == [
        ("Garde d'enfants", 10),
        ("Cuisine familiale", 14),
    ]
    assert steps.at_work == ("Je sais aider une personne à se laver",)
    assert steps.at_work_more == 0


def test_dossier_shows_only_placements_started_at_the_date(render_workspace: Workspace) -> None:
    view = dossier(render_workspace, dt.date(2026, 1, 31))
    assert [p.client for p in view.placements] == ["Mme Delorme", "Résidence Les Tilleuls"]
    residence = view.placements[1]
    assert residence.ongoing
    assert residence.hours == pytest.approx(40 * 27 / 54)


def test_placement_pictogram_follows_its_track(render_workspace: Workspace, as_of: dt.date) -> None:
    view = dossier(render_workspace, as_of)
    assert {p.pictogram for p in view.placements} == {"pictograms/emplois-familiaux.svg"}


@pytest.mark.parametrize(
    ("counselor", "title"),
    [
        ("Mme Martin", "ma conseillère"),
        ("M. Roux", "mon conseiller"),
        (None, "mon conseiller ou ma conseillère"),
    ],
)
def test_counselor_is_named_as_the_worker_would(counselor: str | None, title: str) -> None:
    assert counselor_title(counselor) == title


def test_rule_text_omits_what_is_not_required() -> None:
    assert rule_text(0, True) == "niveau 3"
    assert rule_text(30, False) == "30\u00a0h"


def test_dossier_tells_only_the_latest_placements_in_detail(
    make_workspace: Callable[[dict[str, str]], Path], as_of: dt.date
) -> None:
    placements = "\n".join(
        f"""\
  - id: p{n}
    client: {{name: Client {n}, kind: particulier}}
    start: 2025-0{n}-01
    end: 2025-0{n}-20
    hours: 10
    tasks: [repassage]"""
        for n in (5, 1, 2, 3, 4)
    )
    root = make_workspace(
        {
            "workers/w-1.yaml": "id: w-1\nfirst_name: A\nlast_name: B.\nassociation: ai-est\n"
            f"targets: [advf]\nplacements:\n{placements}\n"
        }
    )
    ws, _ = load_workspace(root)
    view = dossier(ws, as_of, worker_id="w-1")
    assert [p.client for p in view.earlier_placements] == ["Client 1"]
    assert [p.client for p in view.placements] == [f"Client {n}" for n in (2, 3, 4, 5)]


def test_index_links_only_the_documents_on_disk_and_flags_failures(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    jobs = [
        Job("salaries/fatima-b-dossier.pdf", "dossier", "fatima-b", ""),
        Job("salaries/fatima-b-portfolio.pdf", "portfolio", "fatima-b", ""),
        Job("salaries/gone-dossier.pdf", "dossier", "gone", ""),
        Job("organismes/couverture-ofa.pdf", "coverage", "ofa", ""),
        Job("organismes/couverture-ofz.pdf", "coverage", "ofz", ""),
        Job("programme/bilan.pdf", "report", "programme", ""),
    ]
    written = {
        "salaries/fatima-b-dossier.pdf",
        "organismes/couverture-ofa.pdf",
        "programme/bilan.pdf",
    }
    failed = {"salaries/gone-dossier.pdf": "erreur", "organismes/couverture-ofz.pdf": "panne"}
    view = index_view(render_workspace, people(render_workspace), jobs, written, failed, as_of)
    assert (view.title, view.federation, view.as_of) == ("Programme test", "Fédération test", as_of)
    assert view.workers == (
        WorkerLinks(
            "fatima-b", "Fatima B.", "ai-est", "salaries/fatima-b-dossier.pdf", None, False
        ),
        WorkerLinks("gone", "gone", "", None, None, True),
    )
    assert view.bodies == (
        BodyLink("ofa", "Organisme de formation A", "organismes/couverture-ofa.pdf"),
        BodyLink("ofz", "ofz", None),
    )
    assert view.report == "programme/bilan.pdf"
    assert view.failed == (
        ("organismes/couverture-ofz.pdf", "panne"),
        ("salaries/gone-dossier.pdf", "erreur"),
    )


def test_index_lists_the_workers_left_out_for_lack_of_consent_by_id_only(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    jobs = [Job("programme/bilan.pdf", "report", "programme", "")]
    withheld = {"w-10": "consentement non donné (given: false)", "w-9": "aucun consentement"}
    view = index_view(render_workspace, people(render_workspace), jobs, set(), {}, as_of, withheld)
    assert [worker for worker, _ in view.withheld] == ["w-9", "w-10"]
    assert view.withheld[1][1] == (
        "consentement non donné (given: false) ; une fois son consentement recueilli, "
        "inscrivez-le dans workers/w-10.yaml : consent: {given: true, date: AAAA-MM-JJ}"
    )
    assert view.workers == ()
