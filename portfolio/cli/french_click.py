"""Typer's and Click's own words in French: help screens, usage errors, the abort message.

Typer 0.29 vendors Click without gettext: its texts are literals in its code, with no catalogue to
translate. Each one a user can meet is replaced where Typer lets an application choose:

- the command classes (the `cls` of `Typer.command` and `Typer.add_typer`): `use_french(app)`
  gives `FrenchGroup` and `FrenchCommand` to the application and every command and group in it;
  they write the usage line, the help option and the kind of value of each parameter in French;
- the fixed strings of `typer.rich_utils` (panel titles, « [obligatoire] », « [par défaut : …] »,
  the error panel, « Abandon. »), module constants that Typer reads each time it prints; they are
  set just before Typer needs them (`french_rich_strings`), so that a command that prints no help
  and meets no error does not pay for importing `rich_utils`;
- the usage errors, raised with English text while a command line is parsed: `FrenchGroup`
  catches them on their way out and raises a French one instead, built from what the error knows
  (the option, the parameter, its choices, the value typed) and, for the few that only carry a
  sentence, from a table of Click's sentences (`_CLICK_SENTENCES`).

The classes of the vendored Click (`typer._click`) are imported only here. tests/cli/
test_french_cli.py walks every command's help and the usual usage errors and fails on English:
a Typer upgrade that adds or rewords a text shows there.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import Any, get_args, get_origin

import typer
from typer._click import Context, HelpFormatter
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

from portfolio.issues import terminal_safe

USAGE = "Utilisation : "
HELP_OPTION = "Afficher cette aide et quitter."
SUBCOMMAND_METAVAR = "COMMANDE [ARGUMENTS]..."

RICH_STRINGS = {
    "DEPRECATED_STRING": "(obsolète) ",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Abandon.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}
"""`typer.rich_utils`'s fixed strings, by name; Typer reads them when it prints."""

PATH_KINDS = {"file": "FICHIER", "dir": "DOSSIER", "path": "CHEMIN"}
NUMBER_KINDS: dict[type, str] = {int: "ENTIER", float: "NOMBRE"}

# Click's messages that carry no more than their sentence, and their French.
_CLICK_SENTENCES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Got unexpected extra argument\(s\) \((?P<extra>.*)\)"),
        lambda m: f"en trop sur la ligne de commande : {m['extra']}",
    ),
    (
        re.compile(r"No such command '(?P<name>.*)'\.(?: Did you mean (?P<close>.*)\?)?"),
        lambda m: f"commande inconnue : {m['name']}" + _did_you_mean(_quoted(m["close"] or "")),
    ),
    (re.compile(r"Missing command\."), lambda m: "il manque la commande"),
    (
        re.compile(r"Option '(?P<name>.*)' does not take a value\."),
        lambda m: f"l'option {m['name']} ne prend pas de valeur",
    ),
    (
        re.compile(r"Option '(?P<name>.*)' requires an argument\."),
        lambda m: f"l'option {m['name']} attend une valeur",
    ),
    (
        re.compile(r"Option '(?P<name>.*)' requires (?P<count>\d+) arguments\."),
        lambda m: f"l'option {m['name']} attend {m['count']} valeurs",
    ),
    (
        re.compile(r"Argument '(?P<name>.*)' takes (?P<count>\d+) values\."),
        lambda m: f"l'argument {m['name']} attend {m['count']} valeurs",
    ),
]
_PATH_PROBLEM = re.compile(
    r"(?P<kind>file|dir|path) (?P<name>'.*'|\".*\") (?P<problem>does not exist|is a file|"
    r"is a directory|is not readable|is not writable)\."
)
_PATH_PROBLEMS = {
    "does not exist": "« {name} » n'existe pas",
    "is a file": "« {name} » est un fichier : donnez un dossier",
    "is a directory": "« {name} » est un dossier : donnez un fichier",
    "is not readable": "« {name} » ne peut pas être lu (droits d'accès)",
    "is not writable": "« {name} » ne peut pas être modifié (droits d'accès)",
}
_PATH_WORDS = {"file": "le fichier ", "dir": "le dossier ", "path": ""}


