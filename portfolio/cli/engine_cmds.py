"""`assess` (SPEC §6, §9): parse, call the application layer, lay out its result."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

from portfolio.cli.common import (
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    hang,
    print_issues,
    print_line,
    print_warnings,
    stderr,
    stdout,
)
from portfolio.issues import PortfolioError, terminal_safe

if TYPE_CHECKING:
    from portfolio.app.engine import BlockTable, WorkerAssessment
    from portfolio.cohort import SummaryRow

STATUS_STYLES = {"acquise": "bold green", "en-cours": "yellow", "a-acquerir": "red"}


HEADERS = ("Compétence", "Statut", "Travail", "Formation", "Niv.", "Preuves principales")
COLUMN_GAP = 2
"""Between two columns: one cell of padding and the (blank) divider of `box.SIMPLE_HEAD`."""
LABEL_SHARE = 4 / 9
"""The competency's share of the room the two text columns get (the evidence has the rest)."""
MIN_TEXT_WIDTH = 12


def block_table(block: BlockTable, width: int) -> Table:
    """One block in `width` cells: a title with its verdict, then a row per competency. User
    text (titles, module ids) goes in as terminal-safe `Text`, never as Rich markup.

    The figures take the width they need; the competency and its evidence share the rest, and
    are wrapped here (`hang`) rather than by Rich, which would cut « 18 h » at its no-break space
    and start a line with « ; ». The evidence column is at least as wide as its longest module
    id (graindesel.positionnement), so that no id is split."""
    verdict = (
        Text("présentable", style="bold green")
        if block.presentable
        else Text.assemble(("non présentable", "yellow"), block.progress)
    )
    rows = [
        (
            Text(terminal_safe(row.label)),
            Text(row.status_word, style=STATUS_STYLES[row.status]),
            Text(row.work_hours),
            Text(row.training_hours),
            Text(row.level),
            Text(terminal_safe(row.evidence)),
        )
        for row in block.rows
    ]
    figures = [max(cell_len(HEADERS[i]), *(r[i].cell_len for r in rows)) for i in range(1, 5)]
    room = max(width - sum(figures) - COLUMN_GAP * (len(HEADERS) - 1), 2 * MIN_TEXT_WIDTH)
    label_width = max(int(room * LABEL_SHARE), MIN_TEXT_WIDTH)
    longest_id = max((cell_len(word) for r in rows for word in r[5].plain.split()), default=0)
    evidence_width = max(room - label_width, min(longest_id, room - MIN_TEXT_WIDTH))
    label_width = room - evidence_width
    title = Text.assemble(
        (terminal_safe(block.block_id), "bold"), terminal_safe(block.title), verdict
    )
    table = Table(
        title=hang(title, width, indent=0),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
        pad_edge=False,
    )
    table.add_column(HEADERS[0], width=label_width, overflow="fold")
    table.add_column(HEADERS[1], width=figures[0], no_wrap=True)
    for header, figure in zip(HEADERS[2:5], figures[1:], strict=True):
        table.add_column(header, width=figure, justify="right", no_wrap=True)
    table.add_column(HEADERS[5], width=evidence_width, overflow="fold")
    for label, *cells, evidence in rows:
        # Continued under the title, right of « c1 », if its longest word fits there.
        under_title = len(label.plain.split(" ", 1)[0]) + 1
        if max(map(cell_len, label.plain.split())) + under_title > label_width:
            under_title = 0
        table.add_row(
            hang(label, label_width, indent=under_title),
            *cells,
            hang(evidence, evidence_width, indent=0),
        )
    return table


def worker_view(result: WorkerAssessment, width: int) -> Group:
    """The table view of one worker in `width` cells: a heading, then one table per
    référentiel and block."""
    heading = Text.assemble((terminal_safe(result.title), "bold"), result.subtitle)
    parts: list[Text | Table] = [hang(heading, width)]
    for section in result.sections:
        title = Text.assemble((terminal_safe(section.title), "bold underline"), section.summary)
        parts.append(Text.assemble("\n", hang(title, width)))
        for block in section.blocks:
            parts += [block_table(block, width), Text("")]
    parts.append(hang(Text(result.legend, style="dim"), width))
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
        if all_workers and worker_id is not None:
            raise PortfolioError(
                "indiquez un salarié (portfolio assess w-0042) ou --all pour tous, pas les deux",
                exit_code=2,
            )
        if not all_workers and worker_id is None:
            raise PortfolioError(
                "quel salarié ? Indiquez son identifiant (portfolio assess w-0042), ou --all "
                "pour tous les salariés",
                exit_code=2,
            )
        from portfolio.app.engine import assess_everyone, assess_one, refused_error, warned_note

        day = as_of_or_today(as_of)
        if worker_id is not None:
            result = assess_one(workspace, worker_id, day)
            if json_output:
                sys.stdout.write(result.as_json() + "\n")
                return
            stdout.print(worker_view(result, stdout.width))
            print_warnings(result.warnings)
            return
        rows: list[SummaryRow] = []
        refused: list[str] = []
        warned = 0
        sys.stdout.flush()  # the JSON lines go to its bytes, after anything written before
        for outcome in assess_everyone(workspace, day, json_lines=json_output):
            if outcome.refused:
                print_issues([i for i in outcome.issues if i.is_error])
                refused.append(outcome.stem)
                continue
            warned += outcome.warned
            if json_output:
                sys.stdout.buffer.write(outcome.json_line)
            else:
                rows += outcome.summary
        if not json_output:
            stdout.print(summary_table(rows))
        if warned and not json_output:
            print_line(warned_note(warned), stderr)
        if refused:
            raise refused_error(refused)
