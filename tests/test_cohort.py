"""Streaming per-worker stages (portfolio/cohort.py) and the commands built on them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_WORKER
from typer.testing import CliRunner

from portfolio import cohort
from portfolio.assess import assess
from portfolio.checks import check_worker
from portfolio.cli import app
from portfolio.cohort import assessed_json, assessed_summary, issues_only, map_workers, summary_rows
from portfolio.issues import sort_issues
from portfolio.load import load_workspace, worker_files

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate

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


def touched(ws, stem, worker, issues, as_of) -> str:
    """A stage that leaves a trace of each worker it was given, in the workspace."""
    (ws.root / "touched").mkdir(exist_ok=True)
    (ws.root / "touched" / stem).touch()
    return stem


def test_a_stream_stopped_early_leaves_the_other_workers_alone(make_workspace, monkeypatch):
    """`assess --all --json | head -1` must not go on through a federation it no longer writes:
    only a few chunks are ever sent ahead, and those not started are cancelled."""
    root = workspace_with(make_workspace, 60)
    monkeypatch.setattr(cohort, "CHUNK", 2)
    stream = map_workers(root, AS_OF, touched, jobs=2)
    assert next(stream) == "w-0000"
    stream.close()
    sent = (2 * cohort.AHEAD + 1) * cohort.CHUNK  # and the first chunk's results were taken
    assert 2 <= len(list((root / "touched").iterdir())) <= sent < 60


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


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 generated workers (typos, unknown tasks, warnings of every kind), three of them with
    errors: a YAML syntax error, an unknown field, an overlap."""
    root = tmp_path_factory.mktemp("cohort") / "federation"
    generate(root, 120, 19)
    files = worker_files(root)
    files[3].write_text("id: [unclosed\n" + files[3].read_text(), encoding="utf-8")
    files[40].write_text(files[40].read_text(encoding="utf-8") + "unknown: 1\n", encoding="utf-8")
    text = files[77].read_text(encoding="utf-8")
    files[77].write_text(text.replace("id: p2", "id: p1", 1), encoding="utf-8")
    return root


def test_each_streamed_worker_is_what_its_own_request_computes(federation: Path) -> None:
    """The streamed results, computed with what earlier workers left in each process (resolved
    entries, suggestions, vocabularies, the shared statuses of competencies without evidence)
    and sent back by the pool, are, byte for byte, those of each worker checked and assessed in
    a workspace of its own."""
    ws, load_issues = load_workspace(federation)
    checked = list(map_workers(federation, AS_OF, issues_only, jobs=2))
    as_json = list(map_workers(federation, AS_OF, assessed_json, jobs=2))
    in_summary = list(map_workers(federation, AS_OF, assessed_summary, jobs=1))
    refused = []
    for file, found, line, rows in zip(
        worker_files(federation), checked, as_json, in_summary, strict=True
    ):
        stem = file.stem
        own = dataclasses.replace(ws, derived={})  # nothing computed for another worker
        expected = [i for i in load_issues if i.location.path == f"workers/{file.name}"]
        if stem in ws.workers:
            expected += check_worker(own, stem, ws.workers[stem], AS_OF)
        assert found == sort_issues(expected)
        assert line.refused == rows.refused == any(i.is_error for i in expected)
        if line.refused:
            refused.append(stem)
            assert line.issues == rows.issues == found
            continue
        warnings = [i.render() for i in found]
        assessment, _ = assess(own, ws.workers[stem], AS_OF, warnings)
        assert line.json_line == (assessment.model_dump_json() + "\n").encode()
        assert rows.summary == summary_rows(stem, assessment)
        assert line.warned == rows.warned == bool(warnings)
    assert refused == ["w-0004", "w-0041", "w-0078"]
