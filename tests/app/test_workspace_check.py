"""`check_issues`: every issue of a workspace in file order, the worker files' as they are
checked (issue 19: a federation's 300,000 warnings are never all held)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support import MINIMAL_WORKSPACE, VALID_CATALOG, VALID_WORKER, MakeWorkspace

import portfolio.app.workspace as app_workspace
from portfolio.app.workspace import check, check_issues
from portfolio.issues import file_order

AS_OF = dt.date(2003, 6, 30)


def warned_worker(ident: str) -> str:
    """A valid worker with a task that is in no référentiel: one warning."""
    return VALID_WORKER.replace("w-0042", ident).replace("- repassage", "- tricot")


def workspace(make_workspace: MakeWorkspace) -> Path:
    """Three warned workers, a misnamed file among them and an error in workspace.yaml, which
    sorts after the workers' folder."""
    return make_workspace(
        {
            "workspace.yaml": MINIMAL_WORKSPACE + "couleur: bleu\n",
            "catalog/ofa.yaml": VALID_CATALOG,
            "workers/w-1.yaml": warned_worker("w-1"),
            "workers/w-2.yaml": warned_worker("w-2"),
            "workers/w-2b.yml": warned_worker("w-2b"),
            "workers/w-3.yaml": warned_worker("w-3"),
        }
    )


def test_issues_come_in_file_order_with_the_shared_files_merged_in_place(
    make_workspace: MakeWorkspace,
) -> None:
    issues = check(workspace(make_workspace), AS_OF)
    paths = [issue.location.path for issue in issues]
    assert paths == [
        "workers/w-1.yaml",
        "workers/w-2.yaml",
        "workers/w-2b.yml",
        "workers/w-3.yaml",
        "workspace.yaml",
    ], [issue.render() for issue in issues]
    assert issues == sorted(issues, key=file_order)
    assert [i.code for i in issues] == [
        "unresolved-task",
        "unresolved-task",
        "ignored-file",
        "unresolved-task",
        "schema",
    ]


def test_a_worker_is_checked_only_when_its_issues_are_read(
    make_workspace: MakeWorkspace, monkeypatch
) -> None:
    root = workspace(make_workspace)
    checked: list[str] = []

    def recording(ws, stem, worker, issues, as_of):
        checked.append(stem)
        return issues

    monkeypatch.setattr(app_workspace, "issues_only", recording)
    issues = check_issues(root, AS_OF)
    assert checked == []
    first = next(issues)
    assert first.location.path == "workers/w-1.yaml"
    assert checked == ["w-1"]
    assert [i.location.path for i in issues][-1] == "workspace.yaml"
    assert checked == ["w-1", "w-2", "w-3"]
