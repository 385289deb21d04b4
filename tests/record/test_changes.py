"""Judging an updated worker file by the rules of `portfolio check` (record/changes.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_yamltext import WORKER

from portfolio.load import load_workspace
from portfolio.record.changes import added_lines, check_updated_worker, parse_worker_text
from portfolio.record.entries import placement_entry
from portfolio.record.yamltext import append_entry

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
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1]}
"""


@pytest.fixture
def workspace(make_workspace):
    root = make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-0042.yaml": WORKER,
        }
    )
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws


def test_updated_worker_with_end_before_start_is_refused(workspace) -> None:
    entry = placement_entry(
        ident="p2",
        client="X",
        client_kind="particulier",
        start=dt.date(2003, 2, 1),
        end=dt.date(2003, 1, 1),
        hours=3,
    )
    verdict = check_updated_worker(
        workspace, "w-0042", append_entry(WORKER, "placements", entry), TODAY
    )
    assert not verdict.accepted
    assert [i.code for i in verdict.errors] == ["end-before-start"]


def test_only_warnings_brought_by_the_change_are_reported(workspace) -> None:
    entry = placement_entry(
        ident="p2",
        client="X",
        client_kind="particulier",
        start=dt.date(2003, 2, 1),
        end=dt.date(2003, 2, 1),
        hours=3,
        tasks=["tricot"],
    )
    verdict = check_updated_worker(
        workspace, "w-0042", append_entry(WORKER, "placements", entry), TODAY
    )
    assert verdict.accepted
    # The worker already had too little training (0 h for 64 h): that warning is not repeated.
    assert [i.code for i in verdict.new_warnings] == ["unresolved-task"]


def test_the_text_is_read_as_the_file_it_will_become() -> None:
    worker, _, issues = parse_worker_text("id: w-1\nid: w-2\n", "w-1")
    assert worker is None
    duplicate = next(i for i in issues if i.code == "duplicate-key")
    assert duplicate.location == ("workers/w-1.yaml", 2, 1)


def test_added_lines_are_the_new_lines_only() -> None:
    assert added_lines("a\nb\n", "a\nx\nb\ny\n") == ["x", "y"]
