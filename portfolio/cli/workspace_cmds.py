"""Commands about the workspace itself: init, demo, check, referentiels."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

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
from portfolio.issues import has_errors, terminal_safe
from portfolio.resources import DEFAULT_OUTPUT

if TYPE_CHECKING:
    from portfolio.model.referentiel import Referentiel


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
        from portfolio.app.workspace import create_workspace

        create_workspace(directory, demo=demo)
        shown = terminal_safe(str(directory))
        stdout.print(f"Espace de travail créé dans {shown}.", markup=False, soft_wrap=True)
        stdout.print(f"Vérifiez-le avec : portfolio check -w {shown}", markup=False, soft_wrap=True)

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
        from portfolio.app.workspace import check, issue_summary, prepare_demo

        stderr.print(terminal_safe(prepare_demo(output)), markup=False, soft_wrap=True)
        issues = check(output, as_of_or_today(as_of))
        print_issues(issues)
        stderr.print(issue_summary(issues))
        if has_errors(issues):
            raise typer.Exit(1)
        documents = output / DEFAULT_OUTPUT
        summary = run_build(output, documents, as_of, jobs=None, timeout=300.0)
        print_summary(summary, documents)
        if summary.failed:
            raise typer.Exit(1)
        stdout.print(
            terminal_safe(
                f"Démonstration prête dans {output} : ouvrez {documents / 'index.html'}."
            ),
            markup=False,
            soft_wrap=True,
        )

    @app.command(name="check", rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def check_command(workspace: WorkspaceOption = Path("."), as_of: AsOfOption = None) -> None:
        """Vérifier tout l'espace de travail et lister chaque problème avec sa ligne."""
        from portfolio.app.workspace import check, issue_summary

        issues = check(workspace, as_of_or_today(as_of))
        print_issues(issues, stdout)
        stdout.print(issue_summary(issues), style="bold")
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
        from portfolio.app.workspace import find_referentiel
        from portfolio.app.workspace import referentiels as referentiels_of

        found, issues = referentiels_of(workspace)
        print_issues([i for i in issues if i.is_error])
        if ident is None:
            stdout.print(_table(found))
            return
        stdout.print(_tree(find_referentiel(found, ident)))


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
            _shown(ref.id),
            _shown(cert.rncp or "—"),
            str(cert.level) if cert.level else "—",
            str(len(ref.blocks)),
            str(len(ref.competencies())),
            str(len(ref.tasks)),
            f"{_shown(ref.title)} ({ref.track})",
        )
    return table


def _tree(ref: Referentiel) -> Tree:
    """Blocks, competencies with their rule and plain wording, and the tasks evidencing them.

    Every text comes from a YAML file, so it is made terminal-safe and escaped before Rich reads
    its markup (`_shown`).
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
        f"[bold]{_shown(ref.id)}[/] — {_shown(ref.title)} ({ref.track})\n"
        + _shown(" · ".join(facts))
    )
    if ref.rome:
        root.add("ROME : " + _shown(", ".join(ref.rome)))
    tasks_of: dict[str, list[str]] = {}
    for task in ref.tasks:
        for target in task.evidences:
            tasks_of.setdefault(target, []).append(task.id)
    for block in ref.blocks:
        branch = root.add(f"[bold]{_shown(ref.full_id(block))}[/] {_shown(block.title)}")
        for comp in block.competencies:
            min_hours, observation = ref.rule(comp)
            rule = f"{min_hours:g} h" + (" + observation niveau 3" if observation else "")
            leaf = branch.add(
                f"[bold]{_shown(ref.full_id(block, comp))}[/] {_shown(comp.title)} [dim]({rule})[/]"
            )
            leaf.add(f"[italic]{_shown(comp.plain)}[/]")
            tasks = tasks_of.get(f"{block.id}.{comp.id}", [])
            leaf.add("tâches : " + (_shown(", ".join(tasks)) if tasks else "observation seulement"))
    return root


def _shown(text: str) -> str:
    """A text of a référentiel file inside Rich markup: terminal-safe, then escaped."""
    return escape(terminal_safe(text))
