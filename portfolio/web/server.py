"""`portfolio serve`: the Starlette application and how it runs (SPEC §11).

The application only parses requests, asks the application layer (`portfolio.app`) and presents
its answers through the Jinja2 environment the documents use (autoescape, StrictUndefined).
Pages are plain HTML forms and links: everything works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from itsdangerous import BadSignature, TimestampSigner
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from portfolio.app.live import LiveWorkspace
from portfolio.app.uploads import UploadStore
from portfolio.issues import PortfolioError
from portfolio.model.accounts import Account
from portfolio.render.environment import jinja_environment
from portfolio.resources import templates_dir
from portfolio.secret import session_key
from portfolio.web.security import (
    SESSION_COOKIE,
    SESSION_HOURS,
    SecurityHeaders,
    Sessions,
    Throttle,
)

STATIC_MAX_AGE = 365 * 24 * 3600


@dataclass
class WebState:
    """What every request shares: the live workspace, sessions, the login throttle."""

    live: LiveWorkspace
    https: bool
    signer: TimestampSigner
    today: Callable[[], dt.date] = dt.date.today
    sessions: Sessions = field(default_factory=Sessions)
    uploads: UploadStore = field(default_factory=UploadStore)
    """Timesheets uploaded to /import, waiting for their confirmation."""
    throttle: Throttle = field(default_factory=Throttle)
    static_version: str = ""
    accounts: tuple[object, dict[str, Account]] | None = None
    """The accounts last read, with the signature of `users.yaml` they were read from."""


class LongCachedStatic(StaticFiles):
    """The stylesheet and fonts, cached a year: their URLs carry the files' hash (`?v=`)."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["cache-control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        return response


def static_folder() -> Path:
    return templates_dir() / "web" / "static"


def _static_version() -> str:
    digest = hashlib.sha256()
    for file in sorted(static_folder().rglob("*")):
        if file.is_file():
            digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:12]


