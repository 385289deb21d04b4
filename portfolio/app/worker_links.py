"""Workers' personal links (issue 20): a counselor gives a worker a read-only link to their own
dossier, to read it on a phone; the paper dossier prints the link as a QR code.

The link is `/mon-dossier/<token>`, made like a tutor's link (`portfolio.app.tutor_links`): the
token is signed with the same key kept out of the workspace (`portfolio.secret.link_key`) under a
salt of its own, so that a tutor's token never opens a dossier (nor the reverse), and carries a
random link id, nothing else: not even the worker's id, since the address ends up in the proxy's
logs, in the phone's history and on paper. Each link has its record,
`worker-links/<link id>.json` in the workspace: when it was made and by whom, for which worker,
and its state (open, or revoked by a counselor). The records hold no secret: a copied workspace
carries no link it could not already forge. Opening a link writes nothing: the worker may read
their dossier as often as they like.

The expiry, 90 days counted from the record's creation date, follows the worker's follow-up: the
counselor prints the dossier at a follow-up meeting, about once a quarter, and the next meeting
prints a new dossier with a new link. A paper dossier lost or thrown away therefore opens the
dossier three months at most, and the counselor can revoke the link sooner from the worker page.

Consent (SPEC §10): no link is made for a worker whose consent is not recorded, and an open link
shows nothing once it is withdrawn. The messages of a link that does not open are for the worker,
who may read little: short sentences, no code, no worker data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from itsdangerous import BadData, URLSafeSerializer

from portfolio.app.link_records import (
    LINK_ID,
    RecordFolder,
    WorkerLinkState,
    new_link_id,
    optional_date,
    record_data,
)
from portfolio.app.tutor_links import public_address
from portfolio.app.workspace import open_worker, require_worker_id
from portfolio.french import fr_date
from portfolio.issues import PortfolioError
from portfolio.journal import JournalEntry, actor_login
from portfolio.model.common import ID_PATTERN
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.render.consent import missing_consent, require_consent
from portfolio.resources import WORKER_LINKS_DIR
from portfolio.secret import link_key
from portfolio.transaction import locked

if TYPE_CHECKING:
    from portfolio.render.documents import RenderedDocument
    from portfolio.render.views.dossier import DossierLink

WORKER_LINK_DAYS = 90
"""A worker's link opens for 90 days: until the next follow-up meeting (see the module's note)."""
_STATES: tuple[str, ...] = get_args(WorkerLinkState)
_SALT = "portfolio.worker-link"
_WORKER_ID = re.compile(ID_PATTERN)
_ASK_AGAIN = "Demandez un nouveau lien à votre conseillère."


# --- the stored record --------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerLinkRecord:
    """What the workspace keeps of a link (`worker-links/<id>.json`)."""

    id: str
    worker: str
    created: dt.date
    expires: dt.date
    """The first day the link no longer opens (`created` + 90 days)."""
    by: str
    """The login of the counselor who made it."""
    state: WorkerLinkState
    revoked: dt.date | None = None
    revoked_by: str | None = None
    """The login of the counselor who revoked it."""

    @property
    def last_day(self) -> dt.date:
        """The last day the link opens, as the paper dossier prints it."""
        return self.expires - dt.timedelta(days=1)

    def expired(self, today: dt.date) -> bool:
        return today >= self.expires

    def opens(self, today: dt.date) -> bool:
        return self.state == "open" and not self.expired(today)

    def status(self, today: dt.date) -> str:
        """The link's state in French, for the worker page: « ouvert jusqu'au 17/02/2027 »."""
        if self.state == "revoked" and self.revoked is not None:
            return f"annulé le {fr_date(self.revoked)}"
        if self.expired(today):
            return f"expiré le {fr_date(self.expires)}"
        return f"ouvert jusqu'au {fr_date(self.last_day)}"

    @classmethod
    def from_text(cls, text: str) -> WorkerLinkRecord:
        """The record of a file's text; ValueError (or KeyError, TypeError) when it is not one."""
        data = record_data(text, _STATES)
        return cls(
            id=data["id"],
            worker=str(data["worker"]),
            created=dt.date.fromisoformat(data["created"]),
            expires=dt.date.fromisoformat(data["expires"]),
            by=str(data["by"]),
            state=data["state"],
            revoked=optional_date(data.get("revoked")),
            revoked_by=data.get("revoked_by"),
        )


