"""The entries a counselor records, in the order and shape of the worker file format (SPEC §4).

Each builder takes values already read (dates, hours, ids) and returns the mapping to add to a
section of a worker file; `new_worker_text` returns a whole new file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from portfolio.french import fr_date
from portfolio.model.literals import canonical_role
from portfolio.record.yamltext import mapping_text


def number(hours: float) -> int | float:
    """Hours as the YAML files show them: 64 rather than 64.0."""
    rounded = round(hours, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def placement_entry(
    *,
    ident: str,
    client: str,
    client_kind: str,
    start: dt.date,
    end: dt.date,
    hours: float,
    tutor: str | None = None,
    service: str | None = None,
    tasks: Iterable[str | Mapping[str, Any]] = (),
    means: Sequence[str] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """A placement in the order of the worker file format (SPEC §4)."""
    entry: dict[str, Any] = {
        "id": ident,
        "client": {"name": client, "kind": client_kind},
        "start": start,
        "end": end,
        "hours": number(hours),
    }
    entry.update({k: v for k, v in {"tutor": tutor, "service": service}.items() if v})
    if means:
        entry["means"] = [m.strip() for m in means if m.strip()]
    if note:
        entry["note"] = note
    task_list = [dict(t) if isinstance(t, Mapping) else t for t in tasks]
    if task_list:
        entry["tasks"] = task_list
    return entry


def observation_entry(
    *,
    day: dt.date,
    by: str,
    role: str,
    competency: str,
    level: int,
    placement: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """An observation on one line of its own, as the worker file format writes them; the role in
    its one stored form (« tutrice » is written `tuteur`)."""
    entry: dict[str, Any] = {
        "date": day,
        "by": by,
        "role": canonical_role(role),
        "competency": competency,
        "level": level,
    }
    if placement:
        entry["placement"] = placement
    if note:
        entry["note"] = note
    return entry


def training_entry(
    *, module: str, start: dt.date, end: dt.date | None, hours: float, result: str
) -> dict[str, Any]:
    """A training; without `end` it lasted one day (SPEC §5.4: `end` defaults to `start`)."""
    entry: dict[str, Any] = {"module": module, "start": start}
    if end is not None:
        entry["end"] = end
    entry.update({"hours": number(hours), "result": result})
    return entry


def new_worker_text(
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
    today: dt.date,
) -> str:
    """The text of a new worker file (SPEC §4), with a short French header for hand readers."""
    data: dict[str, Any] = {
        "id": ident,
        "first_name": first_name,
        "last_name": last_name,
        "association": association,
    }
    if counselor:
        data["counselor"] = counselor
    data["targets"] = targets
    data["consent"] = {"given": consent, **({"date": consent_date} if consent_date else {})}
    if pass_iae:
        data["pass_iae"] = {"start": pass_iae[0], "end": pass_iae[1]}
    header = (
        f"# Salarié en parcours, fiche créée le {fr_date(today)}.\n"
        "# Ajoutez mises à disposition, observations et formations depuis sa page de\n"
        f"# l'interface web, ou avec : portfolio log placement|observation|training {ident}\n"
    )
    return header + mapping_text(data)
