"""Recording without editing YAML (SPEC §9 `worker new`, `log …`, `import timesheet`, `grid`).

The CLI asks for what its options did not give, the web interface reads its forms (SPEC §11);
both then call these functions, which build the entry, judge the updated worker file by every
rule of `portfolio check` and write it atomically, or refuse with the reasons and write nothing.
The rendering modules are imported by the functions that need them (the observation grid), so
that recording starts quickly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from portfolio import journal
from portfolio.app.outputs import output_file
from portfolio.app.workspace import (
    open_worker,
    open_workspace,
    require_worker_id,
    unknown_worker,
)
from portfolio.french import (
    CLIENT_KINDS,
    LEVEL_LABELS,
    LEVEL_WORDS,
    RESULTS,
    ROLES,
    InputError,
    fr_date,
    message_hours,
    parse_hours,
    plural,
)
from portfolio.fsutil import write_atomic
from portfolio.issues import Issue, Location, PortfolioError, error
from portfolio.journal import Action, JournalEntry, actor_login
from portfolio.model.common import ID_PATTERN
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Observation, Placement, Training, Worker
from portfolio.record import queries
from portfolio.record.changes import (
    added_lines,
    check_updated_worker,
    current_issues,
    parse_worker_text,
    read_worker_text,
    worker_path,
)
from portfolio.record.entries import (
    new_worker_text,
    number,
    observation_entry,
    placement_entry,
    training_entry,
)
from portfolio.record.queries import Option
from portfolio.record.timesheet import (
    ImportPlan,
    Rejection,
    group_rows,
    map_columns,
    parse_rows,
    placements_count,
    plan_import,
    read_table,
    rows_count,
    titles_note,
    worker_summary,
)
from portfolio.record.yamltext import append_entry, remove_entry, replace_entry
from portfolio.transaction import locked

CLIENT_KIND_OPTIONS: list[Option] = [(k, k) for k in CLIENT_KINDS]
ROLE_OPTIONS: list[Option] = [(r, r) for r in ROLES]
RESULT_OPTIONS: list[Option] = [(r, r) for r in RESULTS]
LEVEL_OPTIONS: list[Option] = [(str(n), label) for n, label in LEVEL_LABELS.items()]
_WORKER_ID = re.compile(ID_PATTERN)


# --- values typed in a form ---------------------------------------------------------------------


def parse_task(text: str) -> dict[str, Any] | str:
    """A task as a counselor types it: « repassage » or « repassage=3,5 » (3.5 h on it)."""
    label, sep, hours = text.rpartition("=")
    if not sep:
        label = text
    label = label.strip()
    if not label:
        raise InputError(f"tâche « {text} » sans texte : écrivez la tâche, puis « =heures »")
    if not sep:
        return label
    return {
        "task": label,
        "hours": number(parse_hours(hours, f"les heures de la tâche « {label} »")),
    }


def parse_worker_id(text: str) -> str:
    """A worker id as typed: it names the worker's file (SPEC §4 `^[a-z0-9][a-z0-9-]*$`)."""
    value = text.strip()
    if not _WORKER_ID.fullmatch(value):
        raise InputError(
            f"identifiant « {value} » invalide : minuscules sans accent, chiffres et tirets, "
            "par exemple fatima-b"
        )
    return value


# --- a change to a worker file ------------------------------------------------------------------


Update = Callable[[str], tuple[str, str, str | None]]
"""A worker file's text → the text with the change, the sentence that says what was done, and
the id of the entry written (None when entries of its kind have none)."""


@dataclass(frozen=True)
class Change:
    """An addition to a worker file that passes every rule of `portfolio check`."""

    file: Path
    old_text: str
    new_text: str
    new_warnings: list[Issue]
    """Warnings the change brings (those the file already had are not repeated)."""
    done: str
    """What was recorded, in one French sentence."""
    entry: str | None
    """The id of the entry written (`p3`); None when entries of its kind have none."""

    @property
    def display(self) -> str:
        """The file as users name it: workers/<id>.yaml."""
        return f"{self.file.parent.name}/{self.file.name}"

    @property
    def added_lines(self) -> list[str]:
        return added_lines(self.old_text, self.new_text)


