"""The tutor's observation grid of one placement (SPEC §9 `grid`).

A tutor fills it in on paper during the placement: for each competency the placement's tasks
evidence (SPEC §5.1, in the référentiel's plain wording), the level seen (SPEC §4: 1 découverte,
2 avec aide, 3 autonome, 4 maîtrise), a remark, then name, date and signature. The counselor then
records each ticked line with `portfolio log observation` (role `tuteur`).

With a tutor link (SPEC §11, `grid --lien`), the grid also prints the link as a QR code and as
text: the tutor may fill the same grid on a phone instead, and the web form shows the same
competencies, grouped the same way (`grid_groups`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from portfolio.french import LEVEL_HINTS, LEVEL_WORDS, closest, did_you_mean, fr_date
from portfolio.issues import PortfolioError
from portfolio.match import vocabulary
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Placement, Worker
from portfolio.render.consent import require_consent
from portfolio.render.environment import render_html
from portfolio.render.pdf import html_to_pdf, standalone_html
from portfolio.render.views.common import DocumentInfo, association_of, main_track, pictogram

TEMPLATE = "grid/grid.html.j2"
STYLESHEET = "grid.css"


@dataclass(frozen=True)
class GridRow:
    competency: str
    plain: str
    tasks: tuple[str, ...]
    """Labels of the placement's tasks that show this competency, to tell the tutor where to
    look."""

    @property
    def field(self) -> str:
        """The web form's field of this competency's level (SPEC §11: `level:<competency id>`)."""
        return f"level:{self.competency}"


@dataclass(frozen=True)
class GridGroup:
    title: str
    pictogram: str
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class GridView:
    doc: DocumentInfo
    worker: str
    worker_id: str
    placement: str
    client: str
    service: str | None
    start: dt.date
    end: dt.date
    tutor: str | None
    association: str
    counselor: str | None
    phone: str | None
    pictogram: str
    levels: tuple[tuple[int, str, str], ...]
    """SPEC §4 levels: number, word, and the few words a tutor needs to choose one."""
    groups: tuple[GridGroup, ...]
    printed: dt.date
    link: GridLink | None = None
    """The tutor link printed on the grid, when one was made for it."""


@dataclass(frozen=True)
class GridLink:
    """A tutor link as the paper grid prints it: the address, as text and as a QR code."""

    url: str
    expires: dt.date

    @cached_property
    def qr_data_uri(self) -> str:
        """The QR code as a PNG `data:` URL: an image of its own in the PDF (no file, no
        network), large enough to scan from paper (each module 4 px, a quiet zone of 4)."""
        import segno

        return segno.make(self.url, error="m").png_data_uri(scale=4, border=4)


def choose_placement(worker: Worker, placement_id: str | None, as_of: dt.date) -> Placement:
    """The placement asked for, or else the latest one started by `as_of` (else the latest).

    An unknown placement id is invalid data (exit 1), like an unknown worker: the closest ids
    are offered, else the worker's placements."""
    if not worker.placements:
        raise PortfolioError(
            f"{worker.id} n'a aucune mise à disposition : ajoutez-en une avec "
            f"« portfolio log placement {worker.id} »"
        )
    if placement_id is not None:
        found = next((p for p in worker.placements if p.id == placement_id), None)
        if found is None:
            known = [p.id for p in worker.placements]
            hint = did_you_mean(closest(placement_id, known)) or (
                f"ses mises à disposition : {', '.join(known)}"
            )
            raise PortfolioError(
                f"mise à disposition inconnue « {placement_id} » pour {worker.id} "
                f"(workers/{worker.id}.yaml) : {hint}"
            )
        return found
    ranked = sorted(enumerate(worker.placements), key=lambda ip: (ip[1].start, ip[0]))
    started = [p for _, p in ranked if p.start <= as_of]
    return (started or [p for _, p in ranked])[-1]


