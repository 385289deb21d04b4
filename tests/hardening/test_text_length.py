"""Free text has a bounded length (issue 13 item 10; docs/formats.md « Longueur des textes »).

A 4.8 MB note made a 1,168-page portfolio in 255 s. `check` now reports, located on the text, a
name, title or sentence over 200 characters and a note or description over 2,000.
"""

from __future__ import annotations

import pytest
from support import MINIMAL_WORKSPACE, VALID_CATALOG, VALID_WORKER, MakeWorkspace


def with_note(note: str) -> str:
    return VALID_WORKER.replace("    hours: 64\n", f"    hours: 64\n    note: {note}\n")


@pytest.mark.parametrize(
    ("worker", "line", "field", "size", "limit"),
    [
        (with_note("x" * 2_001), 13, "note", "2 001", "2 000"),
        (with_note("x" * 4_800_000), 13, "note", "4 800 000", "2 000"),
        (VALID_WORKER.replace("Fatima", "F" * 201), 2, "first_name", "201", "200"),
        (VALID_WORKER.replace("Mme D.", "D" * 5_000), 9, "name", "5 000", "200"),
        (VALID_WORKER.replace("- repassage", "- " + "r" * 300), 14, "task", "300", "200"),
    ],
)
def test_a_text_over_its_limit_is_an_error_on_that_text(
    make_workspace: MakeWorkspace,
    run_check,
    worker: str,
    line: int,
    field: str,
    size: str,
    limit: str,
) -> None:
    root = make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    run = run_check(root)
    assert run.exit_code == 1
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert [(i.path, i.line) for i in errors] == [("workers/w-0042.yaml", line)], run.output
    assert f"« {field} » compte {size} caractères, plus que les {limit} permis" in (
        errors[0].message
    )


@pytest.mark.parametrize(
    "worker",
    [with_note("x" * 2_000), VALID_WORKER.replace("Fatima", "F" * 200)],
)
def test_a_text_at_its_limit_is_accepted(
    make_workspace: MakeWorkspace, run_check, worker: str
) -> None:
    root = make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    run = run_check(root)
    assert [i for i in run.issues if i.severity == "erreur"] == []


def test_shared_files_are_bounded_too(make_workspace: MakeWorkspace, run_check) -> None:
    workspace = MINIMAL_WORKSPACE.replace("AI Lyon Est", "A" * 201)
    catalog = VALID_CATALOG.replace(
        "axis: technique,", f"axis: technique, description: {'d' * 2_001},"
    )
    root = make_workspace({"workspace.yaml": workspace, "catalog/ofa.yaml": catalog})
    run = run_check(root)
    assert run.exit_code == 1
    assert [(i.path, i.line) for i in run.issues] == [
        ("catalog/ofa.yaml", 3),
        ("workspace.yaml", 4),
    ]
    assert "« description » compte 2 001 caractères" in run.issues[0].message
    assert "« name » compte 201 caractères" in run.issues[1].message
