"""Asking for what a recording command's options did not give (SPEC §9 `worker new`, `log …`).

Every value can be given as an option, for scripts; at a terminal, what is missing is asked with
numbered choices. Without a terminal nothing is asked: the missing options are listed (exit 2).
A value holding a control character is refused, naming its option (or asked again): an ESC
sequence stored in a worker file would drive the terminal of every later command showing it. What
is printed goes through `terminal_safe`.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from portfolio.cli.common import confirm, print_line, stderr, stdout
from portfolio.french import InputError, choice, fold
from portfolio.issues import CONTROL_CHARACTERS, Issue, PortfolioError, sort_issues, terminal_safe

if TYPE_CHECKING:
    from portfolio.app.recording import Change, Confirm
    from portfolio.record.queries import Option

T = TypeVar("T")

_SEPARATORS = re.compile(r"[,;]")
_NUMBER = re.compile(r"[0-9]+")

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


MAX_ATTEMPTS = 5
"""Answers refused in a row before a question gives up: by then they are likely meant for
something else (a text pasted into the wrong window)."""


@dataclass
class Asker:
    """Fills in missing values: asks at a terminal, else lists them for one clear error.

    Each answer is judged as soon as it is typed, by the rules the options follow: a refused one
    is explained, the choices are shown again and the same question is asked again, the earlier
    answers kept. After `MAX_ATTEMPTS` refusals, or at the end of the input, the command stops
    and nothing is written.
    """

    interactive: bool
    missing: list[str] = field(default_factory=list)
    answered: list[tuple[str, str]] = field(default_factory=list)
    """(option, text) of each answer typed at a prompt: a change refused at the end, by a rule
    that judges answers together, is offered again as a command line with them."""

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
        check: Callable[[T], T] | None = None,
        default: str | None = None,
        optional: bool = False,
        paragraph: bool = False,
    ) -> T | None:
        """`parse` reads the text (a malformed option is a usage error); `check` judges the value
        by a rule of the workspace (an id already taken, a last day before the first);
        `paragraph`: a note, which may hold tabs and line breaks."""
        if given is not None:
            return checked(check, from_flag(parse, given, flag, paragraph=paragraph), flag)
        if not self.interactive:
            if default is not None:
                return parse(default)
            if not optional:
                self.missing.append(flag)
            return None

        typed: list[str] = []

        def answer() -> T | None:
            text = _ask(question, default, optional=optional)
            if not text and optional:
                return None
            value = parse(plain_text(text, paragraph=paragraph))
            typed[:] = [text]
            return check(value) if check else value

        value = _until_valid(flag, answer)
        self.answered += [(flag, text) for text in typed if value is not None]
        return value

    def pick(
        self,
        given: str | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        parse: Callable[[str], str] | None = None,
        check: Callable[[str], str] | None = None,
        default: str | None = None,
        optional: bool = False,
    ) -> str | None:
        """One value among numbered options: its number, or the value itself (compared without
        capitals or accents). Another text is read by `parse` (a free text, the other spellings
        of a closed vocabulary) or judged by `check` (an id that must exist, which it may
        complete); without either, only the list is taken. A number outside the list is refused
        even where text is taken: it is a mistyped choice, not a name."""
        values = [v for v, _ in options]
        if given is not None:
            what = question[:1].lower() + question[1:]
            read = parse or (str.strip if check else lambda v: choice(v, values, what))
            return checked(check, from_flag(read, given, flag), flag)
        if not self.interactive:
            if default is None and not optional:
                self.missing.append(flag)
            return default
        typed = parse is not None or check is not None
        hint = "numéro" + (" ou texte" if typed else "") + (" (vide : aucun)" if optional else "")
        shown = str(values.index(default) + 1) if default in values else default

        def answer() -> str | None:
            text = plain_text(_ask(f"  {hint}", shown, optional=optional))
            if not text and optional:
                return None
            value = _option_from_answer(text, values, parse=parse, typed=typed)
            return check(value) if check else value

        def show() -> None:
            _show_options(question, options)

        show()
        chosen = _until_valid(flag, answer, show)
        if chosen is not None:
            self.answered.append((flag, chosen))
        return chosen

    def pick_many(
        self,
        given: list[str] | None,
        flag: str,
        question: str,
        options: Sequence[Option],
        *,
        parse_task: Callable[[str], Any] | None = None,
        check: Callable[[str], str] | None = None,
    ) -> list[Any]:
        """Several values: numbers or texts separated by commas. With `parse_task`, each may
        carry hours: « 3=10 » for 10 h on number 3. `check` judges each value by a rule of the
        workspace (a référentiel that must exist)."""
        parse = parse_task or str.strip
        if given:
            return [checked(check, from_flag(parse, item, flag), flag) for item in given]
        if not self.interactive:
            return []
        how = "Plusieurs choix : numéros ou textes séparés par des virgules" + (
            " ; « 3=10 » pour 10\u00a0h sur le numéro 3" if parse_task else ""
        )
        values = [v for v, _ in options]

        spelled: list[str] = []

        def answer() -> list[Any]:
            text = plain_text(_prompt("  numéros (vide : aucun)", ""))
            parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
            items = [_many_item(part, values, parse_task, check) for part in parts]
            spelled[:] = [_spelled(part, values, parse_task) for part in parts]
            return items

        def show() -> None:
            _show_options(question, options)
            print_line(f"  {how}.", stderr)

        show()
        items = _until_valid(flag, answer, show)
        self.answered += [(flag, text) for text in spelled]
        return items

    def confirm(self, question: str, *, default: bool) -> bool:
        if not self.interactive:
            return default
        try:
            return confirm(question, default=default)
        except typer.Abort:  # `confirm` has ended the prompt's line
            raise _interrupted() from None

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


def checked(check: Callable[[T], T] | None, value: T, flag: str) -> T:
    """An option's value judged by a rule of the workspace: one it breaks is invalid data, named
    by its option (exit 1), before any question is asked."""
    if check is None:
        return value
    try:
        return check(value)
    except InputError as exc:
        raise PortfolioError(f"{flag} : {exc}", exit_code=1) from None


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
        return _prompt(question, fallback).strip()
    shown = f"{question} [{terminal_safe(default)}]"
    return (_prompt(shown, "") or default).strip()


def _prompt(question: str, default: str | None) -> str:
    """What is typed after the question, asked « Question : » as French writes it; `default`
    None: an empty answer asks again."""
    try:
        return typer.prompt(
            question, default=default, show_default=False, prompt_suffix=" : ", err=True
        )
    except typer.Abort:
        stderr.print()  # Ctrl-C or Ctrl-D left the prompt's line open
        raise _interrupted() from None


def _interrupted() -> PortfolioError:
    """The end of the input (Ctrl-D, a file of answers too short) or Ctrl-C, mid-form."""
    return PortfolioError(
        "saisie interrompue avant la fin des questions : rien n'a été écrit", exit_code=1
    )


def _until_valid(flag: str, ask: Callable[[], T], show: Callable[[], None] | None = None) -> T:
    """`ask()` again after each refused answer: say why, show the choices again (`show`). After
    `MAX_ATTEMPTS` refusals in a row, stop without writing."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return ask()
        except InputError as exc:
            _say_error(exc)
            if show is not None and attempt < MAX_ATTEMPTS:
                show()
    raise PortfolioError(
        f"{MAX_ATTEMPTS} réponses refusées de suite : rien n'a été écrit. Relancez la commande, "
        f"ou donnez cette valeur avec l'option {flag}",
        exit_code=1,
    )


