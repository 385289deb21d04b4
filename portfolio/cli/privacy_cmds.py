"""Personal data: `forget` (SPEC §9; docs/donnees-personnelles.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import PANEL_PRIVACY, WorkspaceOption, friendly_errors, stderr, stdout
from portfolio.forget import DEFAULT_OUTPUT, ErasurePlan, erase, plan_erasure
from portfolio.issues import PortfolioError


def stdin_is_terminal() -> bool:
    """Whether someone can answer the confirmation (tests replace this)."""
    return sys.stdin.isatty()


def confirmed(question: str) -> bool:
    """A French yes/no question: only « o » or « oui » (or « y », « yes ») erases."""
    answer = typer.prompt(f"{question} (oui/non)", default="non", err=True)
    return answer.strip().lower() in {"o", "oui", "y", "yes"}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def describe(plan: ErasurePlan) -> list[str]:
    """One line per thing erased, as the confirmation and the final report show them."""
    lines = [f"dossier et son contenu : {_shown(p)}" for p in plan.folders]
    lines += [f"fichier : {_shown(p)}" for p in plan.files]
    lines += [
        f"entrées du manifeste {_shown(m)} : {', '.join(entries)}"
        for m, entries in plan.manifests.items()
    ]
    return lines


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_PRIVACY)
    @friendly_errors
    def forget(
        worker_id: Annotated[
            str,
            typer.Argument(
                metavar="WORKER",
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
        """Effacer un salarié : son fichier et tous les documents qui le nomment.

        Ce qui sera effacé est listé avant de confirmer :
        - workers/SALARIÉ.yaml et ses copies de sauvegarde ;
        - ses documents dans DOSSIER_DE_TRAVAIL/documents et les dossiers --output ;
        - ses entrées du manifeste de « portfolio build », l'index et le rapport
          du programme, refaits sans lui au prochain « portfolio build » ;
        - ses documents imprimés ici ou dans l'espace de travail (nom par défaut).
        """
        plan = plan_erasure(workspace, worker_id, outputs or [], Path.cwd())
        if plan.empty:
            raise PortfolioError(
                f"rien à effacer pour « {worker_id} » : aucun fichier workers/{worker_id}.yaml ni "
                "document à son nom (vérifiez l'identifiant, ou indiquez avec --output le dossier "
                "où ses documents ont été écrits)"
            )
        lines = describe(plan)
        stderr.print(f"Pour « {worker_id} », seront effacés définitivement :", markup=False)
        for line in lines:
            stderr.print(f"  {line}", markup=False, soft_wrap=True)
        if not yes:
            if not stdin_is_terminal():
                raise PortfolioError(
                    "confirmation impossible sans terminal : relancez avec --yes pour effacer "
                    "(rien n'a été effacé)",
                    exit_code=2,
                )
            if not confirmed(f"Effacer ces {len(lines)} éléments ?"):
                raise PortfolioError("rien n'a été effacé", exit_code=1)
        erase(plan)
        for line in lines:
            stdout.print(f"effacé — {line}", markup=False, soft_wrap=True)
        stderr.print(
            f"« {worker_id} » est effacé ({len(lines)} éléments). Pensez aux copies faites "
            "ailleurs (clés USB, courriels, impressions).",
            markup=False,
            soft_wrap=True,
        )
