"""Commands about the workspace itself: init, demo, check, referentiels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from portfolio.checks import check_shared
from portfolio.cli.build_cmds import print_summary, run_build
from portfolio.cli.common import (
    PANEL_WORKSPACE,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    print_issues,
    stderr,
    stdout,
)
from portfolio.cohort import issues_only, map_workers
from portfolio.fsutil import copy_tree_atomic
from portfolio.issues import Issue, PortfolioError, has_errors, sort_issues
from portfolio.load import WORKSPACE_FILE, load_referentiels, load_workspace
from portfolio.model.referentiel import Referentiel
from portfolio.resources import demo_dir, templates_dir


def create_workspace(target: Path, *, demo: bool) -> None:
    """Create a workspace folder, refusing to touch an existing one."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PortfolioError(
            f"« {target} » existe déjà et n'est pas vide : choisissez un nouveau dossier "
            "(rien n'a été modifié)"
        )
    if target.exists():
        target.rmdir()
    copy_tree_atomic(demo_dir() if demo else templates_dir() / "skeleton", target)


def summarise(issues: list[Issue]) -> str:
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    if not issues:
        return "Aucun problème trouvé."
    return f"{errors} erreur{'s' * (errors > 1)}, {warnings} avertissement{'s' * (warnings > 1)}."


def run_check(workspace: Path, as_of: dt.date | None) -> list[Issue]:
    """Load issues and the rules of SPEC §8, together, so that one run reports them all.

    Worker files are streamed (portfolio.cohort) so that a federation-sized workspace is checked
    in flat memory, on every core.
    """
    day = as_of_or_today(as_of)
    ws, issues = load_workspace(workspace, workers=False)
    issues += check_shared(ws)
    for found in map_workers(ws.root, day, issues_only):
        issues += found
    return sort_issues(issues)


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def init(
        directory: Annotated[Path, typer.Argument(help="Dossier à créer.", show_default=False)],
        demo: Annotated[
            bool, typer.Option("--demo", help="Copier l'espace de démonstration.")
        ] = False,
    ) -> None:
        """Créer un espace de travail : un squelette commenté, ou une copie de la démo."""
        create_workspace(directory, demo=demo)
        stdout.print(f"Espace de travail créé dans {directory}.", markup=False, soft_wrap=True)
        stdout.print(
            f"Vérifiez-le avec : portfolio check -w {directory}", markup=False, soft_wrap=True
        )

    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def demo(
        output: Annotated[
            Path, typer.Option("--output", "-o", help="Dossier de la démonstration.")
        ] = Path("portfolio-demo"),
        as_of: AsOfOption = None,
    ) -> None:
        """Construire la démonstration : une fédération fictive, vérifiée, avec tous ses documents.

        Copie l'espace de démonstration (s'il n'existe pas déjà), le vérifie, puis produit le
        dossier et le portfolio de chaque salarié, la couverture de chaque organisme et le bilan
        du programme, avec un index.html.
        """
        if not (output / WORKSPACE_FILE).is_file():
            create_workspace(output, demo=True)
            stderr.print(
                f"Espace de démonstration copié dans {output}.", markup=False, soft_wrap=True
            )
        else:
            stderr.print(
                f"Espace de démonstration déjà présent dans {output} : il est réutilisé.",
                markup=False,
                soft_wrap=True,
            )
        issues = run_check(output, as_of)
        print_issues(issues)
        stderr.print(summarise(issues))
        if has_errors(issues):
            raise typer.Exit(1)
        documents = output / "documents"
        summary = run_build(output, documents, as_of, jobs=None, timeout=300.0)
        print_summary(summary, documents)
        if summary.failed:
            raise typer.Exit(1)
        stdout.print(
            f"Démonstration prête dans {output} : ouvrez {documents / 'index.html'}.",
            markup=False,
            soft_wrap=True,
        )

    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def check(workspace: WorkspaceOption = Path("."), as_of: AsOfOption = None) -> None:
        """Vérifier tout l'espace de travail et lister chaque problème avec sa ligne."""
        issues = run_check(workspace, as_of)
        print_issues(issues, stdout)
        stdout.print(summarise(issues), style="bold")
        raise typer.Exit(1 if has_errors(issues) else 0)

    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def referentiels(
        ident: Annotated[
            str | None,
            typer.Argument(
                metavar="ID", help="Un référentiel à afficher en détail.", show_default=False
            ),
        ] = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Lister les référentiels, ou afficher l'un d'eux en arbre (blocs, compétences, tâches)."""
        found = _referentiels(workspace)
        if ident is None:
            stdout.print(_table(found))
            return
        if ident not in found:
            raise PortfolioError(
                f"référentiel inconnu « {ident} » : choisissez parmi {', '.join(sorted(found))}"
            )
        stdout.print(_tree(found[ident]))


def _referentiels(workspace: Path) -> dict[str, Referentiel]:
    """Bundled référentiels, plus the workspace's own when there is one."""
    root = workspace if (workspace / WORKSPACE_FILE).is_file() else None
    found, issues = load_referentiels(root)
    print_issues([i for i in issues if i.is_error])
    return found


def _table(found: dict[str, Referentiel]) -> Table:
    """One line per référentiel; ids, codes and counts never wrap, so the table reads (and
    greps) well even in an 80-column terminal."""
    table = Table(title="Référentiels", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column("RNCP", no_wrap=True)
    for header in ("niv.", "blocs", "comp.", "tâches"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("intitulé (filière)", ratio=1, overflow="fold")
    for ref in sorted(found.values(), key=lambda r: (r.track == "transversal", r.id)):
        cert = ref.certification
        table.add_row(
            ref.id,
            cert.rncp or "—",
            str(cert.level) if cert.level else "—",
            str(len(ref.blocks)),
            str(len(ref.competencies())),
            str(len(ref.tasks)),
            f"{escape(ref.title)} ({ref.track})",
        )
    return table


def _tree(ref: Referentiel) -> Tree:
    """Blocks, competencies with their rule and plain wording, and the tasks evidencing them.

    Every text comes from a YAML file, so it is escaped before Rich reads its markup.
    """
    cert = ref.certification
    facts = [
        x
        for x in (
            cert.rncp,
            f"niveau {cert.level}" if cert.level else None,
            cert.code,
            cert.certifier,
            f"version {cert.version}" if cert.version else None,
        )
        if x
    ]
    root = Tree(
        f"[bold]{ref.id}[/] — {escape(ref.title)} ({ref.track})\n" + escape(" · ".join(facts))
    )
    if ref.rome:
        root.add("ROME : " + ", ".join(ref.rome))
    tasks_of: dict[str, list[str]] = {}
    for task in ref.tasks:
        for target in task.evidences:
            tasks_of.setdefault(target, []).append(task.id)
    for block in ref.blocks:
        branch = root.add(f"[bold]{ref.id}.{block.id}[/] {escape(block.title)}")
        for comp in block.competencies:
            min_hours, observation = ref.rule(comp)
            rule = f"{min_hours:g} h" + (" + observation niveau 3" if observation else "")
            leaf = branch.add(
                f"[bold]{ref.full_id(block, comp)}[/] {escape(comp.title)} [dim]({rule})[/]"
            )
            leaf.add(f"[italic]{escape(comp.plain)}[/]")
            tasks = tasks_of.get(f"{block.id}.{comp.id}", [])
            leaf.add("tâches : " + (", ".join(tasks) if tasks else "observation seulement"))
    return root
