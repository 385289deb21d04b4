"""The loaded workspace: every valid file as a model, with the positions of what it came from."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar

from portfolio.issues import Location
from portfolio.model.referentiel import Block, Competency, Referentiel, Task
from portfolio.model.workspace import Catalog, Module, Worker, WorkspaceSettings

T = TypeVar("T")


class Locator(Protocol):
    """Where the values of a loaded file came from (the YAML reader's source map)."""

    def locate(self, *loc: str | int, key: bool = False) -> Location: ...


@dataclass(frozen=True)
class CompetencyRef:
    """A competency with the référentiel and block it belongs to."""

    referentiel: Referentiel
    block: Block
    competency: Competency

    @property
    def id(self) -> str:
        return self.referentiel.full_id(self.block, self.competency)


@dataclass
class Workspace:
    root: Path
    settings: WorkspaceSettings | None
    referentiels: dict[str, Referentiel] = field(default_factory=dict)
    catalogs: list[Catalog] = field(default_factory=list)
    workers: dict[str, Worker] = field(default_factory=dict)
    sources: dict[tuple[str, str], Locator] = field(default_factory=dict)
    broken: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of files that exist but could not be loaded: references to them are not
    reported again as unknown ids."""
    own_referentiels: set[str] = field(default_factory=set)
    """Ids of the référentiels the workspace brings itself (referentiels/*.yaml); the others are
    bundled with the product, and tested with it."""
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    """Values computed once from the shared files (task vocabularies, block layouts) and kept
    with them: thousands of workers are assessed against the same few référentiels."""

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()`, computed once per key for the life of this workspace."""
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]  # type: ignore[no-any-return]

    def locate(self, kind: str, ident: str, *loc: str | int, key: bool = False) -> Location:
        source = self.sources.get((kind, ident))
        if source is None:
            return Location(f"{kind}:{ident}")
        return source.locate(*loc, key=key)

    @cached_property
    def competency_index(self) -> dict[str, CompetencyRef]:
        return {
            ref.full_id(block, comp): CompetencyRef(ref, block, comp)
            for ref in self.referentiels.values()
            for block, comp in ref.competencies()
        }

    @cached_property
    def module_index(self) -> dict[str, tuple[Module, Catalog]]:
        return {m.id: (m, cat) for cat in self.catalogs for m in cat.modules}

    @cached_property
    def modules(self) -> dict[str, Module]:
        """Every module of every catalogue, by id (the engine's view of the catalogues)."""
        return {module_id: module for module_id, (module, _) in self.module_index.items()}

    @cached_property
    def task_index(self) -> dict[str, tuple[Referentiel, Task]]:
        refs = self.referentiels.values()
        return {f"{ref.id}.{t.id}": (ref, t) for ref in refs for t in ref.tasks}

    @property
    def transversal_ids(self) -> list[str]:
        return sorted(r.id for r in self.referentiels.values() if r.track == "transversal")

    def assessed_referentiels(self, worker: Worker) -> list[Referentiel]:
        """The worker's targets plus every transversal référentiel (SPEC §4, §5.1), by id;
        found once per list of targets (checking and assessing a worker ask three times)."""
        return list(self.memo(("assessed", *worker.targets), lambda: self._assessed(worker)))

    def _assessed(self, worker: Worker) -> tuple[Referentiel, ...]:
        ids = {t for t in worker.targets if t in self.referentiels} | set(self.transversal_ids)
        return tuple(self.referentiels[i] for i in sorted(ids))

    def is_broken(self, kind: str, ident: str) -> bool:
        return (kind, ident) in self.broken
