"""SPEC §8 "same client", end to end: `check`, `log placement` and `import timesheet` all judge a
placement at « commune de gleize » that overlaps one at « Commune de Gleizé » as an overlap,
whatever case, accents, punctuation or client kind each is written with; its hours are not
counted twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from portfolio.cli import app

runner = CliRunner()

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
tasks:
  - {id: repassage, label: Repasser le linge, evidences: [b1.c1]}
"""

WORKER = """\
id: w-1
first_name: Kévin
last_name: T.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Commune de Gleizé, kind: collectivite}
    start: 2002-10-01
    end: 2002-10-31
    hours: 60
    tasks: [repassage]
"""


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"referentiels/tst.yaml": TST, "workers/w-1.yaml": WORKER})


def worker_text(root: Path) -> str:
    return (root / "workers" / "w-1.yaml").read_text(encoding="utf-8")


def log_placement(root: Path, client: str, kind: str, start: str, end: str):
    return runner.invoke(
        app,
        ["log", "placement", "w-1", "-w", str(root), "--client", client, "--client-kind", kind,
         "--start", start, "--end", end, "--hours", "10", "--task", "repassage"],
    )  # fmt: skip


def test_check_reports_the_overlap(root: Path, run_check) -> None:
    second = (
        "  - id: p2\n"
        "    client: {name: COMMUNE-DE-GLEIZE, kind: association}\n"
        "    start: 2002-10-14\n"
        "    end: 2002-10-18\n"
        "    hours: 10\n"
    )
    (root / "workers" / "w-1.yaml").write_text(WORKER + second, encoding="utf-8")
    run = run_check(root)
    assert run.exit_code == 1
    [issue] = [i for i in run.issues if i.severity == "erreur"]
    assert issue.message.startswith(
        "la mise à disposition « p2 » chevauche « p1 » chez le même client COMMUNE-DE-GLEIZE "
        "(écrit « Commune de Gleizé » dans « p1 »)"
    )


@pytest.mark.parametrize(
    ("client", "kind"),
    [("commune de gleize", "collectivite"), ("Commune de Gleize.", "association")],
)
def test_log_placement_refuses_the_overlap(root: Path, client: str, kind: str) -> None:
    result = log_placement(root, client, kind, "2002-10-14", "2002-10-18")
    assert result.exit_code == 1
    assert "chevauche « p1 »" in result.stderr
    assert worker_text(root) == WORKER


def test_log_placement_after_the_first_one_is_accepted(root: Path) -> None:
    result = log_placement(root, "commune de gleize", "collectivite", "2002-11-04", "2002-11-08")
    assert result.exit_code == 0, result.stderr
    assert "  - id: p2\n" in worker_text(root)


def test_import_timesheet_refuses_the_overlap(root: Path) -> None:
    sheet = root / "heures.csv"
    sheet.write_text(
        "salarié;client;type_client;date;heures;tâches\n"
        "w-1;commune de gleize;collectivite;15/10/2002;7;repassage\n"
        "w-1;Commune de Gleizé;collectivite;04/11/2002;7;repassage\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "timesheet", str(sheet), "-w", str(root)])
    assert result.exit_code == 1
    assert "ligne 2" in result.stderr
    assert "chevauche « p1 »" in result.stderr
    assert worker_text(root) == WORKER


def test_import_writes_a_known_client_as_the_worker_file_spells_it(root: Path) -> None:
    # No kind in the sheet: the known client's kind is taken, and its spelling kept.
    sheet = root / "heures.csv"
    sheet.write_text(
        "salarié;client;type_client;date;heures;tâches\n"
        "w-1;COMMUNE DE GLEIZE !;;04/11/2002;7;repassage\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "timesheet", str(sheet), "-w", str(root)])
    assert result.exit_code == 0, result.stderr
    assert "    client: {name: Commune de Gleizé, kind: collectivite}\n" in (
        worker_text(root).removeprefix(WORKER)
    )


def test_log_placement_knows_the_kind_of_a_client_written_another_way(root: Path) -> None:
    result = runner.invoke(
        app,
        ["log", "placement", "w-1", "-w", str(root), "--client", "Commune-de-Gleize",
         "--start", "2002-11-04", "--end", "2002-11-08", "--hours", "10"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "kind: collectivite}" in worker_text(root).removeprefix(WORKER)
