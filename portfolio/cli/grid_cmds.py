"""`portfolio grid WORKER` (SPEC §9): the tutor's printable observation grid of a placement.

The application layer (and with it WeasyPrint) is imported by the command, so that
`portfolio --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AddressOption,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    stderr,
    stdout,
)
from portfolio.cli.prompts import WorkerArg, option
from portfolio.issues import terminal_safe


def register(app: typer.Typer) -> None:
    app.command("grid", rich_help_panel=PANEL_DOCUMENTS)(grid)


@friendly_errors
def grid(
    worker_id: WorkerArg,
    placement: Annotated[
        str | None,
        option("Mise à disposition (par défaut la dernière commencée).", "--placement"),
    ] = None,
    fmt: Annotated[
        Literal["pdf", "html"],
        typer.Option(
            "--format",
            help="Format du fichier produit (html : à imprimer depuis un navigateur).",
        ),
    ] = "pdf",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Fichier à écrire, ou dossier où l'écrire (par défaut "
            "grille-SALARIÉ-MISE.pdf, ou .html).",
            show_default=False,
        ),
    ] = None,
    link: Annotated[
        bool,
        typer.Option(
            "--lien",
            help="Créer un lien pour que le tuteur remplisse la grille en ligne (valable 30 "
            "jours, une seule fois) et l'imprimer sur la grille, en code QR et en texte.",
        ),
    ] = False,
    address: AddressOption = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Imprimer la grille d'observation du tuteur pour une mise à disposition (PDF ou HTML)."""
    from portfolio.app.recording import write_grid

    written = write_grid(
        workspace,
        worker_id,
        placement,
        as_of_or_today(as_of),
        output,
        fmt,
        announce=lambda line: stderr.print(terminal_safe(line), markup=False),
        link_address=(address or "") if link else None,
    )
    for line in written.splitlines():
        stdout.print(terminal_safe(line), markup=False, soft_wrap=True)
