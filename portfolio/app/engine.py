"""Assessing and planning, for one worker or all of them (SPEC §6, §7, §9).

Each request refuses a workspace whose checks find errors (statuses computed on wrong data would
look right), and returns the result with the worker's warnings and the French text a front end
shows: the front end only lays it out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from portfolio.app.workspace import FIX_AND_RETRY, open_worker, open_workspace
from portfolio.assess import assess, training_hours
from portfolio.checks import check_worker, check_workspace
from portfolio.cohort import AssessedWorker, assessed_json, assessed_summary, map_workers
from portfolio.french import (
    LEVEL_WORDS,
    NBSP,
    RESULT_WORDS,
    STATUS_WORDS,
    fr_date,
    message_hours,
    natural_key,
    plural,
)
from portfolio.issues import PortfolioError, sort_issues
from portfolio.model.evidence import (
    Assessment,
    BlockStatus,
    CompetencyStatus,
    ObservationEvidence,
    PlacementEvidence,
    Plan,
    TrainingEvidence,
    WorkerEvidence,
)
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.plan import plan_worker

MAIN_PLACEMENTS = 2
"""How many placements a competency's evidence summary names, those with the most hours first."""
OTHER_MODULES_SHOWN = 2
"""How many modules the plan suggests for a competency left open for lack of budget."""
REFUSED_SHOWN = 10


def worker_warnings(ws: Workspace, stems: Iterable[str], as_of: dt.date) -> dict[str, list[str]]:
    """The rendered warnings of each worker (SPEC §9 `warnings`), after refusing a workspace
    whose checks find errors in the shared files or in these workers' files."""
    issues = check_workspace(ws, as_of, workers=())
    warnings: dict[str, list[str]] = {}
    for stem in stems:
        found = sort_issues(check_worker(ws, stem, ws.workers[stem], as_of))
        issues += [i for i in found if i.is_error]
        warnings[stem] = [i.render() for i in found if not i.is_error]
    errors = [i for i in issues if i.is_error]
    if errors:
        raise PortfolioError(
            f"l'espace de travail contient des erreurs (ci-dessus) : {FIX_AND_RETRY}",
            issues=errors,
        )
    return warnings


# --- assessment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyRow:
    """One competency as a table shows it, every cell already in words."""

    label: str
    status: str
    status_word: str
    work_hours: str
    training_hours: str
    level: str
    evidence: str


@dataclass(frozen=True)
class BlockTable:
    block_id: str
    title: str
    presentable: bool
    progress: str
    rows: tuple[CompetencyRow, ...]


@dataclass(frozen=True)
class ReferentielSection:
    title: str
    summary: str
    blocks: tuple[BlockTable, ...]


@dataclass(frozen=True)
class WorkerAssessment:
    """`assess WORKER`: the §9 result, and its reading for a person."""

    worker: Worker
    assessment: Assessment
    evidence: WorkerEvidence
    warnings: list[str]
    title: str
    subtitle: str
    sections: tuple[ReferentielSection, ...]
    legend: str

    def as_json(self) -> str:
        """The SPEC §9 shape, as `model_dump(mode="json")` gives it; accents kept."""
        return self.assessment.model_dump_json(indent=2)


def assess_one(root: Path, worker_id: str, as_of: dt.date) -> WorkerAssessment:
    ws, worker = open_worker(root, worker_id)
    warnings = worker_warnings(ws, [worker_id], as_of)[worker_id]
    return worker_assessment(ws, worker, as_of, assess(ws, worker, as_of, warnings), warnings)


def worker_assessment(
    ws: Workspace,
    worker: Worker,
    as_of: dt.date,
    assessed: tuple[Assessment, WorkerEvidence],
    warnings: list[str],
) -> WorkerAssessment:
    """The reading of an assessment already computed (by `assess`, or a front end's cache)."""
    assessment, evidence = assessed
    training = training_hours(worker, ws.modules, as_of)
    # Targets first: they are what the worker is working for; transversal ones follow.
    shown = sorted(assessment.referentiels, key=lambda r: r.id not in worker.targets)
    sections = []
    for ref_status in shown:
        ref = ws.referentiels[ref_status.id]
        presentable = sum(b.presentable for b in ref_status.blocks)
        sections.append(
            ReferentielSection(
                title=f"{ref.id} — {ref.title}",
                summary=(
                    f" : {plural(presentable, 'bloc présentable', 'blocs présentables')} "
                    f"sur {len(ref_status.blocks)}"
                ),
                blocks=tuple(
                    block_table(ws, block, ref.id) for block in _natural(ref_status.blocks)
                ),
            )
        )
    return WorkerAssessment(
        worker=worker,
        assessment=assessment,
        evidence=evidence,
        warnings=warnings,
        title=f"{worker.display_name} ({worker.id})",
        subtitle=(
            f" — évaluation au {fr_date(as_of)}\nHeures de travail : "
            f"{message_hours(evidence.work_hours)} ; heures de formation : "
            f"{message_hours(training)}"
        ),
        sections=tuple(sections),
        legend=f"Niveaux observés : {', '.join(f'{n} {w}' for n, w in LEVEL_WORDS.items())}.",
    )


