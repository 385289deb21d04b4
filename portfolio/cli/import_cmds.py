"""`portfolio import timesheet FILE` (SPEC §9): timesheet rows become placements.

The application layer is imported by the command, so that `portfolio --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import PANEL_RECORD, WorkspaceOption, friendly_errors, stderr, stdout
from portfolio.issues import terminal_safe

MAX_GAP_DAYS = 7
"""The default of --max-gap (docs/import-feuilles-de-temps.md): a weekly intervention (every
Monday) stays one placement, a break of eight days or more starts a new one. It lives here because
the command's help shows it, and `portfolio --help` must not load the recording modules."""


TIMESHEET_HELP = (
    "Importer une feuille de temps : ses lignes deviennent des mises à disposition.\n\n"
    "Une ligne nomme les colonnes (les lignes de titre au-dessus sont ignorées) : salarie, "
    "client, type_client, date (ou debut et fin), heures, et si besoin taches, tuteur, "
    "service.\n\n"
    "Le salarié s'écrit par son identifiant (fatima-b) ou par son prénom et son nom (Fatima "
    "Benali, BENALI Fatima, Fatima B.).\n\n"
    "Dates : 31/12/2024, 31/12/24 ou 2024-12-31 ; heures : 3,5, 3h30 ou 3:30. Détails : "
    "docs/import-feuilles-de-temps.md."
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
            help="Nombre de jours sans travail au-delà duquel une nouvelle mise à "
            "disposition commence chez le même client.",
        ),
    ] = MAX_GAP_DAYS,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Importer une feuille de temps : ses lignes deviennent des mises à disposition."""
    from portfolio.app import recording

    planned = recording.plan_timesheet(workspace, file, max_gap_days=max_gap)
    # Every line quotes the timesheet (column names, clients, tasks): shown terminal-safe.
    if planned.titles_note:
        stderr.print(terminal_safe(planned.titles_note), style="yellow", markup=False)
    if planned.ignored_note:
        stderr.print(terminal_safe(planned.ignored_note), style="yellow", markup=False)
    for summary in planned.summaries:
        for line in summary.splitlines():
            stdout.print(terminal_safe(line), markup=False, soft_wrap=True)
    for refusal in planned.refusals:
        stderr.print(terminal_safe(refusal), style="red", markup=False, soft_wrap=True)
    for line in planned.already_imported:
        stderr.print(terminal_safe(line), style="yellow", markup=False, soft_wrap=True)
    outcome = recording.import_timesheet(planned, skip_invalid=skip_invalid, dry_run=dry_run)
    stdout.print(terminal_safe(outcome.message), markup=False, soft_wrap=True)
    if outcome.skipped:
        stderr.print(terminal_safe(outcome.skipped), style="yellow", markup=False)
