"""What a recording form offers and suggests: choices, defaults, ids (SPEC §4, §9).

Both front ends ask the same questions: the CLI as numbered choices at a terminal, the web
interface as form fields (SPEC §11). A choice is a pair (value recorded, label shown).

The `require_…` functions judge one answer as soon as it is given, by the rule `portfolio check`
applies to the whole file (SPEC §8), so that a form can ask again at once instead of refusing
everything at the end; they give back the value to record and raise `InputError` otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from portfolio.checks import client_key
from portfolio.french import (
    InputError,
    closest,
    did_you_mean,
    fr_date,
    message_hours,
    natural_key,
    unknown,
)
from portfolio.match import workspace_vocabulary
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Worker
from portfolio.record.changes import worker_path
from portfolio.record.entries import number

Option = tuple[str, str]
"""A choice offered to a user: (value recorded, label shown)."""

_PLACEMENT_ID = re.compile(r"^p(\d+)$")
_NEUTRAL_WORKER_ID = re.compile(r"^w-(\d+)$")
NEUTRAL_ID_DIGITS = 4
"""w-0042: the fewest digits of a suggested worker id, as docs/donnees-personnelles.md shows."""


# --- ids ----------------------------------------------------------------------------------------


def next_placement_id(ids: Iterable[str]) -> str:
    """p1, p2…: one more than the highest pN already used (SPEC §4 placement ids)."""
    taken = set(ids)
    numbers = [int(m.group(1)) for i in taken if (m := _PLACEMENT_ID.match(i))]
    candidate = max(numbers, default=0) + 1
    while f"p{candidate}" in taken:
        candidate += 1
    return f"p{candidate}"


def worker_ids(ws: Workspace) -> set[str]:
    """Ids whose file exists, loaded or not: a broken file still holds its name."""
    return set(ws.workers) | {stem for kind, stem in ws.broken if kind == "worker"}


def next_worker_id(ws: Workspace) -> str:
    """A neutral id, one more than the highest `w-N` of the workspace (w-0001, w-0002…), as many
    digits as the widest one and at least `NEUTRAL_ID_DIGITS`. An id made from the names
    (fatima-b) would show who the worker is in every file and folder name: the privacy page
    (docs/donnees-personnelles.md) recommends a neutral one."""
    found = [m.group(1) for i in worker_ids(ws) if (m := _NEUTRAL_WORKER_ID.match(i))]
    width = max([NEUTRAL_ID_DIGITS, *(len(digits) for digits in found)])
    return f"w-{max((int(d) for d in found), default=0) + 1:0{width}d}"


def require_new_worker_id(ws: Workspace, ident: str) -> str:
    """A new worker's id: no file may have it yet (a worker file is never replaced)."""
    if ident in worker_ids(ws) or worker_path(ws, ident).exists():
        raise InputError(
            f"le fichier workers/{ident}.yaml existe déjà : choisissez un autre identifiant, "
            f"par exemple {next_worker_id(ws)}"
        )
    return ident


# --- a new worker -------------------------------------------------------------------------------


def association_options(ws: Workspace) -> list[Option]:
    associations = ws.settings.associations if ws.settings else []
    return [(a.id, f"{a.name} ({a.id})") for a in associations]


def default_association(ws: Workspace) -> str | None:
    """The association of a workspace that has only one."""
    associations = ws.settings.associations if ws.settings else []
    return associations[0].id if len(associations) == 1 else None


def require_association(ws: Workspace, association: str) -> str:
    """A worker belongs to an association of workspace.yaml (SPEC §8, as `check` says): an
    unknown id is bad data, answered with the closest ids."""
    value = association.strip()
    known = [a.id for a in ws.settings.associations] if ws.settings else []
    if value in known:
        return value
    raise InputError(unknown("association inconnue", value, known))


def counselor_options(ws: Workspace, association: str | None) -> list[Option]:
    associations = ws.settings.associations if ws.settings else []
    counselors = next((a.counselors for a in associations if a.id == association), [])
    return [(c, c) for c in counselors]


def target_options(ws: Workspace) -> list[Option]:
    """The trades a worker may aim at; transversal référentiels are always assessed."""
    refs = sorted(
        (r for r in ws.referentiels.values() if r.track != "transversal"), key=lambda r: r.id
    )
    return [(r.id, f"{r.title} ({r.id})") for r in refs]


