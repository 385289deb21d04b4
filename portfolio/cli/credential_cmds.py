"""`portfolio credentials` and `portfolio verify` (SPEC §12): Open Badges 3.0 for each block.

pyld, cryptography and jsonschema are imported by the commands (through `app/credentials.py`),
so that `portfolio --help` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_warnings,
    stdout,
)
from portfolio.issues import PortfolioError, terminal_safe


def register(app: typer.Typer) -> None:
    app.command("credentials", rich_help_panel=PANEL_DOCUMENTS)(credentials)
    app.command("verify", rich_help_panel=PANEL_DOCUMENTS)(verify)


def _say(lines: list[str]) -> None:
    for line in lines:
        stdout.print(terminal_safe(line), markup=False, soft_wrap=True)


@friendly_errors
def credentials(
    worker_id: Annotated[
        str | None,
        typer.Argument(
            metavar="SALARIÉ",
            help="Identifiant du salarié (sans salarié, --new-key crée seulement la clé).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Dossier où copier aussi les badges (une clé USB à remettre au salarié, par "
            "exemple). Ils sont toujours enregistrés dans l'espace de travail, dans "
            "badges/SALARIÉ/, où le portfolio les liste.",
            show_default=False,
        ),
    ] = None,
    new_key: Annotated[
        bool,
        typer.Option(
            "--new-key",
            help="Créer d'abord la clé d'émetteur de l'association (une fois pour toutes ; "
            "gardée hors de l'espace de travail, lisible par vous seul).",
        ),
    ] = False,
    association: Annotated[
        str | None,
        typer.Option(
            "--association",
            help="Avec --new-key sans salarié : l'association dont créer la clé (inutile "
            "quand l'espace de travail n'en compte qu'une).",
            show_default=False,
        ),
    ] = None,
    years: Annotated[
        int,
        typer.Option("--years", help="Durée de validité des badges, en années.", min=1, max=10),
    ] = 3,
    renew: Annotated[
        bool,
        typer.Option(
            "--renew",
            help="Émettre à nouveau les badges déjà remis et encore valables (leur empreinte "
            "change : réimprimez le portfolio).",
        ),
    ] = False,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Émettre les badges numériques (Open Badges 3.0) des blocs présentables d'un salarié."""
    from portfolio.app import credentials as app

    if worker_id is None:
        if not new_key:
            raise PortfolioError(
                "Donnez un salarié (portfolio credentials SALARIÉ), ou --new-key pour créer la "
                "clé d'émetteur d'une association.",
                exit_code=2,
            )
        key = app.create_issuer_key(workspace, association or app.only_association(workspace))
        _say(key.created_lines())
        return
    if association is not None:
        raise PortfolioError(
            "--association sert seulement avec --new-key sans salarié : la clé utilisée est "
            "celle de l'association du salarié.",
            exit_code=2,
        )
    issued = app.issue_credentials(
        workspace,
        worker_id,
        as_of_or_today(as_of),
        years=years,
        copies=output,
        renew=renew,
        new_key=new_key,
    )
    if new_key:
        _say(issued.issuer.created_lines())
    _say(issued.lines())
    print_warnings(list(issued.warnings))


@friendly_errors
def verify(
    path: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="Fichier .json d'un badge.", show_default=False),
    ],
) -> None:
    """Vérifier un badge : qui l'a émis, pour qui, quand, et s'il est valide (signature,
    dates, schéma officiel)."""
    from portfolio.app.credentials import verify_file

    checked = verify_file(path)
    _say(checked.lines())
    if not checked.valid:
        raise typer.Exit(1)
