"""Printing issues as `check` streams them (portfolio.cli.common)."""

from __future__ import annotations

import io

from rich.console import Console

from portfolio.cli.common import PIPED_LINES, print_issue_stream
from portfolio.issues import Location, error, warning


def test_piped_issues_are_written_in_order_one_line_each_and_counted() -> None:
    count = 2 * PIPED_LINES + 7
    issues = (
        (error if n % 3 == 0 else warning)(Location(f"workers/w-{n:05d}.yaml", 1, 1), "x", "m\x1b")
        for n in range(count)
    )
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    errors, warnings = print_issue_stream(issues, console)
    lines = out.getvalue().splitlines()
    assert (errors, warnings) == (len(range(0, count, 3)), count - len(range(0, count, 3)))
    assert len(lines) == count
    assert lines[0].startswith("workers/w-00000.yaml:1:1:")
    assert lines[-1].startswith(f"workers/w-{count - 1:05d}.yaml:1:1:")
    assert "\x1b" not in out.getvalue()


def test_nothing_to_print_is_counted_as_nothing() -> None:
    out = io.StringIO()
    assert print_issue_stream(iter(()), Console(file=out, force_terminal=False)) == (0, 0)
    assert out.getvalue() == ""