def require_target(ws: Workspace, target: str) -> str:
    """A référentiel a worker aims at must exist (SPEC §8, as `check` says of `targets`)."""
    value = target.strip()
    if value in ws.referentiels or ws.is_broken("referentiel", value):
        return value
    raise InputError(
        f"référentiel visé inconnu « {value} » : "
        + _choose(
            value, [r for r, _ in target_options(ws)], "choisissez parmi", "aucun n'est installé"
        )
        + " (« portfolio referentiels » les décrit)"
    )


# --- a placement --------------------------------------------------------------------------------


def require_end(start: dt.date | None, end: dt.date) -> dt.date:
    """A period's last day is not before its first (SPEC §8), said when the last day is given."""
    if start is not None and end < start:
        raise InputError(
            f"le dernier jour, {fr_date(end)}, est avant le premier, {fr_date(start)} : "
            f"écrivez le {fr_date(start)} ou un jour après"
        )
    return end


def known_clients(ws: Workspace, worker: Worker) -> list[tuple[str, str]]:
    """(name, kind) of clients this worker worked for, then those of the same association."""
    others = [
        w for w in ws.workers.values() if w.association == worker.association and w is not worker
    ]
    seen: dict[str, tuple[str, str]] = {}
    for source in [worker, *others]:
        for placement in reversed(source.placements):
            key = client_key(placement.client.name)
            seen.setdefault(key, (placement.client.name.strip(), placement.client.kind))
    return list(seen.values())


def client_options(clients: list[tuple[str, str]]) -> list[Option]:
    return [(name, f"{name} ({kind})") for name, kind in clients]


def known_client_kind(clients: list[tuple[str, str]], name: str | None) -> str | None:
    """The kind of a client already known by this name: it need not be asked again."""
    return next(
        (kind for known, kind in clients if name and client_key(known) == client_key(name)), None
    )


def previous_tutor(worker: Worker, client: str | None) -> str | None:
    """The tutor of the worker's latest placement at this client, as the likely one again."""
    return next(
        (
            p.tutor
            for p in reversed(worker.placements)
            if client and client_key(p.client.name) == client_key(client) and p.tutor
        ),
        None,
    )


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


@dataclass(frozen=True)
class TaskMatch:
    """What one task entry resolves to for a worker (SPEC §5.1–§5.2), shown before it is saved:
    a counselor sees at once whether « ménage des sols » proves anything."""

    text: str
    tasks: tuple[Option, ...]
    """(full task id, label) of every task the entry resolves to, in vocabulary order."""
    competencies: tuple[Option, ...]
    """(full competency id, plain wording) of what those tasks evidence (SPEC §5.3)."""
    suggestions: tuple[str, ...]
    """The closest tasks as « label (full id) » when the entry resolves to nothing."""


def match_task(ws: Workspace, worker: Worker, text: str) -> TaskMatch:
    """Resolve one task entry as the assessment will (the same vocabulary of the worker's
    référentiels, the same `Vocabulary.resolve`), without writing it anywhere."""
    vocab = workspace_vocabulary(ws, ws.assessed_referentiels(worker))
    found = vocab.resolve(text)
    index = ws.competency_index
    evidenced = dict.fromkeys(c for task in found for c in vocab.competencies[task] if c in index)
    return TaskMatch(
        text=text,
        tasks=tuple((task, vocab.labels[task]) for task in found),
        competencies=tuple(
            (c, index[c].competency.plain or index[c].competency.title) for c in evidenced
        ),
        suggestions=() if found else vocab.suggest(text),
    )


# --- an observation -----------------------------------------------------------------------------


def placement_options(worker: Worker) -> list[Option]:
    return [
        (p.id, f"{p.id} : {p.client.name}, du {fr_date(p.start)} au {fr_date(p.end)}")
        for p in worker.placements
    ]


def require_placement(worker: Worker, placement: str) -> str:
    """An observation made during a placement names one of the worker's (SPEC §8)."""
    value = placement.strip()
    known = [p.id for p in worker.placements]
    if value in known:
        return value
    raise InputError(
        f"mise à disposition inconnue « {value} » : "
        + _choose(
            value, known, "choisissez parmi", "ce salarié n'a encore aucune mise à disposition"
        )
    )


