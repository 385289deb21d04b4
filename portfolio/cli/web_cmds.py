"""`portfolio serve`: the web interface (SPEC §11; docs/interface-web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portfolio.cli.common import PANEL_WEB, WorkspaceOption, friendly_errors, print_line


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL_WEB)
    @friendly_errors
    def serve(
        host: Annotated[
            str,
            typer.Option(
                "--host",
                help="Adresse d'écoute ; 127.0.0.1 : cet ordinateur seulement. Pour un accès "
                "depuis d'autres postes, placez le serveur derrière un proxy TLS (docs).",
            ),
        ] = "127.0.0.1",
        port: Annotated[
            int, typer.Option("--port", "-p", min=1, max=65535, help="Port d'écoute.")
        ] = 8000,
        https_proxy: Annotated[
            bool,
            typer.Option(
                "--https-proxy",
                help="Le serveur est derrière un proxy HTTPS (Caddy, nginx) : cookies « Secure » "
                "et adresse des visiteurs lue dans X-Forwarded-For.",
            ),
        ] = False,
        workspace: WorkspaceOption = Path("."),
    ) -> None:
        """Ouvrir l'interface web sur l'espace de travail (Ctrl-C pour arrêter)."""
        from portfolio.web.server import serve as run

        run(workspace, host, port, https_proxy, print_line)
