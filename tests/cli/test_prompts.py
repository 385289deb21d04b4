"""Questions asked at a terminal (portfolio/cli/prompts.py): each answer is judged when it is
given, and a refused one is asked again without losing the others."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from portfolio.cli import prompts
from portfolio.cli.common import confirm
from portfolio.cli.prompts import MAX_ATTEMPTS, Asker, non_empty
from portfolio.french import InputError, parse_date, parse_role
from portfolio.issues import PortfolioError

COUNSELORS = [("Mme Martin", "Mme Martin")]
ROLES = [("tuteur", "tuteur"), ("conseiller", "conseiller"), ("formateur", "formateur")]


def answered(ask: Callable[[Asker], Any], answers: str) -> tuple[Any, str]:
    """What `ask` gets from an Asker at a terminal fed `answers`, and what it printed on
    stderr; a `PortfolioError` it raises is given back as the value."""
    with CliRunner().isolation(input=answers) as (_, err, _):
        try:
            value = ask(Asker(interactive=True))
        except PortfolioError as exc:
            value = exc
        sys.stderr.flush()
        return value, err.getvalue().decode()


def known_only(text: str) -> str:
    if text != "p1":
        raise InputError(f"mise à disposition inconnue « {text} »")
    return text


def test_a_number_outside_a_list_is_refused_even_where_text_is_taken() -> None:
    value, said = answered(
        lambda a: a.pick(None, "--counselor", "Conseiller", COUNSELORS, parse=non_empty),
        "3\n1\n",
    )
    assert value == "Mme Martin"
    assert "numéro 3 absent de la liste : le seul numéro est 1" in said
    assert said.count("1. Mme Martin") == 2  # the choices are shown again


def test_free_text_is_still_taken_where_text_is() -> None:
    value, _ = answered(
        lambda a: a.pick(None, "--counselor", "Conseiller", COUNSELORS, parse=non_empty),
        "M. Diallo\n",
    )
    assert value == "M. Diallo"


def test_a_closed_list_refuses_a_text_that_is_none_of_its_values() -> None:
    value, said = answered(lambda a: a.pick(None, "--role", "Rôle", ROLES), "chef\nconseiller\n")
    assert value == "conseiller"
    assert "réponse « chef » non comprise : choisissez un numéro de 1 à 3" in said


def test_a_role_is_taken_in_the_feminine_and_given_in_its_one_form() -> None:
    value, _ = answered(
        lambda a: a.pick(None, "--role", "Rôle", ROLES, parse=parse_role), "Conseillère\n"
    )
    assert value == "conseiller"


def test_a_checked_answer_is_judged_at_once_and_asked_again() -> None:
    value, said = answered(
        lambda a: a.pick(None, "--placement", "Mise", [("p1", "p1")], check=known_only),
        "p7\np1\n",
    )
    assert value == "p1"
    assert "mise à disposition inconnue « p7 »" in said


def test_one_bad_item_of_several_asks_for_the_whole_list_again() -> None:
    options = [("advf", "ADVF"), ("tst", "Test")]
    value, said = answered(
        lambda a: a.pick_many(None, "--target", "Référentiels", options), "1, 5\n2, ADVF\n"
    )
    assert value == ["tst", "advf"]
    assert "numéro 5 absent de la liste : choisissez un numéro de 1 à 2" in said


def test_a_malformed_value_is_asked_again() -> None:
    value, said = answered(
        lambda a: a.value(None, "--start", "Premier jour", parse_date), "4 novembre\n04/11/02\n"
    )
    assert str(value) == "2002-11-04"
    assert "la date « 4 novembre » n'est pas une date valide" in said


def test_the_end_of_the_input_stops_without_a_traceback() -> None:
    value, _ = answered(lambda a: a.value(None, "--start", "Premier jour", parse_date), "")
    assert isinstance(value, PortfolioError)
    assert value.exit_code == 1
    assert str(value) == "saisie interrompue avant la fin des questions : rien n'a été écrit"


def test_the_end_of_the_input_at_a_yes_no_question_stops_too() -> None:
    value, _ = answered(lambda a: a.confirm("Enregistrer ?", default=True), "")
    assert isinstance(value, PortfolioError) and value.exit_code == 1


def test_after_too_many_refusals_the_question_gives_up_naming_its_option() -> None:
    value, said = answered(
        lambda a: a.pick(None, "--role", "Rôle", ROLES), "chef\n" * MAX_ATTEMPTS + "1\n"
    )
    assert isinstance(value, PortfolioError)
    assert value.exit_code == 1
    assert f"{MAX_ATTEMPTS} réponses refusées de suite : rien n'a été écrit" in str(value)
    assert "--role" in str(value)
    assert said.count("non comprise") == MAX_ATTEMPTS


@pytest.mark.parametrize(
    ("given", "code", "message"),
    [
        ("p7", 1, "--placement : mise à disposition inconnue « p7 »"),  # breaks a rule: data
        ("p\x1b", 2, "--placement : la valeur contient un caractère de contrôle"),  # malformed
    ],
)
def test_a_bad_option_stops_with_its_name(given: str, code: int, message: str) -> None:
    value, _ = answered(
        lambda a: a.pick(given, "--placement", "Mise", [("p1", "p1")], check=known_only), ""
    )
    assert isinstance(value, PortfolioError)
    assert (value.exit_code, str(value).startswith(message)) == (code, True)


# --- French typography, 80 columns, interruptions (issue 14) ------------------------------------

TASKS = [
    ("advf.menage", "Faire le ménage du logement (advf.menage)"),
    (
        "advf.transmissions",
        "Transmettre les informations à la famille et aux autres intervenants (advf.transmissions)",
    ),
]


def screen(monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> io.StringIO:
    """The prompts' own messages (choices, errors, previews) on an 80-column console, a
    terminal or a pipe; the questions themselves go to the CliRunner's stderr."""
    out = io.StringIO()
    console = Console(
        file=out, width=80, force_terminal=terminal, color_system=None, highlight=False
    )
    monkeypatch.setattr(prompts, "stderr", console)
    return out


