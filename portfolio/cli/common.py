"""Options and helpers shared by every command."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from portfolio.issues import Issue, PortfolioError, sort_issues, terminal_safe

F = TypeVar("F", bound=Callable[..., Any])

PANEL_WORKSPACE = "Espace de travail"
PANEL_ASSESS = "Évaluation et formation"
PANEL_DOCUMENTS = "Documents"
PANEL_RECORD = "Saisie sans éditer le YAML"
PANEL_PRIVACY = "Données personnelles"

# emoji=False: a value like « :smile: » read from a file is printed as written, not as 😄.
# Every text that comes from a file or the command line goes through `terminal_safe`
# (portfolio.issues) before it is printed: an ESC sequence would otherwise drive the terminal.
stdout = Console(highlight=False, emoji=False)
stderr = Console(stderr=True, highlight=False, emoji=False)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"« {value} » n'est pas une date : écrivez AAAA-MM-JJ, par exemple 2003-06-30"
        ) from exc


WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar="PORTFOLIO_WORKSPACE",
        help="Dossier de l'espace de travail (sinon $PORTFOLIO_WORKSPACE, sinon le dossier "
        "courant).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        help="Date d'évaluation AAAA-MM-JJ (par défaut aujourd'hui) : seuls les faits datés de "
        "ce jour ou avant comptent.",
        parser=_parse_date,
        metavar="DATE",
        show_default=False,
    ),
]


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


def friendly_errors(func: F) -> F:
    """Turn a `PortfolioError` into a French message on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PortfolioError as exc:
            print_issues(exc.issues)
            message = f"[bold red]Erreur :[/] {escape(terminal_safe(str(exc)))}"
            stderr.print(message, markup=True, emoji=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_issues(issues: list[Issue], console: Console = stderr) -> None:
    """Issues in file order, one line each (`Issue.render` makes them terminal-safe)."""
    for issue in sort_issues(issues):
        style = "red" if issue.is_error else "yellow"
        console.print(issue.render(), style=style, markup=False, emoji=False, soft_wrap=True)


def print_warnings(warnings: list[str]) -> None:
    """A worker's warnings, already rendered, after the result they qualify."""
    for message in warnings:
        stderr.print(terminal_safe(message), style="yellow", markup=False, soft_wrap=True)


def is_terminal() -> bool:
    return sys.stdout.isatty()
