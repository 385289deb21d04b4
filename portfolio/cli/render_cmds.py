"""`portfolio render`: one printed document of one worker (SPEC §9, §10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from portfolio.app.workspace import open_worker
from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    stderr,
)
from portfolio.render.documents import render_document, write_document

DocChoice = Literal["dossier", "portfolio"]
FormatChoice = Literal["pdf", "html"]
DOC_NAMES = {"dossier": "dossier", "portfolio": "dossier professionnel"}


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def render(
        worker_id: Annotated[
            str,
            typer.Argument(metavar="WORKER", help="Identifiant du salarié.", show_default=False),
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
                help="Fichier à écrire (par défaut ./<salarié>-<document>.<format>).",
                show_default=False,
                dir_okay=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Imprimer un document d'un salarié : son dossier, ou son dossier professionnel."""
        ws, worker = open_worker(workspace, worker_id)
        target = output or Path(f"{worker.id}-{doc}.{fmt}")
        stderr.print(f"Préparation du {DOC_NAMES[doc]} de {worker.display_name}…", markup=False)
        document = render_document(ws, worker, doc, as_of_or_today(as_of))
        write_document(document, target, fmt)
        stderr.print(f"Document écrit : {target}", markup=False)
