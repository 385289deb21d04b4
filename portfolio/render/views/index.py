"""The page linking every document of a build (SPEC §9 `build`), grouped for the people who read
them: the programme report, each training body's coverage, each worker's two documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from portfolio.french import natural_key
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.render.consent import how_to_consent
from portfolio.render.documents import DOCUMENT_KINDS


class BuildJob(Protocol):
    """A document a build was asked for (`portfolio.build.Job`), seen through what the index
    needs: the build sits above rendering, so its type is not imported here."""

    @property
    def output(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def subject(self) -> str: ...


class Person(NamedTuple):
    """What the index shows of a worker: kept for every worker of a build, so only this."""

    name: str
    association: str

    @classmethod
    def of(cls, worker: Worker) -> Person:
        return cls(worker.display_name, worker.association)


@dataclass(frozen=True)
class WorkerLinks:
    """One worker's row: their two documents, None where the file is missing."""

    id: str
    name: str
    association: str
    dossier: str | None
    portfolio: str | None
    failed: bool


@dataclass(frozen=True)
class BodyLink:
    """A training body's coverage document, None where the file is missing."""

    id: str
    name: str
    output: str | None


@dataclass(frozen=True)
class IndexView:
    title: str
    federation: str | None
    as_of: dt.date
    workers: tuple[WorkerLinks, ...]
    bodies: tuple[BodyLink, ...]
    report: str | None
    failed: tuple[tuple[str, str], ...]
    """(output, reason) of every document that could not be made, by output."""
    withheld: tuple[tuple[str, str], ...] = ()
    """(worker id, why and what to do) of every worker left out for lack of consent (SPEC
    §10), in natural order. Their id only: the page is a document, and it must not name them."""


def index_view(
    ws: Workspace,
    people: Mapping[str, Person],
    jobs: Sequence[BuildJob],
    written: Collection[str],
    failed: Mapping[str, str],
    as_of: dt.date,
    withheld: Mapping[str, str] | None = None,
) -> IndexView:
    """The index of a build: `people` the name and association of each worker it names (a
    build streams the worker files: the workspace holds none of them), `jobs` every document
    asked for, `written` the outputs found on disk (only those are linked), `failed` the reason
    of each document that failed, `withheld` the reason why each worker without consent got
    no document.

    Linear in the number of jobs: each job is read once, grouped by worker (a federation has
    tens of thousands of workers, and the index is made by every build)."""
    documents: dict[str, dict[str, BuildJob]] = {}
    for job in jobs:
        if job.kind in DOCUMENT_KINDS:
            documents.setdefault(job.subject, {})[job.kind] = job
    workers = []
    for stem in sorted(documents, key=lambda s: (natural_key(s), s)):
        person = people.get(stem)
        own = documents[stem]
        linked = {kind: j.output for kind, j in own.items() if j.output in written}
        workers.append(
            WorkerLinks(
                id=stem,
                name=person.name if person else stem,
                association=person.association if person else "",
                dossier=linked.get("dossier"),
                portfolio=linked.get("portfolio"),
                failed=any(j.output in failed for j in own.values()),
            )
        )
    body_names = {c.body.id: c.body.name for c in reversed(ws.catalogs)}  # the first wins
    bodies = tuple(
        BodyLink(
            id=j.subject,
            name=body_names.get(j.subject, j.subject),
            output=j.output if j.output in written else None,
        )
        for j in jobs
        if j.kind == "coverage"
    )
    return IndexView(
        title=ws.settings.name if ws.settings else "Documents",
        federation=ws.settings.federation if ws.settings else None,
        as_of=as_of,
        workers=tuple(workers),
        bodies=bodies,
        report=next((j.output for j in jobs if j.kind == "report" and j.output in written), None),
        failed=tuple(sorted(failed.items())),
        withheld=tuple(
            (worker, f"{reason} ; {how_to_consent(worker)}")
            for worker, reason in sorted(
                (withheld or {}).items(), key=lambda item: (natural_key(item[0]), item[0])
            )
        ),
    )