def resolve_competency(ws: Workspace, worker: Worker, text: str) -> str:
    """A competency as typed: a full id, or `bloc.compétence` / `compétence` of one target."""
    value = text.strip()
    if value in ws.competency_index:
        return value
    matches = _short_matches(ws, worker, value)
    return matches[0] if len(matches) == 1 else value


def require_competency(ws: Workspace, worker: Worker, text: str) -> str:
    """A competency as typed (`resolve_competency`) must exist (SPEC §8); its full id is given
    back. One of a référentiel that could not be loaded is taken, as `check` does."""
    full = resolve_competency(ws, worker, text)
    if full in ws.competency_index or ws.is_broken("referentiel", full.split(".", 1)[0]):
        return full
    matches = _short_matches(ws, worker, full)
    if matches:
        raise InputError(
            f"« {full} » peut désigner {', '.join(matches)} : écrivez l'identifiant complet"
        )
    # Compared as typed: « b1.c9 » with the blocks' « b1.c1 », a full id with the full ids.
    depth = full.count(".") + 1
    written: dict[str, str] = {}
    for ref in targets_first(ws, worker):
        for cid in sorted(ref.competency_ids(), key=natural_key):
            written.setdefault(".".join(cid.split(".")[-depth:]), cid)
    hint = did_you_mean([written[w] for w in closest(full, written)])
    example = next(iter(written.values()), "advf.ccp1.c3")
    raise InputError(
        f"compétence inconnue « {full} » : écrivez référentiel.bloc.compétence ({example}) ou, "
        f"pour un référentiel du salarié, bloc.compétence ({example.split('.', 1)[-1]})"
        + (f" ; {hint}" if hint else "")
    )


def _short_matches(ws: Workspace, worker: Worker, value: str) -> list[str]:
    """The competencies of the worker's référentiels whose id ends with `value`."""
    return [
        cid
        for ref in ws.assessed_referentiels(worker)
        for cid in sorted(ref.competency_ids())
        if cid.endswith(f".{value}")
    ]


def suggested_observer(worker: Worker, placement: str | None, role: str | None) -> str | None:
    """Who usually observes in this role: the placement's tutor, or the worker's counselor."""
    observed = next((p for p in worker.placements if p.id == placement), None)
    return {
        "tuteur": observed.tutor if observed else None,
        "conseiller": worker.counselor,
    }.get(role or "")


# --- a training ---------------------------------------------------------------------------------


def module_options(ws: Workspace, worker: Worker) -> list[Option]:
    """Catalogue modules, those about the worker's référentiels first."""
    assessed = {r.id for r in ws.assessed_referentiels(worker)}
    modules = sorted(
        (m for m, _ in ws.module_index.values()),
        key=lambda m: (not any(c.split(".")[0] in assessed for c in m.competencies), m.id),
    )
    return [(m.id, f"{m.title}, {message_hours(m.hours)} ({m.id})") for m in modules]


def require_module(ws: Workspace, module: str) -> str:
    """A training refers to a catalogue module (SPEC §4)."""
    value = module.strip()
    if value in ws.module_index:
        return value
    raise InputError(
        f"module inconnu « {value} » : "
        + _choose(
            value,
            ws.module_index,
            "choisissez un module des catalogues (dossier catalog/) :",
            "les catalogues (dossier catalog/) n'ont aucun module",
        )
    )


def default_hours(ws: Workspace, module: str | None) -> str | None:
    """A module's hours in its catalogue, as typed: a worker attends all of them unless told
    otherwise."""
    hours = ws.module_index[module][0].hours if module in ws.module_index else None
    return str(number(hours)) if hours else None


def _choose(value: str, known: Iterable[str], among: str, empty: str) -> str:
    """The known ids closest to a mistyped one, or else a few of them to choose from (`among`),
    or `empty` when there is none."""
    listed = sorted(known, key=natural_key)
    close = closest(value, listed)
    if close:
        return did_you_mean(close)
    if not listed:
        return empty
    return f"{among} {', '.join(listed[:8])}{'…' if len(listed) > 8 else ''}"
