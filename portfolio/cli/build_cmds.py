"""`portfolio build`: every document of the federation, incremental and parallel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_line,
    stderr,
)
from portfolio.issues import terminal_safe
from portfolio.resources import DEFAULT_OUTPUT

if TYPE_CHECKING:
    from portfolio.build import BuildSummary


def run_build(
    workspace: Path,
    output: Path,
    as_of: dt.date | None,
    jobs: int | None,
    timeout: float,
    shard: str | None = None,
    scheduler: str | None = None,
) -> BuildSummary:
    """Build with a progress bar on stderr, so that stdout keeps only the summary."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    from portfolio.app.documents import build_documents

    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("Documents", total=None)

        def advance(output_path: str, done: int, total: int) -> None:
            bar.update(
                task,
                completed=done,
                total=total,
                description=(  # a markup column: escaped
                    escape(terminal_safe(f"Documents {output_path}")[:60])
                    if output_path
                    else "Documents"
                ),
            )

        return build_documents(
            workspace,
            output,
            as_of_or_today(as_of),
            jobs=jobs,
            timeout=timeout,
            progress=advance,
            shard=shard,
            scheduler=scheduler,
        )


def print_summary(summary: BuildSummary, output: Path) -> None:
    from portfolio.app.documents import build_report

    failures, withheld, closing = build_report(summary, output)
    for line in failures:
        print_line(terminal_safe(line), stderr, style="red")
    for line in withheld:
        print_line(terminal_safe(line), stderr, style="yellow")
    print_line(terminal_safe(closing))


def register(app: typer.Typer) -> None:
    @app.command(name="build", rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def build_command(
        workspace: WorkspaceOption = Path("."),
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="DOSSIER",
                help="Dossier des documents (par défaut DOSSIER_DE_TRAVAIL/documents).",
                show_default=False,
            ),
        ] = None,
        jobs: Annotated[
            int | None,
            typer.Option(
                "--jobs",
                "-j",
                min=1,
                metavar="N",
                help="Nombre de processus (par défaut : le nombre de cœurs).",
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        timeout: Annotated[
            int,
            typer.Option(
                "--timeout",
                min=1,
                metavar="SECONDES",
                help="Durée maximale par document, en secondes.",
            ),
        ] = 300,
        shard: Annotated[
            str | None,
            typer.Option(
                "--shard",
                metavar="K/N",
                help="Ne construire que la part K sur N des salariés (pour répartir une "
                "fédération sur N machines ; la part 1 fait aussi les couvertures et le "
                "rapport).",
                show_default=False,
            ),
        ] = None,
        scheduler: Annotated[
            str | None,
            typer.Option(
                "--scheduler",
                metavar="ADRESSE",
                help="Faire le rendu sur une grappe Dask (par exemple tcp://10.0.0.5:8786) ; "
                "demande « pip install 'vae-portfolio[dask]' ».",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Produire tous les documents : dossiers, portfolios, couvertures et bilan.

        Seuls les documents dont les données ont changé sont refaits.
        """
        target = output or workspace / DEFAULT_OUTPUT
        summary = run_build(workspace, target, as_of, jobs, float(timeout), shard, scheduler)
        print_summary(summary, target)
        raise typer.Exit(1 if summary.failed else 0)
