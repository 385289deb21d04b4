"""The portfolio for the certifier and the counselor (SPEC §10 `portfolio`), shaped like the
Dossier Professionnel: per target, its activités-types with examples of practice, then the status
table with the evidence trail of every competency; then the Open Badges credentials issued to the
worker, each with a QR code holding its file name and hash (SPEC §12), so that a jury can match
the paper and the file the worker shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from portfolio.credentials.issued import BADGES_DIR, Credential, IssuedCredential
from portfolio.french import (
    CERTIFICATION_KINDS,
    CLIENT_KIND_WORDS,
    LEVEL_LABELS,
    RESULT_WORDS,
    STATUS_LABELS,
    fr_date,
    fr_hours,
)
from portfolio.model.evidence import (
    Assessment,
    CompetencyStatus,
    Evidence,
    ObservationEvidence,
    PlacementEvidence,
    ReferentielStatus,
    TrainingEvidence,
    WorkerEvidence,
)
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Observation, Placement, Worker
from portfolio.render.views.common import (
    Contact,
    DocumentInfo,
    TaskLine,
    TrainingView,
    contact,
    in_natural_order,
    ordered_referentials,
    qr_code,
    task_label,
    task_lines,
    training_views,
)

MAX_EXAMPLES = 3
"""Dossier Professionnel: one to three examples of practice per activité-type."""


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
class BadgeView:
    """An issued credential as the jury reads it, with the QR code matching paper and file."""

    block_id: str
    title: str
    rncp_code: str | None
    issuer: str
    valid_from: dt.date
    valid_until: dt.date | None
    expired: bool
    presentable: bool
    """Whether the block is still presentable at the document's date: a later observation
    may have lowered a level since the badge was issued."""
    file_name: str
    sha256: str
    short_hash: str
    """The first 16 hex digits in groups of four: what an eye compares first."""
    hash_lines: tuple[tuple[str, ...], ...]
    """The whole hash on two lines of four groups of eight digits, printed without spaces
    between the groups (a copy of a line gives the digits as hashing tools print them)."""
    qr_payload: str
    qr_svg: Markup
    qr_version: int


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
    badges: tuple[BadgeView, ...]
    unreadable_badges: tuple[str, ...]
    """One sentence per file of the worker's badges folder that is not a readable credential:
    the counselor sees it before the document goes to the jury."""


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
        f"({CLIENT_KIND_WORDS[placement.client.kind]}), {fr_hours(hours)} de travail."
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
        organisation=f"{placement.client.name} ({CLIENT_KIND_WORDS[placement.client.kind]})",
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
            f"Formation « {title} » : {fr_hours(item.hours)}, {RESULT_WORDS[item.result]}, "
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
    for block in in_natural_order(status.blocks):
        competencies = in_natural_order(block.competencies)
        shown = [c for c in competencies if not compact or c.evidence]
        hidden = [c for c in competencies if compact and not c.evidence]
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


def badge_view(credential: IssuedCredential, as_of: dt.date, presentable: bool) -> BadgeView:
    digest = credential.sha256
    svg, version = qr_code(
        credential.qr_payload,
        f"Code QR du badge {credential.file_name} : nom du fichier et empreinte SHA-256",
    )
    return BadgeView(
        block_id=credential.block_id,
        title=credential.achievement,
        rncp_code=credential.rncp_code,
        issuer=credential.issuer,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        expired=credential.valid_until is not None and credential.valid_until < as_of,
        presentable=presentable,
        file_name=credential.file_name,
        sha256=digest,
        short_hash=" ".join(digest[i : i + 4] for i in range(0, 16, 4)),
        hash_lines=tuple(
            tuple(digest[i : i + 8] for i in range(start, start + 32, 8)) for start in (0, 32)
        ),
        qr_payload=credential.qr_payload,
        qr_svg=svg,
        qr_version=version,
    )


def badge_views(
    worker: Worker, credentials: Sequence[Credential], assessment: Assessment
) -> tuple[tuple[BadgeView, ...], tuple[str, ...]]:
    """The readable credentials as the jury reads them, and a sentence for each file that is
    not one (it is left out of the list: the paper vouches only for what it can describe)."""
    presentable = {b.id for r in assessment.referentiels for b in r.blocks if b.presentable}
    badges = tuple(
        badge_view(c, assessment.as_of, c.block_id in presentable)
        for c in credentials
        if isinstance(c, IssuedCredential)
    )
    unreadable = tuple(
        f"Le fichier {c.file_name} {c.problem} : il n'est pas repris ici. Émettez les badges à "
        f"nouveau (portfolio credentials {worker.id}) ou retirez ce fichier du dossier "
        f"{BADGES_DIR}/{worker.id}/."
        for c in credentials
        if not isinstance(c, IssuedCredential)
    )
    return badges, unreadable


def portfolio_view(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    credentials: Sequence[Credential] = (),
) -> PortfolioView:
    """Every target référentiel in one document, each with its activités-types, examples and
    status table; the transversal référentiels' statuses follow as an annex, then the
    credentials issued (`credentials`, read from the worker's badges folder by the caller)."""
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
    badges, unreadable = badge_views(worker, credentials, assessment)
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
        badges=badges,
        unreadable_badges=unreadable,
    )
