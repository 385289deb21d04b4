"""`portfolio plan`: the optimal training plan of one worker (SPEC §7, §9)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.text import Text

from portfolio.app.workspace import open_worker
from portfolio.checks import fr_date, fr_hours
from portfolio.cli.common import (
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    stderr,
    stdout,
)
from portfolio.cli.engine_cmds import worker_warnings
from portfolio.issues import PortfolioError
from portfolio.model.evidence import Plan
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.plan import plan_worker

OTHER_MODULES_SHOWN = 2
"""How many modules the text view suggests for a competency left open for lack of budget."""


def parse_budget(text: str | None) -> float | None:
    """`--budget`: a positive number of hours; a French decimal comma is accepted."""
    if text is None:
        return None
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise PortfolioError(
            f"--budget « {text} » n'est pas un nombre d'heures : écrivez par exemple "
            "--budget 30 ou --budget 22,5",
            exit_code=2,
        )
    if value <= 0:
        raise PortfolioError(
            f"--budget vaut {text} : le budget de formation doit être un nombre d'heures plus "
            "grand que 0, par exemple --budget 30",
            exit_code=2,
        )
    return value


def as_json(plan: Plan) -> str:
    """The SPEC §9 shape, keys in its order."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)


# --- text view ----------------------------------------------------------------------------------


def competency_line(ws: Workspace, comp_id: str, indent: str = "    ") -> Text:
    line = Text(f"{indent}• ")
    line.append(comp_id, style="bold")
    line.append(f" {ws.competency_index[comp_id].competency.title}")
    return line


def modules_section(ws: Workspace, plan: Plan) -> list[Text]:
    covered = set(plan.covers)
    lines = [Text("\nModules retenus", style="bold underline")]
    for module_id in plan.modules:
        module, catalog = ws.module_index[module_id]
        line = Text("  ")
        line.append(module_id, style="bold")
        line.append(f" — {module.title} : {fr_hours(module.hours)}, {catalog.body.name}")
        lines.append(line)
        lines += [competency_line(ws, c) for c in module.competencies if c in covered]
    return lines


def cheapest_modules(ws: Workspace, comp_id: str) -> str:
    """The shortest modules that target a competency, e.g. « ofb.cuisine (35 h) »."""
    targeting = sorted(
        (module.hours, module.id)
        for module, _ in ws.module_index.values()
        if comp_id in module.competencies
    )
    shown = [f"{m} ({fr_hours(h)})" for h, m in targeting[:OTHER_MODULES_SHOWN]]
    return ", ".join(shown) + (", …" if len(targeting) > OTHER_MODULES_SHOWN else "")


def open_sections(ws: Workspace, plan: Plan) -> list[Text]:
    no_module = set(plan.no_module)
    over_budget = [c for c in plan.uncovered if c not in no_module]
    lines: list[Text] = []
    if over_budget:
        lines.append(
            Text(
                f"\nReste ouvert faute de budget ({len(over_budget)})",
                style="bold underline",
            )
        )
        for comp_id in over_budget:
            line = competency_line(ws, comp_id, indent="  ")
            line.append(f" — modules : {cheapest_modules(ws, comp_id)}", style="dim")
            lines.append(line)
    if plan.no_module:
        lines.append(
            Text(
                f"\nÀ travailler en situation de travail ({len(plan.no_module)})",
                style="bold underline",
            )
        )
        lines.append(Text("  Aucun module du catalogue ne vise ces compétences.", style="dim"))
        lines += [competency_line(ws, c, indent="  ") for c in plan.no_module]
    return lines


def plan_view(ws: Workspace, worker: Worker, plan: Plan, as_of_text: str) -> Group:
    heading = Text(f"Plan de formation de {worker.display_name} ({worker.id})", style="bold")
    heading.append(f" — au {as_of_text}", style="not bold")
    needed = len(plan.covers) + len(plan.uncovered)
    count = len(plan.modules)
    summary = Text(
        f"Budget : {fr_hours(plan.budget)} ; plan : {fr_hours(plan.hours)} pour {count} "
        f"module{'s' * (count > 1)}, qui couvre{'nt' * (count > 1)} {len(plan.covers)} "
        f"compétence(s) à travailler sur {needed}."
    )
    parts: list[Text] = [heading, summary]
    if needed == 0:
        parts.append(
            Text(
                "Rien à planifier : chaque compétence évaluée est acquise ou déjà suivie en "
                "formation avec le résultat « acquis »."
            )
        )
    elif not plan.modules and set(plan.uncovered) != set(plan.no_module):
        parts.append(
            Text(f"Aucun module utile ne tient dans le budget de {fr_hours(plan.budget)}.")
        )
    if plan.modules:
        parts += modules_section(ws, plan)
    parts += open_sections(ws, plan)
    return Group(*parts)


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
        hours = parse_budget(budget)
        day = as_of_or_today(as_of)
        ws, worker = open_worker(workspace, worker_id)
        warnings = worker_warnings(ws, [worker_id], day)[worker_id]
        result = plan_worker(ws, worker, day, hours)
        if json_output:
            sys.stdout.write(as_json(result) + "\n")
        else:
            stdout.print(plan_view(ws, worker, result, fr_date(day)))
        for message in warnings:
            stderr.print(message, style="yellow", markup=False, soft_wrap=True)
