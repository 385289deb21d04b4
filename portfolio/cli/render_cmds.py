"""`portfolio render`: one printed document of one worker (SPEC §9, §10).

The application layer's document functions are imported when the command runs: importing them
brings in the rendering modules, which `portfolio --help` must not pay for.
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
    print_line,
    stderr,
)
from portfolio.issues import terminal_safe

DocChoice = Literal["dossier", "portfolio"]
FormatChoice = Literal["pdf", "html"]


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def render(
        worker_id: Annotated[
            str,
            typer.Argument(metavar="SALARIÉ", help="Identifiant du salarié.", show_default=False),
        ],
        doc: Annotated[
            DocChoice,
            typer.Option(
                "--doc",
                help="« dossier » : le dossier du salarié, en langage simple ; « portfolio » : le "
                "dossier professionnel pour le certificateur et le conseiller.",
                show_default=False,
            ),
        ],
        fmt: Annotated[
            FormatChoice, typer.Option("--format", help="Format du fichier produit.")
        ] = "pdf",
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Fichier à écrire, ou dossier où l'écrire (par défaut "
                "./<salarié>-<document>.<format>).",
                show_default=False,
            ),
        ] = None,
        large_print: Annotated[
            bool,
            typer.Option(
                "--gros-caracteres",
                help="Dossier en gros caractères (18 points et plus, une colonne), pour les "
                "personnes qui voient mal ; seulement avec --doc dossier.",
            ),
        ] = False,
        link: Annotated[
            bool,
            typer.Option(
                "--lien",
                help="Créer un lien personnel du salarié vers son dossier (lecture seule, "
                "valable 90 jours) et l'imprimer sur le dossier en code QR ; seulement avec "
                "--doc dossier.",
            ),
        ] = False,
        address: AddressOption = None,
        as_of: AsOfOption = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Imprimer un document d'un salarié : son dossier, ou son dossier professionnel."""
        from portfolio.app.documents import render_worker_document

        written = render_worker_document(
            workspace,
            worker_id,
            doc,
            fmt,
            as_of_or_today(as_of),
            output,
            announce=lambda line: print_line(terminal_safe(line), stderr),
            large_print=large_print,
            link_address=(address or "") if link else None,
        )
        for line in written.splitlines():
            print_line(terminal_safe(line), stderr)
