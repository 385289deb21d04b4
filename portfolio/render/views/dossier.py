"""The worker's own dossier (SPEC §10 `dossier`): what they can do, what they are learning and
what comes next, in plain words.

Its readers include people who read little or not at all (issue 20): each block of a référentiel
is a row of marks, one per competency (acquired, being learnt, to learn), that a reader can count
without reading, with one sentence saying the same; the wordings follow the easy-to-read rules
that tests/render/test_dossier_rules.py checks on every demo worker's dossier (docs/dossier.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from portfolio.french import TRACK_NAMES, natural_key
from portfolio.model.evidence import Assessment, Plan, ReferentielStatus, WorkerEvidence
from portfolio.model.literals import Status
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Worker
from portfolio.render.views.common import (
    Contact,
    DocumentInfo,
    PlacementView,
    TrainingView,
    contact,
    ordered_referentials,
    pictogram,
    placement_views,
    qr_code,
    statuses,
    training_views,
)

MAX_AT_WORK_LINES = 2
"""Dossier: competencies to learn on the job listed one per line; the rest are counted."""

MAX_DETAILED_PLACEMENTS = 4
"""Dossier: the most recent placements are told with their tasks, older ones in one line each,
so that a long history still fits in four pages."""

MAX_LABEL_WORDS = 15
"""A block or référentiel title is printed as it is when it reads like one short sentence."""

UNREADABLE_IN_LABELS = re.compile(r"[()\[\];/]|\s[-–—]\s|\b\w*[A-ZÀ-Þ]\w*[A-ZÀ-Þ]")
"""What keeps an official title off the dossier: parentheses, « ; », a dash between two parts
and « et/ou » (two ideas in one line), words in capitals (acronyms)."""

PRECISION = re.compile(r"\s*(?:[(;:]|\s[-–—]\s)")
"""Where an official title adds a precision to its main idea: « Numérique - ordinateur… »,
« Accueillir et renseigner les interlocuteurs ; contribuer… »."""

MARK_ORDER: dict[Status, int] = {"acquise": 0, "en-cours": 1, "a-acquerir": 2}
"""A row of marks reads like a gauge: filled marks first, then half-filled, then empty."""


def readable_label(title: str) -> str | None:
    """`title` when a worker can read it as a label, else its main idea before a precision
    when that one can be, else None."""
    for candidate in (title, PRECISION.split(title, maxsplit=1)[0]):
        words = candidate.split()
        if 0 < len(words) <= MAX_LABEL_WORDS and not UNREADABLE_IN_LABELS.search(candidate):
            return " ".join(words)
    return None


@dataclass(frozen=True)
class ProgressRow:
    """One block as the worker sees it: a mark per competency, in `MARK_ORDER`, and the plain
    wordings of those acquired or being learnt, in the same order, each under its mark."""

    label: str
    numbered: bool
    """`label` is the block's number (« Partie 2 »): its title is too long or technical."""
    marks: tuple[Status, ...]
    skills: tuple[tuple[Status, str], ...]
    ready: bool
    """The block can be presented to a jury (SPEC §6 `presentable`)."""

    @property
    def done(self) -> int:
        return self.marks.count("acquise")

    @property
    def learning(self) -> int:
        return self.marks.count("en-cours")

    @property
    def total(self) -> int:
        return len(self.marks)


@dataclass(frozen=True)
class ProgressGroup:
    """A référentiel's rows under its pictogram: a title the worker prepares (`target`), or
    one of the transversal référentiels (savoir-être, numérique)."""

    title: str
    pictogram: str
    target: bool
    rows: tuple[ProgressRow, ...]

    @property
    def done(self) -> int:
        return sum(row.done for row in self.rows)

    @property
    def learning(self) -> int:
        return sum(row.learning for row in self.rows)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


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
class DossierLink:
    """The worker's personal read-only link, printed as a QR code on the paper dossier."""

    url: str
    last_day: dt.date
    qr_svg: str
    """Inline SVG markup made by segno from `url` (`dossier_link`), printed as markup."""


def dossier_link(url: str, last_day: dt.date) -> DossierLink:
    """The link as the dossier prints it: the QR code is drawn like a badge's on the portfolio
    (an inline SVG whose size the stylesheet sets), named for screen readers."""
    svg, _ = qr_code(url, "Code à scanner pour ouvrir mon dossier sur mon téléphone")
    return DossierLink(url, last_day, svg)


@dataclass(frozen=True)
class DossierView:
    doc: DocumentInfo
    first_name: str
    full_name: str
    as_of: dt.date
    progress: tuple[ProgressGroup, ...]
    earlier_placements: tuple[PlacementView, ...]
    placements: tuple[PlacementView, ...]
    work_hours: float
    trainings: tuple[TrainingView, ...]
    training_hours: float
    next_steps: NextSteps
    contact: Contact
    link: DossierLink | None = None
    """The worker's personal link, when the dossier is printed with one (SPEC §11)."""

    @property
    def targets(self) -> tuple[ProgressGroup, ...]:
        return tuple(group for group in self.progress if group.target)


