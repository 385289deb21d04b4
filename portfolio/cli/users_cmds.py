"""`portfolio users add|list|remove|password`: the web interface's accounts (SPEC §11).

A password is typed twice at the terminal without being shown, or read from the standard input
with `--password-stdin` (scripts); never an option, which the shell history and `ps` would keep.
The application layer is imported by the commands, so that `portfolio --help` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from portfolio.cli import prompts
from portfolio.cli.common import (
    PANEL_WEB,
    WorkspaceOption,
    friendly_errors,
    print_line,
    stderr,
    stdout,
)
from portfolio.issues import PortfolioError, terminal_safe

if TYPE_CHECKING:
    from portfolio.model.accounts import Account

LoginArg = Annotated[
    str,
    typer.Argument(
        metavar="IDENTIFIANT",
        help="Identifiant de connexion : 2 à 40 minuscules sans accent, chiffres, « . », « - » "
        "ou « _ » (par exemple m.martin).",
        show_default=False,
    ),
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Lire le mot de passe sur l'entrée standard (sa première ligne) au lieu de le "
        "demander deux fois : pour un script.",
    ),
]


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(
        help="Gérer les comptes de l'interface web (fichier users.yaml de l'espace de travail).",
        no_args_is_help=True,
    )
    app.add_typer(users_app, name="users", rich_help_panel=PANEL_WEB)
    users_app.command("add")(users_add)
    users_app.command("list")(users_list)
    users_app.command("remove")(users_remove)
    users_app.command("password")(users_password)


@friendly_errors
def users_add(
    login: LoginArg,
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="federation (fédération : voit et modifie tout), counselor (conseiller ou "
            "conseillère : les salariés de son association) ou trainer (formateur ou "
            "formatrice : son organisme, sans nom de salarié).",
            metavar="RÔLE",
            show_default=False,
        ),
    ],
    association: Annotated[
        str | None,
        typer.Option(
            "--association",
            help="Association du conseiller (identifiant de workspace.yaml).",
            metavar="ASSOCIATION",
            show_default=False,
        ),
    ] = None,
    body: Annotated[
        str | None,
        typer.Option(
            "--body",
            help="Organisme du formateur (identifiant de son catalogue dans catalog/).",
            metavar="ORGANISME",
            show_default=False,
        ),
    ] = None,
    password_stdin: PasswordStdinOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Créer un compte de l'interface web ; le mot de passe est demandé deux fois."""
    from portfolio.app.accounts import add_user, check_new_user, describe

    check_new_user(workspace, login, role, association, body)
    password = _new_password(password_stdin)
    account = add_user(workspace, login, role, password, association, body)
    print_line(f"Compte « {account.login} » créé : {terminal_safe(describe(account))}.")


@friendly_errors
def users_list(workspace: WorkspaceOption = Path(".")) -> None:
    """Lister les comptes : identifiant, rôle, association ou organisme."""
    from portfolio.app.accounts import list_users
    from portfolio.resources import USERS_FILE

    accounts = list_users(workspace)
    if not accounts:
        print_line(
            f"Aucun compte dans {USERS_FILE} : créez-en un avec « portfolio users add "
            "IDENTIFIANT --role federation »."
        )
        return
    stdout.print(_table(accounts))


@friendly_errors
def users_remove(login: LoginArg, workspace: WorkspaceOption = Path(".")) -> None:
    """Supprimer un compte : il ne peut plus se connecter."""
    from portfolio.app.accounts import remove_user

    account = remove_user(workspace, login)
    print_line(f"Compte « {account.login} » supprimé.")


@friendly_errors
def users_password(
    login: LoginArg,
    password_stdin: PasswordStdinOption = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Changer le mot de passe d'un compte ; le nouveau est demandé deux fois."""
    from portfolio.app.accounts import require_user, set_password

    require_user(workspace, login)
    account = set_password(workspace, login, _new_password(password_stdin))
    print_line(f"Mot de passe de « {account.login} » changé.")


def _table(accounts: list[Account]) -> Table:
    """One line per account; never its password hash."""
    from portfolio.accounts import ROLE_WORDS

    table = Table(box=None, pad_edge=False, collapse_padding=True, header_style="bold")
    table.add_column("identifiant", no_wrap=True)
    table.add_column("rôle", no_wrap=True)
    table.add_column("association ou organisme", overflow="fold")
    for account in accounts:
        table.add_row(
            account.login, ROLE_WORDS[account.role], account.association or account.body or "—"
        )
    return table


def _new_password(from_stdin: bool) -> str:
    """The new password: the first line of the standard input, or typed twice, hidden, each
    answer judged at once (`require_password`)."""
    from portfolio.app.accounts import MIN_PASSWORD_LENGTH, require_password

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not prompts.stdin_is_terminal():
        raise PortfolioError(
            "aucun terminal pour taper le mot de passe : donnez-le sur l'entrée standard avec "
            "--password-stdin",
            exit_code=2,
        )
    for _ in range(prompts.MAX_ATTEMPTS):
        first = _hidden(f"Mot de passe ({MIN_PASSWORD_LENGTH} caractères au moins, invisible)")
        try:
            require_password(first)
        except PortfolioError as exc:
            print_line(terminal_safe(str(exc)), stderr, style="red")
            continue
        if _hidden("Le même mot de passe, une seconde fois") == first:
            return first
        print_line("les deux saisies sont différentes : recommencez", stderr, style="red")
    raise PortfolioError(
        f"mot de passe refusé {prompts.MAX_ATTEMPTS} fois de suite : rien n'a été modifié"
    )


def _hidden(question: str) -> str:
    """One answer typed without being shown. Ctrl-C or Ctrl-D ends the prompt's line before the
    command stops, as `portfolio.cli.common.confirm` does."""
    try:
        answer: str = typer.prompt(question, hide_input=True, err=True, prompt_suffix=" : ")
    except typer.Abort:
        stderr.print()
        raise
    return answer
