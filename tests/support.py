"""Shared test data and helpers: small workspaces written inline, as the tests read best that way.

A module of its own (not conftest.py) so that tests can import it by name.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

MINIMAL_WORKSPACE = """\
name: Programme test
federation: Fédération test
associations:
  - {id: ai-est, name: AI Lyon Est, counselors: [Mme Martin]}
settings:
  training_budget_hours: 30
  training_ratio: [0.10, 0.20]
  programme_target_hours: 7200
  period: {start: 2002-09-01, end: 2003-08-31}
"""

# A valid worker, catalogue and local référentiel that pass `portfolio check` at 2003-06-30 with
# no issue (8 h of training for 64 h of work is inside the 10-20 % band). Tests break them one
# fault at a time; their line numbers are used by hand in the assertions, so keep them stable.
VALID_WORKER = """\
id: w-0042
first_name: Fatima
last_name: B.
association: ai-est
targets: [advf]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}
    start: 2002-10-01
    end: 2002-12-20
    hours: 64
    tasks:
      - repassage
      - {task: sols, hours: 20}
trainings:
  - {module: ofa.linge, start: 2003-01-10, end: 2003-01-24, hours: 8, result: acquis}
"""

VALID_CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [advf.ccp1.c3]}
"""

VALID_REFERENTIEL = """\
id: menage
title: Ménage local
track: entretien-nettoyage
certification: {kind: cqp, rncp: RNCP1234}
rome: [K2204]
defaults: {min_hours: 10, observation: true}
blocks:
  - id: b1
    title: Nettoyer
    competencies:
      - {id: c1, title: Nettoyer les sols, plain: Je sais laver les sols}
      - {id: c2, title: Nettoyer les vitres, plain: Je sais laver les vitres}
tasks:
  - {id: lavage-sols, label: Laver les sols, evidences: [b1.c1]}
  - {id: lavage-vitres, label: Laver les vitres, evidences: [b1.c2]}
"""

MakeWorkspace = Callable[[dict[str, str]], Path]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `{relative path: text}` under root; texts are dedented so tests can indent them."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


ISSUE_LINE = re.compile(
    r"^(?P<path>.+?)(?::(?P<line>\d+):(?P<column>\d+))?: "
    r"(?P<severity>erreur|avertissement): (?P<message>.*)$"
)


class Reported(NamedTuple):
    """One line printed by `portfolio check` (SPEC §8: path:line:column: severity: text)."""

    path: str
    line: int
    column: int
    severity: str
    message: str


@dataclass
class CheckRun:
    exit_code: int
    output: str
    issues: list[Reported]


def run_check_cli(root: Path, *args: str, as_of: str = "2003-06-30") -> CheckRun:
    """Run `portfolio check` in-process and parse what it prints; a traceback always fails."""
    from typer.testing import CliRunner

    from portfolio.cli import app

    result = CliRunner().invoke(app, ["check", "-w", str(root), "--as-of", as_of, *args])
    output = result.output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    issues = []
    for text in output.splitlines():
        found = ISSUE_LINE.match(text)
        if found:
            issues.append(
                Reported(
                    found["path"],
                    int(found["line"] or 0),
                    int(found["column"] or 0),
                    found["severity"],
                    found["message"],
                )
            )
    return CheckRun(result.exit_code, output, issues)


def placement(
    tasks: str,
    *,
    ident: str = "p1",
    hours: float = 60,
    start: str = "2002-10-01",
    end: str = "2002-12-20",
    client: str = "Mme D.",
) -> str:
    """One placement at a private household, as a YAML list item of `placements:`."""
    return f"""\
  - id: {ident}
    client: {{name: {client}, kind: particulier}}
    start: {start}
    end: {end}
    hours: {hours}
    tasks: {tasks}
"""
