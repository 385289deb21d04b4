"""Recording without editing YAML: `worker new`, `log …`, `import timesheet`, `grid` (SPEC §9).

Every value can be given as an option, for scripts; at a terminal, what is missing is asked with
numbered choices. Without a terminal nothing is asked: the missing options are listed (exit 2).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from portfolio.app.workspace import open_worker, open_workspace
from portfolio.checks import fr_date, fr_hours
from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    PANEL_RECORD,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    find_worker,
    friendly_errors,
    stderr,
    stdout,
)
from portfolio.fsutil import write_atomic
from portfolio.grid import choose_placement, grid_pdf, grid_view, observed_competencies
from portfolio.issues import Issue, PortfolioError, sort_issues
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Worker
from portfolio.record import (
    CLIENT_KINDS,
    LEVELS,
    RESULTS,
    ROLES,
    RecordError,
    Verdict,
    append_entry,
    check_updated_worker,
    choice,
    current_issues,
    fold,
    new_worker_text,
    next_placement_id,
    number,
    observation_entry,
    parse_day,
    parse_hours,
    parse_level,
    parse_task,
    placement_entry,
    training_entry,
)
from portfolio.timesheet import (
    MAX_GAP_DAYS,
    ImportPlan,
    Rejection,
    WorkerImport,
    group_rows,
    map_columns,
    parse_rows,
    plan_import,
    read_table,
    rows_text,
)

T = TypeVar("T")
Option = tuple[str, str]
"""A choice offered at a prompt: (value recorded, label shown)."""

_SEPARATORS = re.compile(r"[,;]")


def stdin_is_terminal() -> bool:
    """Whether someone can answer questions (tests replace this to drive the prompts)."""
    return sys.stdin.isatty()


# --- asking for what the options did not give ---------------------------------------------------


@dataclass
class Asker:
    """Fills in missing values: asks at a terminal, else lists them for one clear error."""

    interactive: bool
    missing: list[str] = field(default_factory=list)

    def value(
        self,
        given: str | None,
        flag: str,
        question: str,
        parse: Callable[[str], T],
        *,
        default: str | None = None,
        optional: bool = False,
    ) -> T | None:
        if given is not None:
            return _from_flag(parse, given, flag)
        if not self.interactive:
            if default is not None:
                return parse(default)
            if not optional:
                self.missing.append(flag)
            return None
        while True:
            answer = typer.prompt(
                question,
                default=default if default is not None else ("" if optional else None),
                show_default=bool(default),
                err=True,
            ).strip()
            if not answer and optional:
                return None
            try:
                return parse(answer)
            except RecordError as exc:
                stderr.print(str(exc), style="red", markup=False)

    def pick(
        self,
        given: str | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        free: bool = False,
        default: str | None = None,
        optional: bool = False,
    ) -> str | None:
        """One value among numbered options (or any text, with `free`)."""
        values = [v for v, _ in options]
        if given is not None:
            what = question[:1].lower() + question[1:]
            return (
                given.strip()
                if free
                else _from_flag(lambda v: choice(v, values, what), given, flag)
            )
        if not self.interactive:
            if default is None and not optional:
                self.missing.append(flag)
            return default
        _show_options(question, options)
        hint = "numéro" + (" ou texte" if free else "") + (" (vide : aucun)" if optional else "")
        while True:
            shown = str(values.index(default) + 1) if default in values else default
            answer = typer.prompt(
                f"  {hint}",
                default=shown if shown is not None else ("" if optional else None),
                show_default=shown is not None,
                err=True,
            ).strip()
            if not answer and optional:
                return None
            found = _option_from_answer(answer, values, free=free)
            if found is not None:
                return found
            stderr.print(f"Réponse « {answer} » non comprise : {hint}.", style="red", markup=False)

    def pick_many(
        self,
        given: list[str] | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        with_hours: bool = False,
    ) -> list[Any]:
        """Several values: numbers or texts separated by commas, « 3=10 » for 10 h on number 3."""
        parse = parse_task if with_hours else str.strip
        if given:
            return [_from_flag(parse, item, flag) for item in given]
        if not self.interactive:
            return []
        _show_options(question, options)
        hint = "numéros ou textes séparés par des virgules" + (
            ", « 3=10 » pour 10 h sur le numéro 3" if with_hours else ""
        )
        values = [v for v, _ in options]
        while True:
            answer = typer.prompt(
                f"  {hint} (vide : aucun)", default="", show_default=False, err=True
            )
            try:
                return [
                    _many_item(part.strip(), values, with_hours)
                    for part in _SEPARATORS.split(answer)
                    if part.strip()
                ]
            except RecordError as exc:
                stderr.print(str(exc), style="red", markup=False)

    def confirm(self, question: str, *, default: bool) -> bool:
        if not self.interactive:
            return default
        return typer.confirm(question, default=default, err=True)

    def finish(self, example: str) -> None:
        """Stop with every missing option at once (SPEC §9 exit 2: usage error)."""
        if self.missing:
            raise PortfolioError(
                "valeurs manquantes : "
                + ", ".join(self.missing)
                + ". Aucune question n'est posée quand l'entrée n'est pas un terminal : "
                f"donnez-les en options, par exemple : {example}",
                exit_code=2,
            )


def _from_flag(parse: Callable[[str], T], given: str, flag: str) -> T:
    try:
        return parse(given)
    except RecordError as exc:
        raise PortfolioError(f"{flag} : {exc}", exit_code=2) from None


def _show_options(question: str, options: Sequence[Option]) -> None:
    stderr.print(question, style="bold", markup=False)
    for n, (_, label) in enumerate(options, start=1):
        stderr.print(f"  {n:>3}. {label}", markup=False, soft_wrap=True)


def _option_from_answer(answer: str, values: list[str], *, free: bool) -> str | None:
    if answer.isdigit() and 1 <= int(answer) <= len(values):
        return values[int(answer) - 1]
    for value in values:
        if fold(value) == fold(answer):
            return value
    return answer if free and answer else None


def _many_item(part: str, values: list[str], with_hours: bool) -> Any:
    label, sep, hours = part.rpartition("=") if with_hours else ("", "", "")
    head = label.strip() if sep else part
    if head.isdigit():
        if not 1 <= int(head) <= len(values):
            raise RecordError(f"numéro {head} absent de la liste : choisissez de 1 à {len(values)}")
        head = values[int(head) - 1]
    return parse_task(f"{head}={hours}" if sep else head) if with_hours else head


def _text(value: str) -> str:
    if not value.strip():
        raise RecordError("valeur vide : écrivez un texte")
    return value.strip()


# --- choices offered ----------------------------------------------------------------------------


def known_clients(ws: Workspace, worker: Worker) -> list[tuple[str, str]]:
    """(name, kind) of clients this worker worked for, then those of the same association."""
    others = [
        w for w in ws.workers.values() if w.association == worker.association and w is not worker
    ]
    seen: dict[str, tuple[str, str]] = {}
    for source in [worker, *others]:
        for placement in reversed(source.placements):
            key = fold(placement.client.name)
            seen.setdefault(key, (placement.client.name.strip(), placement.client.kind))
    return list(seen.values())


def targets_first(ws: Workspace, worker: Worker) -> list[Referentiel]:
    """The worker's référentiels as a counselor expects them: the trades aimed at, then the
    transversal ones."""
    return sorted(ws.assessed_referentiels(worker), key=lambda r: r.track == "transversal")


def task_options(ws: Workspace, worker: Worker) -> list[Option]:
    return [
        (f"{ref.id}.{task.id}", f"{task.label} ({ref.id}.{task.id})")
        for ref in targets_first(ws, worker)
        for task in ref.tasks
    ]


def competency_options(ws: Workspace, worker: Worker, placement: str | None) -> list[Option]:
    """Competencies the placement's tasks evidence, or else every assessed competency."""
    assessed = [
        ref_comp
        for ref in targets_first(ws, worker)
        for ref_comp in (ws.competency_index[ref.full_id(b, c)] for b, c in ref.competencies())
    ]
    observed = next((p for p in worker.placements if p.id == placement), None)
    evidenced = set(observed_competencies(ws, worker, observed)) if observed else set()
    chosen = [c for c in assessed if c.id in evidenced] or assessed
    return [(c.id, f"{c.competency.plain} ({c.id})") for c in chosen]


