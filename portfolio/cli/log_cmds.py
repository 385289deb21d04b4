"""`portfolio log placement|observation|training WORKER …` (SPEC §9): add an entry to a worker's
file without editing YAML; what the options do not give is asked at a terminal.

The application layer is imported by the commands, so that `portfolio --help` stays quick.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import PANEL_RECORD, WorkspaceOption, friendly_errors
from portfolio.cli.prompts import (
    Asker,
    WorkerArg,
    YesOption,
    from_flag,
    non_empty,
    option,
    record,
    typed_text,
)
from portfolio.french import fr_date, parse_date, parse_hours, parse_level, parse_role


def register(app: typer.Typer) -> None:
    log_app = typer.Typer(
        help="Ajouter une mise à disposition, une observation ou une formation à un salarié.",
        no_args_is_help=True,
    )
    app.add_typer(log_app, name="log", rich_help_panel=PANEL_RECORD)
    log_app.command("placement")(log_placement)
    log_app.command("observation")(log_observation)
    log_app.command("training")(log_training)


@friendly_errors
def log_placement(
    worker_id: WorkerArg,
    client: Annotated[str | None, option("Nom du client.", "--client")] = None,
    client_kind: Annotated[
        str | None,
        option("particulier, collectivite, association ou entreprise.", "--client-kind"),
    ] = None,
    start: Annotated[
        str | None,
        option("Premier jour (AAAA-MM-JJ, JJ/MM/AAAA ou JJ/MM/AA).", "--start", metavar="DATE"),
    ] = None,
    end: Annotated[str | None, option("Dernier jour.", "--end", metavar="DATE")] = None,
    hours: Annotated[
        str | None, option("Heures travaillées (12, 3,5 ou 3h30).", "--hours", metavar="HEURES")
    ] = None,
    tutor: Annotated[str | None, option("Tuteur ou tutrice chez le client.", "--tutor")] = None,
    tasks: Annotated[
        list[str] | None,
        option("Tâche (répétable) : « repassage » ou « repassage=10 » pour 10 h.", "--task"),
    ] = None,
    service: Annotated[str | None, option("Service du client.", "--service")] = None,
    means: Annotated[list[str] | None, option("Moyen utilisé (répétable).", "--means")] = None,
    note: Annotated[str | None, option("Remarque.", "--note")] = None,
    yes: YesOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ajouter une mise à disposition (un client, des dates, des heures, des tâches)."""
    from portfolio.app.recording import (
        CLIENT_KIND_OPTIONS,
        add_placement,
        open_for_recording,
        parse_task,
    )

    rec = open_for_recording(workspace, worker_id)
    # Options never asked for: checked first, so that a bad one stops before any question.
    given_service = typed_text(service, "--service")
    given_means = [from_flag(str, item, "--means") for item in means or ()]
    given_note = typed_text(note, "--note", paragraph=True)
    asker = Asker.for_stdin()
    name = asker.pick(client, "--client", "Client", rec.client_options(), parse=non_empty)
    known_kind = rec.known_client_kind(name)
    kind = asker.pick(
        client_kind if client_kind is not None or known_kind is None else known_kind,
        "--client-kind",
        "Type de client",
        CLIENT_KIND_OPTIONS,
    )
    first = asker.value(start, "--start", "Premier jour", parse_date)
    last = asker.value(
        end,
        "--end",
        "Dernier jour",
        parse_date,
        check=partial(rec.require_end, first),
        default=fr_date(first) if first and asker.interactive else None,
    )
    worked = asker.value(hours, "--hours", "Heures travaillées", parse_hours)
    who = asker.value(
        tutor,
        "--tutor",
        "Tuteur ou tutrice",
        non_empty,
        default=rec.previous_tutor(name),
        optional=True,
    )
    chosen_tasks = asker.pick_many(
        tasks,
        "--task",
        "Tâches réalisées",
        rec.task_options(),
        parse_task=parse_task,
    )
    asker.finish(
        f"portfolio log placement {worker_id} --client 'Mme D.' --client-kind particulier "
        "--start 2003-01-06 --end 2003-03-28 --hours 36 --task repassage"
    )
    add = partial(
        add_placement,
        rec,
        client=name,
        client_kind=kind,
        start=first,
        end=last,
        hours=worked,
        tutor=who,
        service=given_service,
        tasks=chosen_tasks,
        means=given_means,
        note=given_note,
    )
    record(asker, add, yes=yes)


