"""Plain view models for the printed documents (SPEC §10).

Pure functions from the loaded workspace, a worker, their assessment and plan to frozen
dataclasses holding only text, numbers and dates: every choice (which placements illustrate a
block, how a result is worded) is made here, so that templates only loop and print.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from portfolio.model.common import TRACKS
from portfolio.model.evidence import (
    Assessment,
    BlockStatus,
    CompetencyStatus,
    Evidence,
    ObservationEvidence,
    PlacementEvidence,
    Plan,
    ReferentielStatus,
    TrainingEvidence,
    WorkerEvidence,
)
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Association, Observation, Placement, Worker
from portfolio.render.french import fr_date, fr_hours

MAX_EXAMPLES = 3
"""Dossier Professionnel: one to three examples of practice per activité-type."""

MAX_AT_WORK_LINES = 3

MAX_DETAILED_PLACEMENTS = 4
"""Dossier: the most recent placements are told with their tasks, older ones in one line each,
so that a long history still fits in four pages."""
"""Dossier: competencies to learn on the job listed one per line; the rest are counted."""

TRACK_ORDER = TRACKS
TRACK_NAMES = {
    "emplois-familiaux": "Emplois familiaux",
    "agents-administratifs": "Agents administratifs",
    "entretien-nettoyage": "Entretien et nettoyage",
    "restauration-collective": "Restauration collective",
    "espaces-verts": "Espaces verts",
    "batiment": "Bâtiment",
    "transversal": "Compétences utiles dans tous les métiers",
}
CLIENT_KINDS = {
    "particulier": "particulier",
    "collectivite": "collectivité",
    "association": "association",
    "entreprise": "entreprise",
}
STATUS_LABELS = {"acquise": "Acquise", "en-cours": "En cours", "a-acquerir": "À acquérir"}
LEVEL_LABELS = {1: "1 découverte", 2: "2 avec aide", 3: "3 autonome", 4: "4 maîtrise"}
RESULT_LABELS = {"acquis": "acquis", "non-acquis": "non acquis", "en-cours": "en cours"}
PLAIN_RESULTS = {"acquis": "Réussie", "non-acquis": "Pas encore réussie", "en-cours": "En cours"}
CERTIFICATION_KINDS = {
    "titre-professionnel": "Titre professionnel",
    "cap": "CAP",
    "capa": "CAP agricole",
    "cqp": "Certificat de qualification professionnelle",
    "clea": "Certificat CléA",
    "socle": "Socle de compétences",
}


# ---------------------------------------------------------------------------------------------
# Shared pieces


@dataclass(frozen=True)
class DocumentInfo:
    """What goes in the PDF metadata and the page footer."""

    title: str
    author: str
    footer: str


@dataclass(frozen=True)
class Contact:
    counselor: str | None
    counselor_title: str
    association: str
    address: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class TaskLine:
    label: str
    hours: float


@dataclass(frozen=True)
class PlacementView:
    id: str
    client: str
    client_kind: str
    service: str | None
    start: dt.date
    end: dt.date
    ongoing: bool
    hours: float
    tutor: str | None
    means: tuple[str, ...]
    note: str | None
    tasks: tuple[TaskLine, ...]
    track: str
    pictogram: str


@dataclass(frozen=True)
class TrainingView:
    module: str
    title: str
    body: str
    start: dt.date
    end: dt.date
    hours: float
    result: str
    plain_result: str


def pictogram(track: str) -> str:
    """Pictogram file of a track, in `templates/assets/pictograms/`."""
    return f"pictograms/{track if track in TRACK_NAMES else 'transversal'}.svg"


def association_of(ws: Workspace, worker: Worker) -> Association | None:
    if ws.settings is None:
        return None
    return next((a for a in ws.settings.associations if a.id == worker.association), None)


def counselor_title(counselor: str | None) -> str:
    """« ma conseillère » for Mme, « mon conseiller » for M.: the dossier speaks as the worker."""
    if counselor is None:
        return "mon conseiller ou ma conseillère"
    first = counselor.split(maxsplit=1)[0].rstrip(".").lower()
    if first in ("mme", "madame", "mlle"):
        return "ma conseillère"
    if first in ("m", "monsieur", "mr"):
        return "mon conseiller"
    return "mon conseiller ou ma conseillère"


def contact(ws: Workspace, worker: Worker) -> Contact:
    association = association_of(ws, worker)
    return Contact(
        counselor=worker.counselor,
        counselor_title=counselor_title(worker.counselor),
        association=association.name if association else worker.association,
        address=association.address if association else None,
        phone=association.phone if association else None,
        email=association.email if association else None,
    )


def task_label(ws: Workspace, full_task_id: str) -> str:
    found = ws.task_index.get(full_task_id)
    return found[1].label if found else full_task_id


def task_lines(
    ws: Workspace, evidence: WorkerEvidence, placement_id: str, tasks: set[str] | None = None
) -> tuple[TaskLine, ...]:
    """What a placement's entries resolved to, one line per task with its hours (SPEC §5.3),
    in order of first mention; with `tasks`, only those. Unresolved entries keep the worker's
    own words (and are left out when filtering)."""
    hours: dict[str, float] = {}
    for entry in evidence.entries:
        if entry.placement != placement_id or entry.hours <= 0:
            continue
        if not entry.tasks and tasks is None:
            text = entry.text.strip()
            text = text[:1].upper() + text[1:]
            hours[text] = hours.get(text, 0.0) + entry.hours
        for task in entry.tasks:
            if tasks is None or task in tasks:
                label = task_label(ws, task)
                hours[label] = hours.get(label, 0.0) + entry.hours / len(entry.tasks)
    return tuple(TaskLine(label, h) for label, h in hours.items())


def placement_track(
    ws: Workspace, evidence: WorkerEvidence, placement_id: str, fallback: str
) -> str:
    """The track a placement belongs to: the référentiel its tasks gave the most hours to,
    a trade before the transversal ones."""
    hours: dict[str, float] = defaultdict(float)
    for entry in evidence.entries:
        if entry.placement == placement_id:
            for task in entry.tasks:
                found = ws.task_index.get(task)
                if found:
                    hours[found[0].track] += entry.hours / len(entry.tasks)
    trades = {t: h for t, h in hours.items() if t != "transversal"}
    ranked = trades or hours
    if not ranked:
        return fallback
    return max(ranked, key=lambda t: (ranked[t], -TRACK_ORDER.index(t)))


def main_track(ws: Workspace, worker: Worker) -> str:
    tracks = [ws.referentiels[t].track for t in worker.targets if t in ws.referentiels]
    return tracks[0] if tracks else "transversal"


def placement_views(
    ws: Workspace, worker: Worker, evidence: WorkerEvidence
) -> tuple[PlacementView, ...]:
    """Placements started on or before the assessment date, with their hours at that date."""
    fallback = main_track(ws, worker)
    views = []
    for placement in worker.placements:
        if placement.id not in evidence.placement_hours:
            continue
        track = placement_track(ws, evidence, placement.id, fallback)
        views.append(
            PlacementView(
                id=placement.id,
                client=placement.client.name,
                client_kind=CLIENT_KINDS[placement.client.kind],
                service=placement.service,
                start=placement.start,
                end=placement.end,
                ongoing=placement.end > evidence.as_of,
                hours=evidence.placement_hours[placement.id],
                tutor=placement.tutor,
                means=tuple(placement.means),
                note=placement.note,
                tasks=task_lines(ws, evidence, placement.id),
                track=track,
                pictogram=pictogram(track),
            )
        )
    return tuple(views)


def training_views(ws: Workspace, worker: Worker, as_of: dt.date) -> tuple[TrainingView, ...]:
    """Trainings started on or before the assessment date; one not yet ended is `en-cours`."""
    views = []
    for training in sorted(worker.trainings, key=lambda t: (t.start, t.module)):
        if training.start > as_of:
            continue
        module, catalog = ws.module_index.get(training.module, (None, None))
        result = training.result if training.end_date <= as_of else "en-cours"
        views.append(
            TrainingView(
                module=training.module,
                title=module.title if module else training.module,
                body=catalog.body.name if catalog else "",
                start=training.start,
                end=training.end_date,
                hours=training.hours,
                result=RESULT_LABELS[result],
                plain_result=PLAIN_RESULTS[result],
            )
        )
    return tuple(views)


def ordered_referentials(ws: Workspace, assessment: Assessment) -> list[Referentiel]:
    """Assessed référentiels: the worker's trades first, then the transversal ones."""
    refs = [ws.referentiels[r.id] for r in assessment.referentiels if r.id in ws.referentiels]
    return sorted(refs, key=lambda r: (r.track == "transversal", r.id))


