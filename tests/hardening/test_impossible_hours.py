"""Impossible hours are an error of `check` (SPEC §8; issue 13 item 6, check side).

A million-row timesheet made placements of about 20,000 h and `check` said nothing: more hours
than 24 per day of a placement's dates is now an error located on its hours.
"""

from __future__ import annotations

import pytest
from support import MINIMAL_WORKSPACE, MakeWorkspace, placement

WORKER = """\
id: w-1
first_name: Ana
last_name: B.
association: ai-est
consent: {given: true, date: 2002-09-20}
placements:
"""
HOURS_LINE = 11
"""The line of `hours:` in WORKER + placement(…)."""


def run_placement(make_workspace: MakeWorkspace, run_check, **fields: object):
    worker = WORKER + placement("[]", **fields)  # type: ignore[arg-type]
    return run_check(
        make_workspace({"workspace.yaml": MINIMAL_WORKSPACE, "workers/w-1.yaml": worker})
    )


@pytest.mark.parametrize(
    ("start", "end", "hours", "days"),
    [
        ("2002-10-01", "2002-10-01", 25, "1 jour"),
        ("2002-10-01", "2002-10-03", 72.5, "3 jours"),
        ("2002-09-01", "2003-08-31", 20_000, "365 jours"),
    ],
)
def test_more_than_24_hours_a_day_is_an_error_on_the_hours(
    make_workspace: MakeWorkspace, run_check, start: str, end: str, hours: float, days: str
) -> None:
    run = run_placement(make_workspace, run_check, start=start, end=end, hours=hours)
    assert run.exit_code == 1
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert [(i.path, i.line) for i in errors] == [("workers/w-1.yaml", HOURS_LINE)], run.output
    assert f"en {days}" in errors[0].message
    assert "plus de 24\u00a0h par jour" in errors[0].message


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [("2002-10-01", "2002-10-01", 24), ("2002-10-01", "2002-10-03", 72)],
)
def test_up_to_24_hours_a_day_is_accepted(
    make_workspace: MakeWorkspace, run_check, start: str, end: str, hours: float
) -> None:
    run = run_placement(make_workspace, run_check, start=start, end=end, hours=hours)
    assert [i for i in run.issues if i.severity == "erreur"] == []


def test_inverted_dates_are_one_error_not_two(make_workspace: MakeWorkspace, run_check) -> None:
    run = run_placement(
        make_workspace, run_check, start="2002-10-03", end="2002-10-01", hours=1_000
    )
    errors = [i for i in run.issues if i.severity == "erreur"]
    assert len(errors) == 1
    assert "avant son début" in errors[0].message
