"""`plan` (SPEC §7, §9): parse, call the application layer, lay out its result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from portfolio.cli.common import (
    HANGING_INDENT,
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_line,
    print_warnings,
    stdout,
)
from portfolio.french import InputError, parse_hours
from portfolio.issues import PortfolioError, terminal_safe

if TYPE_CHECKING:
    from portfolio.app.engine import PlanLine, WorkerPlan


def parse_budget(text: str | None) -> float | None:
    """`--budget`: hours as everywhere else (22,5 or 3h30); a mistake is a usage error."""
    if text is None:
        return None
    try:
        return parse_hours(text, "--budget")
    except InputError as exc:
        raise PortfolioError(str(exc), exit_code=2) from None


BULLET = "• "


def print_plan(result: WorkerPlan, console: Console) -> None:
    """The plan as text, a line per module or competency: on a terminal a wrapped line keeps to
    the right of its bullet or its indent (`print_line`); piped, each stays whole. Names,
    titles and ids from the files are made terminal-safe."""
    for line, indent in plan_lines(result):
        print_line(line, console, indent=indent)


def plan_lines(result: WorkerPlan) -> list[tuple[Text, int]]:
    """Each line of the plan with the indent its continuation takes when wrapped."""
    from portfolio.app.engine import PlanLine

    heading = Text(terminal_safe(result.title), style="bold")
    heading.append(result.subtitle, style="not bold")
    lines = [(heading, HANGING_INDENT), (Text(result.summary), HANGING_INDENT)]
    lines += [(Text(remark), HANGING_INDENT) for remark in result.remarks]
    for section in result.sections:
        lines += [(Text(""), 0), (Text(section.title, style="bold underline"), HANGING_INDENT)]
        if section.note:
            lines.append((Text(f"  {section.note}", style="dim"), 2))
        for item in section.lines:
            if isinstance(item, PlanLine):
                lines.append(competency_line(item, "  "))
                continue
            module, competencies = item
            line = Text("  ")
            line.append(terminal_safe(module.ident), style="bold")
            line.append(terminal_safe(module.text))
            lines.append((line, 4))
            lines += [competency_line(c, "    ") for c in competencies]
    return lines


def competency_line(line: PlanLine, indent: str) -> tuple[Text, int]:
    """« • id title »; wrapped, it continues under the id, right of the bullet."""
    text = Text(f"{indent}{BULLET}")
    text.append(terminal_safe(line.ident), style="bold")
    text.append(terminal_safe(line.text))
    if line.aside:
        text.append(terminal_safe(line.aside), style="dim")
    return text, len(indent) + len(BULLET)


# --- command ------------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_ASSESS)
    @friendly_errors
    def plan(
        worker_id: Annotated[
            str,
            typer.Argument(
                metavar="SALARIÉ",
                help="Identifiant du salarié (nom de son fichier dans workers/, sans .yaml).",
                show_default=False,
            ),
        ],
        budget: Annotated[
            str | None,
            typer.Option(
                "--budget",
                metavar="HEURES",
                help="Budget de formation en heures (par défaut training_budget_hours de "
                "workspace.yaml).",
                show_default=False,
            ),
        ] = None,
        as_of: AsOfOption = None,
        json_output: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Proposer le plan de formation optimal d'un salarié dans le budget d'heures : les
        modules qui couvrent le plus de compétences à travailler, au moindre nombre d'heures."""
        from portfolio.app.engine import plan_one

        result = plan_one(workspace, worker_id, as_of_or_today(as_of), parse_budget(budget))
        if json_output:
            sys.stdout.write(result.as_json() + "\n")
        else:
            print_plan(result, stdout)
        print_warnings(result.warnings)