def state_of(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def session_id(request: Request) -> str | None:
    """The session id from the signed cookie, None when absent, forged or too old."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return state_of(request).signer.unsign(cookie, max_age=SESSION_HOURS * 3600).decode()
    except BadSignature:
        return None


def set_session_cookie(response: Response, request: Request, sid: str) -> None:
    state = state_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.sign(sid).decode(),
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=state.https,
        path="/",
    )


def render_page(
    request: Request, template: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    state = state_of(request)
    session = state.sessions.get(getattr(request.state, "sid", None))
    notice = session.take_notice() if session is not None else None
    html = (
        jinja_environment()
        .get_template(f"web/{template}")
        .render(
            request_path=request.url.path,
            static_version=state.static_version,
            account=getattr(request.state, "account", None),
            csrf_token=getattr(request.state, "csrf", ""),
            notice=notice,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers={"cache-control": "no-store"})


ERROR_TITLES = {
    400: "Demande incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non permise",
    409: "Conflit",
    413: "Envoi trop volumineux",
    429: "Trop de tentatives",
    500: "Erreur du serveur",
}
ERROR_TEXTS = {
    403: "Cette page n'est pas ouverte à votre compte.",
    404: "Cette adresse ne correspond à aucune page que vous pouvez voir.",
    405: "Cette adresse ne s'utilise pas ainsi.",
    500: "Le serveur n'a pas pu répondre. Réessayez ; si cela se reproduit, prévenez la "
    "personne qui administre le serveur.",
}


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    text = detail if detail and detail != _default_phrase(status) else ERROR_TEXTS.get(status, "")
    return render_page(
        request,
        "error.html.j2",
        status_code=status,
        title=ERROR_TITLES.get(status, "Erreur"),
        text=text[:1].upper() + text[1:],
    )


def _default_phrase(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def create_app(
    root: Path,
    *,
    https: bool = False,
    today: Callable[[], dt.date] = dt.date.today,
    secret: str | None = None,
) -> Starlette:
    """The web application over the workspace at `root`. `https`: the app is reached through a
    TLS proxy (session cookie marked Secure)."""
    from portfolio.web import (
        entry_edit,
        import_page,
        observation_form,
        pages,
        placement_form,
        training_form,
        worker_form,
    )

    routes = [
        Route("/connexion", pages.login_form, methods=["GET"]),
        Route("/connexion", pages.login, methods=["POST"]),
        Route("/deconnexion", pages.logout, methods=["POST"]),
        Route("/", pages.dashboard),
        *worker_form.ROUTES,
        Route("/salaries/{worker_id}", pages.worker_page),
        *training_form.ROUTES,
        *observation_form.ROUTES,
        *placement_form.ROUTES,
        *entry_edit.ROUTES,
        *import_page.ROUTES,
        Route("/salaries/{worker_id}/{doc}.{fmt}", pages.worker_document),
        Route(
            "/salaries/{worker_id}/missions/{placement}/lien-tuteur",
            pages.tutor_link_make,
            methods=["POST"],
        ),
        Route(
            "/salaries/{worker_id}/liens-tuteur/{link}/annuler",
            pages.tutor_link_revoke,
            methods=["POST"],
        ),
        Route("/salaries/{worker_id}/lien-personnel", pages.worker_link_make, methods=["POST"]),
        Route(
            "/salaries/{worker_id}/liens-personnels/{link}/annuler",
            pages.worker_link_revoke,
            methods=["POST"],
        ),
        Route("/mon-dossier/{token}", pages.personal_dossier),
        Route("/mon-dossier/{token}/dossier.pdf", pages.personal_dossier_pdf),
        Route("/tuteur/merci", pages.tutor_thanks),
        Route("/tuteur/{token}", pages.tutor_form, methods=["GET"]),
        Route("/tuteur/{token}", pages.tutor_submit, methods=["POST"]),
        Route("/organismes/{body}", pages.coverage_page),
        Route("/organismes/{body}/couverture.{fmt}", pages.coverage_file),
        Route("/programme", pages.programme_page),
        Route("/programme/rapport.{fmt}", pages.programme_file),
        Route("/verification", pages.check_page),
        Mount("/static", LongCachedStatic(directory=static_folder()), name="static"),
        Mount("/polices", LongCachedStatic(directory=templates_dir() / "assets" / "fonts")),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(pages.Authentication)],
        exception_handlers={HTTPException: http_error, Exception: http_error},
    )
    app.state.web = WebState(
        live=LiveWorkspace(root),
        https=https,
        signer=TimestampSigner(secret or session_key(), salt="portfolio-session"),
        today=today,
        static_version=_static_version(),
    )
    return app


def require_free_port(host: str, port: int) -> None:
    """Say in French, before starting, that the address cannot be used (uvicorn would log it
    in English and stop)."""
    import socket

    try:
        families = {info[0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except OSError as exc:
        raise PortfolioError(
            f"adresse d'écoute « {host} » inconnue : écrivez une adresse IP (127.0.0.1) ou un "
            "nom de cette machine avec --host",
            exit_code=2,
        ) from exc
    for family in families:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except PermissionError as exc:
                raise PortfolioError(
                    f"impossible d'écouter sur {host}:{port} : droit refusé (les ports sous 1024 "
                    "demandent les droits d'administration) ; choisissez un port plus grand avec "
                    "--port, derrière un proxy"
                ) from exc
            except OSError as exc:
                raise PortfolioError(
                    f"impossible d'écouter sur {host}:{port} : le port est déjà utilisé (un autre "
                    "« portfolio serve » ?) ou l'adresse n'est pas celle de cette machine ; "
                    "choisissez un autre port avec --port, ou arrêtez l'autre serveur"
                ) from exc


def serve(root: Path, host: str, port: int, https: bool, announce: Callable[[str], None]) -> None:
    """Run the server until Ctrl-C."""
    import uvicorn

    app = create_app(root, https=https)
    require_free_port(host, port)
    from portfolio.web.views import warm_up

    state: WebState = app.state.web
    threading.Thread(target=warm_up, args=(state.live, state.today()), daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    announce(f"Interface web : http://{shown}:{port}/ (Ctrl-C pour arrêter)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=https,
        forwarded_allow_ips="127.0.0.1" if https else None,
    )