def use_french(app: typer.Typer) -> None:
    """Give the French command classes to `app` and to every command and group registered in it
    (those that chose no class of their own). Call it once every command is registered."""
    if isinstance(app.info.cls, DefaultPlaceholder) or app.info.cls is None:
        app.info.cls = FrenchGroup
    _french_tree(app)


def _french_tree(app: typer.Typer) -> None:
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer's default, written by `Typer.command`
            command.cls = FrenchCommand
    for group in app.registered_groups:
        if isinstance(group.cls, DefaultPlaceholder) or group.cls is None:
            group.cls = FrenchGroup
        if group.typer_instance is not None:
            _french_tree(group.typer_instance)


def french_rich_strings() -> None:
    """Set `typer.rich_utils`'s fixed strings in French (imported here: it is slow to import)."""
    from typer import rich_utils

    for name, text in RICH_STRINGS.items():
        setattr(rich_utils, name, text)


# --- parameters ---------------------------------------------------------------------------------


def number_range(low: float | None, high: float | None) -> str | None:
    """« au moins 1 », « de 0 à 10 », for the help of a bounded number (Typer writes
    `x>=1`)."""
    if low is None and high is None:
        return None
    if high is None:
        return f"au moins {low}"
    if low is None:
        return f"au plus {high}"
    return f"de {low} à {high}"


class FrenchOption(TyperOption):
    """An option whose kind of value reads in French in the help: `--budget HEURES`,
    `--jobs ENTIER`; a flag shows none (Typer writes `<bool>`)."""

    def _get_number_range_help_str(self) -> str | None:
        return number_range(self.min, self.max)

    def display_type_rich(self, ctx: Context) -> str | None:
        if self.metavar is not None:
            return self.metavar
        return "" if self.is_flag else value_kind(self)


