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

from portfolio.issues import Issue, PortfolioError, has_errors, sort_issues
from portfolio.load import load_worker, load_workspace, worker_files
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker

F = TypeVar("F", bound=Callable[..., Any])

PANEL_WORKSPACE = "Espace de travail"
PANEL_ASSESS = "Évaluation et formation"
PANEL_DOCUMENTS = "Documents"
PANEL_RECORD = "Saisie sans éditer le YAML"
PANEL_PRIVACY = "Données personnelles"

# emoji=False: a value like « :smile: » read from a file is printed as written, not as 😄.
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
            message = f"[bold red]Erreur :[/] {escape(str(exc))}"
            stderr.print(message, markup=True, emoji=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_issues(issues: list[Issue], console: Console = stderr) -> None:
    for issue in sort_issues(issues):
        style = "red" if issue.is_error else "yellow"
        console.print(issue.render(), style=style, markup=False, emoji=False, soft_wrap=True)


def open_workspace(
    path: Path, *, strict: bool = True, workers: bool = True
) -> tuple[Workspace, list[Issue]]:
    """Load a workspace for a command that needs valid data.

    With `strict`, load errors (invalid files) stop the command with exit 1 after listing them,
    since documents built on half a workspace would be wrong without anyone noticing.
    """
    ws, issues = load_workspace(path, workers=workers)
    if strict and has_errors(issues):
        print_issues([i for i in issues if i.is_error])
        raise PortfolioError(
            "l'espace de travail contient des erreurs (ci-dessus) : corrigez-les, puis relancez "
            "(« portfolio check » les liste toutes)"
        )
    return ws, issues


def open_worker(path: Path, worker_id: str) -> tuple[Workspace, Worker]:
    """Load the shared files and one worker's file, for a command about that worker only.

    Another worker's broken file must not stop a counselor from printing this worker's dossier,
    and reading one file instead of thousands keeps the command quick.
    """
    ws, issues = load_workspace(path, workers=False)
    file = ws.root / "workers" / f"{worker_id}.yaml"
    if file.is_file():
        issues += load_worker(ws, file)[1]
    if has_errors(issues):
        print_issues([i for i in issues if i.is_error])
        raise PortfolioError(
            "les données nécessaires contiennent des erreurs (ci-dessus) : corrigez-les, puis "
            "relancez (« portfolio check » les liste toutes)"
        )
    if worker_id not in ws.workers:
        known = ", ".join(f.stem for f in worker_files(ws.root)[:8]) or "aucun"
        raise PortfolioError(
            f"salarié inconnu « {worker_id} » : le fichier workers/{worker_id}.yaml n'existe pas "
            f"(salariés connus : {known}…)",
            exit_code=1,
        )
    return ws, ws.workers[worker_id]


def find_worker(ws: Workspace, worker_id: str) -> Any:
    worker = ws.workers.get(worker_id)
    if worker is None:
        known = ", ".join(sorted(ws.workers)[:8]) or "aucun"
        raise PortfolioError(
            f"salarié inconnu « {worker_id} » : le fichier workers/{worker_id}.yaml n'existe pas "
            f"ou n'est pas valide (salariés connus : {known}…)",
            exit_code=1,
        )
    return worker


def is_terminal() -> bool:
    return sys.stdout.isatty()