def observed_competencies(
    ws: Workspace, worker: Worker, placement: Placement
) -> dict[str, list[str]]:
    """Full competency id → labels of the placement's tasks evidencing it (SPEC §5.1), in the
    order of the référentiels, blocks and competencies."""
    vocab = vocabulary(ws.assessed_referentiels(worker))
    labels: dict[str, list[str]] = {}
    for entry in placement.tasks:
        for task_id in vocab.resolve(entry.task):
            ref, task = ws.task_index[task_id]
            for target in task.evidences:
                found = labels.setdefault(f"{ref.id}.{target}", [])
                if task.label not in found:
                    found.append(task.label)
    order = {cid: n for n, cid in enumerate(ws.competency_index)}
    return {cid: labels[cid] for cid in sorted(labels, key=lambda c: order.get(c, len(order)))}


def grid_groups(ws: Workspace, worker: Worker, placement: Placement) -> tuple[GridGroup, ...]:
    """The competencies a tutor observes during the placement, grouped by référentiel and block:
    the rows of the paper grid and of the tutor's web form alike. Refused when none of the
    placement's tasks is recognised (there would be nothing to observe)."""
    competencies = observed_competencies(ws, worker, placement)
    if not competencies:
        raise PortfolioError(
            f"aucune tâche de la mise à disposition « {placement.id} » de {worker.id} n'est "
            "reconnue dans ses référentiels : ajoutez des tâches connues (voir « portfolio "
            "referentiels ID ») pour que la grille sache quelles compétences observer"
        )
    groups: list[GridGroup] = []
    for cid, tasks in competencies.items():
        ref_comp = ws.competency_index[cid]
        title = f"{ref_comp.referentiel.title} — {ref_comp.block.title}"
        row = GridRow(cid, ref_comp.competency.plain, tuple(tasks))
        if groups and groups[-1].title == title:
            groups[-1] = GridGroup(title, groups[-1].pictogram, (*groups[-1].rows, row))
        else:
            groups.append(GridGroup(title, pictogram(ref_comp.referentiel.track), (row,)))
    return tuple(groups)


def grid_view(
    ws: Workspace,
    worker: Worker,
    placement: Placement,
    printed: dt.date,
    link: GridLink | None = None,
) -> GridView:
    """The grid of one placement; it names the worker, so never without their consent."""
    require_consent(worker)
    groups = grid_groups(ws, worker, placement)
    association = association_of(ws, worker)
    association_name = association.name if association else worker.association
    title = (
        f"Grille d'observation — {worker.display_name} — {placement.client.name} ({placement.id})"
    )
    return GridView(
        doc=DocumentInfo(
            title=title,
            author=association_name,
            # Printed on every page, for the counselor who records the ticked lines.
            footer=f"{worker.display_name} · {placement.client.name} ({placement.id}) · "
            f"{fr_date(printed)} · à saisir avec « portfolio log observation {worker.id} "
            f"--placement {placement.id} --role tuteur »",
        ),
        worker=worker.display_name,
        worker_id=worker.id,
        placement=placement.id,
        client=placement.client.name,
        service=placement.service,
        start=placement.start,
        end=placement.end,
        tutor=placement.tutor,
        association=association_name,
        counselor=worker.counselor,
        phone=association.phone if association else None,
        pictogram=pictogram(main_track(ws, worker)),
        levels=tuple((n, word, LEVEL_HINTS[n]) for n, word in LEVEL_WORDS.items()),
        groups=groups,
        printed=printed,
        link=link,
    )


def grid_html(view: GridView) -> str:
    return render_html(TEMPLATE, doc=view.doc, view=view)


def grid_document(view: GridView, fmt: Literal["pdf", "html"]) -> bytes | str:
    """The grid as a PDF, or as a standalone HTML page (printable from a browser, and made
    without WeasyPrint's system libraries)."""
    if fmt == "html":
        return standalone_html(grid_html(view), [STYLESHEET])
    return html_to_pdf(
        grid_html(view), title=view.doc.title, author=view.doc.author, stylesheets=[STYLESHEET]
    )
