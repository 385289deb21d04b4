"""What a training body's catalogue covers, and what the cohort needs from it (SPEC §9 `coverage`).

The matrix comes from the shared files alone; the cohort's needs are folded one worker at a
time by `CoverageTally`, from each worker's `coverage_facts`, so that memory does not grow with
the number of workers (SPEC §13). The application layer writes the result as JSON, CSV, HTML or
PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

from portfolio.french import unknown
from portfolio.issues import PortfolioError
from portfolio.model.evidence import Assessment, Result
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Block, Referentiel
from portfolio.model.workspace import Catalog, Module
from portfolio.report import csv_text


class ModuleColumn(Result):
    """One module of the body: a column of the matrix."""

    id: str
    title: str
    axis: str
    hours: float


class CompetencyCoverage(Result):
    """One row of the matrix: the hours of each module targeting the competency, and the cohort's
    need for it."""

    id: str
    title: str
    cells: dict[str, float]
    """Module id → the module's hours, for the modules that target this competency only."""
    modules: int
    assessed: int
    """Workers assessed on this référentiel (targets plus transversal ones)."""
    needing: int
    """Of them, the workers for whom this competency is not `acquise`."""


class BlockCoverage(Result):
    id: str
    title: str
    hours: float
    """Hours of the distinct modules that target at least one competency of the block."""
    uncovered: int
    competencies: list[CompetencyCoverage]


class ReferentielCoverage(Result):
    id: str
    title: str
    track: str
    modules: list[ModuleColumn]
    """The body's modules targeting this référentiel: the matrix columns, by id."""
    assessed: int
    blocks: list[BlockCoverage]
    uncovered: list[str]
    multiply_covered: list[str]


class ModuleDemand(Result):
    """How many workers a module would serve, and the sessions that implies."""

    id: str
    title: str
    description: str | None
    """The catalogue's presentation of the module, printed under its title."""
    hours: float
    workers: int
    """Workers needing at least one competency the module targets (in the référentiels shown)."""
    group_min: int | None
    group_max: int | None
    sessions: int | None
    """ceil(workers / group max); null when the module states no group size."""
    below_minimum: bool
    """True when some workers need the module but fewer than the group minimum."""


class Coverage(Result):
    body: str
    body_name: str
    as_of: dt.date
    referentiels: list[ReferentielCoverage]
    demand: list[ModuleDemand]
    """Modules serving the most workers first, then by id."""


def find_catalog(ws: Workspace, body_id: str) -> Catalog:
    """The catalogue of a body; an unknown body stops with the closest or the known ones."""
    for catalog in ws.catalogs:
        if catalog.body.id == body_id:
            return catalog
    message = unknown("organisme de formation inconnu", body_id, [c.body.id for c in ws.catalogs])
    if not ws.catalogs:
        message += " (le dossier catalog/ est vide)"
    raise PortfolioError(message, exit_code=1)


def touched_referentiels(ws: Workspace, catalog: Catalog) -> list[Referentiel]:
    """Référentiels holding at least one competency a module of the catalogue targets, by id.

    Competency ids that do not exist are ignored here: `portfolio check` reports them.
    """
    index = ws.competency_index
    ids = {index[c].referentiel.id for m in catalog.modules for c in m.competencies if c in index}
    return [ws.referentiels[i] for i in sorted(ids)]


def shown_referentiels(
    ws: Workspace, catalog: Catalog, referentiel: str | None
) -> list[Referentiel]:
    if referentiel is None:
        return touched_referentiels(ws, catalog)
    if referentiel not in ws.referentiels:
        raise PortfolioError(
            unknown("référentiel inconnu", referentiel, ws.referentiels), exit_code=1
        )
    return [ws.referentiels[referentiel]]


class CoverageFacts(NamedTuple):
    """What a catalogue's coverage needs of one worker (`coverage_facts`), whatever the
    catalogue: one serves every body's tally, and it is small enough to send between
    processes."""

    referentiels: tuple[str, ...]
    """The référentiels the worker is assessed on (targets plus transversal ones)."""
    acquired: tuple[str, ...]
    """Their competencies that are `acquise` (full ids): the worker needs every other one
    (SPEC §9 `coverage`)."""


def coverage_facts(assessment: Assessment) -> CoverageFacts:
    return CoverageFacts(
        tuple(ref.id for ref in assessment.referentiels),
        tuple(
            comp.id
            for ref in assessment.referentiels
            for block in ref.blocks
            for comp in block.competencies
            if comp.status == "acquise"
        ),
    )


