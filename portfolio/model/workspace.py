"""Workspace files: settings, training catalogues and worker files (SPEC §4).

Semantic rules (hours > 0, end after start, known ids…) live in `portfolio.checks`, not here, so
that a single run reports them all with their positions instead of rejecting a whole file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from portfolio.model.common import Id, InputModel, Text
from portfolio.model.literals import (
    LEVELS,
    Axis,
    ClientKind,
    Role,
    TrainingResult,
    canonical_role,
)


class Period(InputModel):
    start: dt.date
    end: dt.date


class Association(InputModel):
    id: Id
    name: Text
    counselors: list[Text] = []
    address: str | None = None
    phone: str | None = None
    email: str | None = None


class Settings(InputModel):
    training_budget_hours: float = 30
    training_ratio: tuple[float, float] = (0.10, 0.20)
    programme_target_hours: float | None = None
    period: Period | None = None


class WorkspaceSettings(InputModel):
    """`workspace.yaml`."""

    name: Text
    federation: str | None = None
    associations: list[Association] = Field(min_length=1)
    settings: Settings = Settings()


class Group(InputModel):
    min: int = Field(ge=1)
    max: int = Field(ge=1)


class Module(InputModel):
    id: str
    title: Text
    axis: Axis
    hours: float
    competencies: list[str] = Field(min_length=1)
    group: Group | None = None
    description: str | None = None


class TrainingBody(InputModel):
    id: Id
    name: Text
    address: str | None = None


class Catalog(InputModel):
    """`catalog/<body>.yaml`."""

    body: TrainingBody
    modules: list[Module] = []


class Client(InputModel):
    name: Text
    kind: ClientKind


class TaskEntry(InputModel):
    """A task entry: a task id, a full task id or free text, with optional hours (SPEC §4)."""

    task: Text
    hours: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"task": data} if isinstance(data, str) else data


class Placement(InputModel):
    id: Id
    client: Client
    start: dt.date
    end: dt.date
    hours: float
    tutor: str | None = None
    service: str | None = None
    means: list[Text] = []
    note: str | None = None
    tasks: list[TaskEntry] = []


class Observation(InputModel):
    date: dt.date
    by: Text
    role: Role
    competency: str
    level: int = Field(ge=min(LEVELS), le=max(LEVELS))
    placement: str | None = None
    note: str | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _one_spelling(cls, value: Any) -> Any:
        """`role: tutrice` (or « Conseillère ») is read as SPEC §4's value, `tuteur`: counted and
        printed as one role, whoever wrote the file."""
        return canonical_role(value) if isinstance(value, str) else value


class Training(InputModel):
    module: str
    start: dt.date
    end: dt.date | None = None
    hours: float
    result: TrainingResult

    @property
    def end_date(self) -> dt.date:
        """SPEC §5.4: a training's end defaults to its start."""
        return self.end or self.start


class Consent(InputModel):
    given: bool
    date: dt.date | None = None


class Worker(InputModel):
    """`workers/<id>.yaml`."""

    id: Id
    first_name: Text
    last_name: Text
    association: str
    counselor: str | None = None
    targets: list[str] = []
    consent: Consent | None = None
    pass_iae: Period | None = None
    placements: list[Placement] = []
    observations: list[Observation] = []
    trainings: list[Training] = []

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