Confirm = Callable[[Change], bool]
"""Asked with the change before it is written (the CLI shows it and asks); False: nothing is
written."""

Guard = Callable[[], Mapping[Path, str | bytes]]
"""Run under the workspace lock just before a change is written: it refuses the change by
raising, or returns other files to write in the same transaction (a tutor link, closed with the
grid it brought, so that a second submission of the link finds it closed)."""


class ChangeRefused(PortfolioError):
    """The updated worker file would break a rule of `portfolio check`: nothing was written.

    `problems` are its errors; their line numbers point into a text that was never written, so a
    front end shows their messages only.
    """

    def __init__(self, problems: list[Issue]) -> None:
        super().__init__("la saisie est refusée (ci-dessus) : rien n'a été écrit")
        self.problems = problems


def _judged(ws: Workspace, stem: str, old: str, update: Update, today: dt.date) -> Change:
    """The change `update` makes to `old`, if the updated text passes the rules of
    `portfolio check`."""
    new, done, entry = update(old)
    verdict = check_updated_worker(ws, stem, new, today)
    if not verdict.accepted:
        raise ChangeRefused(verdict.errors)
    return Change(worker_path(ws, stem), old, new, verdict.new_warnings, done, entry)


def _save(
    ws: Workspace,
    stem: str,
    update: Update,
    today: dt.date,
    confirm: Confirm | None,
    action: Action,
    actor: str | None,
    guard: Guard | None = None,
) -> Change:
    """Apply `update` to the worker file's text, judge the result by the rules of `portfolio
    check`, have it confirmed, then write it with its line in the journal of writes, signed by
    `actor` (see `journal.actor_login`), and with the files `guard` adds, if it allows it.

    The write happens under the workspace lock, on the file as it is then: when someone else
    changed it since it was read (another counselor recording at the same moment), `update` is
    applied again to their version and judged again, so that neither change is lost. The file
    and its journal line are committed together (`journal.commit`)."""
    login = actor_login(actor)
    old = _current_text(ws, stem)
    change = _judged(ws, stem, old, update, today)
    if confirm is not None and not confirm(change):
        raise PortfolioError("rien n'a été écrit", exit_code=1)
    with locked(ws.root):
        also = guard() if guard is not None else {}
        current = _current_text(ws, stem)
        if current != old:
            change = _judged(ws, stem, current, update, today)
        entry = JournalEntry.now(login=login, action=action, worker=stem, entry=change.entry)
        journal.commit(ws.root, {change.file: change.new_text, **also}, [entry])
    return change


def _current_text(ws: Workspace, stem: str) -> str:
    """The worker file's text, or "" when it does not exist (yet)."""
    try:
        return read_worker_text(ws, stem)
    except FileNotFoundError:
        return ""


# --- a new worker -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """A workspace opened to record into, with what its forms offer."""

    ws: Workspace
    today: dt.date
    """The day changes are judged at."""

    def association_options(self) -> list[Option]:
        return queries.association_options(self.ws)

    def default_association(self) -> str | None:
        return queries.default_association(self.ws)

    def counselor_options(self, association: str | None) -> list[Option]:
        return queries.counselor_options(self.ws, association)

    def target_options(self) -> list[Option]:
        return queries.target_options(self.ws)

    def suggest_worker_id(self) -> str:
        """A neutral id (w-0043), as docs/donnees-personnelles.md recommends."""
        return queries.next_worker_id(self.ws)

    def require_new_worker_id(self, ident: str) -> str:
        return queries.require_new_worker_id(self.ws, ident)

    def require_target(self, target: str) -> str:
        return queries.require_target(self.ws, target)

    def require_association(self, association: str) -> str:
        return queries.require_association(self.ws, association)


def open_recording(root: Path, today: dt.date | None = None) -> Recording:
    """Open a workspace to create worker files; other workers' broken files do not matter."""
    ws, _ = open_workspace(root, strict=False)
    return Recording(ws, today or dt.date.today())