def statuses(assessment: ReferentielStatus) -> Iterable[tuple[BlockStatus, CompetencyStatus]]:
    for block in assessment.blocks:
        for comp in block.competencies:
            yield block, comp


# ---------------------------------------------------------------------------------------------
# Dossier for the worker (SPEC §10 `dossier`)


@dataclass(frozen=True)
class SkillGroup:
    """Plain wordings of one référentiel, under its pictogram."""

    title: str
    track: str
    pictogram: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class ModuleStep:
    title: str
    body: str
    hours: float


@dataclass(frozen=True)
class NextSteps:
    presentable: tuple[str, ...]
    modules: tuple[ModuleStep, ...]
    hours: float
    at_work: tuple[str, ...]
    at_work_more: int


@dataclass(frozen=True)
class DossierView:
    doc: DocumentInfo
    first_name: str
    full_name: str
    as_of: dt.date
    targets: tuple[SkillGroup, ...]
    earlier_placements: tuple[PlacementView, ...]
    placements: tuple[PlacementView, ...]
    work_hours: float
    can_do: tuple[SkillGroup, ...]
    learning: tuple[SkillGroup, ...]
    trainings: tuple[TrainingView, ...]
    training_hours: float
    next_steps: NextSteps
    contact: Contact


def plain_of(ws: Workspace, competency_id: str) -> str:
    found = ws.competency_index.get(competency_id)
    return found.competency.plain if found else competency_id