class FrenchArgument(TyperArgument):
    """An argument, named by its metavar (`SALARIÉ`): its kind of value is shown only when it has
    no metavar to say it."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return "" if self.metavar is not None else value_kind(self)

    def _get_number_range_help_str(self) -> str | None:
        return number_range(self.min, self.max)


def value_kind(param: TyperOption | TyperArgument) -> str:
    """What a parameter takes, in French: its choices, FICHIER, DOSSIER, ENTIER, TEXTE…"""
    described = param.type_descriptor
    if described.choices is not None:
        return "|".join(str(c.value if isinstance(c, Enum) else c) for c in described.choices)
    if described.is_path:
        return PATH_KINDS[described.path_type]
    annotation = described.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    return NUMBER_KINDS.get(annotation, "TEXTE")


_FRENCH_PARAMS: dict[type, type] = {TyperOption: FrenchOption, TyperArgument: FrenchArgument}


def _french_param(param: Any) -> None:
    """Typer builds its parameters itself, with no class to choose: each one is given the French
    subclass of its own class, which only changes how the help shows it."""
    french = _FRENCH_PARAMS.get(type(param))
    if french is not None:
        param.__class__ = french


# --- commands -----------------------------------------------------------------------------------


class _FrenchHelp:
    """The usage line and the help option of a command or group, in French."""

    params: list[Any]
    help: str | None
    short_help: str | None

    def _make_french(self) -> None:
        """French parameters; and the line a group's list shows for this command: the first
        paragraph of its help, on one line (Typer would keep the docstring's line breaks)."""
        for param in self.params:
            _french_param(param)
        if self.short_help is None and self.help:
            self.short_help = " ".join(inspect.cleandoc(self.help).split("\n\n")[0].split())

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
            _french_param(option)
        return option

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        french_rich_strings()
        super().format_help(ctx, formatter)  # type: ignore[misc]


class FrenchCommand(_FrenchHelp, TyperCommand):
    """A command whose help is French (its errors are translated by the group above it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._make_french()


class FrenchGroup(_FrenchHelp, TyperGroup):
    """A group whose help is French, and which turns every usage error raised under it (while a
    command line is parsed, or by a command) into a French one."""

    def __init__(self, *, subcommand_metavar: str | None = None, **kwargs: Any) -> None:
        super().__init__(subcommand_metavar=subcommand_metavar or SUBCOMMAND_METAVAR, **kwargs)
        self._make_french()

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Context | None = None,
        **extra: Any,
    ) -> Context:
        with _in_french():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _in_french():
            return super().invoke(ctx)


# --- errors -------------------------------------------------------------------------------------


class FrenchUsageError(UsageError):
    """A usage error already in French, with the exit code of the one it replaces."""

    def __init__(self, message: str, ctx: Context | None, exit_code: int) -> None:
        super().__init__(message, ctx)
        self.exit_code = exit_code


@contextmanager
def _in_french() -> Iterator[None]:
    """Errors on their way to Typer's printer leave in French; so do an abort's words."""
    try:
        yield
    except FrenchUsageError:
        raise
    except ClickException as error:
        french_rich_strings()
        if type(error).__name__ == "NoArgsIsHelpError":  # the help, printed already
            raise
        raise french_error(error) from None
    except (typer.Abort, EOFError):
        french_rich_strings()
        raise


def french_error(error: ClickException) -> FrenchUsageError:
    """The French error for one of Click's: same context and exit code, a sentence of ours."""
    text = french_message(error)
    return FrenchUsageError(
        text[:1].upper() + text[1:], getattr(error, "ctx", None), error.exit_code
    )


def french_message(error: ClickException) -> str:
    if isinstance(error, NoSuchOption):
        return f"option inconnue : {error.option_name}" + _did_you_mean(
            sorted(error.possibilities or ())
        )
    if isinstance(error, MissingParameter) and error.param is not None:
        kind = error.param_type or error.param.param_type_name
        what = "l'argument" if kind == "argument" else "l'option"
        choices = _choices(error.param)
        return f"il manque {what} {param_name(error.param)}" + (
            f" : choisissez {choices}" if choices else ""
        )
    if isinstance(error, BadParameter):
        reason = _bad_value(error)
        if error.param is not None:
            return f"{param_name(error.param)} : {reason}"
        return reason
    for sentence, french in _CLICK_SENTENCES:
        found = sentence.fullmatch(error.message)
        if found:
            return french(found)
    return error.message


def param_name(param: Any) -> str:
    """How a message names a parameter: its first long option, or an argument's metavar."""
    if isinstance(param, TyperArgument):
        return param.display_name_raw
    names: Sequence[str] = param.opts
    return next((name for name in names if name.startswith("--")), names[0])


def _bad_value(error: BadParameter) -> str:
    """Why a value was refused. Typer's conversions (pydantic) carry the value typed and the
    kind of problem; a path check only an English sentence; our own parsers a French one."""
    problems = getattr(error.__cause__, "errors", None)
    if callable(problems) and problems():
        detail = problems()[0]
        given = f"« {terminal_safe(str(detail.get('input', '')))} »"
        limits = detail.get("ctx") or {}
        choices = _choices(error.param) if error.param is not None else ""
        if choices:
            return f"{given} n'est pas possible : choisissez {choices}"
        kind = detail.get("type", "")
        if kind.startswith("int_"):
            return f"{given} n'est pas un nombre entier"
        if kind.startswith("float_"):
            return f"{given} n'est pas un nombre"
        if kind == "greater_than_equal":
            return f"{given} est trop petit : au moins {limits.get('ge')}"
        if kind == "less_than_equal":
            return f"{given} est trop grand : au plus {limits.get('le')}"
        return f"{given} n'est pas une valeur possible"
    found = _PATH_PROBLEM.fullmatch(error.message)
    if found:
        name = terminal_safe(ast.literal_eval(found["name"]))
        reason = _PATH_PROBLEMS[found["problem"]].format(name=name)
        if found["problem"] == "does not exist":
            return _PATH_WORDS[found["kind"]] + reason
        return reason
    return error.message


def _choices(param: Any) -> str:
    """« dossier ou portfolio », « pdf, html, csv ou json »; empty without choices."""
    choices = getattr(param, "type_descriptor", None) and param.type_descriptor.choices
    if not choices:
        return ""
    return _either([str(c.value if isinstance(c, Enum) else c) for c in choices])


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} ou {words[-1]}"


def _did_you_mean(close: Sequence[str]) -> str:
    return f" ; vouliez-vous dire {_either(close)} ?" if close else ""


def _quoted(listing: str) -> list[str]:
    """The names of Typer's « 'check', 'demo' »."""
    return re.findall(r"'([^']*)'", listing)