def block_table(ws: Workspace, block: BlockStatus, referentiel: str) -> BlockTable:
    ref_block = ws.competency_index[block.competencies[0].id].block
    return BlockTable(
        block_id=block.id,
        title=f" — {ref_block.title} : ",
        presentable=block.presentable,
        progress=f" ({block.acquired}/{block.total} compétences acquises)",
        rows=tuple(
            CompetencyRow(
                label=(
                    f"{comp.id.rsplit('.', 1)[-1]} {ws.competency_index[comp.id].competency.title}"
                ),
                status=comp.status,
                status_word=STATUS_WORDS[comp.status],
                work_hours=message_hours(comp.work_hours),
                training_hours=message_hours(comp.training_hours),
                level="—" if comp.level is None else str(comp.level),
                evidence=evidence_summary(comp, referentiel),
            )
            for comp in _natural(block.competencies)
        ),
    )


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


def _natural(items: Sequence[T]) -> list[T]:
    """Blocks or competencies as a reader counts them (c2 before c10); the §9 JSON keeps its
    own order."""
    return sorted(items, key=lambda item: natural_key(item.id))


def evidence_summary(comp: CompetencyStatus, referentiel: str) -> str:
    """A one-line summary of the trail, e.g. « p1 : 32 h (repassage) ; formation ofa.linge
    acquis ; tuteur niv. 3 »: the placements with the most hours, the trainings, and the
    observation that sets the level."""
    hours: dict[str, float] = {}
    tasks: dict[str, list[str]] = {}
    for e in comp.evidence:
        if isinstance(e, PlacementEvidence):
            hours[e.ref] = hours.get(e.ref, 0.0) + e.hours
            tasks.setdefault(e.ref, []).append(e.task.removeprefix(f"{referentiel}."))
    ranked = sorted(hours, key=lambda p: -hours[p])
    parts = [
        f"{p} : {message_hours(hours[p])} ({', '.join(tasks[p])})" for p in ranked[:MAIN_PLACEMENTS]
    ]
    if len(ranked) > MAIN_PLACEMENTS:
        others = len(ranked) - MAIN_PLACEMENTS
        parts.append(
            f"+ {plural(others, 'autre mise à disposition', 'autres mises à disposition')}"
        )
    parts += [
        f"formation {e.ref} {RESULT_WORDS.get(e.result, e.result)}"
        for e in comp.evidence
        if isinstance(e, TrainingEvidence)
    ]
    observations = [e for e in comp.evidence if isinstance(e, ObservationEvidence)]
    if observations:
        deciding = max(observations, key=lambda e: (e.date, e.level))
        parts.append(f"{deciding.role} niv.{NBSP}{deciding.level}")
    return " ; ".join(parts) or "—"


def assess_everyone(root: Path, as_of: dt.date, *, json_lines: bool) -> Iterator[AssessedWorker]:
    """Every worker's assessment, one file at a time (flat memory, every core), as JSON lines
    or as rows of the summary table. The shared files are checked first; a worker whose own
    file has errors comes back refused, with them."""
    ws, _ = open_workspace(root, workers=False)
    worker_warnings(ws, [], as_of)
    return map_workers(ws.root, as_of, assessed_json if json_lines else assessed_summary)


def warned_note(warned: int) -> str:
    return (
        f"{plural(warned, 'salarié')} avec des avertissements : « portfolio check » les détaille."
    )


def refused_error(refused: Sequence[str]) -> PortfolioError:
    shown = ", ".join(refused[:REFUSED_SHOWN]) + ("…" if len(refused) > REFUSED_SHOWN else "")
    whose = "son fichier contient" if len(refused) == 1 else "leur fichier contient"
    return PortfolioError(
        f"{plural(len(refused), 'salarié non évalué', 'salariés non évalués')} car {whose} des "
        f"erreurs (ci-dessus) : {shown}"
    )


