"""Options and helpers shared by every command."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from portfolio.french import InputError, parse_date, parse_yes_no, system_problem
from portfolio.fsutil import blocking_file
from portfolio.issues import Issue, PortfolioError, sort_issues, terminal_safe
from portfolio.resources import WORKSPACE_FILE

F = TypeVar("F", bound=Callable[..., Any])

PANEL_WORKSPACE = "Espace de travail"
PANEL_ASSESS = "Évaluation et formation"
PANEL_DOCUMENTS = "Documents"
PANEL_RECORD = "Saisie sans éditer le YAML"
PANEL_PRIVACY = "Données personnelles"
PANEL_WEB = "Interface web"

# emoji=False: a value like « :smile: » read from a file is printed as written, not as 😄.
# Every text that comes from a file or the command line goes through `terminal_safe`
# (portfolio.issues) before it is printed: an ESC sequence would otherwise drive the terminal.
stdout = Console(highlight=False, emoji=False)
stderr = Console(stderr=True, highlight=False, emoji=False)


HANGING_INDENT = 4
"""How far the continuation of a wrapped message is indented on a terminal."""
_WORDS = re.compile(r"(?:[(\[]?« )?[^ ]+(?: [:;!?»]+[^ ]*)*")
"""What a line may be broken between: spaces only, not the no-break ones, nor the spaces that
French puts inside « » and before : ; ! ? (typed as plain spaces in most texts)."""


def _parse_as_of(value: str | None) -> dt.date | None:
    """`--as-of` reads dates as every other input does (`portfolio.french.parse_date`)."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None


def _workspace_upwards(value: Path) -> Path:
    """The workspace holding `value`, found as git finds its repository: a counselor working in
    `workers/` or `documents/` is still in the workspace. A folder that is in none is returned
    as given, for the loader to say what is missing there."""
    if not value.is_dir():
        return value
    for folder in (value, *value.resolve().parents):
        if (folder / WORKSPACE_FILE).is_file():
            return value if folder == value else folder
    return value


WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar="PORTFOLIO_WORKSPACE",
        help="Dossier de l'espace de travail (sinon $PORTFOLIO_WORKSPACE, sinon le dossier "
        "courant ou le premier de ses parents qui en est un).",
        callback=_workspace_upwards,
        metavar="DOSSIER",
        show_default=False,
        show_envvar=False,
    ),
]
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        help="Date d'évaluation, JJ/MM/AAAA ou AAAA-MM-JJ (par défaut aujourd'hui) : seuls les "
        "faits datés de ce jour ou avant comptent.",
        parser=_parse_as_of,
        metavar="DATE",
        show_default=False,
    ),
]

AddressOption = Annotated[
    str | None,
    typer.Option(
        "--adresse",
        envvar="PORTFOLIO_ADRESSE",
        help="Adresse publique de « portfolio serve » pour le lien, par exemple "
        "https://portfolio.example.org.",
        show_default=False,
    ),
]
"""The server's public address that `--lien` prints (a tutor's grid, a worker's dossier)."""


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


def end_on_closed_pipe() -> NoReturn:
    """The reader of our output went away (`portfolio assess --all --json | head -1`): stop
    quietly, as `cat` does. Later writes, down to the interpreter's final flush, go nowhere, so
    that no English « Broken pipe » notice follows."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(1)


def friendly_errors(func: F) -> F:
    """Turn a `PortfolioError` into a French message on stderr and its exit code, and an error
    of the system (a path, a right, a full disk) into a French message and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PortfolioError as exc:
            print_issues(exc.issues)
            message = Text.assemble(("Erreur :", "bold red"), " ", terminal_safe(str(exc)))
            print_line(message, stderr)
            for detail in exc.details:
                print_line("  " + terminal_safe(detail), stderr)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            end_on_closed_pipe()
        except OSError as exc:
            in_the_way = (
                blocking_file(Path(exc.filename))
                if exc.filename and exc.errno in (errno.ENOTDIR, errno.EEXIST)
                else None
            )
            problem = system_problem(exc, in_the_way)
            message = Text.assemble(("Erreur :", "bold red"), " ", terminal_safe(problem))
            print_line(message, stderr)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_line(
    text: str | Text,
    console: Console | None = None,
    *,
    style: str = "",
    indent: int = HANGING_INDENT,
) -> None:
    """One message. On a terminal it is wrapped at its spaces to the console's width, its
    continuation lines indented (`hang`); piped or redirected it is written whole, on one line,
    so that a script reads it as it reads a file (`path:line:column:` for an issue).

    A `str` is printed as written (no Rich markup); make file text `terminal_safe` first. The
    console is `stdout` unless another is given."""
    console = stdout if console is None else console
    line = text if isinstance(text, Text) else Text(text, style=style)
    if console.is_terminal:
        line = hang(line, console.width, indent)
    console.print(line, soft_wrap=True)