def _say_error(problem: InputError | str) -> None:
    """Why an answer was not taken, before the question is asked again."""
    print_line(terminal_safe(str(problem)), stderr, style="red")


def _show_options(question: str, options: Sequence[Option]) -> None:
    """The numbered choices; on a terminal a long label wraps under its own text, after the
    number, and its id in parentheses is never cut (`print_line`)."""
    print_line(question, stderr, style="bold")
    for n, (_, label) in enumerate(options, start=1):
        number = f"  {n:>3}. "
        print_line(number + terminal_safe(label), stderr, indent=len(number))


def _option_from_answer(
    answer: str, values: list[str], *, parse: Callable[[str], str] | None, typed: bool
) -> str:
    """The value an answer chooses: a number of the list, a value of the list, else the text
    read by `parse`, or as typed when text is taken (`typed`)."""
    if _NUMBER.fullmatch(answer):
        return _numbered(answer, values)
    for value in values:
        if fold(value.strip()) == fold(answer):
            return value
    if parse is not None:
        return parse(answer)
    if typed:
        return answer
    raise InputError(f"réponse « {answer} » non comprise : {_choose_number(len(values))}")


def _spelled(part: str, values: list[str], parse_task: Callable[[str], Any] | None) -> str:
    """An item as an option would give it: its number replaced by its value, hours kept."""
    label, sep, hours = part.rpartition("=") if parse_task else ("", "", "")
    head = label.strip() if sep else part
    if _NUMBER.fullmatch(head) and 1 <= int(head) <= len(values):
        head = values[int(head) - 1]
    return f"{head}={hours.strip()}" if sep else head