def add_worker(
    rec: Recording,
    *,
    ident: str,
    first_name: str,
    last_name: str,
    association: str,
    counselor: str | None,
    targets: list[str],
    consent: bool,
    consent_date: dt.date | None,
    pass_iae: tuple[dt.date, dt.date] | None = None,
    confirm: Confirm | None = None,
    actor: str | None = None,
) -> Change:
    """Create the file of a worker (workers/<id>.yaml), never replacing one."""

    def create(current: str) -> tuple[str, str, None]:
        if current or worker_path(rec.ws, ident).exists():
            raise PortfolioError(
                f"le fichier workers/{ident}.yaml existe déjà : choisissez un autre identifiant "
                "(rien n'a été écrit)"
            )
        return text, f"Fiche créée : workers/{ident}.yaml", None

    text = new_worker_text(
        ident=ident,
        first_name=first_name,
        last_name=last_name,
        association=association,
        counselor=counselor,
        targets=targets,
        consent=consent,
        consent_date=consent_date,
        pass_iae=pass_iae,
        today=rec.today,
    )
    return _save(rec.ws, ident, create, rec.today, confirm, "worker.add", actor)


# --- entries in a worker's file -----------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRecording(Recording):
    """One worker's file opened for additions, with what its forms offer and suggest."""

    worker: Worker
    stem: str

    @cached_property
    def _clients(self) -> list[tuple[str, str]]:
        return queries.known_clients(self.ws, self.worker)

    def client_options(self) -> list[Option]:
        """Clients this worker worked for, then those of the same association."""
        return queries.client_options(self._clients)

    def known_client_kind(self, client: str | None) -> str | None:
        return queries.known_client_kind(self._clients, client)

    def previous_tutor(self, client: str | None) -> str | None:
        return queries.previous_tutor(self.worker, client)

    def task_options(self) -> list[Option]:
        return queries.task_options(self.ws, self.worker)

    def placement_options(self) -> list[Option]:
        return queries.placement_options(self.worker)

    def competency_options(self, placement: str | None) -> list[Option]:
        """Competencies the placement's tasks evidence, or else every assessed competency."""
        from portfolio.render.grid import observed_competencies

        assessed = [
            self.ws.competency_index[ref.full_id(b, c)]
            for ref in queries.targets_first(self.ws, self.worker)
            for b, c in ref.competencies()
        ]
        observed = next((p for p in self.worker.placements if p.id == placement), None)
        evidenced = (
            set(observed_competencies(self.ws, self.worker, observed)) if observed else set()
        )
        chosen = [c for c in assessed if c.id in evidenced] or assessed
        return [(c.id, f"{c.competency.plain} ({c.id})") for c in chosen]

    def suggested_observer(self, placement: str | None, role: str | None) -> str | None:
        return queries.suggested_observer(self.worker, placement, role)

    def module_options(self) -> list[Option]:
        return queries.module_options(self.ws, self.worker)

    def default_hours(self, module: str | None) -> str | None:
        return queries.default_hours(self.ws, module)

    def require_placement(self, placement: str) -> str:
        return queries.require_placement(self.worker, placement)

    def require_competency(self, competency: str) -> str:
        return queries.require_competency(self.ws, self.worker, competency)

    def require_module(self, module: str) -> str:
        """A training refers to a catalogue module (SPEC §4)."""
        return queries.require_module(self.ws, module)

    @staticmethod
    def require_end(start: dt.date | None, end: dt.date) -> dt.date:
        return queries.require_end(start, end)


def open_for_recording(root: Path, worker_id: str, today: dt.date | None = None) -> WorkerRecording:
    """Open the workspace to add entries to one worker's file (see `recording_in`)."""
    require_worker_id(worker_id)
    ws, issues = open_workspace(root, strict=False)
    if worker_id not in ws.workers:
        raise unknown_worker(ws.root, worker_id, issues)
    return recording_in(ws, worker_id, today or dt.date.today())


class WorkerFileHasErrors(PortfolioError):
    """The worker file breaks rules of `portfolio check` already: `issues` says which."""