def hang(text: Text, width: int, indent: int = HANGING_INDENT) -> Text:
    """`text` wrapped at its spaces to `width` cells, every continuation line indented by
    `indent`: an id, a path or « 12 h » (joined by a no-break space) is never cut. A word too
    wide for an indented line goes unindented; one wider than `width` stands alone on its line.
    Each line break of `text` starts a new paragraph."""
    return Text("\n").join(_hang_paragraph(part, width, indent) for part in text.split("\n"))


def _hang_paragraph(text: Text, width: int, indent: int) -> Text:
    plain = text.plain
    lines: list[Text] = []
    start, end = 0, None  # the first line keeps its leading spaces: a list's own indent
    for word in _WORDS.finditer(plain):
        room = width - (indent if lines else 0)
        if end is not None and cell_len(plain[start : word.end()]) > room:
            lines.append(text[start:end])
            start = word.start()
        end = word.end()
    if end is None:
        return text
    lines.append(text[start:end])
    first, *rest = lines
    return Text("\n").join(
        [
            first,
            *(
                Text(" " * indent) + line if line.cell_len + indent <= width else line
                for line in rest
            ),
        ]
    )


def print_issues(issues: list[Issue], console: Console | None = None) -> None:
    """Issues in file order, one each (`print_issue_stream`). On `stderr` unless told."""
    print_issue_stream(sort_issues(issues), stderr if console is None else console)


PIPED_LINES = 1_000
"""Issue lines written at once when piped: one write per line, or one for all, took time, or
memory, for a federation's 300,000 lines."""


def print_issue_stream(issues: Iterable[Issue], console: Console) -> tuple[int, int]:
    """Issues as they come, already in file order, one each (`Issue.render` makes them
    terminal-safe): on a terminal wrapped with an indent, piped one line each (`print_line`).
    Returns how many errors and warnings were printed."""
    errors = warnings = 0
    piped: list[str] = []
    for issue in issues:
        if issue.is_error:
            errors += 1
        else:
            warnings += 1
        if console.is_terminal:
            print_line(issue.render(), console, style="red" if issue.is_error else "yellow")
            continue
        piped.append(f"{issue.render()}\n")  # Rich took a core for a federation's lines
        if len(piped) == PIPED_LINES:
            console.file.write("".join(piped))
            piped.clear()
    if piped:
        console.file.write("".join(piped))
    console.file.flush()
    return errors, warnings


def print_warnings(warnings: list[str]) -> None:
    """A worker's warnings, already rendered, after the result they qualify."""
    for message in warnings:
        print_line(terminal_safe(message), stderr, style="yellow")


def confirm(question: str, *, default: bool) -> bool:
    """A yes/no question at the terminal, in French: « oui », « non », « o », « n » (« y »,
    « yes », « no » too, `portfolio.french.parse_yes_no`); an empty answer takes the default,
    anything else is explained and asked again. Ctrl-C or Ctrl-D ends the prompt's line before
    the command stops (`typer.Abort`), so that what is said next starts a line of its own."""
    while True:
        try:
            answer = typer.prompt(
                f"{question} (oui/non)",
                default="oui" if default else "non",
                prompt_suffix=" : ",
                err=True,
            )
        except typer.Abort:
            stderr.print()
            raise
        try:
            return parse_yes_no(answer)
        except InputError as exc:
            stderr.print(str(exc), style="red", markup=False)
