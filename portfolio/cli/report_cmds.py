"""Commands for training bodies and the federation: `coverage` and `report` (SPEC §9)."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from portfolio.app.workspace import open_workspace
from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    stderr,
)
from portfolio.coverage import Coverage, body_coverage, coverage_csv, find_catalog
from portfolio.fsutil import write_atomic
from portfolio.model.loaded import Workspace
from portfolio.report import ProgrammeReport, assess_cohort, programme_report, report_csv
from portfolio.secret import pseudonym_key


class OutputFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="pdf ou html : un document ; csv (pour Excel) ou json : les chiffres, sur la sortie "
        "standard sauf avec -o.",
        case_sensitive=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Fichier à écrire.",
        show_default=False,
        dir_okay=False,
    ),
]


def author_of(ws: Workspace) -> str:
    if ws.settings is None:
        return ws.root.name
    return ws.settings.federation or ws.settings.name


def coverage_output(coverage: Coverage, fmt: OutputFormat, author: str) -> str | bytes:
    if fmt is OutputFormat.JSON:
        return coverage.model_dump_json(indent=2) + "\n"
    if fmt is OutputFormat.CSV:
        return coverage_csv(coverage)
    from portfolio.render.federation import coverage_document

    return coverage_document(coverage, fmt.value, author)


def report_output(report: ProgrammeReport, fmt: OutputFormat) -> str | bytes:
    if fmt is OutputFormat.JSON:
        return report.model_dump_json(indent=2) + "\n"
    if fmt is OutputFormat.CSV:
        return report_csv(report)
    from portfolio.render.federation import report_document

    return report_document(report, fmt.value)


def emit(content: str | bytes, fmt: OutputFormat, output: Path | None, default: str) -> None:
    """Figures go to stdout unless a file is named; documents always go to a file."""
    if output is None and fmt in (OutputFormat.JSON, OutputFormat.CSV):
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        sys.stdout.flush()
        return
    target = output or Path(f"{default}.{fmt.value}")
    write_atomic(target, content)
    stderr.print(f"Écrit : {target}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def coverage(
        body: Annotated[
            str,
            typer.Argument(
                metavar="ORGANISME",
                help="Identifiant de l'organisme de formation (body.id de catalog/*.yaml).",
                show_default=False,
            ),
        ],
        referentiel: Annotated[
            str | None,
            typer.Option(
                "--referentiel",
                metavar="ID",
                help="Un seul référentiel (sinon tous ceux que le catalogue vise).",
                show_default=False,
            ),
        ] = None,
        fmt: FormatOption = OutputFormat.PDF,
        output: OutputOption = None,
        as_of: AsOfOption = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Couverture d'un catalogue : matrice compétences × modules, compétences sans module,
        besoins des salariés et nombre de séances à prévoir."""
        ws, _ = open_workspace(workspace)
        find_catalog(ws, body)
        day: dt.date = as_of_or_today(as_of)
        assessments = {worker: a for worker, (a, _) in assess_cohort(ws, day).items()}
        result = body_coverage(ws, body, assessments, day, referentiel)
        emit(coverage_output(result, fmt, author_of(ws)), fmt, output, f"couverture-{body}")

    @app.command(rich_help_panel=PANEL_DOCUMENTS)
    @friendly_errors
    def report(
        fmt: FormatOption = OutputFormat.PDF,
        pseudonymise: Annotated[
            bool,
            typer.Option(
                "--pseudonymise",
                help="Remplacer le nom de chaque salarié par un pseudonyme stable "
                "(« Salarié·e 7F3A »).",
            ),
        ] = False,
        output: OutputOption = None,
        as_of: AsOfOption = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Rapport de programme pour la fédération : heures, ratio formation / travail,
        compétences acquises et progression mois par mois, par association et par filière."""
        ws, _ = open_workspace(workspace)
        day = as_of_or_today(as_of)
        key = pseudonym_key() if pseudonymise else None
        result = programme_report(ws, assess_cohort(ws, day), day, pseudonym_key=key)
        emit(report_output(result, fmt), fmt, output, "rapport-programme")