def _column(module: Module) -> ModuleColumn:
    return ModuleColumn(id=module.id, title=module.title, axis=module.axis, hours=module.hours)


def block_coverage(
    ref: Referentiel,
    block: Block,
    modules: list[Module],
    assessed: int,
    needing: Mapping[str, int],
) -> BlockCoverage:
    rows = []
    for comp in block.competencies:
        full_id = ref.full_id(block, comp)
        cells = {m.id: m.hours for m in modules if full_id in m.competencies}
        rows.append(
            CompetencyCoverage(
                id=full_id,
                title=comp.title,
                cells=cells,
                modules=len(cells),
                assessed=assessed,
                needing=needing[full_id],
            )
        )
    in_block = {module_id for row in rows for module_id in row.cells}
    return BlockCoverage(
        id=ref.full_id(block),
        title=block.title,
        hours=sum(m.hours for m in modules if m.id in in_block),
        uncovered=sum(row.modules == 0 for row in rows),
        competencies=rows,
    )


def referentiel_coverage(
    ref: Referentiel, catalog: Catalog, assessed: int, needing: Mapping[str, int]
) -> ReferentielCoverage:
    """The matrix of one référentiel, block by block in file order (the order of the titre),
    with the number of workers `assessed` on it and, per competency, of those `needing` it."""
    ids = ref.competency_ids()
    modules = sorted(
        (m for m in catalog.modules if ids.intersection(m.competencies)), key=lambda m: m.id
    )
    blocks = [block_coverage(ref, b, modules, assessed, needing) for b in ref.blocks]
    rows = [row for b in blocks for row in b.competencies]
    return ReferentielCoverage(
        id=ref.id,
        title=ref.title,
        track=ref.track,
        modules=[_column(m) for m in modules],
        assessed=assessed,
        blocks=blocks,
        uncovered=[r.id for r in rows if r.modules == 0],
        multiply_covered=[r.id for r in rows if r.modules > 1],
    )


def sessions_for(workers: int, module: Module) -> tuple[int | None, bool]:
    """Sessions implied by the group sizes: ceil(n / max), and whether n is under the minimum."""
    if module.group is None:
        return None, False
    sessions = math.ceil(workers / module.group.max)
    return sessions, 0 < workers < module.group.min


def module_demand(module: Module, workers: int) -> ModuleDemand:
    sessions, below = sessions_for(workers, module)
    group = module.group
    return ModuleDemand(
        id=module.id,
        title=module.title,
        description=module.description,
        hours=module.hours,
        workers=workers,
        group_min=group.min if group else None,
        group_max=group.max if group else None,
        sessions=sessions,
        below_minimum=below,
    )


