"""Commands about the workspace itself: init, demo, check, referentiels (and import-rncp)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree
from typer.core import TyperGroup

from portfolio.cli.build_cmds import print_summary, run_build
from portfolio.cli.common import (
    PANEL_WORKSPACE,
    AsOfOption,
    WorkspaceOption,
    as_of_or_today,
    friendly_errors,
    hang,
    print_issue_stream,
    print_issues,
    print_line,
    stderr,
    stdout,
)
from portfolio.cli.french_click import FrenchArgument, FrenchGroup
from portfolio.french import message_hours, natural_key
from portfolio.issues import terminal_safe
from portfolio.model.literals import CertificationKind, Track
from portfolio.resources import DEFAULT_OUTPUT

if TYPE_CHECKING:
    from portfolio.model.referentiel import Referentiel

DEMO_HOST = "127.0.0.1"
"""The demo's server answers this computer only: its accounts' passwords are printed."""
DEMO_PORT = 8000


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def init(
        directory: Annotated[
            Path, typer.Argument(metavar="DOSSIER", help="Dossier à créer.", show_default=False)
        ],
        demo: Annotated[
            bool, typer.Option("--demo", help="Copier l'espace de démonstration.")
        ] = False,
    ) -> None:
        """Créer un espace de travail : un squelette commenté, ou une copie de la démo."""
        from portfolio.app.workspace import create_workspace

        create_workspace(directory, demo=demo)
        shown = terminal_safe(str(directory))
        print_line(f"Espace de travail créé dans {shown}.")
        print_line(f"Vérifiez-le avec : portfolio check -w {shown}")

    @app.command(rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def demo(
        output: Annotated[
            Path,
            typer.Option("--output", "-o", metavar="DOSSIER", help="Dossier de la démonstration."),
        ] = Path("portfolio-demo"),
        as_of: AsOfOption = None,
        serve: Annotated[
            bool,
            typer.Option(
                "--serve",
                help="Ouvrir ensuite l'interface web sur la démonstration "
                "(http://127.0.0.1:8000/), avec un compte par rôle créé au premier lancement.",
            ),
        ] = False,
        port: Annotated[
            int,
            typer.Option(
                "--port",
                "-p",
                min=1,
                max=65535,
                help="Port de l'interface web, avec --serve (si 8000 est déjà pris).",
            ),
        ] = DEMO_PORT,
    ) -> None:
        """Construire la démonstration : une fédération fictive, vérifiée, avec tous ses documents.

        Copie l'espace de démonstration (s'il n'existe pas déjà) et le vérifie ;
        produit ensuite le dossier et le portfolio de chaque salarié, la couverture
        de chaque organisme et le bilan du programme, avec un index.html.
        Avec --serve, crée les comptes de démonstration, affiche leurs mots de passe
        et ouvre l'interface web (Ctrl-C pour arrêter).
        """
        from portfolio.app.documents import demo_ready, require_demo_pdf
        from portfolio.app.workspace import check_issues, issue_summary, prepare_demo

        print_line(terminal_safe(prepare_demo(output)), stderr)
        errors, warnings = print_issue_stream(check_issues(output, as_of_or_today(as_of)), stderr)
        stderr.print(issue_summary(errors, warnings))
        if errors:
            raise typer.Exit(1)
        require_demo_pdf(output)
        documents = output / DEFAULT_OUTPUT
        summary = run_build(output, documents, as_of, jobs=None, timeout=300.0)
        print_summary(summary, documents)
        if summary.failed:
            raise typer.Exit(1)
        print_line(terminal_safe(demo_ready(output, documents)))
        if serve:
            _serve_demo(output, port)

    @app.command(name="check", rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def check_command(workspace: WorkspaceOption = Path("."), as_of: AsOfOption = None) -> None:
        """Vérifier tout l'espace de travail et lister chaque problème avec sa ligne."""
        from portfolio.app.workspace import check_issues, issue_summary

        errors, warnings = print_issue_stream(
            check_issues(workspace, as_of_or_today(as_of)), stdout
        )
        stdout.print(issue_summary(errors, warnings), style="bold")
        raise typer.Exit(1 if errors else 0)

    referentiels_app = typer.Typer(
        invoke_without_command=True, subcommand_metavar="[import-rncp ...]"
    )
    app.add_typer(
        referentiels_app,
        name="referentiels",
        cls=ListOrImportGroup,
        help=REFERENTIELS_HELP,
        rich_help_panel=PANEL_WORKSPACE,
    )
    referentiels_app.command("import-rncp", help=IMPORT_RNCP_HELP)(import_rncp)

    @referentiels_app.callback()
    @friendly_errors
    def referentiels(
        ctx: typer.Context,
        ident: Annotated[
            str | None,
            typer.Argument(
                metavar="ID", help="Un référentiel à afficher en détail.", show_default=False
            ),
        ] = None,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """The listing, or one référentiel as a tree (its help is `REFERENTIELS_HELP`); nothing
        when a sub-command runs."""
        if ctx.invoked_subcommand is not None:
            return
        from portfolio.app.workspace import find_referentiel
        from portfolio.app.workspace import referentiels as referentiels_of

        found, issues = referentiels_of(workspace)
        print_issues([i for i in issues if i.is_error])
        if ident is None:
            stdout.print(_table(found))
            return
        ref = find_referentiel(found, ident)
        if stdout.is_terminal:
            stdout.print(_tree(ref, stdout.width))
        else:  # each label whole, on its line: Rich would wrap and crop at 80 columns
            Console(file=stdout.file, width=UNBOUNDED, highlight=False, emoji=False).print(
                _tree(ref, None)
            )


REFERENTIELS_HELP = (
    "Lister les référentiels, ou afficher l'un d'eux en arbre (blocs, compétences, tâches).\n\n"
    "portfolio referentiels import-rncp crée un référentiel à partir d'une fiche RNCP des "
    "données ouvertes de France Compétences (portfolio referentiels import-rncp --help)."
)
"""What `referentiels --help` shows, one paragraph a line (Typer keeps the line breaks of a
docstring's later paragraphs)."""


class _GroupArgument(FrenchArgument):
    """The group's ID, shown in the group's own usage line only: a sub-command's reads
    `portfolio referentiels import-rncp …`, not `portfolio referentiels [ID] import-rncp …`."""

    def get_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return super().get_usage_pieces(ctx) if self in ctx.command.params else []


class ListOrImportGroup(FrenchGroup):
    """`portfolio referentiels [ID]` lists or shows, `portfolio referentiels import-rncp …`
    imports (SPEC §9). Click would read « import-rncp » as the group's optional ID: here a
    first word that names a sub-command goes to it, with the group's own parameters at their
    defaults, and any other line is the listing's own, options anywhere (`referentiels advf -w
    ws`), words in excess refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for param in self.params:
            if isinstance(param, FrenchArgument):
                param.__class__ = _GroupArgument

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            super().parse_args(ctx, [])
            ctx._protected_args, ctx.args = args[:1], args[1:]  # what Click's groups set
            return ctx.args
        ctx.allow_interspersed_args = True
        ctx.allow_extra_args = False
        return super(TyperGroup, self).parse_args(ctx, args)


IMPORT_RNCP_HELP = (
    "Créer un référentiel à partir d'une fiche RNCP des données ouvertes de France "
    "Compétences.\n\n"
    "FICHIER est l'export des fiches publié sur data.gouv.fr : export-fiches-csv-AAAA-MM-JJ.zip "
    "(blocs de compétences sans leurs compétences) ou l'export XML, en .zip ou en .xml (blocs "
    "avec leurs compétences et modalités d'évaluation).\n\n"
    "Le fichier écrit reprend l'intitulé, le niveau, le certificateur, les codes ROME et les "
    "blocs de la fiche. Ses commentaires disent ce qu'il reste à écrire : la phrase simple de "
    "chaque compétence et les tâches qui les prouvent. Détails : docs/referentiels.md."
)
"""What `referentiels import-rncp --help` shows, one paragraph a line."""


@friendly_errors
def import_rncp(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FICHIER",
            help="Export des fiches de France Compétences (.zip CSV ou XML, ou .xml).",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ],
    fiche: Annotated[
        str,
        typer.Option(
            "--fiche",
            metavar="RNCPnnnnn",
            help="Numéro de la fiche à importer, par exemple RNCP37715.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FICHIER",
            help="Fichier .yaml à écrire, ou dossier où l'écrire (par défaut rncpNNNNN.yaml "
            "dans le dossier courant). Son nom sans .yaml est l'identifiant du référentiel.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier s'il existe déjà.")
    ] = False,
    track: Annotated[
        Track | None,
        typer.Option(
            "--track",
            metavar="FILIÈRE",
            help="Filière du référentiel, quand ses codes ROME ne la donnent pas : "
            "emplois-familiaux, agents-administratifs, entretien-nettoyage, "
            "restauration-collective, espaces-verts ou batiment.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        CertificationKind | None,
        typer.Option(
            "--kind",
            metavar="TYPE",
            help="Type de certification, quand la fiche en a un que le format ne connaît pas : "
            "titre-professionnel, cap, capa, cqp, clea ou socle.",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Créer un référentiel à partir d'une fiche RNCP des données ouvertes de France
    Compétences."""
    import datetime as dt

    from portfolio.app.rncp_import import import_rncp as import_fiche

    imported = import_fiche(
        file,
        fiche,
        output=output,
        workspace=workspace,
        force=force,
        track=track,
        kind=kind,
        today=dt.date.today(),
    )
    print_line(terminal_safe(imported.message), stdout)
    for note in imported.notes:
        print_line(terminal_safe(note), stderr, style="yellow")


def _serve_demo(root: Path, port: int) -> None:
    """The demo's accounts, shown once with their passwords, then the web interface on them."""
    from portfolio.app.demo_accounts import DEMO_ONLY, create_demo_accounts, kept_accounts_note
    from portfolio.web.server import serve

    created = create_demo_accounts(root)
    if created:
        table = Table(
            title="Comptes de démonstration",
            title_justify="left",
            box=None,
            pad_edge=False,
            header_style="bold",
        )
        for header in ("identifiant", "rôle", "mot de passe"):
            table.add_column(header, no_wrap=True)
        for account in created:
            table.add_row(account.login, account.role, account.password)
        stdout.print(table)
        print_line(DEMO_ONLY)
    else:
        print_line(terminal_safe(kept_accounts_note(root)))
    serve(root, DEMO_HOST, port, False, print_line)


def _table(found: dict[str, Referentiel]) -> Table:
    """One line per référentiel, wrapped titles aside: ids, codes and counts never wrap, and the
    columns are separated by one space (no borders), so that a title and its « (filière) »
    find room without being cut in an 80-column terminal."""
    table = Table(
        title="Référentiels",
        title_justify="left",
        box=None,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
    )
    table.add_column("id", no_wrap=True)
    table.add_column("RNCP", no_wrap=True)
    for header in ("niv.", "blocs", "comp.", "tâches"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("intitulé (filière)", overflow="fold")
    for ref in sorted(found.values(), key=lambda r: (r.track == "transversal", natural_key(r.id))):
        cert = ref.certification
        table.add_row(
            terminal_safe(ref.id),
            terminal_safe(cert.rncp or "—"),
            str(cert.level) if cert.level else "—",
            str(len(ref.blocks)),
            str(len(ref.competencies())),
            str(len(ref.tasks)),
            Text(f"{terminal_safe(ref.title)} ({ref.track})"),
        )
    return table


UNBOUNDED = 1_000_000
"""The width a piped tree is laid out in: wider than any label."""
TREE_GUIDE = 4
"""The cells Rich's tree guide takes per level (« │   », « ├── »)."""


def _tree(ref: Referentiel, width: int | None) -> Tree:
    """Blocks, competencies with their rule and plain wording, and the tasks evidencing them.

    Every text comes from a YAML file: it is made terminal-safe and goes in as `Text`, never as
    Rich markup. On a terminal each label is wrapped beforehand to the room its level leaves in
    `width` (`hang`), so that « 30 h » is not cut at its no-break space; without a width (piped),
    labels are left whole.
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

    def label(depth: int, *parts: str | tuple[str, str]) -> Text:
        text = Text.assemble(*parts)
        return text if width is None else hang(text, width - TREE_GUIDE * depth, indent=0)

    root = Tree(
        label(
            0,
            (terminal_safe(ref.id), "bold"),
            f" — {terminal_safe(ref.title)} ({ref.track})\n",
            terminal_safe(" · ".join(facts)),
        )
    )
    if ref.rome:
        root.add(label(1, "ROME : " + terminal_safe(", ".join(ref.rome))))
    tasks_of: dict[str, list[str]] = {}
    for task in ref.tasks:
        for target in task.evidences:
            tasks_of.setdefault(target, []).append(task.id)
    for block in ref.blocks:
        code = [(f" ({block.rncp})", "dim")] if block.rncp else []
        branch = root.add(
            label(
                1,
                (terminal_safe(ref.full_id(block)), "bold"),
                f" {terminal_safe(block.title)}",
                *code,
            )
        )
        for comp in block.competencies:
            min_hours, observation = ref.rule(comp)
            rule = message_hours(min_hours) + (" + observation niveau 3" if observation else "")
            leaf = branch.add(
                label(
                    2,
                    (terminal_safe(ref.full_id(block, comp)), "bold"),
                    f" {terminal_safe(comp.title)} ",
                    (f"({rule})", "dim"),
                )
            )
            leaf.add(label(3, (terminal_safe(comp.plain), "italic")))
            tasks = tasks_of.get(f"{block.id}.{comp.id}", [])
            leaf.add(label(3, _tasks_line(tasks, min_hours, observation)))
    return root


def _tasks_line(tasks: list[str], min_hours: float, observation: bool) -> str:
    """The tasks evidencing a competency. Only a rule of observation alone needs none (as
    `check` judges it, checks.py); under any other, a competency without tasks is left to
    complete, as in a référentiel just imported (docs/referentiels.md)."""
    if tasks:
        return f"tâches : {terminal_safe(', '.join(tasks))}"
    if observation and min_hours == 0:
        return "tâches : observation seulement"
    return "aucune tâche : à compléter"
