"""Commands over the assessment engine: `assess` (SPEC §6, §9)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from portfolio.app.workspace import open_worker, open_workspace
from portfolio.assess import assess_worker, training_hours
from portfolio.checks import (
    check_catalogs,
    check_referentiel,
    check_settings,
    check_worker,
    fr_date,
    fr_hours,
)
from portfolio.cli.common import (
    PANEL_ASSESS,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_issues,
    stderr,
    stdout,
)
from portfolio.cohort import SummaryRow, assessed_worker, map_workers
from portfolio.issues import Issue, PortfolioError, sort_issues
from portfolio.model.evidence import (
    Assessment,
    BlockStatus,
    CompetencyStatus,
    ObservationEvidence,
    PlacementEvidence,
    TrainingEvidence,
    WorkerEvidence,
)
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module, Worker

STATUS_WORDS = {
    "acquise": ("acquise", "bold green"),
    "en-cours": ("en cours", "yellow"),
    "a-acquerir": ("à acquérir", "red"),
}
LEVEL_WORDS = {1: "découverte", 2: "avec aide", 3: "autonome", 4: "maîtrise"}
RESULT_WORDS = {"acquis": "acquis", "non-acquis": "non acquis", "en-cours": "en cours"}
MAIN_PLACEMENTS = 2
"""How many placements the table names per competency, those with the most hours first."""


def modules_of(ws: Workspace) -> dict[str, Module]:
    return {module_id: module for module_id, (module, _) in ws.module_index.items()}


def worker_warnings(ws: Workspace, stems: Iterable[str], as_of: dt.date) -> dict[str, list[str]]:
    """The rendered warnings of each worker (SPEC §9 `warnings`), after refusing to assess a
    workspace whose checks find errors: statuses computed on wrong data would look right."""
    issues: list[Issue] = check_settings(ws) + check_catalogs(ws)
    for ref in ws.referentiels.values():
        issues += check_referentiel(ws, ref)
    warnings: dict[str, list[str]] = {}
    for stem in stems:
        found = sort_issues(check_worker(ws, stem, ws.workers[stem], as_of))
        issues += [i for i in found if i.is_error]
        warnings[stem] = [i.render() for i in found if not i.is_error]
    errors = [i for i in issues if i.is_error]
    if errors:
        print_issues(errors)
        raise PortfolioError(
            "l'espace de travail contient des erreurs (ci-dessus) : corrigez-les, puis relancez "
            "(« portfolio check » les liste toutes)"
        )
    return warnings


def assess_one(
    ws: Workspace, worker: Worker, modules: dict[str, Module], as_of: dt.date, warnings: list[str]
) -> tuple[Assessment, WorkerEvidence]:
    return assess_worker(worker, ws.assessed_referentiels(worker), modules, as_of, warnings)


def as_json(assessment: Assessment, *, indent: int | None = None) -> str:
    """The SPEC §9 shape, as `model_dump(mode="json")` gives it; accents kept as they are.
    Serialised by pydantic-core: 2.6 times faster than `json.dumps` for `--all`."""
    return assessment.model_dump_json(indent=indent)


# --- table view ---------------------------------------------------------------------------------


def status_text(status: str) -> Text:
    word, style = STATUS_WORDS[status]
    return Text(word, style=style)


def level_text(level: int | None) -> str:
    return "—" if level is None else str(level)


def short_task(task: str, referentiel: str) -> str:
    return task.removeprefix(f"{referentiel}.")


def main_evidence(comp: CompetencyStatus, referentiel: str) -> str:
    """A one-line summary of the trail, e.g. « p1 : 32 h (repassage) ; formation ofa.linge
    acquis ; tuteur niv. 3 »: the placements with the most hours, the trainings, and the
    observation that sets the level."""
    hours: dict[str, float] = {}
    tasks: dict[str, list[str]] = {}
    for e in comp.evidence:
        if isinstance(e, PlacementEvidence):
            hours[e.ref] = hours.get(e.ref, 0.0) + e.hours
            tasks.setdefault(e.ref, []).append(short_task(e.task, referentiel))
    ranked = sorted(hours, key=lambda p: -hours[p])
    parts = [
        f"{p} : {fr_hours(hours[p])} ({', '.join(tasks[p])})" for p in ranked[:MAIN_PLACEMENTS]
    ]
    if len(ranked) > MAIN_PLACEMENTS:
        parts.append(f"+ {len(ranked) - MAIN_PLACEMENTS} autre(s) mise(s) à disposition")
    parts += [
        f"formation {e.ref} {RESULT_WORDS.get(e.result, e.result)}"
        for e in comp.evidence
        if isinstance(e, TrainingEvidence)
    ]
    observations = [e for e in comp.evidence if isinstance(e, ObservationEvidence)]
    if observations:
        deciding = max(observations, key=lambda e: (e.date, e.level))
        parts.append(f"{deciding.role} niv. {deciding.level}")
    return " ; ".join(parts) or "—"


def block_table(ws: Workspace, block: BlockStatus, referentiel: str) -> Table:
    """One block: a title with its verdict, then a row per competency. User text (titles, module
    ids) goes in as `Text`, never as rich markup."""
    ref_block = ws.competency_index[block.competencies[0].id].block
    verdict = (
        Text("présentable", style="bold green")
        if block.presentable
        else Text.assemble(
            ("non présentable", "yellow"),
            f" ({block.acquired}/{block.total} compétences acquises)",
        )
    )
    table = Table(
        title=Text.assemble((block.id, "bold"), f" — {ref_block.title} : ", verdict),
        title_justify="left",
        expand=True,
    )
    table.add_column("Compétence", ratio=4)
    table.add_column("Statut", no_wrap=True)
    table.add_column("Travail", justify="right", no_wrap=True)
    table.add_column("Formation", justify="right", no_wrap=True)
    table.add_column("Niv.", justify="right", no_wrap=True)
    table.add_column("Preuves principales", ratio=5)
    for comp in block.competencies:
        title = ws.competency_index[comp.id].competency.title
        table.add_row(
            Text(f"{comp.id.rsplit('.', 1)[-1]} {title}"),
            status_text(comp.status),
            fr_hours(comp.work_hours),
            fr_hours(comp.training_hours),
            level_text(comp.level),
            Text(main_evidence(comp, referentiel)),
        )
    return table


def worker_view(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    modules: dict[str, Module],
) -> Group:
    """The table view of one worker: a heading, then one table per référentiel and block."""
    as_of = assessment.as_of
    heading = Text.assemble(
        (f"{worker.display_name} ({worker.id})", "bold"),
        f" — évaluation au {fr_date(as_of)}\nHeures de travail : {fr_hours(evidence.work_hours)}"
        f" ; heures de formation : {fr_hours(training_hours(worker, modules, as_of))}",
    )
    parts: list[Text | Table] = [heading]
    # Targets first: they are what the worker is working for; transversal ones follow.
    shown = sorted(assessment.referentiels, key=lambda r: r.id not in worker.targets)
    for ref_status in shown:
        ref = ws.referentiels[ref_status.id]
        presentable = sum(b.presentable for b in ref_status.blocks)
        parts.append(
            Text.assemble(
                "\n",
                (f"{ref.id} — {ref.title}", "bold underline"),
                f" : {presentable}/{len(ref_status.blocks)} bloc(s) présentable(s)",
            )
        )
        parts += [block_table(ws, block, ref.id) for block in ref_status.blocks]
    legend = ", ".join(f"{n} {word}" for n, word in LEVEL_WORDS.items())
    parts.append(Text(f"Niveaux observés : {legend}.", style="dim"))
    return Group(*parts)


def summary_table(rows: Iterable[SummaryRow]) -> Table:
    """`assess --all`: one line per worker and référentiel."""
    table = Table(title="Évaluation de tous les salariés", title_justify="left")
    table.add_column("Salarié")
    table.add_column("Référentiel")
    table.add_column("Blocs présentables", justify="right")
    table.add_column("Compétences acquises", justify="right")
    for row in rows:
        table.add_row(*row)
    return table


# --- command ------------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_ASSESS)
    @friendly_errors
    def assess(
        worker_id: Annotated[
            str | None,
            typer.Argument(
                metavar="SALARIÉ",
                help="Identifiant du salarié (nom de son fichier dans workers/, sans .yaml).",
                show_default=False,
            ),
        ] = None,
        all_workers: Annotated[
            bool, typer.Option("--all", help="Évaluer tous les salariés.")
        ] = False,
        as_of: AsOfOption = None,
        json_output: Annotated[
            bool,
            typer.Option(
                "--json",
                help="Sortie JSON (avec --all : une ligne JSON par salarié, JSON Lines).",
            ),
        ] = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Évaluer les compétences d'un salarié (ou de tous avec --all), preuves à l'appui."""
        if all_workers == (worker_id is not None):
            raise PortfolioError(
                "indiquez soit un salarié (portfolio assess w-0042), soit --all, mais pas les deux",
                exit_code=2,
            )
        day = as_of_or_today(as_of)
        if worker_id is not None:
            ws, worker = open_worker(workspace, worker_id)
            modules = modules_of(ws)
            warnings = worker_warnings(ws, [worker_id], day)[worker_id]
            assessment, evidence = assess_one(ws, worker, modules, day, warnings)
            if json_output:
                sys.stdout.write(as_json(assessment, indent=2) + "\n")
                return
            stdout.print(worker_view(ws, worker, assessment, evidence, modules))
            for message in warnings:
                stderr.print(message, style="yellow", markup=False, soft_wrap=True)
            return
        ws, _ = open_workspace(workspace, workers=False)
        worker_warnings(ws, [], day)
        rows: list[SummaryRow] = []
        refused: list[str] = []
        warned = 0
        for outcome in map_workers(ws.root, day, assessed_worker):
            if outcome.json is None:
                print_issues([i for i in outcome.issues if i.is_error])
                refused.append(outcome.stem)
                continue
            warned += outcome.warned
            if json_output:
                sys.stdout.write(outcome.json + "\n")
            else:
                rows += outcome.summary
        if not json_output:
            stdout.print(summary_table(rows))
        if warned and not json_output:
            stderr.print(
                f"{warned} salarié(s) avec des avertissements : « portfolio check » les détaille."
            )
        if refused:
            raise PortfolioError(
                f"{len(refused)} salarié(s) non évalué(s) car leur fichier contient des erreurs "
                f"(ci-dessus) : {', '.join(refused[:10])}{'…' if len(refused) > 10 else ''}"
            )
