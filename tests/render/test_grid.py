"""`portfolio grid` (SPEC §9): the tutor's observation grid of one placement, read back."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from portfolio.cli import app
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace
from portfolio.model.workspace import Worker
from portfolio.render.grid import choose_placement, grid_view, observed_competencies

runner = CliRunner()

REFERENTIEL = """\
id: aide-test
title: Assistant de vie test
track: emplois-familiaux
certification: {kind: titre-professionnel}
blocks:
  - id: b1
    title: Entretenir le logement
    competencies:
      - {id: c1, title: Entretenir les sols, plain: Je sais nettoyer les sols}
      - {id: c2, title: Entretenir le linge, plain: Je sais repasser le linge}
  - id: b2
    title: Accompagner la personne
    competencies:
      - {id: c3, title: Aider à la toilette, plain: Je sais aider une personne à se laver}
tasks:
  - {id: sols, label: Laver les sols, evidences: [b1.c1]}
  - {id: repassage, label: Repasser le linge, evidences: [b1.c2]}
  - {id: toilette, label: Aider à la toilette, evidences: [b2.c3]}
"""

WORKER = """\
id: fatima-b
first_name: Fatima
last_name: B.
association: ai-est
counselor: Mme Martin
targets: [aide-test]
consent: {given: true, date: 2025-09-20}
placements:
  - id: p1
    client: {name: Résidence Les Tilleuls, kind: association}
    start: 2026-01-05
    end: 2026-02-27
    hours: 40
    tutor: M. Garnier
    tasks: [toilette, {task: repassage, hours: 10}, tricot]
  - id: p2
    client: {name: M. Petit, kind: particulier}
    start: 2026-03-02
    end: 2026-03-27
    hours: 20
    tasks: [sols]
  - id: p3
    client: {name: Mme Etienne, kind: particulier}
    start: 2026-02-01
    end: 2026-02-10
    hours: 8
    tasks: [tricot]
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("grid") / "ws"
    files = {
        "workspace.yaml": """\
            name: Programme test
            associations:
              - {id: ai-est, name: AI Lyon Est, counselors: [Mme Martin], phone: 04 65 71 20 14}
            """,
        "referentiels/aide-test.yaml": REFERENTIEL,
        "workers/fatima-b.yaml": WORKER,
    }
    for relative, text in files.items():
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def workspace(root: Path):
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws


@pytest.fixture(scope="module")
def grid_pdf(root: Path) -> PdfReader:
    output = root / "grille.pdf"
    result = runner.invoke(
        app, ["grid", "fatima-b", "--placement", "p1", "-o", str(output), "-w", str(root)]
    )
    assert result.exit_code == 0, result.stderr
    return PdfReader(output)


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_grid_lists_the_plain_wordings_of_what_the_placement_tasks_evidence(grid_pdf) -> None:
    text = text_of(grid_pdf)
    assert "Je sais repasser le linge" in text
    assert "Je sais aider une personne à se laver" in text
    # p1 has no floor cleaning: that competency is not on its grid.
    assert "Je sais nettoyer les sols" not in text


def test_grid_offers_the_four_levels_to_tick(grid_pdf) -> None:
    text = text_of(grid_pdf)
    for level in ("1 découverte", "2 avec aide", "3 autonome", "4 maîtrise"):
        assert level in text


def test_grid_ends_with_the_tutor_name_date_and_signature(grid_pdf) -> None:
    text = text_of(grid_pdf)
    assert "Tuteur ou tutrice" in text and "M. Garnier" in text
    assert "Date" in text and "Signature" in text
    assert "Remettez ensuite la grille à Mme Martin, AI Lyon Est (04 65 71 20 14)" in text


def test_grid_footer_prints_the_whole_command_that_records_it(grid_pdf) -> None:
    """The counselor types it from the paper: cut at 90 characters, it was useless."""
    text = text_of(grid_pdf)
    assert "« portfolio log observation fatima-b --placement p1 --role tuteur »" in text


def test_grid_metadata_names_the_worker_and_the_placement(grid_pdf) -> None:
    assert grid_pdf.metadata.title == (
        "Grille d'observation — Fatima B. — Résidence Les Tilleuls (p1)"
    )
    assert grid_pdf.metadata.author == "AI Lyon Est"
    assert len(grid_pdf.pages) == 1


def test_competencies_follow_the_referentiel_order_with_the_tasks_showing_them(
    workspace,
) -> None:
    worker = workspace.workers["fatima-b"]
    assert observed_competencies(workspace, worker, worker.placements[0]) == {
        "aide-test.b1.c2": ["Repasser le linge"],
        "aide-test.b2.c3": ["Aider à la toilette"],
    }


def test_rows_are_grouped_by_block(workspace) -> None:
    worker = workspace.workers["fatima-b"]
    view = grid_view(workspace, worker, worker.placements[0], dt.date(2026, 3, 1))
    assert [(g.title, [r.competency for r in g.rows]) for g in view.groups] == [
        ("Assistant de vie test — Entretenir le logement", ["aide-test.b1.c2"]),
        ("Assistant de vie test — Accompagner la personne", ["aide-test.b2.c3"]),
    ]


def test_default_placement_is_the_latest_started_by_the_date(workspace) -> None:
    worker = workspace.workers["fatima-b"]
    assert choose_placement(worker, None, dt.date(2026, 6, 30)).id == "p2"
    assert choose_placement(worker, None, dt.date(2026, 2, 15)).id == "p3"
    # Before any placement started, the latest one is still the one to prepare.
    assert choose_placement(worker, None, dt.date(2025, 12, 1)).id == "p2"


def test_a_placement_without_known_tasks_has_no_grid(workspace) -> None:
    worker = workspace.workers["fatima-b"]
    with pytest.raises(PortfolioError, match=r"aucune tâche .* n'est reconnue"):
        grid_view(workspace, worker, worker.placements[2], dt.date(2026, 3, 1))


def test_an_unknown_placement_is_invalid_data_like_an_unknown_worker(root, tmp_path) -> None:
    output = tmp_path / "grille.pdf"
    result = runner.invoke(
        app, ["grid", "fatima-b", "--placement", "p9", "-o", str(output), "-w", str(root)]
    )
    assert result.exit_code == 1
    assert (
        "Erreur : mise à disposition inconnue « p9 » pour fatima-b (workers/fatima-b.yaml) : "
        "ses mises à disposition : p1, p2, p3"
    ) in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert not output.exists()


def test_a_mistyped_placement_gets_the_closest_ids() -> None:
    worker = Worker.model_validate(yaml.safe_load(WORKER))
    with pytest.raises(PortfolioError, match="vouliez-vous dire p1 ") as raised:
        choose_placement(worker, "P1", dt.date(2026, 3, 1))
    assert raised.value.exit_code == 1


def test_html_grid_is_a_standalone_page_made_without_weasyprint(root, tmp_path) -> None:
    output = tmp_path / "grille.html"
    result = runner.invoke(
        app, ["grid", "fatima-b", "--placement", "p1", "--format", "html", "-o", str(output),
              "-w", str(root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "Je sais repasser le linge" in html
