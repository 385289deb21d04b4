"""The new worker form (SPEC §11 `/salaries/nouveau`): the same file as `portfolio worker new`,
with the worker's consent asked explicitly, since no worker file is made without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portfolio.app import access
from portfolio.app.recording import Change, Recording, add_worker, parse_worker_id
from portfolio.french import InputError, fr_date
from portfolio.issues import PortfolioError
from portfolio.model.accounts import Account
from portfolio.web.forms import Choice, judge_field, read_date, read_text, recorded, refusal
from portfolio.web.pages import account, form_values, posted_form, snapshot, today
from portfolio.web.server import render_page

PATH = "/salaries/nouveau"
RESERVED_IDS = frozenset({"nouveau"})
"""Ids that would name a page instead of a worker: /salaries/nouveau is this form."""
MAX_WORKER_ID = 60
"""A worker id names a file: longer ones are refused before the file system does it badly."""
MAX_FIELDS = 100
"""A few text fields and one checkbox per référentiel a worker may aim at."""
CONSENT_GIVEN = "oui"


@dataclass
class WorkerForm:
    """The new worker form: what it offers, what was typed, what was refused."""

    associations: tuple[Choice, ...]
    association_fixed: Choice | None
    """A counselor's own association, which a worker they create belongs to (no choice)."""
    counselors: tuple[Choice, ...]
    targets: tuple[Choice, ...]
    suggested_id: str
    """The next neutral id (w-0043), which the hint recommends."""
    values: dict[str, str] = field(default_factory=dict)
    chosen_targets: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def worker_form(
    rec: Recording,
    user: Account,
    values: Mapping[str, str] | None = None,
    targets: Sequence[str] = (),
) -> WorkerForm:
    """The empty form (a neutral id, today as the consent's date), or the one a refused POST
    re-shows with what was typed."""
    typed = dict(values or {})
    suggested = rec.suggest_worker_id()
    if not values:
        typed["id"] = suggested
        typed["consent_date"] = fr_date(rec.today)
        typed["association"] = rec.default_association() or ""
    names = dict(rec.association_options())
    fixed = access.new_worker_association(user)
    if fixed is not None:
        typed["association"] = fixed
    association = typed.get("association") or None
    known = [association] if association in names else list(names)
    counselors = {
        name: Choice(name, label if association in names else f"{label} ({names[a]})")
        for a in known
        for name, label in rec.counselor_options(a)
    }
    return WorkerForm(
        associations=tuple(Choice(v, label) for v, label in rec.association_options()),
        association_fixed=Choice(fixed, names.get(fixed, fixed)) if fixed is not None else None,
        counselors=tuple(counselors.values()),
        targets=tuple(Choice(v, label) for v, label in rec.target_options()),
        suggested_id=suggested,
        values=typed,
        chosen_targets=tuple(targets),
    )


@dataclass(frozen=True)
class WorkerInput:
    """A judged new worker form: the file to create."""

    ident: str
    first_name: str
    last_name: str
    association: str
    counselor: str | None
    targets: list[str]
    consent_date: dt.date


def read_new_id(rec: Recording, text: str) -> str:
    """The id of the new file: the id pattern of SPEC §4, not a page's name, not taken yet."""
    if not text.strip():
        raise InputError(f"écrivez un identifiant, par exemple {rec.suggest_worker_id()}")
    if len(text.strip()) > MAX_WORKER_ID:
        raise InputError(f"l'identifiant : {MAX_WORKER_ID} caractères au plus")
    ident = parse_worker_id(text)
    if ident in RESERVED_IDS:
        raise InputError(
            f"« {ident} » est réservé par l'interface : choisissez un autre identifiant, "
            f"par exemple {rec.suggest_worker_id()}"
        )
    return rec.require_new_worker_id(ident)


def read_association(rec: Recording, user: Account, text: str) -> str:
    fixed = access.new_worker_association(user)
    if fixed is not None:
        return fixed
    if not text.strip():
        raise InputError("choisissez l'association qui emploie le salarié")
    return rec.require_association(text)


def read_targets(rec: Recording, chosen: Sequence[str]) -> list[str]:
    if not chosen:
        raise InputError("cochez au moins une certification visée")
    if any(len(target) > MAX_WORKER_ID for target in chosen):
        raise InputError("certification inconnue : cochez-en une dans la liste")
    return [rec.require_target(target) for target in dict.fromkeys(chosen)]


