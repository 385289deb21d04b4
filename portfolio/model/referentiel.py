"""Référentiel files (SPEC §3)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from portfolio.model.common import Id, InputModel, RncpBlockCode, Text
from portfolio.model.literals import Axis, CertificationKind, Track

Rncp = Annotated[str, StringConstraints(pattern=r"^RNCP\d+$")]
Rome = Annotated[str, StringConstraints(pattern=r"^[A-N]\d{4}$")]


class Certification(InputModel):
    kind: CertificationKind
    code: str | None = None
    rncp: Rncp | None = None
    level: int | None = Field(default=None, ge=1, le=8)
    certifier: str | None = None
    version: str | None = None
    source: str | None = None


class EvidenceRule(InputModel):
    """A partial rule: unset keys fall back to the file's defaults, then to SPEC §6's."""

    min_hours: float | None = Field(default=None, ge=0)
    observation: bool | None = None


class Competency(InputModel):
    id: Id
    title: Text
    plain: Text
    axis: Axis = "technique"
    criteria: list[Text] = []
    evidence: EvidenceRule | None = None


class Block(InputModel):
    id: Id
    title: Text
    rncp: RncpBlockCode | None = None
    competencies: list[Competency] = Field(min_length=1)


class Task(InputModel):
    id: Id
    label: Text
    synonyms: list[Text] = []
    evidences: list[str] = Field(min_length=1)


class Referentiel(InputModel):
    id: Id
    title: Text
    track: Track
    certification: Certification
    rome: list[Rome] = []
    defaults: EvidenceRule | None = None
    blocks: list[Block] = Field(min_length=1)
    tasks: list[Task] = []

    def rule(self, competency: Competency) -> tuple[float, bool]:
        """The (min_hours, observation) rule of a competency, merged key by key (SPEC §3, §6)."""
        min_hours, observation = 0.0, True
        for layer in (self.defaults, competency.evidence):
            if layer is not None:
                if layer.min_hours is not None:
                    min_hours = layer.min_hours
                if layer.observation is not None:
                    observation = layer.observation
        return min_hours, observation

    def full_id(self, block: Block, competency: Competency | None = None) -> str:
        parts = [self.id, block.id] + ([competency.id] if competency else [])
        return ".".join(parts)

    def competencies(self) -> list[tuple[Block, Competency]]:
        return [(b, c) for b in self.blocks for c in b.competencies]

    def competency_ids(self) -> set[str]:
        return {self.full_id(b, c) for b, c in self.competencies()}