@friendly_errors
def log_observation(
    worker_id: WorkerArg,
    competency: Annotated[
        str | None, option("Compétence (advf.ccp1.c3, ou ccp1.c3).", "--competency")
    ] = None,
    level: Annotated[
        str | None,
        option("Niveau : 1 découverte, 2 avec aide, 3 autonome, 4 maîtrise.", "--level"),
    ] = None,
    by: Annotated[str | None, option("Nom de la personne qui observe.", "--by")] = None,
    role: Annotated[
        str | None,
        option(
            "tuteur (ou tutrice), conseiller (ou conseillère), formateur (ou formatrice).",
            "--role",
        ),
    ] = None,
    day: Annotated[
        str | None, option("Date (par défaut aujourd'hui).", "--date", metavar="DATE")
    ] = None,
    placement: Annotated[
        str | None, option("Mise à disposition observée (p1, p2…).", "--placement")
    ] = None,
    note: Annotated[str | None, option("Ce qui a été observé.", "--note")] = None,
    yes: YesOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ajouter une observation : un niveau de 1 à 4 donné à une compétence."""
    from portfolio.app.recording import (
        LEVEL_OPTIONS,
        ROLE_OPTIONS,
        add_observation,
        open_for_recording,
    )

    rec = open_for_recording(workspace, worker_id)
    asker = Asker.for_stdin()
    when = asker.value(day, "--date", "Date", parse_date, default=fr_date(rec.today))
    where = asker.pick(
        placement,
        "--placement",
        "Mise à disposition observée",
        rec.placement_options(),
        check=rec.require_placement,
        optional=True,
    )
    comp = asker.pick(
        competency,
        "--competency",
        "Compétence observée",
        rec.competency_options(where),
        check=rec.require_competency,
    )
    grade = asker.pick(level, "--level", "Niveau", LEVEL_OPTIONS, parse=_level_value)
    kind = asker.pick(
        role,
        "--role",
        "Rôle de la personne qui observe",
        ROLE_OPTIONS,
        parse=parse_role,
        default="tuteur" if where else None,
    )
    observer = asker.value(
        by,
        "--by",
        "Nom de la personne qui observe",
        non_empty,
        default=rec.suggested_observer(where, kind),
    )
    remark = asker.value(note, "--note", "Remarque", non_empty, optional=True, paragraph=True)
    asker.finish(
        f"portfolio log observation {worker_id} --competency advf.ccp1.c3 --level 3 "
        "--by 'Mme D.' --role tuteur --placement p1"
    )
    add = partial(
        add_observation,
        rec,
        day=when,
        by=observer,
        role=kind,
        competency=comp,
        level=int(grade),
        placement=where,
        note=remark,
    )
    record(asker, add, yes=yes)


@friendly_errors
def log_training(
    worker_id: WorkerArg,
    module: Annotated[str | None, option("Module du catalogue (ofa.linge…).", "--module")] = None,
    start: Annotated[str | None, option("Premier jour.", "--start", metavar="DATE")] = None,
    end: Annotated[
        str | None, option("Dernier jour (facultatif).", "--end", metavar="DATE")
    ] = None,
    hours: Annotated[
        str | None,
        option("Heures suivies (par défaut celles du module).", "--hours", metavar="HEURES"),
    ] = None,
    result: Annotated[str | None, option("acquis, non-acquis ou en-cours.", "--result")] = None,
    yes: YesOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Ajouter une formation suivie : un module, des dates, des heures et un résultat."""
    from portfolio.app.recording import RESULT_OPTIONS, add_training, open_for_recording

    rec = open_for_recording(workspace, worker_id)
    asker = Asker.for_stdin()
    chosen = asker.pick(
        module,
        "--module",
        "Module suivi",
        rec.module_options(),
        check=rec.require_module,
    )
    first = asker.value(start, "--start", "Premier jour", parse_date)
    last = asker.value(
        end,
        "--end",
        "Dernier jour (vide : un seul jour)",
        parse_date,
        check=partial(rec.require_end, first),
        optional=True,
    )
    attended = asker.value(
        hours,
        "--hours",
        "Heures suivies",
        parse_hours,
        default=rec.default_hours(chosen),
    )
    outcome = asker.pick(result, "--result", "Résultat", RESULT_OPTIONS)
    asker.finish(
        f"portfolio log training {worker_id} --module ofa.linge --start 2003-01-10 "
        "--end 2003-01-24 --result acquis"
    )
    add = partial(
        add_training, rec, module=chosen, start=first, end=last, hours=attended, result=outcome
    )
    record(asker, add, yes=yes)


def _level_value(text: str) -> str:
    """A level typed as its word (« autonome ») or its number, as the list's values hold it."""
    return str(parse_level(text))