def read_consent(value: str) -> bool:
    if value != CONSENT_GIVEN:
        raise InputError(
            "sans le consentement du salarié, sa fiche ne peut pas être créée : expliquez-lui "
            "ce qui sera noté, puis cochez la case s'il est d'accord"
        )
    return True


def read_consent_date(rec: Recording, text: str) -> dt.date:
    day = read_date(text, "la date du consentement")
    if day > rec.today:
        raise InputError(
            f"le consentement est daté du {fr_date(day)}, après aujourd'hui : écrivez le jour "
            "où le salarié a donné son accord"
        )
    return day


def read_worker(rec: Recording, user: Account, form: WorkerForm) -> WorkerInput | None:
    """Judge every field (all of them, so that every refusal shows at once); None when one is
    refused, with `form.errors` saying why, next to each field."""
    values, errors = form.values, form.errors
    ident = judge_field(errors, "id", lambda: read_new_id(rec, values.get("id", "")))
    first = judge_field(
        errors, "first_name", lambda: read_text(values.get("first_name", ""), "le prénom")
    )
    last = judge_field(
        errors, "last_name", lambda: read_text(values.get("last_name", ""), "le nom ou l'initiale")
    )
    association = judge_field(
        errors, "association", lambda: read_association(rec, user, values.get("association", ""))
    )
    counselor = judge_field(
        errors,
        "counselor",
        lambda: (
            read_text(values["counselor"], "le nom du conseiller")
            if values.get("counselor", "").strip()
            else None
        ),
    )
    targets = judge_field(errors, "targets", lambda: read_targets(rec, form.chosen_targets))
    judge_field(errors, "consent", lambda: read_consent(values.get("consent", "")))
    day = judge_field(
        errors, "consent_date", lambda: read_consent_date(rec, values.get("consent_date", ""))
    )
    if errors:
        return None
    return WorkerInput(ident, first, last, association, counselor, targets, day)  # type: ignore[arg-type]


def save_worker(rec: Recording, judged: WorkerInput, login: str) -> Change:
    """Create the worker's file, consent given, with one journal line signed by `login`."""
    return add_worker(
        rec,
        ident=judged.ident,
        first_name=judged.first_name,
        last_name=judged.last_name,
        association=judged.association,
        counselor=judged.counselor,
        targets=judged.targets,
        consent=True,
        consent_date=judged.consent_date,
        actor=login,
    )


def _recording(request: Request) -> Recording:
    """The server's workspace, kept loaded, to create a worker in, for an account that may
    (403 for a trainer); the write itself checks the file system again, under the lock."""
    if not access.records_workers(account(request)):
        raise HTTPException(
            403,
            "Un organisme de formation n'inscrit pas de salarié : l'association le fait, puis "
            "vous donne son identifiant.",
        )
    return Recording(snapshot(request).ws, today(request))


async def worker_page(request: Request) -> Response:
    rec = await run_in_threadpool(_recording, request)
    form = worker_form(rec, account(request))
    return render_page(request, "worker_form.html.j2", title="Inscrire un salarié", form=form)


async def worker_post(request: Request) -> Response:
    posted = await posted_form(request, request.state.csrf, MAX_FIELDS)
    rec = await run_in_threadpool(_recording, request)
    user = account(request)
    targets = [v for v in posted.getlist("targets") if isinstance(v, str)]
    values = {k: v for k, v in form_values(posted).items() if k != "targets"}
    form = worker_form(rec, user, values, targets)
    judged = read_worker(rec, user, form)
    if judged is not None:
        try:
            change = await run_in_threadpool(save_worker, rec, judged, user.login)
        except PortfolioError as exc:
            # Someone may have created a file of this id since it was judged: said at the id.
            free = judge_field(form.errors, "id", lambda: rec.require_new_worker_id(judged.ident))
            if free is not None:
                form.errors["enregistrement"] = refusal(exc)
        else:
            return recorded(request, judged.ident, "missions", change)
    return render_page(
        request,
        "worker_form.html.j2",
        status_code=400,
        title="Inscrire un salarié — à corriger",
        form=form,
    )


ROUTES = [
    Route(PATH, worker_page, methods=["GET"]),
    Route(PATH, worker_post, methods=["POST"]),
]