def recording_in(ws: Workspace, worker_id: str, today: dt.date) -> WorkerRecording:
    """One worker's file of a workspace already loaded (the web interface keeps one), opened
    for additions.

    Other workers' broken files do not matter here, but this worker's file must be valid: a
    change is judged on the whole file (SPEC §8), so existing errors must be fixed first.
    """
    errors = [i for i in current_issues(ws, worker_id, today) if i.is_error]
    if errors:
        raise WorkerFileHasErrors(
            f"le fichier workers/{worker_id}.yaml contient déjà des erreurs (ci-dessus) : "
            "corrigez-les d'abord (« portfolio check » les liste), rien n'a été écrit",
            issues=errors,
        )
    return WorkerRecording(ws, today, ws.workers[worker_id], worker_id)


def _add(
    rec: WorkerRecording,
    section: str,
    entry: Callable[[Worker], tuple[Mapping[str, Any], str]],
    confirm: Confirm | None,
    action: Action,
    actor: str | None,
) -> Change:
    """Append the entry `entry(worker)` makes for the worker as their file then reads (the next
    placement id depends on it), with its sentence."""

    def append(text: str) -> tuple[str, str, str | None]:
        made, done = entry(parse_worker_text(text, rec.stem)[0] or rec.worker)
        try:
            return append_entry(text, section, made), done, made.get("id")
        except InputError as exc:
            raise PortfolioError(f"workers/{rec.stem}.yaml : {exc}") from None

    return _save(rec.ws, rec.stem, append, rec.today, confirm, action, actor)


def add_placement(
    rec: WorkerRecording,
    *,
    client: str,
    client_kind: str,
    start: dt.date,
    end: dt.date,
    hours: float,
    tutor: str | None = None,
    service: str | None = None,
    tasks: Sequence[str | Mapping[str, Any]] = (),
    means: Sequence[str] = (),
    note: str | None = None,
    confirm: Confirm | None = None,
    actor: str | None = None,
) -> Change:
    """Add a placement, with the next free id (p1, p2…)."""

    def entry(worker: Worker) -> tuple[Mapping[str, Any], str]:
        ident = queries.next_placement_id(p.id for p in worker.placements)
        made = placement_entry(
            ident=ident,
            client=client,
            client_kind=client_kind,
            start=start,
            end=end,
            hours=hours,
            tutor=tutor,
            service=service,
            tasks=tasks,
            means=means,
            note=note,
        )
        done = (
            f"Mise à disposition {ident} ajoutée à workers/{rec.stem}.yaml ({client}, du "
            f"{fr_date(start)} au {fr_date(end)}, {message_hours(hours)})."
        )
        return made, done

    return _add(rec, "placements", entry, confirm, "placement.add", actor)


def add_observation(
    rec: WorkerRecording,
    *,
    day: dt.date,
    by: str,
    role: str,
    competency: str,
    level: int,
    placement: str | None = None,
    note: str | None = None,
    confirm: Confirm | None = None,
    actor: str | None = None,
) -> Change:
    """Add an observation; the competency may be typed short (`bloc.compétence` of a target)."""
    full = queries.resolve_competency(rec.ws, rec.worker, competency)
    made = observation_entry(
        day=day, by=by, role=role, competency=full, level=level, placement=placement, note=note
    )
    done = (
        f"Observation ajoutée à workers/{rec.stem}.yaml ({full}, niveau {level} "
        f"{LEVEL_WORDS[level]})."
    )
    return _add(rec, "observations", lambda _: (made, done), confirm, "observation.add", actor)


@dataclass(frozen=True)
class NewObservation:
    """One observation of several recorded together (`add_observations`)."""

    day: dt.date
    by: str
    role: str
    competency: str
    level: int
    placement: str | None = None
    note: str | None = None