_RECORDS = RecordFolder(WORKER_LINKS_DIR, WorkerLinkRecord.from_text)


@dataclass(frozen=True)
class WorkerLink:
    """A link: its record and its signed token (the token is not stored)."""

    record: WorkerLinkRecord
    token: str

    @property
    def path(self) -> str:
        """The page the worker opens: `/mon-dossier/<token>`."""
        return f"/mon-dossier/{self.token}"

    @property
    def pdf_path(self) -> str:
        """The dossier as a PDF, with this link printed on it as a QR code."""
        return f"{self.path}/dossier.pdf"

    def url(self, base: str) -> str:
        """The full address, from the server's public address (`https://portfolio.example.org`)."""
        return base.rstrip("/") + self.path


# --- errors -------------------------------------------------------------------------------------


class WorkerLinkError(PortfolioError):
    """A link that does not open a dossier; the message, in plain French, is for the worker."""


class WorkerLinkInvalid(WorkerLinkError):
    """Tampered with, cut short, signed with another key, or naming no link of this workspace."""


class WorkerLinkExpired(WorkerLinkError):
    pass


class WorkerLinkRevoked(WorkerLinkError):
    pass


class WorkerLinkUnavailable(WorkerLinkError):
    """A valid link whose dossier cannot be shown now (consent withdrawn, the worker's file has
    errors or is gone): the counselor must act."""


def _invalid() -> WorkerLinkInvalid:
    return WorkerLinkInvalid(f"Ce lien ne marche pas. Il est peut-être incomplet. {_ASK_AGAIN}")


def _unavailable() -> WorkerLinkUnavailable:
    return WorkerLinkUnavailable(
        "Votre dossier ne peut pas être montré pour le moment. Parlez-en à votre conseillère."
    )


# --- making, listing and revoking links ---------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    """No timestamp in the token: the expiry is the record's, and a shorter address makes a
    smaller QR code."""
    return URLSafeSerializer(link_key(), salt=_SALT)


def _token(record: WorkerLinkRecord) -> str:
    return str(_serializer().dumps(record.id))


def _new_link(worker: Worker, login: str, day: dt.date) -> WorkerLink:
    record = WorkerLinkRecord(
        id=new_link_id(),
        worker=worker.id,
        created=day,
        expires=day + dt.timedelta(days=WORKER_LINK_DAYS),
        by=login,
        state="open",
    )
    return WorkerLink(record, _token(record))


def _store(root: Path, link: WorkerLink) -> None:
    """Write the record and its journal line (`dossier.link`), together."""
    record = link.record
    entry = JournalEntry.now(login=record.by, action="dossier.link", worker=record.worker)
    with locked(root):
        _RECORDS.save(root, record, entry)


def make_link(
    root: Path, worker_id: str, *, actor: str | None, today: dt.date | None = None
) -> WorkerLink:
    """Make a personal link to the worker's dossier, record it and journal it (`dossier.link`).

    Refused, with nothing written, for an unknown worker (the closest ids are offered) or a
    worker without recorded consent (SPEC §10: no document names them)."""
    day = today or dt.date.today()
    login = actor_login(actor)
    _, worker = open_worker(root, worker_id)
    require_consent(worker)
    link = _new_link(worker, login, day)
    _store(root, link)
    return link


def links_of(root: Path, worker_id: str) -> list[WorkerLinkRecord]:
    """The worker's links, newest first (a damaged record is left out)."""
    require_worker_id(worker_id)
    return _RECORDS.of_worker(root, worker_id)


