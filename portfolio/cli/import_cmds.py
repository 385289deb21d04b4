"""`portfolio import timesheet FILE` (SPEC §9): timesheet rows become placements.

The application layer is imported by the command, so that `portfolio --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import (
    HANGING_INDENT,
    PANEL_RECORD,
    WorkspaceOption,
    friendly_errors,
    print_line,
    stderr,
    stdout,
)
from portfolio.issues import terminal_safe
from portfolio.limits import DEFAULT_GAP_DAYS, MAX_GAP_DAYS

TIMESHEET_HELP = (
    "Importer une feuille de temps : ses lignes deviennent des mises à disposition.\n\n"
    "Une ligne nomme les colonnes (les lignes de titre au-dessus sont ignorées) : salarie, "
    "client, type_client, date (ou debut et fin), heures, et si besoin taches, tuteur, "
    "service.\n\n"
    "Le salarié s'écrit par son identifiant (fatima-b) ou par son prénom et son nom (Fatima "
    "Benali, BENALI Fatima, Fatima B.).\n\n"
    "Dates : 31/12/2024, 31/12/24 ou 2024-12-31 ; heures : 3,5, 3h30 ou 3:30. Détails : "
    "portfolio doc import."
)
"""What `import timesheet --help` shows, one paragraph a line (Typer keeps the line breaks of
a docstring's later paragraphs): the messages about columns refer to it."""


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(
        help="Importer les feuilles de temps d'un logiciel de paie ou de planning.",
        no_args_is_help=True,
    )
    app.add_typer(import_app, name="import", rich_help_panel=PANEL_RECORD)
    import_app.command("timesheet", help=TIMESHEET_HELP)(import_timesheet)


@friendly_errors
def import_timesheet(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FICHIER",
            help="Feuille de temps .csv (séparateur ; ou ,) ou .xlsx.",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Montrer ce qui serait ajouté, sans rien écrire."),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Importer les lignes valides même si d'autres sont refusées.",
        ),
    ] = False,
    max_gap: Annotated[
        int,
        typer.Option(
            "--max-gap",
            min=0,
            max=MAX_GAP_DAYS,
            help="Nombre de jours sans travail au-delà duquel une nouvelle mise à "
            "disposition commence chez le même client.",
        ),
    ] = DEFAULT_GAP_DAYS,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Importer une feuille de temps : ses lignes deviennent des mises à disposition."""
    from portfolio.app import recording

    planned = recording.plan_timesheet(workspace, file, max_gap_days=max_gap)
    # Every line quotes the timesheet (column names, clients, tasks): shown terminal-safe, and
    # wrapped on a terminal, one line each when piped (`print_line`).
    if planned.titles_note:
        print_line(terminal_safe(planned.titles_note), stderr, style="yellow")
    if planned.ignored_note:
        print_line(terminal_safe(planned.ignored_note), stderr, style="yellow")
    for summary in planned.summaries:
        for line in summary.splitlines():
            print_line(terminal_safe(line), stdout, indent=_hanging(line))
    for refusal in planned.refusals:
        print_line(terminal_safe(refusal), stderr, style="red")
    for line in planned.already_imported:
        print_line(terminal_safe(line), stderr, style="yellow")
    outcome = recording.import_timesheet(planned, skip_invalid=skip_invalid, dry_run=dry_run)
    print_line(terminal_safe(outcome.message), stdout)
    if outcome.skipped:
        print_line(terminal_safe(outcome.skipped), stderr, style="yellow")


def _hanging(line: str) -> int:
    """A summary line (« fatima-b (…) : », then « + p4 … » under it) continues indented
    deeper than it starts, so that each placement reads as one block."""
    return len(line) - len(line.lstrip()) + HANGING_INDENT