def add_observations(
    rec: WorkerRecording,
    observations: Sequence[NewObservation],
    *,
    action: Action = "observation.add",
    actor: str | None = None,
    guard: Guard | None = None,
) -> Change:
    """Add several observations in one write and one journal line (a tutor's grid): all of them
    or none. The line names their placement when they share one."""
    if not observations:
        raise PortfolioError("aucune observation à enregistrer : rien n'a été écrit")
    made = [
        observation_entry(
            day=o.day,
            by=o.by,
            role=o.role,
            competency=queries.resolve_competency(rec.ws, rec.worker, o.competency),
            level=o.level,
            placement=o.placement,
            note=o.note,
        )
        for o in observations
    ]
    places = {o.placement for o in observations}
    placement = places.pop() if len(places) == 1 else None
    done = (
        f"{plural(len(made), 'observation ajoutée', 'observations ajoutées')} à "
        f"workers/{rec.stem}.yaml" + (f" (mise à disposition {placement})." if placement else ".")
    )

    def append(text: str) -> tuple[str, str, str | None]:
        try:
            for entry in made:
                text = append_entry(text, "observations", entry)
        except InputError as exc:
            raise PortfolioError(f"workers/{rec.stem}.yaml : {exc}") from None
        return text, done, placement

    return _save(rec.ws, rec.stem, append, rec.today, None, action, actor, guard)


def add_training(
    rec: WorkerRecording,
    *,
    module: str,
    start: dt.date,
    end: dt.date | None,
    hours: float,
    result: str,
    confirm: Confirm | None = None,
    actor: str | None = None,
) -> Change:
    """Add a training of a catalogue module."""
    try:
        rec.require_module(module)
    except InputError as exc:
        raise PortfolioError(f"{exc} ; rien n'a été écrit") from None
    made = training_entry(module=module, start=start, end=end, hours=hours, result=result)
    done = f"Formation {module} ajoutée à workers/{rec.stem}.yaml ({result})."
    return _add(rec, "trainings", lambda _: (made, done), confirm, "training.add", actor)


# --- editing and deleting an entry --------------------------------------------------------------

Section = Literal["placements", "observations", "trainings"]
Entry = Placement | Observation | Training
CONFLICT_LINES_SHOWN = 10
"""The journal lines a version conflict shows at most (the newest)."""


def file_version(text: str) -> str:
    """The version of a worker file's text (SPEC §11): an edit form carries the version it was
    read from, and the edit is written only if the file still has it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class OpenedEntry:
    """An entry of a worker file as it reads now, with the version of the file it was read
    from, for an edit form."""

    section: Section
    position: str
    """How pages name it: a placement's id (`p2`), or the entry's number in its list, from 1."""
    entry: Entry
    version: str

    @property
    def reference(self) -> str:
        return entry_reference(self.section, self.position)


def entry_reference(section: Section, position: str) -> str:
    """The entry's name in the journal (SPEC §11: an id, never personal data): a placement's id,
    else the section and the entry's number in its list (`observations.3`)."""
    return position if section == "placements" else f"{section}.{position}"


class EntryNotFound(PortfolioError):
    """The entry a page names is not (or no longer) in the worker file."""


class VersionConflict(PortfolioError):
    """The worker file changed since the edit form was opened: nothing was written.

    It carries what changed, for the form to show it: the entry as it now reads (None when it
    is gone), the file's new version (to open the form again on it), and the journal lines of
    this worker written since the form was opened."""

    def __init__(self, current: Entry | None, version: str, lines: Sequence[JournalEntry]) -> None:
        super().__init__(
            "ce dossier a été modifié par quelqu'un d'autre depuis que vous avez ouvert ce "
            "formulaire : rien n'a été enregistré"
        )
        self.current = current
        self.version = version
        self.lines = list(lines)


def _entries(worker: Worker, section: Section) -> Sequence[Entry]:
    entries: Sequence[Entry] = getattr(worker, section)
    return entries


def _locate(worker: Worker | None, section: Section, position: str) -> int | None:
    """The index of the entry named `position` in the worker's `section`; None when absent."""
    if worker is None:
        return None
    entries = _entries(worker, section)
    if section == "placements":
        return next((i for i, p in enumerate(worker.placements) if p.id == position), None)
    if position.isdigit() and 1 <= int(position) <= len(entries):
        return int(position) - 1
    return None


def _not_found(stem: str, section: Section, position: str) -> EntryNotFound:
    what = (
        f"la mise à disposition {position}"
        if section == "placements"
        else f"l'entrée n° {position} de « {section} »"
    )
    return EntryNotFound(
        f"{what} n'est pas (ou plus) dans workers/{stem}.yaml : rechargez la page du salarié"
    )