def revoke_link(
    root: Path,
    link_id: str,
    actor: str | None,
    *,
    worker: str | None = None,
    today: dt.date | None = None,
) -> WorkerLinkRecord:
    """Close an open link: the dossier no longer opens with it (a lost paper, a phone that
    changed hands). With `worker`, a link of another worker is unknown (the web page revokes
    from a worker page the user may see)."""
    day = today or dt.date.today()
    login = actor_login(actor)
    with locked(root):
        record = _RECORDS.read(root, link_id) if LINK_ID.fullmatch(link_id) else None
        if record is None or (worker is not None and record.worker != worker):
            raise PortfolioError(f"lien personnel inconnu « {link_id[:40]} » : rien n'a changé")
        if record.state != "open":
            raise PortfolioError(f"ce lien est déjà {record.status(day)} : rien n'a changé")
        revoked = WorkerLinkRecord(
            **{**asdict(record), "state": "revoked", "revoked": day, "revoked_by": login}
        )
        entry = JournalEntry.now(login=login, action="dossier.revoke", worker=record.worker)
        _RECORDS.save(root, revoked, entry)
    return revoked


# --- the worker's side --------------------------------------------------------------------------


def open_link(root: Path, token: str, today: dt.date | None = None) -> WorkerLink:
    """The open, unexpired link the token names, or the WorkerLinkError whose French message
    the worker's page shows. Reads one record; the dossier itself is checked by
    `linked_worker`. The signature is compared in constant time (itsdangerous), and a token is
    looked up only once its signature holds: a guessed token learns nothing."""
    day = today or dt.date.today()
    try:
        payload = _serializer().loads(token)
    except BadData:
        raise _invalid() from None
    if not (isinstance(payload, str) and LINK_ID.fullmatch(payload)):
        raise _invalid()
    record = _RECORDS.read(root, payload)
    if record is None:
        raise _invalid()
    if record.state == "revoked":
        raise WorkerLinkRevoked(
            f"Ce lien a été annulé le {fr_date(record.revoked or record.created, 'long')}. "
            f"{_ASK_AGAIN}"
        )
    if record.expired(day):
        raise WorkerLinkExpired(
            f"Ce lien a expiré le {fr_date(record.expires, 'long')}. {_ASK_AGAIN}"
        )
    worker = record.worker
    if not (_WORKER_ID.fullmatch(worker) and (root / "workers" / f"{worker}.yaml").is_file()):
        raise _invalid()
    return WorkerLink(record, token)


def linked_worker(ws: Workspace, link: WorkerLink) -> Worker:
    """The worker whose dossier the link shows, from a loaded workspace; WorkerLinkUnavailable
    when their file does not load or their consent is not (or no longer) recorded."""
    worker = ws.workers.get(link.record.worker)
    if worker is None or worker.id != link.record.worker or missing_consent(worker) is not None:
        raise _unavailable()
    return worker


# --- the link on the paper dossier --------------------------------------------------------------


def printed_link(link: WorkerLink, base: str) -> DossierLink:
    """The link as the paper dossier prints it: its address, its last day, its QR code."""
    from portfolio.render.views.dossier import dossier_link

    return dossier_link(link.url(base), link.record.last_day)


def dossier_with_link(
    root: Path,
    worker_id: str,
    address: str | None,
    as_of: dt.date,
    *,
    actor: str | None,
    today: dt.date | None = None,
    large_print: bool = False,
) -> tuple[RenderedDocument, DossierLink]:
    """Make a personal link for the worker and render their dossier at `as_of` (in large print
    if asked) with the link printed as a QR code: `portfolio render SALARIÉ --doc dossier --lien
    --adresse URL`. Returns the document and the printed link (its address and last day, for
    the command to say).

    `address` is the server's public address (checked first: usage error when missing or not
    an http(s) address). The link is recorded only once the dossier is rendered, so that a
    refused dossier (no consent, a file with errors) leaves no link."""
    from portfolio.render.documents import render_document

    base = public_address(address)
    day = today or dt.date.today()
    login = actor_login(actor)
    ws, worker = open_worker(root, worker_id)
    require_consent(worker)
    link = _new_link(worker, login, day)
    printed = printed_link(link, base)
    document = render_document(
        ws, worker, "dossier", as_of, dossier_link=printed, large_print=large_print
    )
    _store(root, link)
    return document, printed