class CoverageTally:
    """The coverage of a body's catalogue and the cohort's needs (SPEC §9 `coverage`), folded
    one worker at a time: a few counts per référentiel, competency and module, whatever the
    number of workers (SPEC §13). Workers may be added in any order.

    Needs are counted over the workers assessed on each référentiel (their targets plus the
    transversal ones); a module's demand counts only the competencies of the référentiels shown,
    so that `referentiel` narrows both the matrix and the demand. `ws` needs only the shared
    files; an unknown body or référentiel stops here, before any worker is read.

    A worker needs a module when one of the competencies it targets is in a référentiel they
    are assessed on and not acquired. So the tally counts the workers per set of référentiels
    assessed (there are few such sets) and, per module, the workers who have acquired all its
    competencies in their référentiels: the demand is the difference, and each worker costs
    only the work of their acquired competencies.
    """

    def __init__(
        self, ws: Workspace, body_id: str, as_of: dt.date, referentiel: str | None = None
    ) -> None:
        self.catalog = find_catalog(ws, body_id)
        self.as_of = as_of
        self._refs = shown_referentiels(ws, self.catalog, referentiel)
        self._shown = {ref.id for ref in self._refs}
        self._referentiel_of = {c: ref.id for ref in self._refs for c in ref.competency_ids()}
        self._demanded = [
            (module, frozenset(self._referentiel_of.keys() & set(module.competencies)))
            for module in self.catalog.modules
            if not self._referentiel_of.keys().isdisjoint(module.competencies)
        ]
        self._modules_of: dict[str, list[int]] = {}
        for index, (_, targeted) in enumerate(self._demanded):
            for comp in targeted:
                self._modules_of.setdefault(comp, []).append(index)
        self._assessed: Counter[frozenset[str]] = Counter()
        """Set of référentiels shown that workers are assessed on → how many workers."""
        self._acquired: Counter[str] = Counter()
        self._complete = [0] * len(self._demanded)
        """Per module: workers who acquired all it targets in the référentiels they are
        assessed on."""

    def add_worker(self, assessment: Assessment) -> None:
        self.add(coverage_facts(assessment))

    def add(self, facts: CoverageFacts) -> None:
        assessed = frozenset(r for r in facts.referentiels if r in self._shown)
        self._assessed[assessed] += 1
        acquired = {c for c in facts.acquired if c in self._referentiel_of}
        self._acquired.update(acquired)
        for index in {i for c in acquired for i in self._modules_of.get(c, ())}:
            targeted = self._demanded[index][1]
            if all(c in acquired for c in targeted if self._referentiel_of[c] in assessed):
                self._complete[index] += 1

    def result(self) -> Coverage:
        assessed_on: Counter[str] = Counter()
        for refs, workers in self._assessed.items():
            for ref_id in refs:
                assessed_on[ref_id] += workers
        needing = {
            comp: assessed_on[ref_id] - self._acquired[comp]
            for comp, ref_id in self._referentiel_of.items()
        }
        demand = []
        for index, (module, targeted) in enumerate(self._demanded):
            reached = sum(
                workers
                for refs, workers in self._assessed.items()
                if any(self._referentiel_of[c] in refs for c in targeted)
            )
            demand.append(module_demand(module, reached - self._complete[index]))
        return Coverage(
            body=self.catalog.body.id,
            body_name=self.catalog.body.name,
            as_of=self.as_of,
            referentiels=[
                referentiel_coverage(ref, self.catalog, assessed_on[ref.id], needing)
                for ref in self._refs
            ],
            demand=sorted(demand, key=lambda d: (-d.workers, d.id)),
        )


def body_coverage(
    ws: Workspace,
    body_id: str,
    assessments: Mapping[str, Assessment],
    as_of: dt.date,
    referentiel: str | None = None,
) -> Coverage:
    """The coverage over a cohort already assessed (`portfolio.report.assess_cohort`)."""
    tally = CoverageTally(ws, body_id, as_of, referentiel)
    for assessment in assessments.values():
        tally.add_worker(assessment)
    return tally.result()


COVERAGE_COLUMNS = (
    "niveau",
    "referentiel",
    "bloc",
    "competence",
    "module",
    "intitule",
    "heures",
    "nb_modules",
    "competences_sans_module",
    "salaries_evalues",
    "salaries_besoin",
    "groupe_min",
    "groupe_max",
    "seances",
    "effectif_insuffisant",
)


def coverage_columns(coverage: Coverage) -> list[str]:
    """The fixed columns, then one column per module of the matrix (hours in competency rows)."""
    modules = sorted({m.id for ref in coverage.referentiels for m in ref.modules})
    return [*COVERAGE_COLUMNS, *modules]


def coverage_rows(coverage: Coverage) -> list[dict[str, object]]:
    """One flat table: each competency row of the matrix followed, per block, by the block's
    total, then one row per module with its demand."""
    rows: list[dict[str, object]] = []
    for ref in coverage.referentiels:
        for block in ref.blocks:
            where = {"referentiel": ref.id, "bloc": block.id}
            for comp in block.competencies:
                rows.append(
                    {
                        "niveau": "competence",
                        **where,
                        "competence": comp.id,
                        "intitule": comp.title,
                        "heures": sum(comp.cells.values()),
                        "nb_modules": comp.modules,
                        "salaries_evalues": comp.assessed,
                        "salaries_besoin": comp.needing,
                        **comp.cells,
                    }
                )
            rows.append(
                {
                    "niveau": "bloc",
                    **where,
                    "intitule": block.title,
                    "heures": block.hours,
                    "competences_sans_module": block.uncovered,
                }
            )
    for demand in coverage.demand:
        rows.append(
            {
                "niveau": "module",
                "module": demand.id,
                "intitule": demand.title,
                "heures": demand.hours,
                "salaries_besoin": demand.workers,
                "groupe_min": demand.group_min,
                "groupe_max": demand.group_max,
                "seances": demand.sessions,
                "effectif_insuffisant": demand.below_minimum,
            }
        )
    return rows


def coverage_csv(coverage: Coverage) -> str:
    return csv_text(coverage_columns(coverage), coverage_rows(coverage))
