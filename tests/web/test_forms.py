"""What every recording form shares: how a refusal of the application reads in a form."""

from __future__ import annotations

from portfolio.app.recording import ChangeRefused
from portfolio.issues import Location, PortfolioError, error
from portfolio.web.forms import refusal


def test_a_refused_change_says_its_problems_not_a_pointer_to_lines_never_written():
    problems = [
        error(Location("workers/x.yaml", 40, 5), "unknown-placement", "mission inconnue"),
        error(Location("workers/x.yaml", 41, 5), "end-before-start", "la fin précède le début"),
    ]
    said = refusal(ChangeRefused(problems))
    assert said == (
        "la saisie est refusée : mission inconnue ; la fin précède le début. Rien n'a été écrit."
    )
    assert "ci-dessus" not in said and ":40" not in said


def test_another_refusal_is_said_as_the_application_says_it():
    assert refusal(PortfolioError("le fichier a changé")) == "le fichier a changé"