def open_entry(rec: WorkerRecording, section: Section, position: str) -> OpenedEntry:
    """The entry named `position` as the worker file reads now, with the file's version."""
    text = _current_text(rec.ws, rec.stem)
    worker = parse_worker_text(text, rec.stem)[0]
    index = _locate(worker, section, position)
    if worker is None or index is None:
        raise _not_found(rec.stem, section, position)
    return OpenedEntry(section, position, _entries(worker, section)[index], file_version(text))


def _entry_words(section: Section, position: str, entry: Entry) -> str:
    """The entry as a sentence names it, without personal data beyond what the page shows."""
    if isinstance(entry, Placement):
        return f"Mise à disposition {position} ({entry.client.name})"
    if isinstance(entry, Observation):
        return f"Observation n° {position} ({entry.competency}, du {fr_date(entry.date)})"
    return f"Formation n° {position} ({entry.module})"


def _save_version(
    rec: WorkerRecording,
    section: Section,
    position: str,
    version: str,
    update: Callable[[str, int, Worker], tuple[str, str]],
    action: Action,
    actor: str | None,
    since: dt.datetime | None,
) -> Change:
    """Apply `update(text, index, worker)` to the worker file if it still has `version`, judge
    the result by the rules of `portfolio check` and write it with its journal line, all under
    the workspace lock: a file that changed since is left as it is (VersionConflict)."""
    login = actor_login(actor)
    with locked(rec.ws.root):
        current = _current_text(rec.ws, rec.stem)
        worker = parse_worker_text(current, rec.stem)[0]
        index = _locate(worker, section, position)
        if file_version(current) != version:
            entry = None if worker is None or index is None else _entries(worker, section)[index]
            lines = journal.read(rec.ws.root, rec.stem)
            if since is not None:
                lines = [line for line in lines if line.time >= since]
            raise VersionConflict(entry, file_version(current), lines[-CONFLICT_LINES_SHOWN:])
        if worker is None or index is None:
            raise _not_found(rec.stem, section, position)

        def apply(text: str) -> tuple[str, str, str]:
            try:
                new, done = update(text, index, worker)
            except InputError as exc:
                raise PortfolioError(f"workers/{rec.stem}.yaml : {exc}") from None
            return new, done, entry_reference(section, position)

        change = _judged(rec.ws, rec.stem, current, apply, rec.today)
        line = JournalEntry.now(login=login, action=action, worker=rec.stem, entry=change.entry)
        journal.commit(rec.ws.root, {change.file: change.new_text}, [line])
    return change


def edit_entry(
    rec: WorkerRecording,
    section: Section,
    position: str,
    entry: Mapping[str, Any],
    version: str,
    actor: str | None = None,
    since: dt.datetime | None = None,
) -> Change:
    """Replace the entry named `position` by `entry` (built by `placement_entry`,
    `observation_entry` or `training_entry`), if the file still has the `version` the form was
    read from; else VersionConflict, with the journal lines written `since` the form was opened.
    A placement keeps its id: the observations that name it still do."""
    if section == "placements" and entry.get("id") != position:
        raise PortfolioError(
            f"une mise à disposition garde son identifiant ({position}) : rien n'a été écrit"
        )

    def update(text: str, index: int, worker: Worker) -> tuple[str, str]:
        words = _entry_words(section, position, _entries(worker, section)[index])
        return (
            replace_entry(text, section, index, entry),
            f"{words} modifiée dans workers/{rec.stem}.yaml.",
        )

    return _save_version(rec, section, position, version, update, "entry.edit", actor, since)


