"""What every recording form of `portfolio serve` shares (SPEC §11): reading a posted field with
the same application functions as the `log` commands, so that a refused field is said next to
itself, in French, and opening the worker's file for an addition within the account's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from portfolio.app.recording import (
    Change,
    ChangeRefused,
    WorkerFileHasErrors,
    WorkerRecording,
    recording_in,
)
from portfolio.french import InputError, parse_date, parse_hours, visible_text
from portfolio.issues import PortfolioError
from portfolio.web.pages import saved, snapshot, today, visible_worker

MAX_TEXT = 200
"""A name typed in a form; longer is refused before anything is judged."""
MAX_NOTE = 2000
MAX_SHORT = 20
"""A date or a number of hours: a longer text is refused without being quoted back."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def judge_field(errors: dict[str, str], name: str, read: Callable[[], object]) -> object:
    """`read()`, or None with its French refusal stored under the field's name."""
    try:
        return read()
    except (InputError, PortfolioError) as exc:
        errors[name] = str(exc)
        return None


def read_date(text: str, what: str) -> dt.date:
    """A date typed as 31/12/2026 (or 2026-12-31); `what` names it in the refusal."""
    if not text.strip() or len(text.strip()) > MAX_SHORT:
        raise InputError(f"écrivez {what}, par exemple 31/12/2026")
    return parse_date(text, what)


def read_hours(text: str, what: str) -> float:
    """Hours typed as 7,5, 7.5 or 3h30; `what` names them in the refusal."""
    if not text.strip() or len(text.strip()) > MAX_SHORT:
        raise InputError(f"écrivez {what} en chiffres, par exemple 7,5 ou 3h30")
    return parse_hours(text.strip(), what)


def read_text(text: str, what: str) -> str:
    """A required one-line text (a name): spaces, tabs and line breaks collapse to one space."""
    value = " ".join(visible_text(text, what).split())
    if not value:
        raise InputError(f"écrivez {what}")
    if len(value) > MAX_TEXT:
        raise InputError(f"{what} : {MAX_TEXT} caractères au plus")
    return value


def read_note(text: str) -> str | None:
    value = visible_text(text, "la note").strip()
    if len(value) > MAX_NOTE:
        raise InputError(f"la note : {MAX_NOTE} caractères au plus")
    return value or None


def _open_recording(request: Request) -> WorkerRecording:
    """From the server's workspace, kept loaded: opening the files again would cost seconds for
    thousands of workers (the write itself reads the worker's file again, under the lock)."""
    snap = snapshot(request)
    stem, _ = visible_worker(request, snap)
    try:
        return recording_in(snap.ws, stem, today(request))
    except PortfolioError as exc:
        raise HTTPException(409, refusal(exc)) from exc


async def worker_recording(request: Request) -> WorkerRecording:
    """The worker's file opened for an addition, if the account may see them (404 otherwise,
    as for a worker that does not exist); 409 when the file has errors to fix first."""
    return await run_in_threadpool(_open_recording, request)


def recorded(request: Request, stem: str, anchor: str, change: Change) -> RedirectResponse:
    """The 303 to the worker page after a write: the page says what was recorded, with the
    warnings the change brings, and offers the updated dossier (SPEC §11, live preview)."""
    warnings = [w.message for w in change.new_warnings]
    text = change.done + (f" À vérifier : {' ; '.join(warnings)}." if warnings else "")
    return saved(
        request,
        f"/salaries/{stem}#{anchor}",
        text,
        f"/salaries/{stem}/dossier.pdf",
        "Voir le dossier à jour (PDF)",
    )


def refusal(exc: PortfolioError) -> str:
    """Why the application refused a write, for the form's summary: a refused change says its
    problems themselves (their line numbers point into a text that was never written)."""
    if isinstance(exc, ChangeRefused):
        reasons = " ; ".join(problem.message for problem in exc.problems)
        return f"la saisie est refusée : {reasons}. Rien n'a été écrit."
    if isinstance(exc, WorkerFileHasErrors):
        reasons = " ; ".join(issue.message for issue in exc.issues)
        return (
            f"la fiche de ce salarié contient des erreurs à corriger d'abord (page Vérification) "
            f": {reasons}. Rien n'a été écrit."
        )
    return str(exc)
