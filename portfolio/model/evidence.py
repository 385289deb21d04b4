"""Results of matching, assessment and planning (SPEC §5–§7, JSON shapes of §9)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from portfolio.model.literals import Status


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class ResolvedEntry(Result):
    """One task entry of a placement and what it resolved to (SPEC §5.1–§5.3)."""

    placement: str
    index: int
    text: str
    hours: float
    tasks: tuple[str, ...]
    suggestions: tuple[str, ...] = ()


class PlacementEvidence(Result):
    """Hours a placement gave to a competency through one task (SPEC §5.3, §6)."""

    kind: Literal["placement"] = "placement"
    ref: str
    task: str
    hours: float


class TrainingEvidence(Result):
    """A training counted at the assessment date, dated its end (SPEC §5.4, §6)."""

    kind: Literal["training"] = "training"
    ref: str
    hours: float
    result: str
    date: dt.date


class ObservationEvidence(Result):
    """An observation; `ref` is the placement it was made in, if any (SPEC §6)."""

    kind: Literal["observation"] = "observation"
    ref: str | None
    by: str
    role: str
    level: int
    date: dt.date


Evidence = Annotated[
    PlacementEvidence | TrainingEvidence | ObservationEvidence, Field(discriminator="kind")
]
"""One item of an evidence trail; `kind` tells which, so the JSON reads back unambiguously."""


class WorkerEvidence(Result):
    """What a worker's placements evidence at a date, before any status is decided."""

    worker: str
    as_of: dt.date
    work_hours: float
    placement_hours: dict[str, float]
    entries: tuple[ResolvedEntry, ...]
    by_competency: dict[str, tuple[PlacementEvidence, ...]]

    @property
    def unresolved(self) -> tuple[ResolvedEntry, ...]:
        """Entries that resolved to no task: their hours evidence nothing (SPEC §5.2)."""
        return tuple(e for e in self.entries if not e.tasks)


class CompetencyStatus(Result):
    """SPEC §6 for one competency; `level` is None when it has no observation."""

    id: str
    status: Status
    work_hours: float
    training_hours: float
    level: int | None
    evidence: list[Evidence] = Field(default_factory=list)


class BlockStatus(Result):
    """A block is presentable when all its competencies are acquired (SPEC §6); `rncp` is its
    RNCP code (`RNCP37715BC01`), None when the référentiel gives none."""

    id: str
    rncp: str | None
    presentable: bool
    acquired: int
    total: int
    competencies: list[CompetencyStatus]


class ReferentielStatus(Result):
    """`rncp` (the certification's fiche) and `rome` come straight from the référentiel, so that
    other systems can join an assessment on them (SPEC §9)."""

    id: str
    rncp: str | None
    rome: list[str]
    blocks: list[BlockStatus]


class Assessment(Result):
    """`assess --json` (SPEC §9): dump with `model_dump(mode="json")`."""

    worker: str
    as_of: dt.date
    referentiels: list[ReferentielStatus]
    warnings: list[str] = Field(default_factory=list)

    def competency(self, full_id: str) -> CompetencyStatus | None:
        for ref in self.referentiels:
            for block in ref.blocks:
                for comp in block.competencies:
                    if comp.id == full_id:
                        return comp
        return None


class Plan(Result):
    """`plan --json` (SPEC §9)."""

    worker: str
    budget: float
    modules: list[str]
    hours: float
    covers: list[str]
    uncovered: list[str]
    no_module: list[str]
