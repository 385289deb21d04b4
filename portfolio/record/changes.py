"""A change to a worker file: its text before and after, judged by `portfolio check` before it
is written (SPEC §8, §9).

A change is judged on the whole updated file, with every rule of `portfolio check`: an entry that
would make the file invalid is refused, and only the warnings the change brings are told.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from portfolio.checks import check_worker
from portfolio.issues import Issue
from portfolio.load import validate
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.yamlsource import SourceMap, parse_yaml_text


def worker_path(ws: Workspace, stem: str) -> Path:
    """A worker's file: its name is the worker id (SPEC §4)."""
    return ws.root / "workers" / f"{stem}.yaml"


def read_worker_text(ws: Workspace, stem: str) -> str:
    # Decoded as plain UTF-8, so that a byte-order mark stays in the text and is written back.
    return worker_path(ws, stem).read_bytes().decode("utf-8")


def added_lines(old: str, new: str) -> list[str]:
    """The lines a change adds, to show before it is written."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]


@dataclass(frozen=True)
class Verdict:
    """What `portfolio check` says of an updated worker file, split as the commands need it."""

    worker: Worker | None
    errors: list[Issue]
    """Errors of the updated file: when any, nothing may be written."""
    new_warnings: list[Issue]
    """Warnings the change brings (those the file already had are not repeated)."""

    @property
    def accepted(self) -> bool:
        return self.worker is not None and not self.errors


def parse_worker_text(text: str, stem: str) -> tuple[Worker | None, SourceMap, list[Issue]]:
    """Parse and validate a worker file's text exactly as `load_workspace` would read it."""
    data, source, issues = parse_yaml_text(text, f"workers/{stem}.yaml")
    if data is None:
        return None, source, issues
    worker, more = validate(Worker, data, source)
    return worker, source, issues + more


def current_issues(ws: Workspace, stem: str, as_of: dt.date) -> list[Issue]:
    """What `portfolio check` says of the worker file as it is (none when it does not load)."""
    worker = ws.workers.get(stem)
    return [] if worker is None else check_worker(ws, stem, worker, as_of)


def check_updated_worker(ws: Workspace, stem: str, text: str, as_of: dt.date) -> Verdict:
    """SPEC §8 rules on a worker file as it would be after the change, before writing it."""
    worker, source, issues = parse_worker_text(text, stem)
    if worker is None or any(i.is_error for i in issues):
        return Verdict(None, [i for i in issues if i.is_error], [])
    updated = dataclasses.replace(
        ws,
        workers={**ws.workers, stem: worker},
        sources={**ws.sources, ("worker", stem): source},
        broken=ws.broken - {("worker", stem)},
    )
    found = issues + check_worker(updated, stem, worker, as_of)
    before = current_issues(ws, stem, as_of)
    fresh = _new_warnings([i for i in found if not i.is_error], before)
    return Verdict(worker, [i for i in found if i.is_error], fresh)


def _new_warnings(after: list[Issue], before: list[Issue]) -> list[Issue]:
    """Warnings the file did not have. A warning whose figures changed (the training ratio once
    hours are added) is matched by its kind: it was already said."""
    exact = Counter((i.code, i.message) for i in before)
    unmatched = []
    for issue in after:
        if exact[(issue.code, issue.message)]:
            exact[(issue.code, issue.message)] -= 1
        else:
            unmatched.append(issue)
    by_code = Counter(code for (code, _), n in exact.items() for _ in range(n))
    fresh = []
    for issue in unmatched:
        if by_code[issue.code]:
            by_code[issue.code] -= 1
        else:
            fresh.append(issue)
    return fresh