def test_questions_put_a_space_before_the_colon() -> None:
    _, said = answered(lambda a: a.value(None, "--first-name", "Prénom", non_empty), "Kévin\n")
    assert "Prénom :" in said  # the space after it is echoed on stdout
    _, said = answered(lambda a: a.pick(None, "--role", "Rôle", ROLES, default="tuteur"), "\n")
    assert "numéro [1] :" in said


def test_a_long_choice_wraps_under_its_label_without_cutting_its_id(monkeypatch) -> None:
    out = screen(monkeypatch, terminal=True)
    answered(lambda a: a.pick_many(None, "--task", "Tâches", TASKS, parse_task=str), "2\n")
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("    2. Transmettre"))
    assert lines[start + 1].startswith("       ") and lines[start + 1].strip()
    assert "(advf.transmissions)" in lines[start + 1]


def test_piped_choices_stay_whole_on_their_line(monkeypatch) -> None:
    out = screen(monkeypatch, terminal=False)
    answered(lambda a: a.pick_many(None, "--task", "Tâches", TASKS, parse_task=str), "2\n")
    assert f"    2. {TASKS[1][1]}\n" in out.getvalue()


def test_several_choices_are_explained_on_their_own_line_and_asked_shortly(monkeypatch) -> None:
    out = screen(monkeypatch, terminal=True)
    _, said = answered(
        lambda a: a.pick_many(None, "--task", "Tâches", TASKS, parse_task=str), "1\n"
    )
    assert "  numéros (vide : aucun) :" in said
    assert len(said.splitlines()[0]) <= 40
    explained = re.sub(r" *\n *", " ", out.getvalue())  # as wrapped at 80 columns
    assert "Plusieurs choix : numéros ou textes séparés par des virgules" in explained
    assert "« 3=10 » pour 10\u00a0h sur le numéro 3." in explained


def test_the_end_of_the_input_at_a_question_ends_its_line_first() -> None:
    value, said = answered(lambda a: a.value(None, "--first-name", "Prénom", non_empty), "")
    assert isinstance(value, PortfolioError)
    assert said.endswith("Prénom :\n")


def test_the_end_of_the_input_at_a_confirmation_ends_its_line_once() -> None:
    value, said = answered(lambda a: a.confirm("Enregistrer ?", default=True), "")
    assert isinstance(value, PortfolioError)
    assert said.endswith("Enregistrer ? (oui/non) [oui] :\n")


def test_ctrl_c_at_a_confirmation_ends_the_line_before_the_command_stops() -> None:
    with CliRunner().isolation() as (_, err, _):
        with (
            patch.object(typer, "prompt", side_effect=typer.Abort()),
            pytest.raises(typer.Abort),
        ):
            confirm("Effacer ces 3 fichiers ?", default=False)
        sys.stderr.flush()
        assert err.getvalue().decode() == "\n"