def delete_entry(
    rec: WorkerRecording,
    section: Section,
    position: str,
    version: str,
    actor: str | None = None,
    since: dt.datetime | None = None,
) -> Change:
    """Remove the entry named `position`, if the file still has `version` (else
    VersionConflict). A placement that observations name is kept: they would point nowhere."""

    def update(text: str, index: int, worker: Worker) -> tuple[str, str]:
        if section == "placements":
            _refuse_open_tutor_link(rec, position)
            citing = [
                str(n)
                for n, o in enumerate(worker.observations, start=1)
                if o.placement == position
            ]
            if citing:
                raise ChangeRefused(
                    [
                        error(
                            Location(f"workers/{rec.stem}.yaml"),
                            "placement-in-use",
                            f"la mise à disposition {position} est citée par "
                            f"{plural(len(citing), 'observation', 'observations')} "
                            f"(n° {', '.join(citing)}) : modifiez ou supprimez d'abord "
                            f"{'cette observation' if len(citing) == 1 else 'ces observations'}",
                        )
                    ]
                )
        words = _entry_words(section, position, _entries(worker, section)[index])
        return (
            remove_entry(text, section, index),
            f"{words} supprimée de workers/{rec.stem}.yaml.",
        )

    return _save_version(rec, section, position, version, update, "entry.delete", actor, since)


def _refuse_open_tutor_link(rec: WorkerRecording, placement: str) -> None:
    """A placement whose tutor may still fill the grid is kept: the grid would record
    observations of a placement that no longer exists."""
    from portfolio.app.tutor_links import links_of

    for link in links_of(rec.ws.root, rec.stem):
        if link.placement == placement and link.state == "open" and not link.expired(rec.today):
            raise ChangeRefused(
                [
                    error(
                        Location(f"workers/{rec.stem}.yaml"),
                        "placement-tutor-link",
                        f"un lien pour le tuteur de la mise à disposition {placement} est encore "
                        f"{link.status(rec.today)} : annulez-le d'abord (« Annuler ce lien » sur "
                        "la page du salarié)",
                    )
                ]
            )


# --- timesheets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimesheetImport:
    """A timesheet read and planned against the workspace, before anything is written."""

    ws: Workspace
    plan: ImportPlan
    ignored_columns: list[str]
    titles_note: str | None = None
    """Where the column names were found, when title rows above them were left out."""
    file_name: str = ""
    """The timesheet's name, which each refused row names with its line (« heures.csv, ligne 8,
    colonne D (date) : … »)."""

    @property
    def ignored_note(self) -> str | None:
        if not self.ignored_columns:
            return None
        return f"Colonnes ignorées : {', '.join(self.ignored_columns)}."

    @property
    def summaries(self) -> list[str]:
        """What the import adds, one text per worker."""
        return [worker_summary(self.ws, change) for change in self.plan.changed]

    @property
    def refusals(self) -> list[str]:
        """The rejected rows, one line each, with why."""
        return [f"refusé : {self._located(r)}" for r in self.plan.rejections]

    @property
    def already_imported(self) -> list[str]:
        """Rows the worker files already hold, one line each: nothing to add for them."""
        return [self._located(row) for row in self.plan.already]

    def _located(self, rejection: Rejection) -> str:
        return f"{self.file_name}, {rejection.render()}" if self.file_name else rejection.render()


@dataclass(frozen=True)
class ImportOutcome:
    message: str
    """What was done (or would be, in a dry run)."""
    skipped: str | None = None
    """The rows left out with --skip-invalid, counted."""


def plan_timesheet(
    root: Path,
    file: Path,
    *,
    max_gap_days: int,
    today: dt.date | None = None,
    workers: Collection[str] | None = None,
) -> TimesheetImport:
    """Read a timesheet (CSV or XLSX) and plan the placements it adds to each worker file,
    each judged by the rules of `portfolio check`; rows of one worker at one client at most
    `max_gap_days` apart make one placement.

    With `workers` (a counselor's association), rows are read against those workers only: a row
    about anyone else is refused in the very words of a worker that does not exist, and no other
    worker is suggested, since whether a worker exists elsewhere is not the counselor's to know
    (SPEC §11)."""
    ws, _ = open_workspace(root, strict=False)
    day = today or dt.date.today()
    table = read_table(file)
    _, ignored = map_columns(table.header)
    broken = {stem for kind, stem in ws.broken if kind == "worker"}
    seen = ws
    if workers is not None:
        allowed = set(workers)
        seen = dataclasses.replace(
            ws, workers={s: w for s, w in ws.workers.items() if s in allowed}
        )
        broken &= allowed
    rows, rejections = parse_rows(table, seen, broken=broken)
    drafts = group_rows(rows, max_gap_days)
    texts = {d.worker: read_worker_text(ws, d.worker) for d in drafts}
    plan = plan_import(ws, drafts, texts, rejections, day)
    return TimesheetImport(ws, plan, ignored, titles_note(table), file.name)


