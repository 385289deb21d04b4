"""`portfolio worker new` (SPEC §9): create a worker's file without editing YAML; what the options
do not give is asked at a terminal.

The application layer is imported by the command, so that `portfolio --help` stays quick.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import PANEL_RECORD, WorkspaceOption, friendly_errors
from portfolio.cli.prompts import Asker, YesOption, from_flag, non_empty, option, record
from portfolio.french import fr_date, parse_date
from portfolio.issues import PortfolioError


def register(app: typer.Typer) -> None:
    worker_app = typer.Typer(
        help="Créer la fiche d'un salarié sans éditer de YAML.", no_args_is_help=True
    )
    app.add_typer(worker_app, name="worker", rich_help_panel=PANEL_RECORD)
    worker_app.command("new")(worker_new)


@friendly_errors
def worker_new(
    ident: Annotated[
        str | None,
        option("Identifiant (par défaut le prochain numéro libre, w-0042 par exemple).", "--id"),
    ] = None,
    first_name: Annotated[str | None, option("Prénom.", "--first-name", "--prenom")] = None,
    last_name: Annotated[
        str | None, option("Nom (ou initiale, par exemple « B. »).", "--last-name", "--nom")
    ] = None,
    association: Annotated[
        str | None, option("Identifiant de l'association (voir workspace.yaml).", "--association")
    ] = None,
    counselor: Annotated[str | None, option("Conseiller ou conseillère.", "--conseiller")] = None,
    targets: Annotated[
        list[str] | None, option("Référentiel visé (répétable), par exemple advf.", "--target")
    ] = None,
    consent: Annotated[
        bool | None,
        typer.Option(
            "--consent/--no-consent",
            help="Consentement au traitement des données recueilli ou non.",
            show_default=False,
        ),
    ] = None,
    consent_date: Annotated[
        str | None,
        option("Date du consentement (par défaut aujourd'hui).", "--consent-date", metavar="DATE"),
    ] = None,
    pass_start: Annotated[
        str | None, option("Début du PASS IAE.", "--pass-start", metavar="DATE")
    ] = None,
    pass_end: Annotated[
        str | None, option("Fin du PASS IAE.", "--pass-end", metavar="DATE")
    ] = None,
    yes: YesOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Créer la fiche d'un salarié en parcours (workers/<id>.yaml)."""
    from portfolio.app.recording import add_worker, open_recording, parse_worker_id

    rec = open_recording(workspace)
    asker = Asker.for_stdin()
    first = asker.value(first_name, "--first-name", "Prénom", non_empty)
    last = asker.value(last_name, "--last-name", "Nom (ou initiale)", non_empty)
    assoc = asker.pick(
        association,
        "--association",
        "Association",
        rec.association_options(),
        check=rec.require_association,
        default=rec.default_association(),
    )
    chosen_counselor = asker.pick(
        counselor,
        "--conseiller",
        "Conseiller ou conseillère",
        rec.counselor_options(assoc),
        parse=non_empty,
        optional=True,
    )
    chosen_targets = asker.pick_many(
        targets,
        "--target",
        "Référentiels visés (les référentiels transversaux sont toujours évalués)",
        rec.target_options(),
        check=rec.require_target,
    )
    if consent is None:
        consent = asker.confirm("Consentement au traitement des données recueilli ?", default=False)
    day = (
        asker.value(
            consent_date,
            "--consent-date",
            "Date du consentement",
            parse_date,
            default=fr_date(rec.today),
        )
        if consent
        else None
    )
    pass_iae = _pass_iae(pass_start, pass_end)
    stem = asker.value(
        ident,
        "--id",
        "Identifiant (neutre, sans le nom)",
        parse_worker_id,
        check=rec.require_new_worker_id,
        default=rec.suggest_worker_id(),
    )
    asker.finish("portfolio worker new --first-name Fatima --last-name B. --association ai-est")
    add = partial(
        add_worker,
        rec,
        ident=stem,
        first_name=first,
        last_name=last,
        association=assoc,
        counselor=chosen_counselor,
        targets=chosen_targets,
        consent=consent,
        consent_date=day,
        pass_iae=pass_iae,
    )
    record(asker, add, yes=yes)


def _pass_iae(start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise PortfolioError("le PASS IAE demande --pass-start et --pass-end", exit_code=2)
    return (
        from_flag(parse_date, start, "--pass-start"),
        from_flag(parse_date, end, "--pass-end"),
    )
