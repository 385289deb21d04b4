"""The pages of `portfolio serve` (SPEC §11): each parses its request, asks the application
layer, and lays out the answer; scoping by role happens before any worker is read."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Callable

from itsdangerous import BadSignature
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER
from starlette.types import ASGIApp, Receive, Scope, Send

from portfolio.app import access, tutor_links, worker_links
from portfolio.app.accounts import authenticate, load_accounts
from portfolio.app.live import Snapshot
from portfolio.french import fold
from portfolio.issues import PortfolioError
from portfolio.model.accounts import Account
from portfolio.model.workspace import Worker
from portfolio.resources import USERS_FILE
from portfolio.web import views
from portfolio.web.security import Notice, same_token
from portfolio.web.server import render_page, session_id, set_session_cookie, state_of

PUBLIC_PREFIXES = ("/connexion", "/static/", "/polices/", "/tuteur/", "/mon-dossier/")
PAGE_SIZE = 50
MAX_FORM_BYTES = 64 * 1024
"""The login form is two short fields: anything larger is refused before it is parsed."""
MAX_OBSERVATION_FIELDS = 400
"""An observation form holds one radio group per competency of the worker's référentiels."""


class Authentication:
    """Every page but the public ones needs a session: without one, 303 to /connexion. The
    account is looked up on each request, so that a removed account is logged out at once.
    (A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` costs a task and a stream per
    request.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = state_of(request)
        sid = session_id(request)
        session = state.sessions.get(sid)
        account = None
        if session is not None:
            account = _accounts(request).get(session.login)
            if account is None:
                state.sessions.close(sid)
        request.state.account = account
        request.state.csrf = session.csrf if account and session else ""
        request.state.sid = sid if account else None
        if account is None and not request.url.path.startswith(PUBLIC_PREFIXES):
            response = RedirectResponse("/connexion", status_code=HTTP_303_SEE_OTHER)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _accounts(request: Request) -> dict[str, Account]:
    """The accounts, read again only when `users.yaml` changed; a broken file logs everyone
    out until it is fixed (`portfolio check` says what is wrong)."""
    state = state_of(request)
    file = state.live.root / USERS_FILE
    try:
        stat = file.stat()
        signature: object = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        signature = None
    if state.accounts is not None and state.accounts[0] == signature:
        return state.accounts[1]
    try:
        accounts = load_accounts(state.live.root)
    except PortfolioError:
        accounts = {}
    state.accounts = (signature, accounts)
    return accounts


def account(request: Request) -> Account:
    found: Account | None = request.state.account
    if found is None:  # the middleware let a public page through
        raise HTTPException(404)
    return found


def today(request: Request) -> dt.date:
    return state_of(request).today()


def snapshot(request: Request) -> Snapshot:
    return state_of(request).live.current()


async def posted_form(request: Request, csrf: str, max_fields: int = 20) -> FormData:
    """The form of a POST, after checking its size and its CSRF token (403 without)."""
    length = request.headers.get("content-length")
    if length is not None and (
        not (length.isascii() and length.isdigit()) or int(length) > MAX_FORM_BYTES
    ):
        raise HTTPException(413, "Ce formulaire est trop volumineux.")
    form = await request.form(max_files=0, max_fields=max_fields, max_part_size=MAX_FORM_BYTES)
    token = form.get("csrf_token")
    if not same_token(token if isinstance(token, str) else None, csrf):
        raise HTTPException(
            403, "Formulaire expiré ou venu d'ailleurs : rechargez la page et recommencez."
        )
    return form


def form_values(posted: FormData) -> dict[str, str]:
    """The posted text fields but the CSRF token (a field sent twice keeps its last value)."""
    return {k: v for k, v in posted.multi_items() if isinstance(v, str) and k != "csrf_token"}


def saved(
    request: Request, location: str, text: str, link: str | None = None, link_text: str = ""
) -> RedirectResponse:
    """The 303 after a successful POST (SPEC §11); the next page says `text` once, with a link
    to see the change (the updated dossier)."""
    session = state_of(request).sessions.get(request.state.sid)
    if session is not None:
        session.notice = Notice(text, link, link_text or None)
    return RedirectResponse(location, status_code=HTTP_303_SEE_OTHER)


# --- login ---------------------------------------------------------------------------------------

LOGIN_CSRF_COOKIE = "portfolio_login"
VISITOR_TOKEN_SECONDS = 12 * 3600
"""How long a form opened without a session (login, tutor's grid) may wait before it is sent."""


def _login_csrf(request: Request) -> str:
    """Before logging in there is no session: the login form's token is a signed random value
    in its own cookie (double submit), checked against the hidden field."""
    return _visitor_csrf(request, LOGIN_CSRF_COOKIE)


def _visitor_csrf(request: Request, cookie_name: str) -> str:
    """The token of a visitor without a session (login form, tutor's form), from its cookie."""
    state = state_of(request)
    cookie = request.cookies.get(cookie_name, "")
    try:
        return state.signer.unsign(cookie, max_age=VISITOR_TOKEN_SECONDS).decode() if cookie else ""
    except BadSignature:
        return ""


def _visitor_page(
    request: Request, cookie: str, path: str, template: str, status: int, **context: object
) -> Response:
    """A form page for a visitor without a session: its CSRF token (kept from their cookie, or
    new) in the hidden field and, signed, in a cookie limited to `path` (double submit)."""
    token = _visitor_csrf(request, cookie) or secrets.token_urlsafe(32)
    request.state.csrf = token
    response = render_page(request, template, status_code=status, **context)
    state = state_of(request)
    response.set_cookie(
        cookie,
        state.signer.sign(token).decode(),
        max_age=VISITOR_TOKEN_SECONDS,
        httponly=True,
        samesite="lax",
        secure=state.https,
        path=path,
    )
    return response


def _login_page(request: Request, status: int = 200, error: str = "", login: str = "") -> Response:
    return _visitor_page(
        request,
        LOGIN_CSRF_COOKIE,
        "/connexion",
        "login.html.j2",
        status,
        error=error,
        login=login,
        title="Connexion",
    )


async def login_form(request: Request) -> Response:
    if request.state.account is not None:
        return RedirectResponse("/", status_code=HTTP_303_SEE_OTHER)
    return _login_page(request)


async def login(request: Request) -> Response:
    form = await posted_form(request, _login_csrf(request))
    login_name = str(form.get("login") or "").strip()[:80]
    password = str(form.get("password") or "")[:1024]
    state = state_of(request)
    address = request.client.host if request.client else "?"
    keys = (f"login:{fold(login_name)}", f"address:{address}")
    wait = state.throttle.wait_seconds(*keys)
    if wait:
        minutes = math.ceil(wait / 60)
        return _login_page(
            request,
            429,
            f"Trop de tentatives : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}.",
            login_name,
        )
    found = await run_in_threadpool(authenticate, state.live.root, login_name, password)
    if found is None:
        state.throttle.failed(*keys)
        return _login_page(request, 200, "Identifiant ou mot de passe incorrect.", login_name)
    state.throttle.succeeded(*keys)
    state.sessions.close(session_id(request))
    response = RedirectResponse("/", status_code=HTTP_303_SEE_OTHER)
    set_session_cookie(response, request, state.sessions.open(found.login))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/connexion")
    return response


async def logout(request: Request) -> Response:
    await posted_form(request, request.state.csrf)
    state_of(request).sessions.close(request.state.sid)
    response = RedirectResponse("/connexion", status_code=HTTP_303_SEE_OTHER)
    response.delete_cookie("portfolio_session", path="/")
    return response


# --- reading pages ------------------------------------------------------------------------------


async def dashboard(request: Request) -> Response:
    """Served on the event loop, not in a thread: everything it needs is kept computed (the
    rows, warmed at start), and a thread hop costs more than the page."""
    user = account(request)
    snap = snapshot(request)
    if user.role == access.TRAINER:
        return render_page(
            request,
            "trainer_home.html.j2",
            title="Accueil",
            view=views.trainer_home(snap, user, today(request)),
        )
    query = request.query_params.get("q", "")[:100]
    page = _page_number(request)
    view = views.dashboard(snap, user, today(request), query, page, PAGE_SIZE)
    return render_page(request, "dashboard.html.j2", title="Mes salariés", view=view)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def visible_worker(request: Request, snap: Snapshot) -> tuple[str, Worker]:
    """The worker named in the path (their file's stem), if the account may see them;
    otherwise 404, the same answer as for a worker that does not exist."""
    stem = request.path_params["worker_id"]
    worker = snap.ws.workers.get(stem)
    if worker is None or not access.sees_worker(account(request), worker):
        raise HTTPException(404)
    return stem, worker


async def worker_page(request: Request) -> Response:
    """On the event loop, like the dashboard: the page is kept computed per file version."""
    snap = snapshot(request)
    stem, worker = visible_worker(request, snap)
    view = views.worker_page(snap, stem, today(request))
    links = tutor_links.links_of(snap.ws.root, stem)
    return render_page(
        request,
        "worker.html.j2",
        title=worker.display_name,
        view=view,
        links=links,
        personal_links=worker_links.links_of(snap.ws.root, stem),
        personal_days=worker_links.WORKER_LINK_DAYS,
        today=today(request),
    )


def worker_document(request: Request) -> Response:
    doc, fmt = request.path_params["doc"], request.path_params["fmt"]
    snap = snapshot(request)
    stem, worker = visible_worker(request, snap)
    if doc not in ("dossier", "portfolio") or fmt not in ("pdf", "html"):
        raise HTTPException(404)
    if worker.consent is None or not worker.consent.given:
        raise HTTPException(
            403,
            f"Aucun document pour {worker.display_name} : son consentement au traitement de "
            "ses données n'est pas enregistré. Recueillez-le, puis inscrivez-le dans sa fiche.",
        )
    content = views.worker_document(snap, stem, doc, fmt, today(request))
    return _document_response(content, fmt, f"{stem}-{doc}.{fmt}")


def _document_response(content: bytes | str, fmt: str, name: str) -> Response:
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return Response(
        content,
        media_type=media,
        headers={
            "content-disposition": f'inline; filename="{name}"',
            "cache-control": "private, no-store",
        },
    )


def visible_body(request: Request, snap: Snapshot) -> str:
    body = request.path_params["body"]
    known = {cat.body.id for cat in snap.ws.catalogs}
    if body not in known or not access.sees_body(account(request), body):
        raise HTTPException(404)
    return body


def coverage_page(request: Request) -> Response:
    snap = snapshot(request)
    body = visible_body(request, snap)
    view = views.coverage_page(snap, body, today(request))
    return render_page(request, "coverage.html.j2", title=view.title, view=view)


def coverage_file(request: Request) -> Response:
    snap = snapshot(request)
    body = visible_body(request, snap)
    fmt = request.path_params["fmt"]
    if fmt not in ("pdf", "html"):
        raise HTTPException(404)
    content = views.coverage_file(snap, body, fmt, today(request))
    return _document_response(content, fmt, f"couverture-{body}.{fmt}")


def _require_programme(request: Request) -> None:
    if not access.sees_programme(account(request)):
        raise HTTPException(403, "Le rapport du programme est réservé à la fédération.")


def programme_page(request: Request) -> Response:
    _require_programme(request)
    view = views.programme_page(snapshot(request), today(request))
    return render_page(request, "programme.html.j2", title="Rapport du programme", view=view)


def programme_file(request: Request) -> Response:
    _require_programme(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("pdf", "html"):
        raise HTTPException(404)
    content = views.programme_file(snapshot(request), fmt, today(request))
    return _document_response(content, fmt, f"rapport-programme.{fmt}")


def check_page(request: Request) -> Response:
    user = account(request)
    view = views.check_page(snapshot(request), user, today(request))
    return render_page(request, "check.html.j2", title="Vérification", view=view)


# --- tutor links --------------------------------------------------------------------------------

TUTOR_CSRF_COOKIE = "portfolio_tuteur"
LINK_ERROR_STATUS = {
    tutor_links.LinkInvalid: 404,
    tutor_links.LinkExpired: 410,
    tutor_links.LinkUsed: 410,
    tutor_links.LinkRevoked: 410,
}


async def tutor_link_make(request: Request) -> Response:
    """A counselor makes a link for one placement; the answer shows it (SPEC §11)."""
    await posted_form(request, request.state.csrf)
    snap = snapshot(request)
    stem, worker = visible_worker(request, snap)
    placement = request.path_params["placement"]
    try:
        link = await run_in_threadpool(
            tutor_links.make_link,
            snap.ws.root,
            stem,
            placement,
            actor=account(request).login,
            today=today(request),
        )
    except PortfolioError as exc:
        raise HTTPException(409, str(exc)) from exc
    return render_page(
        request,
        "tutor_link.html.j2",
        title="Lien pour le tuteur",
        worker_id=stem,
        worker_name=worker.display_name,
        link=link.record,
        url=link.url(str(request.base_url)),
    )


async def _revoked(request: Request, revoke: Callable[..., object]) -> str:
    """A link of a worker the account sees, revoked by the account (tutor's or worker's link);
    the worker's file stem."""
    await posted_form(request, request.state.csrf)
    snap = snapshot(request)
    stem, _ = visible_worker(request, snap)
    try:
        await run_in_threadpool(
            revoke,
            snap.ws.root,
            request.path_params["link"],
            account(request).login,
            worker=stem,
            today=today(request),
        )
    except PortfolioError as exc:
        raise HTTPException(409, str(exc)) from exc
    return stem


async def tutor_link_revoke(request: Request) -> Response:
    """A counselor closes a link before it is used (from the worker page)."""
    stem = await _revoked(request, tutor_links.revoke_link)
    return RedirectResponse(f"/salaries/{stem}#missions", status_code=HTTP_303_SEE_OTHER)


def _tutor_failure(request: Request, exc: tutor_links.LinkError) -> Response:
    status = LINK_ERROR_STATUS.get(type(exc), 409)
    return render_page(
        request, "error.html.j2", status_code=status, title="Lien du tuteur", text=str(exc)
    )


def _tutor_page(
    request: Request, form: tutor_links.TutorForm, values: dict[str, str], errors: dict[str, str]
) -> Response:
    return _visitor_page(
        request,
        TUTOR_CSRF_COOKIE,
        "/tuteur",
        "tutor_form.html.j2",
        400 if errors else 200,
        title="Grille d'observation",
        form=form,
        values=values,
        errors=errors,
        action=request.url.path,
    )


async def tutor_form(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        form = await run_in_threadpool(
            tutor_links.open_link, state_of(request).live.root, token, today(request)
        )
    except tutor_links.LinkError as exc:
        return _tutor_failure(request, exc)
    values = {"by": form.tutor or ""}
    return _tutor_page(request, form, values, {})


async def tutor_submit(request: Request) -> Response:
    posted = await posted_form(
        request, _visitor_csrf(request, TUTOR_CSRF_COOKIE), MAX_OBSERVATION_FIELDS
    )
    values = form_values(posted)
    root, token, day = state_of(request).live.root, request.path_params["token"], today(request)
    try:
        form = await run_in_threadpool(tutor_links.open_link, root, token, day)
        levels = tutor_links.parse_levels(values)
        await run_in_threadpool(
            tutor_links.submit_grid,
            root,
            token,
            levels,
            values.get("note"),
            values.get("by", ""),
            day,
        )
    except tutor_links.LinkError as exc:
        return _tutor_failure(request, exc)
    except tutor_links.GridInvalid as exc:
        return _tutor_page(request, form, values, exc.fields)
    return RedirectResponse("/tuteur/merci", status_code=HTTP_303_SEE_OTHER)


async def tutor_thanks(request: Request) -> Response:
    return render_page(request, "tutor_thanks.html.j2", title="Merci")


# --- workers' personal links --------------------------------------------------------------------

PERSONAL_LINK_STATUS = {
    worker_links.WorkerLinkInvalid: 404,
    worker_links.WorkerLinkExpired: 410,
    worker_links.WorkerLinkRevoked: 410,
}
PERSONAL_HEADERS = {
    "cache-control": "private, no-store",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "noindex, nofollow",
}
"""The worker's dossier is kept by no cache, its address (the token) is sent to no other page,
and no search engine lists it."""


async def worker_link_make(request: Request) -> Response:
    """A counselor (or the federation) makes a worker's personal link; the answer shows it, as
    an address and a QR code, and offers the dossier printed with it."""
    await posted_form(request, request.state.csrf)
    snap = snapshot(request)
    stem, worker = visible_worker(request, snap)
    try:
        link = await run_in_threadpool(
            worker_links.make_link,
            snap.ws.root,
            stem,
            actor=account(request).login,
            today=today(request),
        )
    except PortfolioError as exc:
        raise HTTPException(409, str(exc)) from exc
    printed = worker_links.printed_link(link, str(request.base_url))
    return render_page(
        request,
        "worker_link.html.j2",
        title="Lien personnel du salarié",
        worker_id=stem,
        worker_name=worker.display_name,
        first_name=worker.first_name,
        link=link,
        printed=printed,
    )


async def worker_link_revoke(request: Request) -> Response:
    """A counselor closes a worker's link (a lost paper, a phone that changed hands)."""
    stem = await _revoked(request, worker_links.revoke_link)
    return saved(
        request,
        f"/salaries/{stem}#lien-personnel",
        "Lien personnel annulé : il n'ouvre plus le dossier.",
    )


def _personal_document(request: Request, fmt: str) -> bytes | str:
    """The dossier a personal link opens, at the server's date: the web page, or the PDF with
    the link printed on it as a QR code. A WorkerLinkError says why not."""
    day = today(request)
    link = worker_links.open_link(state_of(request).live.root, request.path_params["token"], day)
    snap = snapshot(request)
    stem = worker_links.linked_worker(snap.ws, link).id
    if fmt == "html":
        return views.personal_dossier_page(snap, stem, day, link)
    printed = worker_links.printed_link(link, str(request.base_url))
    return views.worker_document(snap, stem, "dossier", "pdf", day, dossier_link=printed)


async def _personal_answer(request: Request, fmt: str) -> Response:
    try:
        content = await run_in_threadpool(_personal_document, request, fmt)
    except worker_links.WorkerLinkError as exc:
        response = render_page(
            request,
            "worker_link_refused.html.j2",
            status_code=PERSONAL_LINK_STATUS.get(type(exc), 409),
            title="Mon dossier",
            text=str(exc),
        )
        response.headers["x-robots-tag"] = PERSONAL_HEADERS["x-robots-tag"]
        return response
    if fmt == "html":
        return Response(content, media_type="text/html; charset=utf-8", headers=PERSONAL_HEADERS)
    return Response(
        content,
        media_type="application/pdf",
        headers={**PERSONAL_HEADERS, "content-disposition": 'inline; filename="mon-dossier.pdf"'},
    )


async def personal_dossier(request: Request) -> Response:
    """`/mon-dossier/<token>`: the worker's dossier as a web page, no account needed."""
    return await _personal_answer(request, "html")


async def personal_dossier_pdf(request: Request) -> Response:
    """`/mon-dossier/<token>/dossier.pdf`: the same dossier to print, with the link's QR code."""
    return await _personal_answer(request, "pdf")
