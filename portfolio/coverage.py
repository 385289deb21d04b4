"""What a training body's catalogue covers, and what the cohort needs from it (SPEC §9 `coverage`).

Pure functions over the loaded workspace and the workers' assessments: the CLI loads, assesses,
calls `body_coverage`, then writes the result as JSON, CSV, HTML or PDF.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

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


def needed_competencies(assessment: Assessment) -> set[str]:
    """A worker's competencies that are not `acquise` (cohort needs, SPEC §9 `coverage`)."""
    return {
        comp.id
        for ref in assessment.referentiels
        for block in ref.blocks
        for comp in block.competencies
        if comp.status != "acquise"
    }


def assessed_on(assessments: Mapping[str, Assessment], referentiel: str) -> list[Assessment]:
    return [a for a in assessments.values() if any(r.id == referentiel for r in a.referentiels)]


def _column(module: Module) -> ModuleColumn:
    return ModuleColumn(id=module.id, title=module.title, axis=module.axis, hours=module.hours)


def block_coverage(
    ref: Referentiel,
    block: Block,
    modules: list[Module],
    cohort: list[Assessment],
    needs: Mapping[str, set[str]],
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
                assessed=len(cohort),
                needing=sum(full_id in needs[a.worker] for a in cohort),
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
    ref: Referentiel,
    catalog: Catalog,
    assessments: Mapping[str, Assessment],
    needs: Mapping[str, set[str]],
) -> ReferentielCoverage:
    """The matrix of one référentiel, block by block in file order (the order of the titre)."""
    ids = ref.competency_ids()
    modules = sorted(
        (m for m in catalog.modules if ids.intersection(m.competencies)), key=lambda m: m.id
    )
    cohort = assessed_on(assessments, ref.id)
    blocks = [block_coverage(ref, b, modules, cohort, needs) for b in ref.blocks]
    rows = [row for b in blocks for row in b.competencies]
    return ReferentielCoverage(
        id=ref.id,
        title=ref.title,
        track=ref.track,
        modules=[_column(m) for m in modules],
        assessed=len(cohort),
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


def module_demand(module: Module, shown: set[str], needs: Mapping[str, set[str]]) -> ModuleDemand:
    targeted = shown.intersection(module.competencies)
    workers = sum(bool(targeted & needed) for needed in needs.values())
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


def body_coverage(
    ws: Workspace,
    body_id: str,
    assessments: Mapping[str, Assessment],
    as_of: dt.date,
    referentiel: str | None = None,
) -> Coverage:
    """The coverage of a body's catalogue and the cohort's needs (SPEC §9 `coverage`).

    Needs are counted over the workers assessed on each référentiel (their targets plus the
    transversal ones); a module's demand counts only the competencies of the référentiels shown,
    so that `--referentiel` narrows both the matrix and the demand.
    """
    catalog = find_catalog(ws, body_id)
    refs = shown_referentiels(ws, catalog, referentiel)
    needs = {worker: needed_competencies(a) for worker, a in assessments.items()}
    shown = set().union(*(r.competency_ids() for r in refs))
    demand = [
        module_demand(m, shown, needs)
        for m in catalog.modules
        if shown.intersection(m.competencies)
    ]
    return Coverage(
        body=catalog.body.id,
        body_name=catalog.body.name,
        as_of=as_of,
        referentiels=[referentiel_coverage(r, catalog, assessments, needs) for r in refs],
        demand=sorted(demand, key=lambda d: (-d.workers, d.id)),
    )


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
