"""`portfolio build`: every document of the federation, incremental and parallel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from portfolio.build import BuildSummary, build
from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    stderr,
    stdout,
)


def run_build(
    workspace: Path, output: Path, as_of, jobs: int | None, timeout: float
) -> BuildSummary:
    """Build with a progress bar on stderr, so that stdout keeps only the summary."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("Documents", total=None)

        def advance(output_path: str, done: int, total: int) -> None:
            bar.update(
                task,
                completed=done,
                total=total,
                description=f"Documents {output_path}"[:60] if output_path else "Documents",
            )

        return build(
            workspace, output, as_of_or_today(as_of), jobs=jobs, timeout=timeout, progress=advance
        )


def print_summary(summary: BuildSummary, output: Path) -> None:
    for document, reason in sorted(summary.failed.items()):
        stderr.print(f"[red]échec[/] {escape(document)} : {escape(reason)}", soft_wrap=True)
    stdout.print(
        f"{len(summary.rendered)} produit(s), {len(summary.reused)} réutilisé(s), "
        f"{len(summary.failed)} en échec"
        + (f", {len(summary.removed)} supprimé(s)" if summary.removed else "")
        + f", en {summary.seconds:.1f} s. Index : {output / 'index.html'}",
        soft_wrap=True,
    )


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
                help="Nombre de processus (par défaut : le nombre de cœurs).",
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        timeout: Annotated[
            float,
            typer.Option("--timeout", min=1, help="Durée maximale par document, en secondes."),
        ] = 300.0,
    ) -> None:
        """Produire tous les documents : dossiers, portfolios, couvertures et bilan.

        Seuls les documents dont les données ont changé sont refaits.
        """
        target = output or workspace / "documents"
        summary = run_build(workspace, target, as_of, jobs, timeout)
        print_summary(summary, target)
        raise typer.Exit(1 if summary.failed else 0)
