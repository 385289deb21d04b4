"""The Typer application and the list of command groups."""

from __future__ import annotations

import typer

from portfolio import __version__
from portfolio.cli import (
    build_cmds,
    credential_cmds,
    doc_cmds,
    engine_cmds,
    grid_cmds,
    import_cmds,
    log_cmds,
    plan_cmds,
    privacy_cmds,
    render_cmds,
    report_cmds,
    users_cmds,
    web_cmds,
    worker_cmds,
    workspace_cmds,
)
from portfolio.cli.common import end_on_closed_pipe
from portfolio.cli.french_click import use_french

app = typer.Typer(
    name="portfolio",
    help="Construire les portfolios de pré-validation des acquis (VAE) des salariés en parcours "
    "d'insertion : vérifier les données, évaluer les compétences, proposer des formations et "
    "imprimer les dossiers.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

workspace_cmds.register(app)
engine_cmds.register(app)
plan_cmds.register(app)
worker_cmds.register(app)
log_cmds.register(app)
import_cmds.register(app)
grid_cmds.register(app)
credential_cmds.register(app)
render_cmds.register(app)
report_cmds.register(app)
build_cmds.register(app)
privacy_cmds.register(app)
web_cmds.register(app)
users_cmds.register(app)
doc_cmds.register(app)
use_french(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vae-portfolio {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Afficher la version."
    ),
) -> None:
    """Portfolios de pré-validation des acquis (VAE)."""


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        end_on_closed_pipe()
