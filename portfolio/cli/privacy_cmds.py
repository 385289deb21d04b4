"""Personal data: `forget` (SPEC §9; docs/donnees-personnelles.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import (
    PANEL_PRIVACY,
    WorkspaceOption,
    confirm,
    friendly_errors,
    print_line,
    stderr,
    stdout,
)
from portfolio.french import plural
from portfolio.issues import PortfolioError, terminal_safe
from portfolio.resources import DEFAULT_OUTPUT


def stdin_is_terminal() -> bool:
    """Whether someone can answer the confirmation (tests replace this)."""
    return sys.stdin.isatty()


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_PRIVACY)
    @friendly_errors
    def forget(
        worker_id: Annotated[
            str,
            typer.Argument(
                metavar="SALARIÉ",
                help="Identifiant du salarié (nom de son fichier dans workers/ sans .yaml).",
                show_default=False,
            ),
        ],
        yes: Annotated[
            bool,
            typer.Option("--yes", "-y", help="Effacer sans demander de confirmation (scripts)."),
        ] = False,
        outputs: Annotated[
            list[Path] | None,
            typer.Option(
                "--output",
                "-o",
                help=f"Dossier de documents à nettoyer aussi (répétable) ; "
                f"DOSSIER_DE_TRAVAIL/{DEFAULT_OUTPUT} l'est toujours.",
                show_default=False,
                file_okay=False,
                metavar="DOSSIER",
            ),
        ] = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Effacer un salarié : son fichier, ses badges, tous les documents qui le nomment et
        ses lignes du journal des écritures (journal/).

        Ce qui sera effacé est listé avant de confirmer :
        - workers/SALARIÉ.yaml et ses copies de sauvegarde ;
        - ses badges numériques, dans badges/SALARIÉ/ (pas leurs copies
          faites avec « portfolio credentials -o ») ;
        - ses documents dans DOSSIER_DE_TRAVAIL/documents et les dossiers --output ;
        - ses entrées du manifeste de « portfolio build », l'index et le rapport
          du programme, refaits sans lui au prochain « portfolio build » ;
        - ses documents imprimés ici ou dans l'espace de travail (nom par défaut),
          et les rapports de programme (rapport-programme.pdf, .html, .csv, .json) ;
        - ses lignes dans les feuilles de temps de l'espace de travail, et les
          lignes de commentaire qui le nomment dans ses fichiers YAML.
        Ce qui le nomme encore ailleurs dans l'espace de travail est signalé.
        Attend la fin d'un « portfolio build » en cours dans ces dossiers.
        """
        from portfolio.app.privacy import describe, erasure_plan, forget, leftovers

        cwd = Path.cwd()
        plan = erasure_plan(workspace, worker_id, outputs or [], cwd)
        lines = [terminal_safe(line) for line in describe(plan, cwd)]
        print_line(f"Pour « {terminal_safe(worker_id)} », seront effacés définitivement :", stderr)
        for line in lines:
            print_line(f"  {line}", stderr)
        if not yes:
            if not stdin_is_terminal():
                raise PortfolioError(
                    "confirmation impossible sans terminal : relancez avec --yes pour effacer "
                    "(rien n'a été effacé)",
                    exit_code=2,
                )
            if not confirm(f"Effacer {_these(len(lines))} ?", default=False):
                raise PortfolioError("rien n'a été effacé", exit_code=1)
        erased, closing = forget(workspace, worker_id, outputs or [], cwd)
        for line in describe(erased, cwd):
            print_line(f"effacé — {terminal_safe(line)}", stdout)
        remaining = leftovers(erased, cwd)
        if remaining:
            print_line(
                "Le salarié reste nommé ici ; l'outil ne peut pas en juger, corrigez à la main :",
                stderr,
            )
        for line in remaining:
            print_line(f"  {terminal_safe(line)}", stderr)
        print_line(terminal_safe(closing), stderr)


def _these(count: int) -> str:
    """« cet élément », « ces 3 éléments »."""
    return "cet élément" if count == 1 else f"ces {plural(count, 'élément')}"