def skill_groups(ws: Workspace, assessment: Assessment, status: str) -> tuple[SkillGroup, ...]:
    """Plain wordings of the competencies with `status`, one group per référentiel."""
    by_id = {r.id: r for r in assessment.referentiels}
    groups = []
    for ref in ordered_referentials(ws, assessment):
        skills = tuple(
            plain_of(ws, comp.id) for _, comp in statuses(by_id[ref.id]) if comp.status == status
        )
        if skills:
            title = ref.title if ref.track != "transversal" else TRACK_NAMES["transversal"]
            groups.append(SkillGroup(title, ref.track, pictogram(ref.track), skills))
    return tuple(groups)


def merge_transversal(groups: Sequence[SkillGroup]) -> tuple[SkillGroup, ...]:
    """The worker sees one « useful in every trade » group, not one per transversal file."""
    trades = [g for g in groups if g.track != "transversal"]
    transversal = [s for g in groups if g.track == "transversal" for s in g.skills]
    if transversal:
        trades.append(
            SkillGroup(
                TRACK_NAMES["transversal"],
                "transversal",
                pictogram("transversal"),
                tuple(transversal),
            )
        )
    return tuple(trades)


def next_steps(ws: Workspace, assessment: Assessment, plan: Plan | None) -> NextSteps:
    """Blocks ready for a jury, then the plan's modules, then what is left to learn on the job
    (SPEC §7)."""
    presentable = tuple(
        block_title(ws, block.id)
        for ref in assessment.referentiels
        if ws.referentiels.get(ref.id) and ws.referentiels[ref.id].track != "transversal"
        for block in ref.blocks
        if block.presentable
    )
    if plan is None:
        return NextSteps(presentable, (), 0.0, (), 0)
    modules = []
    for module_id in plan.modules:
        module, catalog = ws.module_index[module_id]
        modules.append(ModuleStep(module.title, catalog.body.name, module.hours))
    at_work = [plain_of(ws, c) for c in sorted(plan.no_module, key=closeness(ws, assessment))]
    return NextSteps(
        presentable=presentable,
        modules=tuple(modules),
        hours=plan.hours,
        at_work=tuple(at_work[:MAX_AT_WORK_LINES]),
        at_work_more=max(len(at_work) - MAX_AT_WORK_LINES, 0),
    )


def closeness(ws: Workspace, assessment: Assessment) -> Callable[[str], tuple[bool, bool, str]]:
    """Sort key putting first what the worker is closest to: the trade before the transversal
    référentiels, competencies already begun before the others."""
    begun = {
        comp.id
        for ref in assessment.referentiels
        for _, comp in statuses(ref)
        if comp.status == "en-cours"
    }

    def key(competency_id: str) -> tuple[bool, bool, str]:
        found = ws.competency_index.get(competency_id)
        transversal = found is None or found.referentiel.track == "transversal"
        return (transversal, competency_id not in begun, competency_id)

    return key