def _many_item(
    part: str,
    values: list[str],
    parse_task: Callable[[str], Any] | None,
    check: Callable[[str], str] | None,
) -> Any:
    label, sep, hours = part.rpartition("=") if parse_task else ("", "", "")
    head = label.strip() if sep else part
    if _NUMBER.fullmatch(head):
        head = _numbered(head, values)
    else:
        head = next((v for v in values if fold(v) == fold(head)), head)
    if check is not None:
        head = check(head)
    if parse_task is None:
        return head
    return parse_task(f"{head}={hours}" if sep else head)


def _numbered(answer: str, values: list[str]) -> str:
    """The value at a number of the list; a number outside it is refused."""
    if 1 <= int(answer) <= len(values):
        return values[int(answer) - 1]
    raise InputError(f"numéro {answer} absent de la liste : {_choose_number(len(values))}")


def _choose_number(count: int) -> str:
    if count == 0:
        return "la liste est vide, écrivez un texte"
    if count == 1:
        return "le seul numéro est 1"
    return f"choisissez un numéro de 1 à {count}"


# --- showing a change before it is written ------------------------------------------------------


def _print_problems(issues: list[Issue]) -> None:
    """Problems of a text not written yet: their line numbers point nowhere a user can look."""
    for issue in sort_issues(issues):
        print_line(
            terminal_safe(f"{issue.severity.value} : {issue.message}"),
            stderr,
            style="red" if issue.is_error else "yellow",
        )


def _approve(asker: Asker, *, yes: bool) -> Confirm:
    """Show what the change adds and the warnings it brings; ask at a terminal (unless --yes)."""

    def approve(change: Change) -> bool:
        print_line(terminal_safe(f"À ajouter dans {change.display} :"), stderr, style="bold")
        for line in change.added_lines:
            print_line(terminal_safe(f"  {line}"), stderr, indent=_preview_indent(line))
        _print_problems(change.new_warnings)
        return yes or asker.confirm("Enregistrer ?", default=True)

    return approve


def _preview_indent(line: str) -> int:
    """A YAML line of the preview wraps under its own text, right of its « - » (the preview is
    read, not copied: piped, each line stays whole)."""
    return 2 + len(line) - len(line.lstrip(" -")) + 2


def record(asker: Asker, add: Callable[..., Change], *, yes: bool) -> None:
    """Have the application layer make a change (`add(confirm=…)`), showing it first."""
    from portfolio.app.recording import ChangeRefused

    try:
        change = add(confirm=_approve(asker, yes=yes))
    except ChangeRefused as exc:
        _print_problems(exc.problems)
        _offer_retry(asker)
        raise
    print_line(terminal_safe(change.done), stdout)


def _offer_retry(asker: Asker) -> None:
    """A change refused by a rule that judges the answers together (two placements at the same
    client on the same days): the command with every answer typed, to correct the one refused
    without typing all of them again."""
    if not asker.answered:
        return
    words = ["portfolio", *sys.argv[1:]]
    for flag, text in asker.answered:
        words += [flag, text]
    print_line(
        "Pour corriger sans tout retaper, relancez cette commande en changeant la valeur refusée :",
        stderr,
    )
    print_line("  " + terminal_safe(shlex.join(words)), stderr)