def resolve_competency(ws: Workspace, worker: Worker, text: str) -> str:
    """A competency as typed: a full id, or `bloc.compétence` / `compétence` of one target."""
    value = text.strip()
    if value in ws.competency_index:
        return value
    matches = [
        cid
        for ref in ws.assessed_referentiels(worker)
        for cid in sorted(ref.competency_ids())
        if cid.endswith(f".{value}")
    ]
    return matches[0] if len(matches) == 1 else value


# --- writing ------------------------------------------------------------------------------------


def worker_file(ws: Workspace, stem: str) -> Path:
    return ws.root / "workers" / f"{stem}.yaml"


def refuse_if_already_invalid(ws: Workspace, stem: str, today: dt.date) -> None:
    """A change is judged on the whole file: existing errors must be fixed first (SPEC §8)."""
    errors = [i for i in current_issues(ws, stem, today) if i.is_error]
    if errors:
        print_problems(errors, with_location=True)
        raise PortfolioError(
            f"le fichier workers/{stem}.yaml contient déjà des erreurs (ci-dessus) : "
            "corrigez-les d'abord (« portfolio check » les liste), rien n'a été écrit"
        )


def print_problems(issues: list[Issue], *, with_location: bool = False) -> None:
    for issue in sort_issues(issues):
        word = "erreur" if issue.is_error else "avertissement"
        text = issue.render() if with_location else f"{word} : {issue.message}"
        stderr.print(
            text, style="red" if issue.is_error else "yellow", markup=False, soft_wrap=True
        )