def plain_of(ws: Workspace, competency_id: str) -> str:
    found = ws.competency_index.get(competency_id)
    return found.competency.plain if found else competency_id


def progress_group(
    ws: Workspace, ref: Referentiel, status: ReferentielStatus, target: bool
) -> ProgressGroup:
    """One référentiel's rows, in the order its file gives (the order its authors teach: a
    block named `relation` before one named `adaptation`). A block whose title is not readable
    is named by its place (« Partie 2 »). A référentiel the worker does not prepare as a title
    (savoir-être, numérique) is one row: the dossier stays within four pages."""
    blocks = {b.id: b for b in status.blocks}
    rows = []
    for number, block in enumerate(ref.blocks, start=1):
        found = {c.id: c for c in blocks[ref.full_id(block)].competencies}
        comps = sorted(
            (found[ref.full_id(block, c)] for c in block.competencies),
            key=lambda c: MARK_ORDER[c.status],
        )
        label = readable_label(block.title)
        rows.append(
            ProgressRow(
                label=label or f"Partie {number}",
                numbered=label is None,
                marks=tuple(c.status for c in comps),
                skills=tuple(
                    (c.status, plain_of(ws, c.id)) for c in comps if c.status != "a-acquerir"
                ),
                ready=blocks[ref.full_id(block)].presentable,
            )
        )
    title = readable_label(ref.title) or TRACK_NAMES[ref.track]
    if not target:
        rows = [
            ProgressRow(
                label=title,
                numbered=False,
                marks=tuple(sorted((m for r in rows for m in r.marks), key=MARK_ORDER.__getitem__)),
                skills=tuple(
                    sorted((s for r in rows for s in r.skills), key=lambda s: MARK_ORDER[s[0]])
                ),
                ready=False,
            )
        ]
    return ProgressGroup(title, pictogram(ref.track), target, tuple(rows))


def progress_groups(
    ws: Workspace, worker: Worker, assessment: Assessment
) -> tuple[ProgressGroup, ...]:
    """The worker's titles, then the transversal référentiels (SPEC §4, §5.1)."""
    by_id = {r.id: r for r in assessment.referentiels}
    return tuple(
        progress_group(ws, ref, by_id[ref.id], ref.id in worker.targets)
        for ref in ordered_referentials(ws, assessment)
    )


def jury_ready(groups: tuple[ProgressGroup, ...]) -> tuple[str, ...]:
    """The blocks of the worker's titles ready for a jury; a numbered block names its title."""
    return tuple(
        f"{row.label} du titre {group.title}" if row.numbered else row.label
        for group in groups
        if group.target
        for row in group.rows
        if row.ready
    )


def next_steps(
    ws: Workspace, assessment: Assessment, plan: Plan | None, presentable: tuple[str, ...]
) -> NextSteps:
    """Blocks ready for a jury (`jury_ready`), then the plan's modules, then what is left to
    learn on the job (SPEC §7)."""
    if plan is None:
        return NextSteps(presentable, (), 0.0, (), 0)
    modules = []
    for module_id in sorted(plan.modules, key=natural_key):
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


def closeness(
    ws: Workspace, assessment: Assessment
) -> Callable[[str], tuple[bool, bool, tuple[str | int, ...]]]:
    """Sort key putting first what the worker is closest to: the trade before the transversal
    référentiels, competencies already begun before the others; then in natural order."""
    begun = {
        comp.id
        for ref in assessment.referentiels
        for _, comp in statuses(ref)
        if comp.status == "en-cours"
    }

    def key(competency_id: str) -> tuple[bool, bool, tuple[str | int, ...]]:
        found = ws.competency_index.get(competency_id)
        transversal = found is None or found.referentiel.track == "transversal"
        return (transversal, competency_id not in begun, natural_key(competency_id))

    return key


def dossier_view(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    plan: Plan | None,
    *,
    link: DossierLink | None = None,
) -> DossierView:
    as_of = assessment.as_of
    people = contact(ws, worker)
    progress = progress_groups(ws, worker, assessment)
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
        progress=progress,
        earlier_placements=tuple(placements[: max(detailed, 0)]),
        placements=tuple(placements[max(detailed, 0) :]),
        work_hours=evidence.work_hours,
        trainings=trainings,
        training_hours=sum(t.hours for t in trainings),
        next_steps=next_steps(ws, assessment, plan, jury_ready(progress)),
        contact=people,
        link=link,
    )