def block_title(ws: Workspace, block_id: str) -> str:
    ref_id, _, local = block_id.partition(".")
    ref = ws.referentiels[ref_id]
    return next(b.title for b in ref.blocks if b.id == local)


def dossier_view(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    plan: Plan | None,
) -> DossierView:
    as_of = assessment.as_of
    people = contact(ws, worker)
    targets = tuple(
        SkillGroup(ref.title, ref.track, pictogram(ref.track), ())
        for ref in ordered_referentials(ws, assessment)
        if ref.id in worker.targets
    )
    trainings = training_views(ws, worker, as_of)
    placements = sorted(placement_views(ws, worker, evidence), key=lambda p: (p.start, p.end))
    detailed = len(placements) - MAX_DETAILED_PLACEMENTS
    return DossierView(
        doc=DocumentInfo(
            title=f"Mon dossier de compétences — {worker.display_name}",
            author=people.association,
            footer=f"Mon dossier de compétences — {worker.display_name}",
        ),
        first_name=worker.first_name,
        full_name=worker.display_name,
        as_of=as_of,
        targets=targets,
        earlier_placements=tuple(placements[: max(detailed, 0)]),
        placements=tuple(placements[max(detailed, 0) :]),
        work_hours=evidence.work_hours,
        can_do=merge_transversal(skill_groups(ws, assessment, "acquise")),
        learning=merge_transversal(skill_groups(ws, assessment, "en-cours")),
        trainings=trainings,
        training_hours=sum(t.hours for t in trainings),
        next_steps=next_steps(ws, assessment, plan),
        contact=people,
    )


# ---------------------------------------------------------------------------------------------
# Portfolio for the certifier and the counselor, shaped like the Dossier Professionnel


@dataclass(frozen=True)
class ExampleView:
    """One example of practice under the five fixed DP headings (domain-notes §3.1)."""

    anchor: str
    number: int
    title: str
    tasks: tuple[TaskLine, ...]
    conditions: str
    means: tuple[str, ...]
    with_whom: tuple[str, ...]
    organisation: str
    service: str | None
    start: dt.date
    end: dt.date
    ongoing: bool
    hours: float
    further: tuple[str, ...]


@dataclass(frozen=True)
class ActivityView:
    """A block of the référentiel: an activité-type of the DP."""

    anchor: str
    number: int
    id: str
    title: str
    presentable: bool
    acquired: int
    total: int
    examples: tuple[ExampleView, ...]


@dataclass(frozen=True)
class StatusRow:
    id: str
    title: str
    status: str
    status_key: str
    rule: str
    work_hours: float
    training_hours: float
    level: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class StatusBlock:
    """A block's status table; in a compact section, competencies without any evidence are
    only named in `unevidenced` instead of taking a row each."""

    id: str
    title: str
    presentable: bool
    acquired: int
    total: int
    rows: tuple[StatusRow, ...]
    unevidenced: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusSection:
    anchor: str
    id: str
    title: str
    blocks: tuple[StatusBlock, ...]
    compact: bool = False


@dataclass(frozen=True)
class TargetView:
    anchor: str
    id: str
    title: str
    kind: str
    code: str | None
    rncp: str | None
    level: int | None
    certifier: str | None
    activities: tuple[ActivityView, ...]
    status: StatusSection


@dataclass(frozen=True)
class PortfolioView:
    doc: DocumentInfo
    first_name: str
    last_name: str
    full_name: str
    as_of: dt.date
    contact: Contact
    work_hours: float
    training_hours: float
    targets: tuple[TargetView, ...]
    transversal: tuple[StatusSection, ...]
    trainings: tuple[TrainingView, ...]


def block_placement_hours(
    evidence: WorkerEvidence, competency_ids: Iterable[str]
) -> tuple[dict[str, float], set[str]]:
    """Hours each placement gave a block, counting each (placement, task) once even when the
    task evidences several of the block's competencies; and the tasks involved."""
    seen: dict[tuple[str, str], float] = {}
    for comp in competency_ids:
        for item in evidence.by_competency.get(comp, ()):
            seen[(item.ref, item.task)] = item.hours
    hours: dict[str, float] = defaultdict(float)
    for (placement, _), h in seen.items():
        hours[placement] += h
    return dict(hours), {task for _, task in seen}


