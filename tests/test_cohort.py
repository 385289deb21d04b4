"""Streaming per-worker stages (portfolio/cohort.py) and the commands built on them."""

from __future__ import annotations

import datetime as dt
import json

from support import VALID_CATALOG, VALID_WORKER
from typer.testing import CliRunner

from portfolio.cli import app
from portfolio.cohort import issues_only, map_workers

AS_OF = dt.date(2003, 6, 30)


def workspace_with(make_workspace, count: int, broken: set[int] = frozenset()):
    files = {"catalog/ofa.yaml": VALID_CATALOG}
    for n in range(count):
        text = VALID_WORKER.replace("w-0042", f"w-{n:04d}")
        if n in broken:
            text = text.replace("hours: 64", "hours: [64")
        files[f"workers/w-{n:04d}.yaml"] = text
    return make_workspace(files)


def test_parallel_results_come_back_in_file_order(make_workspace):
    root = workspace_with(make_workspace, 7, broken={2, 5})
    serial = list(map_workers(root, AS_OF, issues_only, jobs=1))
    parallel = list(map_workers(root, AS_OF, issues_only, jobs=2))
    assert [[i.render() for i in found] for found in serial] == [
        [i.render() for i in found] for found in parallel
    ]
    broken_files = [found[0].location.path for found in parallel if found]
    assert broken_files == ["workers/w-0002.yaml", "workers/w-0005.yaml"]


def test_check_reports_every_broken_worker_in_one_run(make_workspace):
    root = workspace_with(make_workspace, 4, broken={0, 3})
    result = CliRunner().invoke(app, ["check", "-w", str(root), "--as-of", "2003-06-30"])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if ": erreur: " in line]
    assert [line.split(":")[0] for line in lines] == ["workers/w-0000.yaml", "workers/w-0003.yaml"]


def test_assess_all_skips_a_broken_worker_and_says_so(make_workspace):
    root = workspace_with(make_workspace, 3, broken={1})
    result = CliRunner().invoke(
        app, ["assess", "--all", "--json", "-w", str(root), "--as-of", "2003-06-30"]
    )
    assert result.exit_code == 1
    workers = [json.loads(line)["worker"] for line in result.stdout.splitlines()]
    assert workers == ["w-0000", "w-0002"]
    assert "workers/w-0001.yaml" in result.stderr
    assert "1 salarié non évalué car son fichier contient" in result.stderr


def test_assess_one_worker_ignores_another_workers_broken_file(make_workspace):
    root = workspace_with(make_workspace, 2, broken={1})
    result = CliRunner().invoke(
        app, ["assess", "w-0000", "--json", "-w", str(root), "--as-of", "2003-06-30"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["worker"] == "w-0000"
