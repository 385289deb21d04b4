"""`portfolio doc`: the user documentation in the terminal, wherever the tool was installed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markdown import Markdown

from portfolio.cli.common import PANEL_WORKSPACE, friendly_errors, print_line, stdout
from portfolio.issues import terminal_safe


def register(app: typer.Typer) -> None:
    @app.command("doc", rich_help_panel=PANEL_WORKSPACE)
    @friendly_errors
    def doc_command(
        page: Annotated[
            str | None,
            typer.Argument(
                help="La page à lire (le début de son nom suffit : « import », « formats »). "
                "Sans page : la liste des pages.",
                metavar="PAGE",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Lire la documentation : formats des fichiers, commandes, évaluation, import des
        feuilles de temps, données personnelles."""
        from portfolio.app.guide import find_page, pages

        if page is None:
            for found in pages():
                print_line(f"{found.name} : {terminal_safe(found.title)}", stdout)
            print_line(
                "Lire une page : portfolio doc PAGE (par exemple portfolio doc formats).", stdout
            )
            return
        found = find_page(page)
        if not stdout.is_terminal:
            typer.echo(found.text(), nl=False)
            return
        stdout.print(Markdown(found.text()))
        print_line(f"Fichier : {found.path}", stdout)
