"""`portfolio plan` (SPEC §7, §9): readable view, --json, --budget and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_plan import TST
from typer.testing import CliRunner

from portfolio.cli import app

NBSP = "\u00a0"

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1, tst.b1.c2]}
  - {id: ofa.courses, title: Faire ses courses, axis: technique, hours: 7.5,
     competencies: [tst.b1.c3]}
"""

WORKER = """\
id: w-0001
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
"""

SPEC_KEYS = ["worker", "budget", "modules", "hours", "covers", "uncovered", "no_module"]

runner = CliRunner()


@pytest.fixture
def workspace(make_workspace) -> Path:
    return make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-0001.yaml": WORKER,
        }
    )


def plan(workspace: Path, *args: str):
    return runner.invoke(
        app,
        ["plan", "w-0001", *args, "-w", str(workspace), "--as-of", "2003-06-30"],
        env={"COLUMNS": "200"},
    )


def test_text_lists_modules_with_hours_body_and_covered_titles(workspace):
    result = plan(workspace, "--budget", "15")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Plan de formation de Fatima B. (w-0001) — au 30/06/2003" in out
    assert f"Budget : 15{NBSP}h ; plan : 12{NBSP}h pour 1 module, qui couvre 2 compétences" in out
    assert f"ofa.linge — Entretien du linge : 12{NBSP}h, Organisme de formation A" in out
    assert "tst.b1.c1 Repasser le linge" in out
    assert "tst.b1.c2 Laver les sols" in out
    assert "ofa.courses —" not in out


def test_text_says_what_stays_open_for_lack_of_budget(workspace):
    out = plan(workspace, "--budget", "15").stdout
    section = out.split("Reste ouvert faute de budget (1)")[1].split("À travailler")[0]
    assert f"tst.b1.c3 Faire les courses — modules : ofa.courses (7,5{NBSP}h)" in section


def test_text_lists_what_no_module_covers_to_work_on_at_work(workspace):
    out = plan(workspace).stdout
    section = out.split("À travailler en situation de travail")[1]
    assert "tst.b1.c4 Préparer un repas" in section
    assert "savoir-etre.relation.c1 Sens de la communication" in section
    assert "tst.b1.c3" not in section


def test_budget_accepts_a_decimal_comma(workspace):
    result = plan(workspace, "--budget", "19,5", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["budget"] == 19.5
    assert data["modules"] == ["ofa.courses", "ofa.linge"]


def test_json_has_exactly_the_spec_shape(workspace):
    result = plan(workspace, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == SPEC_KEYS
    assert data["worker"] == "w-0001"
    assert data["budget"] == 30.0  # training_budget_hours of workspace.yaml
    assert data["modules"] == ["ofa.courses", "ofa.linge"]
    assert data["hours"] == 19.5
    assert data["covers"] == ["tst.b1.c1", "tst.b1.c2", "tst.b1.c3"]
    assert "tst.b1.c4" in data["uncovered"] and "tst.b1.c4" in data["no_module"]
    assert data["uncovered"] == sorted(data["uncovered"])
    assert data["no_module"] == data["uncovered"]  # the budget leaves nothing else open


@pytest.mark.parametrize("budget", ["abc", "0", "-5", "nan"])
def test_budget_not_a_positive_number_is_a_usage_error(workspace, budget):
    result = plan(workspace, f"--budget={budget}")
    assert result.exit_code == 2
    assert "--budget" in result.stderr
    assert "nombre d'heures" in result.stderr


def test_unknown_worker_is_an_error(workspace):
    result = runner.invoke(app, ["plan", "w-9999", "-w", str(workspace)])
    assert result.exit_code == 1
    assert "salarié inconnu « w-9999 »" in result.stderr


def test_invalid_catalogue_stops_the_plan(make_workspace):
    broken = CATALOG.replace("hours: 12", "hours: -12")
    root = make_workspace(
        {"referentiels/tst.yaml": TST, "catalog/ofa.yaml": broken, "workers/w-0001.yaml": WORKER}
    )
    result = plan(root)
    assert result.exit_code == 1
    assert "catalog/ofa.yaml" in result.stderr


def test_text_says_when_no_module_fits_the_budget(workspace):
    result = plan(workspace, "--budget", "5")
    assert result.exit_code == 0, result.output
    assert f"Budget : 5{NBSP}h ; aucun module retenu pour les" in result.stdout
    assert f"Aucun module utile ne tient dans le budget de 5{NBSP}h." in result.stdout
    assert "Modules retenus" not in result.stdout


def test_text_shows_titles_as_written_without_markup(make_workspace):
    catalog = CATALOG.replace("Entretien du linge", '"[red]Linge[/red] et sols"')
    root = make_workspace(
        {"referentiels/tst.yaml": TST, "catalog/ofa.yaml": catalog, "workers/w-0001.yaml": WORKER}
    )
    result = plan(root)
    assert result.exit_code == 0, result.output
    assert f"ofa.linge — [red]Linge[/red] et sols : 12{NBSP}h" in result.stdout


@pytest.mark.parametrize(("typed", "shown"), [("20h", "20"), ("7,5", "7,5"), ("3h30", "3,5")])
def test_budget_is_read_as_people_write_hours(workspace, typed: str, shown: str):
    result = plan(workspace, "--budget", typed)
    assert result.exit_code == 0, result.output
    assert f"Budget : {shown}{NBSP}h ;" in result.stdout


def test_as_of_is_read_as_people_write_dates(workspace):
    result = runner.invoke(
        app, ["plan", "w-0001", "-w", str(workspace), "--as-of", "30/06/03", "--json"]
    )
    assert result.exit_code == 0, result.output
    iso = runner.invoke(
        app, ["plan", "w-0001", "-w", str(workspace), "--as-of", "2003-06-30", "--json"]
    )
    assert result.stdout == iso.stdout
