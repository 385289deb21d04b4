"""Commands for training bodies and the federation: `coverage` and `report` (SPEC §9)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import (
    PANEL_DOCUMENTS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_line,
    stderr,
)
from portfolio.issues import terminal_safe
from portfolio.resources import REPORT_STEM


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
        help="Fichier à écrire, ou dossier où l'écrire sous son nom habituel.",
        show_default=False,
    ),
]


def warn(line: str) -> None:
    """Who a federation document left out (no consent): said on stderr, so that CSV or JSON on
    stdout stays clean."""
    print_line(terminal_safe(line), stderr, style="yellow")


def destination(fmt: OutputFormat, output: Path | None, default: str) -> Path | None:
    """Where the document goes (None: figures to stdout), settled before the figures are
    computed, so that a wrong `-o` is said at once."""
    from portfolio.app.documents import DATA_FORMATS
    from portfolio.app.outputs import output_file

    if output is None and fmt.value in DATA_FORMATS:
        return None
    return output_file(output, f"{default}.{fmt.value}", fmt.value)


def emit(content: str | bytes, target: Path | None) -> None:
    """Figures go to stdout unless a file is named; documents always go to a file."""
    from portfolio.app.documents import save_output

    if target is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        sys.stdout.flush()
        return
    print_line(terminal_safe(save_output(content, target)), stderr)


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
        from portfolio.app.documents import coverage_output

        target = destination(fmt, output, f"couverture-{body}")
        content = coverage_output(
            workspace, body, referentiel, fmt.value, as_of_or_today(as_of), announce=warn
        )
        emit(content, target)

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
        from portfolio.app.documents import report_output

        target = destination(fmt, output, REPORT_STEM)
        content = report_output(
            workspace, fmt.value, as_of_or_today(as_of), pseudonymise=pseudonymise, announce=warn
        )
        emit(content, target)
