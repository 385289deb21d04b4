"""Asking for what a recording command's options did not give (SPEC §9 `worker new`, `log …`).

Every value can be given as an option, for scripts; at a terminal, what is missing is asked with
numbered choices. Without a terminal nothing is asked: the missing options are listed (exit 2).
A value holding a control character is refused, naming its option (or asked again): an ESC
sequence stored in a worker file would drive the terminal of every later command showing it. What
is printed goes through `terminal_safe`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from portfolio.cli.common import confirm, stderr, stdout
from portfolio.french import InputError, choice, fold
from portfolio.issues import CONTROL_CHARACTERS, Issue, PortfolioError, sort_issues, terminal_safe

if TYPE_CHECKING:
    from portfolio.app.recording import Change, Confirm
    from portfolio.record.queries import Option

T = TypeVar("T")

_SEPARATORS = re.compile(r"[,;]")

# --- arguments and options shared by the recording commands -------------------------------------

WorkerArg = Annotated[str, typer.Argument(metavar="SALARIÉ", help="Identifiant du salarié.")]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Enregistrer sans demander de confirmation.")
]


def option(help_text: str, *names: str, metavar: str | None = None) -> Any:
    """An option without a default to show: when missing, it is asked for or chosen."""
    return typer.Option(*names, help=help_text, show_default=False, metavar=metavar)


# --- asking for what the options did not give ---------------------------------------------------


def stdin_is_terminal() -> bool:
    """Whether someone can answer questions (tests replace this to drive the prompts)."""
    return sys.stdin.isatty()


@dataclass
class Asker:
    """Fills in missing values: asks at a terminal, else lists them for one clear error."""

    interactive: bool
    missing: list[str] = field(default_factory=list)

    @classmethod
    def for_stdin(cls) -> Asker:
        return cls(stdin_is_terminal())

    def value(
        self,
        given: str | None,
        flag: str,
        question: str,
        parse: Callable[[str], T],
        *,
        default: str | None = None,
        optional: bool = False,
        paragraph: bool = False,
    ) -> T | None:
        """`paragraph`: a note, which may hold tabs and line breaks."""
        if given is not None:
            return from_flag(parse, given, flag, paragraph=paragraph)
        if not self.interactive:
            if default is not None:
                return parse(default)
            if not optional:
                self.missing.append(flag)
            return None
        while True:
            answer = _ask(question, default, optional=optional)
            if not answer and optional:
                return None
            try:
                return parse(plain_text(answer))
            except InputError as exc:
                _say_error(exc)

    def pick(
        self,
        given: str | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        free: bool = False,
        default: str | None = None,
        optional: bool = False,
    ) -> str | None:
        """One value among numbered options (or any text, with `free`)."""
        values = [v for v, _ in options]
        if given is not None:
            what = question[:1].lower() + question[1:]
            parse = str.strip if free else lambda v: choice(v, values, what)
            return from_flag(parse, given, flag)
        if not self.interactive:
            if default is None and not optional:
                self.missing.append(flag)
            return default
        _show_options(question, options)
        hint = "numéro" + (" ou texte" if free else "") + (" (vide : aucun)" if optional else "")
        while True:
            shown = str(values.index(default) + 1) if default in values else default
            answer = _ask(f"  {hint}", shown, optional=optional)
            if not answer and optional:
                return None
            try:
                found = _option_from_answer(plain_text(answer), values, free=free)
            except InputError as exc:
                _say_error(exc)
                continue
            if found is not None:
                return found
            _say_error(f"Réponse « {answer} » non comprise : {hint}.")

    def pick_many(
        self,
        given: list[str] | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        parse_task: Callable[[str], Any] | None = None,
    ) -> list[Any]:
        """Several values: numbers or texts separated by commas. With `parse_task`, each may
        carry hours: « 3=10 » for 10 h on number 3."""
        parse = parse_task or str.strip
        if given:
            return [from_flag(parse, item, flag) for item in given]
        if not self.interactive:
            return []
        _show_options(question, options)
        hint = "numéros ou textes séparés par des virgules" + (
            ", « 3=10 » pour 10 h sur le numéro 3" if parse_task else ""
        )
        values = [v for v, _ in options]
        while True:
            answer = typer.prompt(
                f"  {hint} (vide : aucun)", default="", show_default=False, err=True
            )
            try:
                return [
                    _many_item(part.strip(), values, parse_task)
                    for part in _SEPARATORS.split(plain_text(answer))
                    if part.strip()
                ]
            except InputError as exc:
                _say_error(exc)

    def confirm(self, question: str, *, default: bool) -> bool:
        if not self.interactive:
            return default
        return confirm(question, default=default)

    def finish(self, example: str) -> None:
        """Stop with every missing option at once (SPEC §9 exit 2: usage error)."""
        if self.missing:
            raise PortfolioError(
                "valeurs manquantes : "
                + ", ".join(self.missing)
                + ". Aucune question n'est posée quand l'entrée n'est pas un terminal : "
                f"donnez-les en options, par exemple : {example}",
                exit_code=2,
            )


def from_flag(parse: Callable[[str], T], given: str, flag: str, *, paragraph: bool = False) -> T:
    """A value given as an option; a bad one is a usage error naming the option (exit 2)."""
    try:
        return parse(plain_text(given, paragraph=paragraph))
    except InputError as exc:
        raise PortfolioError(f"{flag} : {exc}", exit_code=2) from None


def typed_text(given: str | None, flag: str, *, paragraph: bool = False) -> str | None:
    """An option's text, stored as typed; nothing is asked when it is missing."""
    return None if given is None else from_flag(str, given, flag, paragraph=paragraph)