def judge(verdict: Verdict) -> None:
    if not verdict.accepted:
        print_problems(verdict.errors)
        raise PortfolioError("la saisie est refusée (ci-dessus) : rien n'a été écrit")


def added_lines(old: str, new: str) -> list[str]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]


def save(
    path: Path, old: str, new: str, verdict: Verdict, asker: Asker, *, yes: bool, done: str
) -> None:
    """Show what changes, ask at a terminal (unless --yes), then write atomically."""
    judge(verdict)
    stderr.print(f"À ajouter dans {path.parent.name}/{path.name} :", style="bold", markup=False)
    for line in added_lines(old, new):
        stderr.print(f"  {line}", markup=False, soft_wrap=True, highlight=False)
    print_problems(verdict.new_warnings)
    if not yes and not asker.confirm("Enregistrer ?", default=True):
        raise PortfolioError("rien n'a été écrit", exit_code=1)
    write_atomic(path, new)
    stdout.print(done, markup=False, soft_wrap=True)


def read_worker_text(ws: Workspace, stem: str) -> str:
    # Decoded as plain UTF-8, so that a byte-order mark stays in the text and is written back.
    return worker_file(ws, stem).read_bytes().decode("utf-8")


def _session(workspace: Path, worker_id: str) -> tuple[Workspace, Worker, dt.date]:
    ws, _ = open_workspace(workspace, strict=False)
    worker = find_worker(ws, worker_id)
    today = dt.date.today()
    refuse_if_already_invalid(ws, worker_id, today)
    return ws, worker, today


# --- commands -----------------------------------------------------------------------------------

WorkerArg = Annotated[str, typer.Argument(metavar="SALARIÉ", help="Identifiant du salarié.")]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Enregistrer sans demander de confirmation.")
]


def _opt(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text, show_default=False)


