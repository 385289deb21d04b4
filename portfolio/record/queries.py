"""What a recording form offers and suggests: choices, defaults, ids (SPEC §4, §9).

Both front ends ask the same questions: the CLI as numbered choices at a terminal, the web
interface as form fields (SPEC §11). A choice is a pair (value recorded, label shown).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from portfolio.checks import client_key
from portfolio.french import fold, fr_date, message_hours
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Worker
from portfolio.record.entries import number

Option = tuple[str, str]
"""A choice offered to a user: (value recorded, label shown)."""

_PLACEMENT_ID = re.compile(r"^p(\d+)$")


# --- ids ----------------------------------------------------------------------------------------


def next_placement_id(ids: Iterable[str]) -> str:
    """p1, p2…: one more than the highest pN already used (SPEC §4 placement ids)."""
    taken = set(ids)
    numbers = [int(m.group(1)) for i in taken if (m := _PLACEMENT_ID.match(i))]
    candidate = max(numbers, default=0) + 1
    while f"p{candidate}" in taken:
        candidate += 1
    return f"p{candidate}"


def suggest_worker_id(first: str, last: str, taken: set[str]) -> str:
    """`prénom-initiale` as in the demo (fatima-b), numbered when already taken."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(f"{first} {last[:1]}")).strip("-")
    if not words:
        return ""
    candidate, n = words, 2
    while candidate in taken:
        candidate, n = f"{words}-{n}", n + 1
    return candidate


# --- a new worker -------------------------------------------------------------------------------


def association_options(ws: Workspace) -> list[Option]:
    associations = ws.settings.associations if ws.settings else []
    return [(a.id, f"{a.name} ({a.id})") for a in associations]


def default_association(ws: Workspace) -> str | None:
    """The association of a workspace that has only one."""
    associations = ws.settings.associations if ws.settings else []
    return associations[0].id if len(associations) == 1 else None


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


# --- a placement --------------------------------------------------------------------------------


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


# --- an observation -----------------------------------------------------------------------------


def placement_options(worker: Worker) -> list[Option]:
    return [
        (p.id, f"{p.id} : {p.client.name}, du {fr_date(p.start)} au {fr_date(p.end)}")
        for p in worker.placements
    ]


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


def default_hours(ws: Workspace, module: str | None) -> str | None:
    """A module's hours in its catalogue, as typed: a worker attends all of them unless told
    otherwise."""
    hours = ws.module_index[module][0].hours if module in ws.module_index else None
    return str(number(hours)) if hours else None