def example_placements(
    worker: Worker, hours: dict[str, float], limit: int = MAX_EXAMPLES
) -> list[Placement]:
    """The placements with the most evidence for a block, ties in file order."""
    order = {p.id: n for n, p in enumerate(worker.placements)}
    ranked = sorted((p for p in hours if hours[p] > 0), key=lambda p: (-hours[p], order[p]))
    by_id = {p.id: p for p in worker.placements}
    return [by_id[p] for p in ranked[:limit]]


def example_title(tasks: Sequence[TaskLine], client: str) -> str:
    """Named after the task that took the most hours, then the client."""
    main = max(tasks, key=lambda t: t.hours).label if tasks else "Travail"
    return f"{main} — {client}"


def observation_line(ws: Workspace, obs: Observation) -> str:
    title = ws.competency_index[obs.competency].competency.title
    line = (
        f"Observation du {fr_date(obs.date)} par {obs.by} ({obs.role}) : niveau "
        f"{LEVEL_LABELS[obs.level]} sur « {title} »"
    )
    return f"{line} — « {obs.note} »" if obs.note else line


def is_tutor(name: str, tutor: str | None) -> bool:
    """« Mme Haddad » is the tutor written « Mme Haddad, cheffe d'équipe »."""
    return tutor is not None and tutor.split(",")[0].strip() == name.strip()


def example_view(
    ws: Workspace,
    worker: Worker,
    evidence: WorkerEvidence,
    placement: Placement,
    tasks: set[str],
    competency_ids: set[str],
    number: int,
    anchor: str,
) -> ExampleView:
    """One placement told under the five DP headings, restricted to what shows the block."""
    as_of = evidence.as_of
    lines = task_lines(ws, evidence, placement.id, tasks)
    hours = evidence.placement_hours[placement.id]
    conditions = (
        f"Mise à disposition par l'association intermédiaire "
        f"{contact(ws, worker).association} auprès de {placement.client.name} "
        f"({CLIENT_KINDS[placement.client.kind]}), {fr_hours(hours)} de travail."
    )
    observations = [
        o
        for o in worker.observations
        if o.placement == placement.id and o.competency in competency_ids and o.date <= as_of
    ]
    with_whom = [f"{placement.tutor} (tuteur)"] if placement.tutor else []
    for obs in observations:
        person = f"{obs.by} ({obs.role})"
        if not is_tutor(obs.by, placement.tutor) and person not in with_whom:
            with_whom.append(person)
    further = ([placement.note] if placement.note else []) + [
        observation_line(ws, o) for o in sorted(observations, key=lambda o: o.date)
    ]
    return ExampleView(
        anchor=anchor,
        number=number,
        title=example_title(lines, placement.client.name),
        tasks=lines,
        conditions=conditions,
        means=tuple(placement.means),
        with_whom=tuple(with_whom),
        organisation=f"{placement.client.name} ({CLIENT_KINDS[placement.client.kind]})",
        service=placement.service,
        start=placement.start,
        end=min(placement.end, as_of),
        ongoing=placement.end > as_of,
        hours=hours,
        further=tuple(further),
    )


def activity_views(
    ws: Workspace,
    worker: Worker,
    evidence: WorkerEvidence,
    ref: Referentiel,
    status: ReferentielStatus,
) -> tuple[ActivityView, ...]:
    blocks = {b.id: b for b in status.blocks}
    activities = []
    for number, block in enumerate(ref.blocks, start=1):
        full_id = ref.full_id(block)
        competency_ids = {ref.full_id(block, c) for c in block.competencies}
        hours, tasks = block_placement_hours(evidence, sorted(competency_ids))
        anchor = f"{ref.id}-{block.id}"
        examples = tuple(
            example_view(ws, worker, evidence, p, tasks, competency_ids, k, f"{anchor}-ex{k}")
            for k, p in enumerate(example_placements(worker, hours), start=1)
        )
        block_status = blocks[full_id]
        activities.append(
            ActivityView(
                anchor=anchor,
                number=number,
                id=full_id,
                title=block.title,
                presentable=block_status.presentable,
                acquired=block_status.acquired,
                total=block_status.total,
                examples=examples,
            )
        )
    return tuple(activities)


def rule_text(min_hours: float, observation: bool) -> str:
    """What a competency requires (SPEC §6), as short as a table cell allows."""
    parts = ([fr_hours(min_hours)] if min_hours > 0 else []) + (["niveau 3"] if observation else [])
    return " et ".join(parts) or "—"


