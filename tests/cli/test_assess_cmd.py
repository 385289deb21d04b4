"""`portfolio assess` (SPEC §9): table view, --json, --all JSON Lines, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from portfolio.cli import app, engine_cmds

NBSP = "\u00a0"

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
defaults: {min_hours: 30, observation: true}
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
id: {id}
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {{given: true, date: 2002-09-20}}
placements:
  - id: p1
    client: {{name: Mme D., kind: particulier}}
    start: 2002-10-01
    end: 2002-12-20
    hours: 64
    tasks: [{{task: repassage, hours: 32}}, lessive, tonte des haies]
observations:
  - {{date: 2002-12-20, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3,
     placement: p1}}
trainings:
  - {{module: ofa.linge, start: 2003-01-10, end: 2003-01-24, hours: 12, result: acquis}}
"""

runner = CliRunner()


@pytest.fixture
def workspace(make_workspace) -> Path:
    return make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-2.yaml": WORKER.format(id="w-2"),
            "workers/w-1.yaml": WORKER.format(id="w-1"),
        }
    )


def assess(workspace: Path, *args: str):
    return runner.invoke(app, ["assess", *args, "-w", str(workspace), "--as-of", "2003-06-30"])


def test_table_shows_statuses_in_french_with_hours_level_and_main_evidence(workspace, monkeypatch):
    # A wide console, whatever the terminal running the tests, so that each row fits one line.
    monkeypatch.setattr(engine_cmds, "stdout", Console(width=200, highlight=False))
    result = assess(workspace, "w-1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    c1 = next(line for line in lines if "c1 Repasser le linge" in line)
    assert "acquise" in c1
    assert f"32{NBSP}h" in c1
    assert f"12{NBSP}h" in c1
    assert f"p1 : 32{NBSP}h (repassage) ; formation ofa.linge acquis ; tuteur niv.{NBSP}3" in c1
    c2 = next(line for line in lines if "c2 Laver le linge" in line)
    assert "en cours" in c2
    assert f"16{NBSP}h" in c2
    assert "tst.b1 — Entretenir le linge : non présentable (1/2 compétences acquises)" in (
        result.stdout
    )
    assert "Fatima B. (w-1)" in result.stdout
    assert "tonte des haies" in result.stderr


def test_json_prints_the_spec_shape_with_warnings(workspace):
    result = assess(workspace, "w-1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["worker", "as_of", "referentiels", "warnings"]
    assert (data["worker"], data["as_of"]) == ("w-1", "2003-06-30")
    assert [r["id"] for r in data["referentiels"]] == ["numerique", "savoir-etre", "tst"]
    c1 = data["referentiels"][2]["blocks"][0]["competencies"][0]
    assert c1 == {
        "id": "tst.b1.c1",
        "status": "acquise",
        "work_hours": 32.0,
        "training_hours": 12.0,
        "level": 3,
        "evidence": [
            {"kind": "placement", "ref": "p1", "task": "tst.repassage", "hours": 32.0},
            {
                "kind": "observation",
                "ref": "p1",
                "by": "Mme D.",
                "role": "tuteur",
                "level": 3,
                "date": "2002-12-20",
            },
            {
                "kind": "training",
                "ref": "ofa.linge",
                "hours": 12.0,
                "result": "acquis",
                "date": "2003-01-24",
            },
        ],
    }
    (warning,) = data["warnings"]
    assert warning.startswith("workers/w-1.yaml:13:")
    assert "avertissement: tâche « tonte des haies » non reconnue" in warning


def test_all_json_prints_one_object_per_worker_sorted_by_id(workspace):
    result = assess(workspace, "--all", "--json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [json.loads(line)["worker"] for line in lines] == ["w-1", "w-2"]


def test_all_prints_a_summary_table(workspace):
    result = assess(workspace, "--all")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "tst" in line]
    assert len(rows) == 2
    assert all("0/1" in row and "1/2" in row for row in rows)


def test_unknown_worker_exits_1_with_a_message(workspace):
    result = assess(workspace, "w-9")
    assert result.exit_code == 1
    assert "salarié inconnu « w-9 »" in result.stderr


def test_worker_and_all_together_are_a_usage_error(workspace):
    assert assess(workspace, "w-1", "--all").exit_code == 2
    assert assess(workspace).exit_code == 2


def test_workspace_with_errors_is_refused(make_workspace):
    root = make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "workers/w-1.yaml": WORKER.format(id="w-1").replace("hours: 64", "hours: douze"),
        }
    )
    result = assess(root, "w-1", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "workers/w-1.yaml" in result.stderr


def test_worker_whose_checks_find_errors_is_refused(workspace):
    # Unknown module: a check error (SPEC §8), not a load error.
    (workspace / "workers/w-1.yaml").write_text(
        WORKER.format(id="w-1").replace("module: ofa.linge", "module: ofa.inconnu"),
        encoding="utf-8",
    )
    result = assess(workspace, "w-1")
    assert result.exit_code == 1
    assert "module inconnu « ofa.inconnu »" in result.stderr


def test_table_shows_user_text_literally_not_as_markup(workspace, monkeypatch):
    monkeypatch.setattr(engine_cmds, "stdout", Console(width=200, highlight=False))
    tst = (workspace / "referentiels/tst.yaml").read_text(encoding="utf-8")
    (workspace / "referentiels/tst.yaml").write_text(
        tst.replace("title: Repasser le linge,", 'title: "Repasser [/] le [bold]linge",'),
        encoding="utf-8",
    )
    result = assess(workspace, "w-1")
    assert result.exit_code == 0, result.output
    assert "c1 Repasser [/] le [bold]linge" in result.stdout
