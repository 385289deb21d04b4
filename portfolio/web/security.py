"""Sessions, CSRF tokens, login throttling and security headers of the web interface.

Sessions live on the server (a random id in a signed, HttpOnly, SameSite=Lax cookie): logging out
or removing an account ends them at once, which a cookie holding the session itself could not do.
A restart logs everyone out, which a small team accepts.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "portfolio_session"
SESSION_HOURS = 10
"""A working day: a session opened in the morning lasts until the evening."""
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""No inline script anywhere; inline styles only because the documents' HTML (the same file as
the printed dossier) carries its stylesheet and pictograms inline."""

SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


@dataclass(frozen=True)
class Notice:
    """What the page after a save says once: what was recorded, and a link to see its effect."""

    text: str
    link: str | None = None
    link_text: str | None = None


@dataclass
class Session:
    login: str
    csrf: str
    expires: float
    notice: Notice | None = None

    def take_notice(self) -> Notice | None:
        """The notice left by the last save, shown on the next page only."""
        notice, self.notice = self.notice, None
        return notice


@dataclass
class Sessions:
    """Open sessions by id, and the CSRF tokens of visitors not yet logged in."""

    clock: Callable[[], float] = time.monotonic
    _open: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, login: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._open[sid] = Session(
                login, secrets.token_urlsafe(32), self.clock() + SESSION_HOURS * 3600
            )
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            session = self._open.get(sid)
            if session is not None and session.expires < self.clock():
                del self._open[sid]
                return None
            return session

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._open.pop(sid or "", None)

    def close_all(self, login: str) -> None:
        """End every session of an account (removed, or its password changed)."""
        with self._lock:
            for sid in [s for s, session in self._open.items() if session.login == login]:
                del self._open[sid]


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


@dataclass
class Throttle:
    """Failed logins per login name and per address: after `MAX_FAILURES` within the window,
    every attempt is refused until the window has passed since the last failure, whether the
    login exists or not."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW_SECONDS]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def wait_seconds(self, *keys: str) -> int:
        """0 when an attempt may be made, else how long to wait."""
        now = self.clock()
        with self._lock:
            waits = [
                FAILURE_WINDOW_SECONDS - (now - recent[-1])
                for key in keys
                if len(recent := self._recent(key, now)) >= MAX_FAILURES
            ]
        return max((int(w) + 1 for w in waits), default=0)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class SecurityHeaders:
    """Adds the security headers to every response, pages, files and errors alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
