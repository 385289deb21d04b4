"""One diagnostic type for every stage, printed one way (SPEC §8).

Stages never raise for a user's mistake: they return `Issue` values that the CLI sorts and prints.
"""

from __future__ import annotations

import unicodedata
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

    def render(self) -> str:
        """One line, always: a value quoted from a file may hold a line break or a control
        character, shown escaped (\\n) so that scripts reading `path:line:column:` stay right."""
        loc = self.location
        where = loc.path if loc.line == 0 else f"{loc.path}:{loc.line}:{loc.column}"
        return _one_line(f"{where}: {self.severity.value}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _one_line(text: str) -> str:
    """Escape control characters, line separators and bidi overrides, which could split the
    line or show it reversed on a terminal."""
    if text.isprintable():
        return text
    return "".join(
        repr(char)[1:-1]
        if char in _BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Zl", "Zp"}
        else char
        for char in text
    )


def error(location: Location, code: str, message: str) -> Issue:
    return Issue(location, Severity.ERROR, code, message)


def warning(location: Location, code: str, message: str) -> Issue:
    return Issue(location, Severity.WARNING, code, message)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Sort by file, then line, then column, so a user can walk through a file top to bottom."""
    return sorted(issues, key=lambda i: (i.location.path, i.location.line, i.location.column))


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)


class PortfolioError(Exception):
    """Raised at the edges when a command cannot go on (no workspace, unknown worker…).

    The message is French and written for the user; a front end shows `issues` first (the
    located problems the message sums up), then the message, and the CLI exits with `exit_code`.
    """

    def __init__(self, message: str, exit_code: int = 1, issues: list[Issue] | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.issues = sort_issues(issues or [])