def plain_text(text: str, *, paragraph: bool = False) -> str:
    """A typed text that may be stored: no control character (SPEC §8, stored text), except the
    tabs and line breaks of a paragraph (a note)."""
    for found in CONTROL_CHARACTERS.finditer(text):
        if not (paragraph and found.group() in "\t\n"):
            raise InputError(
                "la valeur contient un caractère de contrôle invisible "
                f"(U+{ord(found.group()):04X}), qui peut commander le terminal ou les documents "
                "qui l'affichent : supprimez-le"
            )
    return text


def non_empty(value: str) -> str:
    """A text answer: a name, a remark."""
    if not value.strip():
        raise InputError("valeur vide : écrivez un texte")
    return value.strip()


def _ask(question: str, default: str | None, *, optional: bool) -> str:
    """One answer typed at the terminal, stripped. The default (often read from a file) is shown
    terminal-safe, as typer would show it, and given back as it is for an empty answer."""
    if not default:
        fallback = "" if default == "" or optional else None
        return typer.prompt(question, default=fallback, show_default=False, err=True).strip()
    shown = f"{question} [{terminal_safe(default)}]"
    return (typer.prompt(shown, default="", show_default=False, err=True) or default).strip()


def _say_error(problem: InputError | str) -> None:
    """Why an answer was not taken, before the question is asked again."""
    stderr.print(terminal_safe(str(problem)), style="red", markup=False)


def _show_options(question: str, options: Sequence[Option]) -> None:
    stderr.print(question, style="bold", markup=False)
    for n, (_, label) in enumerate(options, start=1):
        stderr.print(f"  {n:>3}. {terminal_safe(label)}", markup=False, soft_wrap=True)


def _option_from_answer(answer: str, values: list[str], *, free: bool) -> str | None:
    if answer.isdigit() and 1 <= int(answer) <= len(values):
        return values[int(answer) - 1]
    for value in values:
        if fold(value.strip()) == fold(answer):
            return value
    return answer if free and answer else None


def _many_item(part: str, values: list[str], parse_task: Callable[[str], Any] | None) -> Any:
    label, sep, hours = part.rpartition("=") if parse_task else ("", "", "")
    head = label.strip() if sep else part
    if head.isdigit():
        if not 1 <= int(head) <= len(values):
            raise InputError(f"numéro {head} absent de la liste : choisissez de 1 à {len(values)}")
        head = values[int(head) - 1]
    if parse_task is None:
        return head
    return parse_task(f"{head}={hours}" if sep else head)


# --- showing a change before it is written ------------------------------------------------------


def _print_problems(issues: list[Issue]) -> None:
    """Problems of a text not written yet: their line numbers point nowhere a user can look."""
    for issue in sort_issues(issues):
        stderr.print(
            terminal_safe(f"{issue.severity.value} : {issue.message}"),
            style="red" if issue.is_error else "yellow",
            markup=False,
            soft_wrap=True,
        )


def _approve(asker: Asker, *, yes: bool) -> Confirm:
    """Show what the change adds and the warnings it brings; ask at a terminal (unless --yes)."""

    def approve(change: Change) -> bool:
        stderr.print(
            terminal_safe(f"À ajouter dans {change.display} :"), style="bold", markup=False
        )
        for line in change.added_lines:
            stderr.print(terminal_safe(f"  {line}"), markup=False, soft_wrap=True, highlight=False)
        _print_problems(change.new_warnings)
        return yes or asker.confirm("Enregistrer ?", default=True)

    return approve


def record(asker: Asker, add: Callable[..., Change], *, yes: bool) -> None:
    """Have the application layer make a change (`add(confirm=…)`), showing it first."""
    from portfolio.app.recording import ChangeRefused

    try:
        change = add(confirm=_approve(asker, yes=yes))
    except ChangeRefused as exc:
        _print_problems(exc.problems)
        raise
    stdout.print(terminal_safe(change.done), markup=False, soft_wrap=True)