def import_timesheet(
    planned: TimesheetImport,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    actor: str | None = None,
) -> ImportOutcome:
    """Write the planned placements, each with its line in the journal of writes, signed by
    `actor` (see `journal.actor_login`). Rejected rows refuse the whole import unless
    `skip_invalid`; a dry run writes nothing."""
    plan = planned.plan
    login = actor_login(actor)
    if plan.rejections and not skip_invalid:
        raise PortfolioError(
            f"{rows_count(plan.rejections, 'refusée')} (ci-dessus) : rien n'a été écrit. "
            "Corrigez la feuille de temps, ou relancez avec --skip-invalid pour importer "
            "seulement les lignes valides"
        )
    if dry_run:
        to_add = placements_count(plan, "à ajouter", "à ajouter")
        return ImportOutcome(f"Simulation : rien n'a été écrit ({to_add}).")
    with locked(planned.ws.root):
        for change in plan.changed:
            if _current_text(planned.ws, change.worker) != change.old_text:
                raise PortfolioError(
                    f"workers/{change.worker}.yaml a été modifié pendant l'import : relancez "
                    "l'import (rien n'a été écrit)"
                )
        entries = [
            JournalEntry.now(
                login=login, action="timesheet.import", worker=c.worker, entry=added.entry["id"]
            )
            for c in plan.changed
            for added in c.added
        ]
        journal.commit(
            planned.ws.root,
            {worker_path(planned.ws, c.worker): c.new_text for c in plan.changed},
            entries,
        )
    skipped = (
        f"{rows_count(plan.rejections, 'ignorée')} (--skip-invalid)." if plan.rejections else None
    )
    return ImportOutcome(f"Import terminé : {placements_count(plan, 'ajoutée')}.", skipped)


# --- the tutor's observation grid ---------------------------------------------------------------


def write_grid(
    root: Path,
    worker_id: str,
    placement_id: str | None,
    as_of: dt.date,
    output: Path | None,
    fmt: Literal["pdf", "html"] = "pdf",
    announce: Callable[[str], None] = lambda _: None,
    link_address: str | None = None,
    actor: str | None = None,
) -> str:
    """Write the tutor's observation grid of a placement (by default the latest started by
    `as_of`) as a PDF or an HTML page, by default ./grille-<salarié>-<mise>.<format>; returns
    the lines that say where (and give the link). `announce` hears what is being prepared,
    before the wait.

    With `link_address` (the server's public address), a tutor link is made for the placement
    (SPEC §11, signed by `actor`) and printed on the grid as a QR code and as text; it is made
    only once the grid is known to be printable, so that a refused grid leaves no link."""
    from portfolio.app.tutor_links import make_link, public_address
    from portfolio.render.grid import GridLink, choose_placement, grid_document, grid_view
    from portfolio.render.pdf import require_pdf_libraries

    address = public_address(link_address) if link_address is not None else None
    ws, worker = open_worker(root, worker_id)
    chosen = choose_placement(worker, placement_id, as_of)
    view = grid_view(ws, worker, chosen, as_of)
    if fmt == "pdf":
        require_pdf_libraries()
    target = output_file(output, f"grille-{worker_id}-{chosen.id}.{fmt}", fmt)
    said = ""
    if address is not None:
        link = make_link(root, worker_id, chosen.id, actor=actor)
        last_day = link.record.expires - dt.timedelta(days=1)
        printed = GridLink(link.url(address), last_day)
        view = grid_view(ws, worker, chosen, as_of, printed)
        said = (
            f"\nLien pour le tuteur (une seule fois, jusqu'au {fr_date(last_day)}) : {printed.url}"
        )
    announce(f"Grille de {chosen.id} ({chosen.client.name}) en cours…")
    write_atomic(target, grid_document(view, fmt))
    return f"Grille écrite : {target}{said}"
