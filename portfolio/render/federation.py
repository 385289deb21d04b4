"""The coverage and programme report documents: result models → HTML with SVG charts → PDF
(SPEC §10: "tables and a chart where one reads better than a table").

The figures are computed in `portfolio.coverage` and `portfolio.report`; here they are only
labelled in French, drawn (`charts`) and laid out by the templates of
`templates/coverage/` and `templates/report/`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from markupsafe import Markup

from portfolio.coverage import Coverage, ModuleDemand
from portfolio.french import MONTHS, TRACK_NAMES, fr_date, fr_percent, natural_key
from portfolio.render.charts import bar_chart, histogram, line_chart
from portfolio.render.environment import render_html
from portfolio.render.pdf import html_to_pdf, standalone_html
from portfolio.render.views.common import DocumentInfo
from portfolio.report import ProgrammeReport, WorkerRatio

DocumentFormat = Literal["pdf", "html"]
STYLESHEET = "federation.css"
WIDE_MATRIX = 6
"""Beyond this many module columns, the coverage matrix is printed on landscape pages."""
TRACK_LABELS = {**TRACK_NAMES, "transversal": "Transversal (sans métier visé)"}
"""Tracks as groups of workers: a worker of the `transversal` track targets no trade."""
SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
HEAT_LEVELS = 4
AXIS_LABELS = {"technique": "gestes techniques", "savoir-etre": "savoir-être", "general": "général"}


def track_label(track: str) -> str:
    """A track as a group of workers (report): `transversal` means no trade target."""
    return TRACK_LABELS.get(track, track)


def referentiel_track(track: str) -> str:
    """A référentiel's track (coverage): `transversal` means useful in every trade."""
    return TRACK_NAMES.get(track, track)


def month_label(month: str, short: bool = False) -> str:
    """`2003-01` → `janvier 2003`, or `janv. 03` for a chart axis."""
    year, number = month.split("-")
    if short:
        return f"{SHORT_MONTHS[int(number) - 1]} {year[2:]}"
    return f"{MONTHS[int(number) - 1]} {year}"


def axis_label(axis: str) -> str:
    return AXIS_LABELS.get(axis, axis)


def heat(needing: int, assessed: int) -> str:
    """The CSS class shading a need cell by the share of assessed workers who need it."""
    if assessed == 0 or needing == 0:
        return "heat-0"
    return f"heat-{max(1, round(HEAT_LEVELS * needing / assessed))}"


def short_module_id(module_id: str) -> str:
    """`ofa.linge` → `linge`: module ids all start with the body id (SPEC §4)."""
    return module_id.split(".", 1)[-1]


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Identified = TypeVar("Identified", bound=_Identified)


def by_natural_id(items: Iterable[Identified]) -> list[Identified]:
    """Référentiels and modules as a reader counts them (ofa.m2 before ofa.m10); the coverage
    JSON keeps ids sorted as strings."""
    return sorted(items, key=lambda item: (natural_key(item.id), item.id))


def demand_order(demand: Iterable[ModuleDemand]) -> list[ModuleDemand]:
    """Modules serving the most workers first, then in natural order of ids."""
    return sorted(demand, key=lambda m: (-m.workers, natural_key(m.id), m.id))


def is_wide(coverage: Coverage) -> bool:
    return any(len(ref.modules) > WIDE_MATRIX for ref in coverage.referentiels)


def coverage_info(coverage: Coverage, author: str) -> DocumentInfo:
    return DocumentInfo(
        title=f"Couverture du catalogue : {coverage.body_name}",
        author=author,
        footer=f"Couverture du catalogue {coverage.body_name} — au {fr_date(coverage.as_of)}",
    )


def report_info(report: ProgrammeReport) -> DocumentInfo:
    suffix = " — pseudonymisé" if report.pseudonymised else ""
    return DocumentInfo(
        title=f"Rapport de programme : {report.name}",
        author=report.federation or report.name,
        footer=f"Rapport de programme — au {fr_date(report.as_of)}{suffix}",
    )


HELPERS: dict[str, Callable[..., str]] = {
    "track_label": track_label,
    "referentiel_track": referentiel_track,
    "axis_label": axis_label,
    "month_label": month_label,
    "percent": fr_percent,
    "heat": heat,
    "short_module_id": short_module_id,
    "by_natural_id": by_natural_id,
    "demand_order": demand_order,
}


def coverage_html(coverage: Coverage, author: str) -> str:
    return render_html(
        "coverage/coverage.html.j2",
        doc=coverage_info(coverage, author),
        cov=coverage,
        wide=is_wide(coverage),
        **HELPERS,
    )


def report_charts(report: ProgrammeReport) -> dict[str, Markup | None]:
    """The three charts of the report, or None where there is nothing to draw."""
    progress = None
    if report.months:
        lines = [
            (
                "Heures de formation cumulées",
                [m.cumulative_training_hours for m in report.months],
                False,
            )
        ]
        if report.target_hours:
            lines.append(("Objectif", [m.target_cumulative_hours for m in report.months], True))
        progress = line_chart(
            [month_label(m.month, short=True) for m in report.months],
            lines,
            title="Heures de formation cumulées, mois par mois, et objectif du programme",
        )
    tracks = None
    if report.tracks:
        tracks = bar_chart(
            [track_label(t.track) for t in report.tracks],
            [
                ("Heures de travail", [t.work_hours for t in report.tracks]),
                ("Heures de formation", [t.training_hours for t in report.tracks]),
            ],
            title="Heures de travail et de formation par filière",
        )
    distribution = None
    if any(b.workers for b in report.distribution):
        distribution = histogram(
            [(b.low, b.high, b.workers) for b in report.distribution],
            report.band,
            title="Répartition des salariés selon leur ratio formation / travail",
        )
    return {"progress": progress, "tracks": tracks, "distribution": distribution}


@dataclass(frozen=True)
class OutsideGroup:
    """The workers of one association outside the band, below it and above it."""

    association: str
    below: list[WorkerRatio]
    above: list[WorkerRatio]


def outside_groups(report: ProgrammeReport) -> list[OutsideGroup]:
    """Workers outside the band per association, printed as compact lists rather than a table:
    a large programme may have hundreds of them."""
    groups = []
    for association in report.associations:
        members = [w for w in report.outside if w.association == association.id]
        if members:
            groups.append(
                OutsideGroup(
                    association=association.name,
                    below=[w for w in members if w.position == "en-dessous"],
                    above=[w for w in members if w.position == "au-dessus"],
                )
            )
    return groups


def report_html(report: ProgrammeReport) -> str:
    return render_html(
        "report/report.html.j2",
        doc=report_info(report),
        report=report,
        charts=report_charts(report),
        outside=outside_groups(report),
        **HELPERS,
    )


def document_bytes(html: str, fmt: DocumentFormat, info: DocumentInfo) -> bytes:
    """A standalone HTML page (stylesheets inlined) or a PDF with its metadata."""
    if fmt == "html":
        return standalone_html(html, [STYLESHEET]).encode("utf-8")
    return html_to_pdf(html, title=info.title, author=info.author, stylesheets=[STYLESHEET])


def coverage_document(coverage: Coverage, fmt: DocumentFormat, author: str) -> bytes:
    return document_bytes(coverage_html(coverage, author), fmt, coverage_info(coverage, author))


def report_document(report: ProgrammeReport, fmt: DocumentFormat) -> bytes:
    return document_bytes(report_html(report), fmt, report_info(report))