def register(app: typer.Typer) -> None:
    worker_app = typer.Typer(
        help="Créer la fiche d'un salarié sans éditer de YAML.", no_args_is_help=True
    )
    log_app = typer.Typer(
        help="Ajouter une mise à disposition, une observation ou une formation à un salarié.",
        no_args_is_help=True,
    )
    import_app = typer.Typer(
        help="Importer les feuilles de temps d'un logiciel de paie ou de planning.",
        no_args_is_help=True,
    )
    app.add_typer(worker_app, name="worker", rich_help_panel=PANEL_RECORD)
    app.add_typer(log_app, name="log", rich_help_panel=PANEL_RECORD)
    app.add_typer(import_app, name="import", rich_help_panel=PANEL_RECORD)
    _register_worker(worker_app)
    _register_log(log_app)
    _register_import(import_app)
    _register_grid(app)


def _register_worker(worker_app: typer.Typer) -> None:
    @worker_app.command("new")
    @friendly_errors
    def worker_new(
        ident: Annotated[
            str | None, _opt("Identifiant (par défaut : prénom-initiale).", "--id")
        ] = None,
        first_name: Annotated[str | None, _opt("Prénom.", "--first-name", "--prenom")] = None,
        last_name: Annotated[
            str | None, _opt("Nom (ou initiale, par exemple « B. »).", "--last-name", "--nom")
        ] = None,
        association: Annotated[
            str | None, _opt("Identifiant de l'association (voir workspace.yaml).", "--association")
        ] = None,
        counselor: Annotated[
            str | None, _opt("Conseiller ou conseillère.", "--counselor", "--conseiller")
        ] = None,
        targets: Annotated[
            list[str] | None, _opt("Référentiel visé (répétable), par exemple advf.", "--target")
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
            str | None, _opt("Date du consentement (par défaut aujourd'hui).", "--consent-date")
        ] = None,
        pass_start: Annotated[str | None, _opt("Début du PASS IAE.", "--pass-start")] = None,
        pass_end: Annotated[str | None, _opt("Fin du PASS IAE.", "--pass-end")] = None,
        yes: YesOption = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Créer la fiche d'un salarié en parcours (workers/<id>.yaml)."""
        ws, _ = open_workspace(workspace, strict=False)
        today = dt.date.today()
        asker = Asker(stdin_is_terminal())
        first = asker.value(first_name, "--first-name", "Prénom", _text)
        last = asker.value(last_name, "--last-name", "Nom (ou initiale)", _text)
        associations = ws.settings.associations if ws.settings else []
        assoc = asker.pick(
            association,
            "--association",
            "Association",
            [(a.id, f"{a.name} ({a.id})") for a in associations],
            default=associations[0].id if len(associations) == 1 else None,
        )
        counselors = next((a.counselors for a in associations if a.id == assoc), [])
        chosen_counselor = asker.pick(
            counselor,
            "--counselor",
            "Conseiller ou conseillère",
            [(c, c) for c in counselors],
            free=True,
            optional=True,
        )
        refs = sorted(
            (r for r in ws.referentiels.values() if r.track != "transversal"), key=lambda r: r.id
        )
        chosen_targets = asker.pick_many(
            targets,
            "--target",
            "Référentiels visés (les référentiels transversaux sont toujours évalués)",
            [(r.id, f"{r.title} ({r.id})") for r in refs],
        )
        if consent is None:
            consent = asker.confirm(
                "Consentement au traitement des données recueilli ?", default=False
            )
        day = (
            asker.value(
                consent_date,
                "--consent-date",
                "Date du consentement",
                parse_day,
                default=today.isoformat(),
            )
            if consent
            else None
        )
        pass_iae = _pass_iae(pass_start, pass_end)
        suggested = suggest_worker_id(first or "", last or "", set(ws.workers))
        stem = asker.value(
            ident,
            "--id",
            "Identifiant",
            _worker_id,
            default=suggested or None,
            optional=not (first and last),  # derived from the names, once they are given
        )
        asker.finish("portfolio worker new --first-name Fatima --last-name B. --association ai-est")
        path = worker_file(ws, stem)
        if path.exists():
            raise PortfolioError(
                f"le fichier workers/{stem}.yaml existe déjà : choisissez un autre identifiant "
                "avec --id (rien n'a été écrit)"
            )
        text = new_worker_text(
            ident=stem,
            first_name=first,
            last_name=last,
            association=assoc,
            counselor=chosen_counselor,
            targets=chosen_targets,
            consent=consent,
            consent_date=day,
            pass_iae=pass_iae,
            today=today,
        )
        verdict = check_updated_worker(ws, stem, text, today)
        save(path, "", text, verdict, asker, yes=yes, done=f"Fiche créée : workers/{stem}.yaml")


def _worker_id(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        raise RecordError(
            f"identifiant « {value} » invalide : minuscules sans accent, chiffres et tirets, "
            "par exemple fatima-b"
        )
    return value


def suggest_worker_id(first: str, last: str, taken: set[str]) -> str:
    """`prénom-initiale` as in the demo (fatima-b), numbered when already taken."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(f"{first} {last[:1]}")).strip("-")
    if not words:
        return ""
    candidate, n = words, 2
    while candidate in taken:
        candidate, n = f"{words}-{n}", n + 1
    return candidate


def _pass_iae(start: str | None, end: str | None) -> tuple[dt.date, dt.date] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise PortfolioError("le PASS IAE demande --pass-start et --pass-end", exit_code=2)
    return (
        _from_flag(parse_day, start, "--pass-start"),
        _from_flag(parse_day, end, "--pass-end"),
    )


def _register_log(log_app: typer.Typer) -> None:
    @log_app.command("placement")
    @friendly_errors
    def log_placement(
        worker_id: WorkerArg,
        client: Annotated[str | None, _opt("Nom du client.", "--client")] = None,
        client_kind: Annotated[
            str | None,
            _opt("particulier, collectivite, association ou entreprise.", "--client-kind"),
        ] = None,
        start: Annotated[
            str | None, _opt("Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA).", "--start")
        ] = None,
        end: Annotated[str | None, _opt("Dernier jour.", "--end")] = None,
        hours: Annotated[
            str | None, _opt("Heures travaillées (12, 3,5 ou 3h30).", "--hours")
        ] = None,
        tutor: Annotated[str | None, _opt("Tuteur ou tutrice chez le client.", "--tutor")] = None,
        tasks: Annotated[
            list[str] | None,
            _opt("Tâche (répétable) : « repassage » ou « repassage=10 » pour 10 h.", "--task"),
        ] = None,
        service: Annotated[str | None, _opt("Service du client.", "--service")] = None,
        means: Annotated[list[str] | None, _opt("Moyen utilisé (répétable).", "--means")] = None,
        note: Annotated[str | None, _opt("Remarque.", "--note")] = None,
        yes: YesOption = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Ajouter une mise à disposition (un client, des dates, des heures, des tâches)."""
        ws, worker, today = _session(workspace, worker_id)
        asker = Asker(stdin_is_terminal())
        clients = known_clients(ws, worker)
        name = asker.pick(
            client,
            "--client",
            "Client",
            [(n, f"{n} ({k})") for n, k in clients],
            free=True,
        )
        known_kind = next((k for n, k in clients if name and fold(n) == fold(name)), None)
        kind = asker.pick(
            client_kind if client_kind is not None or known_kind is None else known_kind,
            "--client-kind",
            "Type de client",
            [(k, k) for k in CLIENT_KINDS],
        )
        first = asker.value(start, "--start", "Premier jour", parse_day)
        last = asker.value(
            end,
            "--end",
            "Dernier jour",
            parse_day,
            default=first.isoformat() if first and asker.interactive else None,
        )
        worked = asker.value(hours, "--hours", "Heures travaillées", parse_hours)
        previous_tutor = next(
            (
                p.tutor
                for p in reversed(worker.placements)
                if name and fold(p.client.name) == fold(name) and p.tutor
            ),
            None,
        )
        who = asker.value(
            tutor, "--tutor", "Tuteur ou tutrice", _text, default=previous_tutor, optional=True
        )
        chosen_tasks = asker.pick_many(
            tasks, "--task", "Tâches réalisées", task_options(ws, worker), with_hours=True
        )
        asker.finish(
            f"portfolio log placement {worker_id} --client 'Mme D.' --client-kind particulier "
            "--start 2003-01-06 --end 2003-03-28 --hours 36 --task repassage"
        )
        ident = next_placement_id(p.id for p in worker.placements)
        entry = placement_entry(
            ident=ident,
            client=name,
            client_kind=kind,
            start=first,
            end=last,
            hours=worked,
            tutor=who,
            service=service,
            tasks=chosen_tasks,
            note=note,
        )
        if means:
            entry = _with_means(entry, means)
        _append_and_save(
            ws,
            worker_id,
            "placements",
            entry,
            asker,
            yes=yes,
            today=today,
            done=f"Mise à disposition {ident} ajoutée à workers/{worker_id}.yaml "
            f"({name}, du {fr_date(first)} au {fr_date(last)}, {fr_hours(worked)}).",
        )

    @log_app.command("observation")
    @friendly_errors
    def log_observation(
        worker_id: WorkerArg,
        competency: Annotated[
            str | None, _opt("Compétence (advf.ccp1.c3, ou ccp1.c3).", "--competency")
        ] = None,
        level: Annotated[
            str | None,
            _opt("Niveau : 1 découverte, 2 avec aide, 3 autonome, 4 maîtrise.", "--level"),
        ] = None,
        by: Annotated[str | None, _opt("Nom de la personne qui observe.", "--by")] = None,
        role: Annotated[str | None, _opt("tuteur, conseiller ou formateur.", "--role")] = None,
        day: Annotated[str | None, _opt("Date (par défaut aujourd'hui).", "--date")] = None,
        placement: Annotated[
            str | None, _opt("Mise à disposition observée (p1, p2…).", "--placement")
        ] = None,
        note: Annotated[str | None, _opt("Ce qui a été observé.", "--note")] = None,
        yes: YesOption = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Ajouter une observation : un niveau de 1 à 4 donné à une compétence."""
        ws, worker, today = _session(workspace, worker_id)
        asker = Asker(stdin_is_terminal())
        when = asker.value(day, "--date", "Date", parse_day, default=today.isoformat())
        where = asker.pick(
            placement,
            "--placement",
            "Mise à disposition observée",
            [
                (p.id, f"{p.id} : {p.client.name}, du {fr_date(p.start)} au {fr_date(p.end)}")
                for p in worker.placements
            ],
            optional=True,
            free=True,
        )
        comp = asker.pick(
            competency,
            "--competency",
            "Compétence observée",
            competency_options(ws, worker, where),
            free=True,
        )
        grade = (
            _from_flag(parse_level, level, "--level")
            if level is not None
            else asker.pick(
                None, "--level", "Niveau", [(str(n), f"{n} {w}") for n, w in LEVELS.items()]
            )
        )
        kind = asker.pick(
            role,
            "--role",
            "Rôle de la personne qui observe",
            [(r, r) for r in ROLES],
            default="tuteur" if where else None,
        )
        observed = next((p for p in worker.placements if p.id == where), None)
        suggested = {
            "tuteur": observed.tutor if observed else None,
            "conseiller": worker.counselor,
        }.get(kind or "")
        observer = asker.value(
            by, "--by", "Nom de la personne qui observe", _text, default=suggested
        )
        remark = asker.value(note, "--note", "Remarque", _text, optional=True)
        asker.finish(
            f"portfolio log observation {worker_id} --competency advf.ccp1.c3 --level 3 "
            "--by 'Mme D.' --role tuteur --placement p1"
        )
        full = resolve_competency(ws, worker, comp)
        entry = observation_entry(
            day=when,
            by=observer,
            role=kind,
            competency=full,
            level=int(grade),
            placement=where,
            note=remark,
        )
        _append_and_save(
            ws,
            worker_id,
            "observations",
            entry,
            asker,
            yes=yes,
            today=today,
            done=f"Observation ajoutée à workers/{worker_id}.yaml ({full}, niveau {grade} "
            f"{LEVELS[int(grade)]}).",
        )

    @log_app.command("training")
    @friendly_errors
    def log_training(
        worker_id: WorkerArg,
        module: Annotated[str | None, _opt("Module du catalogue (ofa.linge…).", "--module")] = None,
        start: Annotated[str | None, _opt("Premier jour.", "--start")] = None,
        end: Annotated[str | None, _opt("Dernier jour (facultatif).", "--end")] = None,
        hours: Annotated[
            str | None, _opt("Heures suivies (par défaut celles du module).", "--hours")
        ] = None,
        result: Annotated[str | None, _opt("acquis, non-acquis ou en-cours.", "--result")] = None,
        yes: YesOption = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Ajouter une formation suivie : un module, des dates, des heures et un résultat."""
        ws, worker, today = _session(workspace, worker_id)
        asker = Asker(stdin_is_terminal())
        chosen = asker.pick(
            module, "--module", "Module suivi", module_options(ws, worker), free=True
        )
        if chosen is not None and chosen not in ws.module_index:
            raise PortfolioError(
                f"module inconnu « {chosen} » : choisissez un module des catalogues (dossier "
                f"catalog/), par exemple {', '.join(sorted(ws.module_index)[:3])} ; "
                "rien n'a été écrit"
            )
        first = asker.value(start, "--start", "Premier jour", parse_day)
        last = asker.value(
            end, "--end", "Dernier jour (vide : un seul jour)", parse_day, optional=True
        )
        catalog_hours = ws.module_index[chosen][0].hours if chosen in ws.module_index else None
        attended = asker.value(
            hours,
            "--hours",
            "Heures suivies",
            parse_hours,
            default=str(number(catalog_hours)) if catalog_hours else None,
        )
        outcome = asker.pick(result, "--result", "Résultat", [(r, r) for r in RESULTS])
        asker.finish(
            f"portfolio log training {worker_id} --module ofa.linge --start 2003-01-10 "
            "--end 2003-01-24 --result acquis"
        )
        entry = training_entry(module=chosen, start=first, end=last, hours=attended, result=outcome)
        _append_and_save(
            ws,
            worker_id,
            "trainings",
            entry,
            asker,
            yes=yes,
            today=today,
            done=f"Formation {chosen} ajoutée à workers/{worker_id}.yaml ({outcome}).",
        )


def module_options(ws: Workspace, worker: Worker) -> list[Option]:
    """Catalogue modules, those about the worker's référentiels first."""
    assessed = {r.id for r in ws.assessed_referentiels(worker)}
    modules = sorted(
        (m for m, _ in ws.module_index.values()),
        key=lambda m: (not any(c.split(".")[0] in assessed for c in m.competencies), m.id),
    )
    return [(m.id, f"{m.title}, {fr_hours(m.hours)} ({m.id})") for m in modules]


def _with_means(entry: dict[str, Any], means: list[str]) -> dict[str, Any]:
    """`means` goes after `service` or `tutor`, as in the worker file format (SPEC §4)."""
    ordered: dict[str, Any] = {}
    for key, value in entry.items():
        if key in {"note", "tasks"} and "means" not in ordered:
            ordered["means"] = [m.strip() for m in means if m.strip()]
        ordered[key] = value
    ordered.setdefault("means", [m.strip() for m in means if m.strip()])
    return ordered


def _append_and_save(
    ws: Workspace,
    stem: str,
    section: str,
    entry: dict[str, Any],
    asker: Asker,
    *,
    yes: bool,
    today: dt.date,
    done: str,
) -> None:
    old = read_worker_text(ws, stem)
    try:
        new = append_entry(old, section, entry)
    except RecordError as exc:
        raise PortfolioError(f"workers/{stem}.yaml : {exc}") from None
    verdict = check_updated_worker(ws, stem, new, today)
    save(worker_file(ws, stem), old, new, verdict, asker, yes=yes, done=done)


def _register_import(import_app: typer.Typer) -> None:
    @import_app.command("timesheet")
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
        ws, _ = open_workspace(workspace, strict=False)
        today = dt.date.today()
        table = read_table(file)
        _, ignored = map_columns(table.header)
        if ignored:
            stderr.print(f"Colonnes ignorées : {', '.join(ignored)}.", style="yellow", markup=False)
        broken = {stem for kind, stem in ws.broken if kind == "worker"}
        rows, rejections = parse_rows(table, ws, broken=broken)
        drafts = group_rows(rows, max_gap)
        texts = {d.worker: read_worker_text(ws, d.worker) for d in drafts}
        plan = plan_import(ws, drafts, texts, rejections, today)
        for change in plan.changed:
            stdout.print(import_summary(ws, change), markup=False, soft_wrap=True)
        for rejection in plan.rejections:
            stderr.print(
                f"refusé : {rejection.render()}", style="red", markup=False, soft_wrap=True
            )
        if plan.rejections and not skip_invalid:
            raise PortfolioError(
                f"{_lines(plan.rejections, 'refusée')} (ci-dessus) : rien n'a été écrit. "
                "Corrigez la feuille de temps, ou relancez avec --skip-invalid pour importer "
                "seulement les lignes valides"
            )
        if dry_run:
            stdout.print(
                f"Simulation : rien n'a été écrit ({_counts(plan)} à ajouter).",
                markup=False,
                soft_wrap=True,
            )
            return
        for change in plan.changed:
            write_atomic(worker_file(ws, change.worker), change.new_text)
        stdout.print(f"Import terminé : {_counts(plan)} ajoutée(s).", markup=False, soft_wrap=True)
        if plan.rejections:
            stderr.print(
                f"{_lines(plan.rejections, 'ignorée')} (--skip-invalid).",
                style="yellow",
                markup=False,
            )


def _lines(rejections: Sequence[Rejection], verb: str) -> str:
    count = len({n for r in rejections for n in r.rows})
    plural = "s" * (count > 1)
    return f"{count} ligne{plural} {verb}{plural}"


def _counts(plan: ImportPlan) -> str:
    added = sum(len(c.added) for c in plan.changed)
    if not added:
        return "aucune mise à disposition"
    workers = len(plan.changed)
    return (
        f"{added} mise{'s' * (added > 1)} à disposition pour {workers} salarié{'s' * (workers > 1)}"
    )


def period_text(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"le {fr_date(start)}"
    return f"du {fr_date(start)} au {fr_date(end)}"


def import_summary(ws: Workspace, change: WorkerImport) -> str:
    """What an import adds to one worker, one placement per line, with its source rows."""
    worker = ws.workers[change.worker]
    lines = [f"{change.worker} ({worker.display_name}) :"]
    for added in change.added:
        entry = added.entry
        tasks = [t if isinstance(t, str) else t["task"] for t in entry.get("tasks", [])]
        lines.append(
            f"  + {entry['id']} {entry['client']['name']} ({entry['client']['kind']}), "
            f"{period_text(entry['start'], entry['end'])}, {fr_hours(entry['hours'])}, "
            f"{rows_text(added.draft.numbers)}"
            + (f" ; tâches : {', '.join(tasks)}" if tasks else "")
        )
    lines += [f"  avertissement : {w}" for w in change.warnings]
    return "\n".join(lines)


def _register_grid(app: typer.Typer) -> None:
    @app.command("grid", rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def grid(
        worker_id: WorkerArg,
        placement: Annotated[
            str | None,
            _opt("Mise à disposition (par défaut la dernière commencée).", "--placement"),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Fichier PDF à écrire (par défaut grille-SALARIÉ-MISE.pdf).",
                dir_okay=False,
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Imprimer la grille d'observation du tuteur pour une mise à disposition (PDF)."""
        ws, worker = open_worker(workspace, worker_id)
        day = as_of_or_today(as_of)
        chosen = choose_placement(worker, placement, day)
        view = grid_view(ws, worker, chosen, day)
        target = output or Path(f"grille-{worker_id}-{chosen.id}.pdf")
        stderr.print(f"Grille de {chosen.id} ({chosen.client.name}) en cours…", markup=False)
        write_atomic(target, grid_pdf(view))
        stdout.print(f"Grille écrite : {target}", markup=False, soft_wrap=True)
