"""One diagnostic type for every stage, printed one way (SPEC §8).

Stages never raise for a user's mistake: they return `Issue` values that the CLI sorts and prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "erreur"
    WARNING = "avertissement"


class Location(NamedTuple):
    """A place in a workspace file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0


class Issue(NamedTuple):
    location: Location
    severity: Severity
    code: str
    message: str
    hidden: int = 0
    """For the error that stands for issues not listed (`more_issues`): how many."""

    def render(self) -> str:
        """One line, always: a value quoted from a file may hold a line break or a control
        character, shown escaped (\\n) so that scripts reading `path:line:column:` stay right."""
        loc = self.location
        where = loc.path if loc.line == 0 else f"{loc.path}:{loc.line}:{loc.column}"
        return terminal_safe(f"{where}: {self.severity.value}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 controls (ESC starts the sequences that recolour, move the cursor or retitle the
window) and the line and paragraph separators: refused in stored text (SPEC §8,
`portfolio.checks`), escaped in every terminal output."""

_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""CONTROL_CHARACTERS, and the bidi embeddings, overrides and isolates that show a line
reversed: accepted in stored text (right-to-left names), escaped on a terminal."""


def terminal_safe(text: str) -> str:
    """A text as a terminal may print it: controls, line separators and bidi overrides shown
    escaped (ESC as \\x1b, a line break as \\n), so that a value read from a file or typed on
    the command line can neither drive the terminal nor split a `path:line:column:` line."""
    return _TERMINAL_UNSAFE.sub(lambda found: repr(found.group())[1:-1], text)


def error(location: Location, code: str, message: str) -> Issue:
    return Issue(location, Severity.ERROR, code, message)


def warning(location: Location, code: str, message: str) -> Issue:
    return Issue(location, Severity.WARNING, code, message)


def file_order(issue: Issue) -> tuple[str, int, int]:
    """File, then line, then column, so a user can walk through a file top to bottom."""
    return issue.location.path, issue.location.line, issue.location.column


def sort_issues(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=file_order)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)


ISSUES_PER_FILE = 50
"""Beyond this, a file's issues are counted, not listed: a file with 150,000 unknown keys
printed 150,000 lines in a minute, and the first ones are those to fix first anyway."""


def cap_per_file(issues: list[Issue], limit: int = ISSUES_PER_FILE) -> list[Issue]:
    """At most `limit` issues of each file, errors before warnings (a warning must not hide an
    error), listed in file order, then one issue counting the rest, placed where the first of
    them is: an error when an error is among them, else a warning (warnings alone never make
    `check` fail)."""
    by_file: dict[str, list[Issue]] = {}
    for issue in issues:
        by_file.setdefault(issue.location.path, []).append(issue)
    if all(len(found) <= limit and not any(i.hidden for i in found) for found in by_file.values()):
        return issues
    kept: list[Issue] = []
    for found in by_file.values():
        counted = sort_issues([i for i in found if i.hidden])
        listed = sort_issues([i for i in found if not i.hidden])
        ranked = [i for i in listed if i.is_error] + [i for i in listed if not i.is_error]
        shown, rest = ranked[:limit], ranked[limit:]
        kept += sort_issues(shown)
        hidden = len(rest) + sum(i.hidden for i in counted)
        if hidden:
            where = sort_issues(rest or counted)[0].location
            severe = any(i.is_error for i in (*rest, *counted))
            kept.append(more_issues(where, hidden, limit, error=severe))
    return kept


def more_issues(location: Location, count: int, limit: int, *, error: bool = True) -> Issue:
    """The one issue that stands for the `count` issues of a file not listed after the first
    `limit`; placed where the first of them is, so that it is printed after those listed."""
    grouped = f"{count:,}".replace(",", " ")
    if not error:
        return Issue(
            location,
            Severity.WARNING,
            "more-issues",
            f"avertissements de ce fichier non affichés : encore {grouped} (seuls les {limit} "
            "premiers sont montrés)",
            hidden=count,
        )
    return Issue(
        location,
        Severity.ERROR,
        "more-issues",
        f"problèmes de ce fichier non affichés : encore {grouped} ; corrigez d'abord les {limit} "
        "ci-dessus, puis relancez « portfolio check »",
        hidden=count,
    )


class PortfolioError(Exception):
    """Raised at the edges when a command cannot go on (no workspace, unknown worker…).

    The message is French and written for the user; a front end shows `issues` first (the
    located problems the message sums up), then the message, and the CLI exits with `exit_code`.
    """

    def __init__(
        self,
        message: str,
        exit_code: int = 1,
        issues: list[Issue] | None = None,
        details: Sequence[str] = (),
    ):
        super().__init__(message)
        self.exit_code = exit_code
        self.issues = sort_issues(issues or [])
        self.details = tuple(details)
        """Lines shown under the message, each on its own: commands to copy, one per system."""