# --- plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """A line of the plan's text: an id, its words, and an aside (the modules that would cover
    a competency left open)."""

    ident: str
    text: str
    aside: str = ""


@dataclass(frozen=True)
class PlanSection:
    title: str
    lines: tuple[PlanLine | tuple[PlanLine, tuple[PlanLine, ...]], ...]
    """A competency line, or a module line with the competencies it covers."""
    note: str = ""


@dataclass(frozen=True)
class WorkerPlan:
    """`plan WORKER`: the §9 result, and its reading for a person."""

    worker: Worker
    plan: Plan
    warnings: list[str]
    title: str
    subtitle: str
    summary: str
    remarks: tuple[str, ...]
    sections: tuple[PlanSection, ...]

    def as_json(self) -> str:
        """The SPEC §9 shape, keys in its order."""
        return json.dumps(self.plan.model_dump(mode="json"), ensure_ascii=False, indent=2)


def plan_one(root: Path, worker_id: str, as_of: dt.date, budget: float | None) -> WorkerPlan:
    ws, worker = open_worker(root, worker_id)
    warnings = worker_warnings(ws, [worker_id], as_of)[worker_id]
    return worker_plan(ws, worker, as_of, plan_worker(ws, worker, as_of, budget), warnings)


def worker_plan(
    ws: Workspace, worker: Worker, as_of: dt.date, plan: Plan, warnings: list[str]
) -> WorkerPlan:
    """The reading of a plan already computed."""
    needed = len(plan.covers) + len(plan.uncovered)
    remarks: list[str] = []
    if needed == 0:
        remarks.append(
            "Rien à planifier : chaque compétence évaluée est acquise ou déjà suivie en "
            "formation avec le résultat « acquis »."
        )
    elif not plan.modules and set(plan.uncovered) != set(plan.no_module):
        remarks.append(
            f"Aucun module utile ne tient dans le budget de {message_hours(plan.budget)}."
        )
    return WorkerPlan(
        worker=worker,
        plan=plan,
        warnings=warnings,
        title=f"Plan de formation de {worker.display_name} ({worker.id})",
        subtitle=f" — au {fr_date(as_of)}",
        summary=plan_summary(plan, needed),
        remarks=tuple(remarks),
        sections=plan_sections(ws, plan),
    )


def plan_summary(plan: Plan, needed: int) -> str:
    """« Budget : 30 h ; plan : 29 h pour 4 modules, qui couvrent 12 compétences à travailler
    sur 34. », or « … ; aucun module retenu pour les 5 compétences à travailler. »"""
    budget = f"Budget : {message_hours(plan.budget)}"
    count = len(plan.modules)
    if count == 0:
        return f"{budget} ; aucun module retenu pour {_competencies_to_work(needed)}."
    covers = "couvre" if count == 1 else "couvrent"
    return (
        f"{budget} ; plan : {message_hours(plan.hours)} pour {plural(count, 'module')}, qui "
        f"{covers} {plural(len(plan.covers), 'compétence')} à travailler sur {needed}."
    )


def _competencies_to_work(needed: int) -> str:
    if needed == 0:
        return "aucune compétence à travailler"
    if needed == 1:
        return "la compétence à travailler"
    return f"les {needed} compétences à travailler"


def plan_sections(ws: Workspace, plan: Plan) -> tuple[PlanSection, ...]:
    sections = []
    covered = set(plan.covers)
    if plan.modules:
        modules = []
        for module_id in sorted(plan.modules, key=natural_key):
            module, catalog = ws.module_index[module_id]
            line = PlanLine(
                module_id, f" — {module.title} : {message_hours(module.hours)}, {catalog.body.name}"
            )
            comps = tuple(competency_line(ws, c) for c in module.competencies if c in covered)
            modules.append((line, comps))
        sections.append(PlanSection("Modules retenus", tuple(modules)))
    no_module = set(plan.no_module)
    over_budget = [c for c in plan.uncovered if c not in no_module]
    if over_budget:
        sections.append(
            PlanSection(
                f"Reste ouvert faute de budget ({len(over_budget)})",
                tuple(
                    competency_line(ws, c, f" — modules : {cheapest_modules(ws, c)}")
                    for c in sorted(over_budget, key=natural_key)
                ),
            )
        )
    if plan.no_module:
        sections.append(
            PlanSection(
                f"À travailler en situation de travail ({len(plan.no_module)})",
                tuple(competency_line(ws, c) for c in sorted(plan.no_module, key=natural_key)),
                note="Aucun module du catalogue ne vise ces compétences.",
            )
        )
    return tuple(sections)


def competency_line(ws: Workspace, comp_id: str, aside: str = "") -> PlanLine:
    return PlanLine(comp_id, f" {ws.competency_index[comp_id].competency.title}", aside)


def cheapest_modules(ws: Workspace, comp_id: str) -> str:
    """The shortest modules that target a competency, e.g. « ofb.cuisine (35 h) »."""
    targeting = sorted(
        (module.hours, module.id)
        for module in ws.modules.values()
        if comp_id in module.competencies
    )
    shown = [f"{m} ({message_hours(h)})" for h, m in targeting[:OTHER_MODULES_SHOWN]]
    return ", ".join(shown) + (", …" if len(targeting) > OTHER_MODULES_SHOWN else "")
