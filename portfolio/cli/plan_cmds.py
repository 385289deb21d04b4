"""`plan` (SPEC §7, §9): parse, call the application layer, lay out its result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.text import Text

from portfolio.cli.common import (
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
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
        raise PortfolioError(f"{exc} (par exemple --budget 30)", exit_code=2) from None


def plan_view(result: WorkerPlan) -> Group:
    from portfolio.app.engine import PlanLine

    """The plan as text; names, titles and ids from the files are made terminal-safe."""
    heading = Text(terminal_safe(result.title), style="bold")
    heading.append(result.subtitle, style="not bold")
    parts: list[Text] = [heading, Text(result.summary)]
    parts += [Text(remark) for remark in result.remarks]
    for section in result.sections:
        parts.append(Text(f"\n{section.title}", style="bold underline"))
        if section.note:
            parts.append(Text(f"  {section.note}", style="dim"))
        for item in section.lines:
            if isinstance(item, PlanLine):
                parts.append(competency_text(item, "  "))
                continue
            module, competencies = item
            line = Text("  ")
            line.append(terminal_safe(module.ident), style="bold")
            line.append(terminal_safe(module.text))
            parts.append(line)
            parts += [competency_text(c, "    ") for c in competencies]
    return Group(*parts)


def competency_text(line: PlanLine, indent: str) -> Text:
    text = Text(f"{indent}• ")
    text.append(terminal_safe(line.ident), style="bold")
    text.append(terminal_safe(line.text))
    if line.aside:
        text.append(terminal_safe(line.aside), style="dim")
    return text


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
            stdout.print(plan_view(result))
        print_warnings(result.warnings)
