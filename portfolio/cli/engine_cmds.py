"""`assess` (SPEC §6, §9): parse, call the application layer, lay out its result."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from portfolio.cli.common import (
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_issues,
    print_warnings,
    stderr,
    stdout,
)
from portfolio.issues import PortfolioError, terminal_safe

if TYPE_CHECKING:
    from portfolio.app.engine import BlockTable, WorkerAssessment
    from portfolio.cohort import SummaryRow

STATUS_STYLES = {"acquise": "bold green", "en-cours": "yellow", "a-acquerir": "red"}


def block_table(block: BlockTable) -> Table:
    """One block: a title with its verdict, then a row per competency. User text (titles, module
    ids) goes in as terminal-safe `Text`, never as rich markup."""
    verdict = (
        Text("présentable", style="bold green")
        if block.presentable
        else Text.assemble(("non présentable", "yellow"), block.progress)
    )
    table = Table(
        title=Text.assemble(
            (terminal_safe(block.block_id), "bold"), terminal_safe(block.title), verdict
        ),
        title_justify="left",
        expand=True,
    )
    table.add_column("Compétence", ratio=4)
    table.add_column("Statut", no_wrap=True)
    table.add_column("Travail", justify="right", no_wrap=True)
    table.add_column("Formation", justify="right", no_wrap=True)
    table.add_column("Niv.", justify="right", no_wrap=True)
    table.add_column("Preuves principales", ratio=5)
    for row in block.rows:
        table.add_row(
            Text(terminal_safe(row.label)),
            Text(row.status_word, style=STATUS_STYLES[row.status]),
            row.work_hours,
            row.training_hours,
            row.level,
            Text(terminal_safe(row.evidence)),
        )
    return table


def worker_view(result: WorkerAssessment) -> Group:
    """The table view of one worker: a heading, then one table per référentiel and block."""
    parts: list[Text | Table] = [
        Text.assemble((terminal_safe(result.title), "bold"), result.subtitle)
    ]
    for section in result.sections:
        parts.append(
            Text.assemble("\n", (terminal_safe(section.title), "bold underline"), section.summary)
        )
        parts += [block_table(block) for block in section.blocks]
    parts.append(Text(result.legend, style="dim"))
    return Group(*parts)


def summary_table(rows: Iterable[SummaryRow]) -> Table:
    """`assess --all`: one line per worker and référentiel."""
    table = Table(title="Évaluation de tous les salariés", title_justify="left")
    table.add_column("Salarié")
    table.add_column("Référentiel")
    table.add_column("Blocs présentables", justify="right")
    table.add_column("Compétences acquises", justify="right")
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell)) for cell in row))
    return table


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_ASSESS)
    @friendly_errors
    def assess(
        worker_id: Annotated[
            str | None,
            typer.Argument(
                metavar="SALARIÉ",
                help="Identifiant du salarié (nom de son fichier dans workers/, sans .yaml).",
                show_default=False,
            ),
        ] = None,
        all_workers: Annotated[
            bool, typer.Option("--all", help="Évaluer tous les salariés.")
        ] = False,
        as_of: AsOfOption = None,
        json_output: Annotated[
            bool,
            typer.Option(
                "--json",
                help="Sortie JSON (avec --all : une ligne JSON par salarié, JSON Lines).",
            ),
        ] = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Évaluer les compétences d'un salarié (ou de tous avec --all), preuves à l'appui."""
        if all_workers == (worker_id is not None):
            raise PortfolioError(
                "indiquez soit un salarié (portfolio assess w-0042), soit --all, mais pas les deux",
                exit_code=2,
            )
        from portfolio.app.engine import assess_everyone, assess_one, refused_error, warned_note

        day = as_of_or_today(as_of)
        if worker_id is not None:
            result = assess_one(workspace, worker_id, day)
            if json_output:
                sys.stdout.write(result.as_json() + "\n")
                return
            stdout.print(worker_view(result))
            print_warnings(result.warnings)
            return
        rows: list[SummaryRow] = []
        refused: list[str] = []
        warned = 0
        for outcome in assess_everyone(workspace, day):
            if outcome.json is None:
                print_issues([i for i in outcome.issues if i.is_error])
                refused.append(outcome.stem)
                continue
            warned += outcome.warned
            if json_output:
                sys.stdout.write(outcome.json + "\n")
            else:
                rows += outcome.summary
        if not json_output:
            stdout.print(summary_table(rows))
        if warned and not json_output:
            stderr.print(warned_note(warned))
        if refused:
            raise refused_error(refused)