def evidence_line(ws: Workspace, worker: Worker, item: Evidence) -> str:
    """One entry of the evidence trail (SPEC §6), written out for a reader and kept short: it
    fills a narrow table column."""
    if isinstance(item, PlacementEvidence):
        client = next((p.client.name for p in worker.placements if p.id == item.ref), "")
        return f"{item.ref} {client} : {task_label(ws, item.task)}, {fr_hours(item.hours)}"
    if isinstance(item, TrainingEvidence):
        module = ws.module_index.get(item.ref)
        title = module[0].title if module else item.ref
        return (
            f"Formation « {title} » : {fr_hours(item.hours)}, {RESULT_LABELS[item.result]}, "
            f"{fr_date(item.date)}"
        )
    assert isinstance(item, ObservationEvidence)
    where = f", {item.ref}" if item.ref else ""
    return (
        f"Observation {item.by} ({item.role}{where}) : niveau {LEVEL_LABELS[item.level]}, "
        f"{fr_date(item.date)}"
    )


def status_row(
    ws: Workspace, worker: Worker, ref: Referentiel, comp: CompetencyStatus
) -> StatusRow:
    source = ws.competency_index[comp.id].competency
    return StatusRow(
        id=comp.id,
        title=source.title,
        status=STATUS_LABELS[comp.status],
        status_key=comp.status,
        rule=rule_text(*ref.rule(source)),
        work_hours=comp.work_hours,
        training_hours=comp.training_hours,
        level=LEVEL_LABELS[comp.level] if comp.level else "—",
        evidence=tuple(evidence_line(ws, worker, e) for e in comp.evidence),
    )


def status_section(
    ws: Workspace,
    worker: Worker,
    ref: Referentiel,
    status: ReferentielStatus,
    *,
    compact: bool = False,
) -> StatusSection:
    """The status table with the evidence trail of every competency (SPEC §6, §10)."""
    titles = {ref.full_id(b): b.title for b in ref.blocks}
    blocks = []
    for block in status.blocks:
        shown = [c for c in block.competencies if not compact or c.evidence]
        hidden = [c for c in block.competencies if compact and not c.evidence]
        blocks.append(
            StatusBlock(
                id=block.id,
                title=titles[block.id],
                presentable=block.presentable,
                acquired=block.acquired,
                total=block.total,
                rows=tuple(status_row(ws, worker, ref, c) for c in shown),
                unevidenced=tuple(ws.competency_index[c.id].competency.title for c in hidden),
            )
        )
    return StatusSection(f"statut-{ref.id}", ref.id, ref.title, tuple(blocks), compact)


def portfolio_view(
    ws: Workspace, worker: Worker, assessment: Assessment, evidence: WorkerEvidence
) -> PortfolioView:
    """Every target référentiel in one document, each with its activités-types, examples and
    status table; the transversal référentiels' statuses follow as an annex."""
    people = contact(ws, worker)
    by_id = {r.id: r for r in assessment.referentiels}
    targets = []
    transversal = []
    for ref in ordered_referentials(ws, assessment):
        if ref.track == "transversal":
            transversal.append(status_section(ws, worker, ref, by_id[ref.id], compact=True))
            continue
        if ref.id not in worker.targets:
            continue
        cert = ref.certification
        targets.append(
            TargetView(
                anchor=f"cible-{ref.id}",
                id=ref.id,
                title=ref.title,
                kind=CERTIFICATION_KINDS[cert.kind],
                code=cert.code,
                rncp=cert.rncp,
                level=cert.level,
                certifier=cert.certifier,
                activities=activity_views(ws, worker, evidence, ref, by_id[ref.id]),
                status=status_section(ws, worker, ref, by_id[ref.id]),
            )
        )
    trainings = training_views(ws, worker, assessment.as_of)
    return PortfolioView(
        doc=DocumentInfo(
            title=f"Dossier professionnel — {worker.display_name}",
            author=people.association,
            footer=f"Dossier professionnel — {worker.display_name}",
        ),
        first_name=worker.first_name,
        last_name=worker.last_name,
        full_name=worker.display_name,
        as_of=assessment.as_of,
        contact=people,
        work_hours=evidence.work_hours,
        training_hours=sum(t.hours for t in trainings),
        targets=tuple(targets),
        transversal=tuple(transversal),
        trainings=trainings,
    )
