"""Tutors' links (SPEC §11): a tutor has no account; a counselor makes a link for one placement,
the tutor opens it (on a phone, or from the QR code of the paper grid), fills the grid once, and
the link closes.

The link is `/tuteur/<token>`: the token is signed with a key kept out of the workspace
(`portfolio.secret.link_key`) and carries the worker id, the placement id and a random link id,
nothing else. Each link has its record, `tutor-links/<link id>.json` in the workspace: when it
was made and by whom, for which worker and placement, and its state (open, closed once the grid
is submitted, revoked by a counselor). One small file per link rather than one shared file:
opening a link reads one file found by its id (no list to parse on every tutor's page), a write
replaces only that link's file, and a damaged file spoils one link, not all of them. The records
hold no secret (the key is elsewhere), so a copied workspace carries no usable link it could not
already forge.

The expiry (30 days) is counted from the record's creation date, not from the token's clock, so
that it is the same for every server and can be tested with an injected day. A grid is written
under the workspace lock together with the record that closes its link: two submissions of the
same link (two tabs, a double click) write the observations once, the second is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeTimedSerializer

from portfolio.app.link_records import (
    LINK_ID,
    RecordFolder,
    TutorLinkState,
    new_link_id,
    optional_date,
    record_data,
    record_text,
)
from portfolio.app.recording import (
    Change,
    NewObservation,
    add_observations,
    open_for_recording,
)
from portfolio.app.workspace import open_worker, require_worker_id
from portfolio.french import LEVEL_HINTS, LEVEL_WORDS, InputError, fr_date, visible_text
from portfolio.issues import PortfolioError
from portfolio.journal import JournalEntry, actor_login
from portfolio.model.common import ID_PATTERN
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Placement, Worker
from portfolio.record.queries import require_placement
from portfolio.render.consent import missing_consent, require_consent
from portfolio.render.grid import GridGroup, grid_groups
from portfolio.resources import TUTOR_LINKS_DIR
from portfolio.secret import link_key
from portfolio.transaction import locked

LINK_DAYS = 30
"""SPEC §11: a tutor link expires after 30 days."""
TUTOR_NAME_MAX = 100
NOTE_MAX = 2000
_STATES: tuple[str, ...] = get_args(TutorLinkState)
_SALT = "portfolio.tutor-link"
_WORKER_ID = re.compile(ID_PATTERN)
_ASK_AGAIN = "demandez-en un nouveau à la conseillère"


# --- the stored record --------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRecord:
    """What the workspace keeps of a link (`tutor-links/<id>.json`)."""

    id: str
    worker: str
    placement: str
    created: dt.date
    expires: dt.date
    """The first day the link no longer opens (`created` + 30 days)."""
    by: str
    """The login of the counselor who made it."""
    state: TutorLinkState
    closed: dt.date | None = None
    """The day the grid was submitted, or the link revoked."""
    closed_by: str | None = None
    """`tuteur:<link id>` once the grid is submitted; the counselor's login once revoked."""

    def expired(self, today: dt.date) -> bool:
        return today >= self.expires

    def status(self, today: dt.date) -> str:
        """The link's state in French, for the worker page: « ouvert jusqu'au 30/01/2026 »."""
        if self.state == "closed" and self.closed is not None:
            return f"grille remplie le {fr_date(self.closed)}"
        if self.state == "revoked" and self.closed is not None:
            return f"annulé le {fr_date(self.closed)}"
        if self.expired(today):
            return f"expiré le {fr_date(self.expires)}"
        return f"ouvert jusqu'au {fr_date(self.expires - dt.timedelta(days=1))}"

    @classmethod
    def from_text(cls, text: str) -> LinkRecord:
        """The record of a file's text; ValueError (or KeyError, TypeError) when it is not one."""
        data = record_data(text, _STATES)
        return cls(
            id=data["id"],
            worker=str(data["worker"]),
            placement=str(data["placement"]),
            created=dt.date.fromisoformat(data["created"]),
            expires=dt.date.fromisoformat(data["expires"]),
            by=str(data["by"]),
            state=data["state"],
            closed=optional_date(data.get("closed")),
            closed_by=data.get("closed_by"),
        )


_RECORDS = RecordFolder(TUTOR_LINKS_DIR, LinkRecord.from_text)


@dataclass(frozen=True)
class TutorLink:
    """A link just made: its record and its signed token (the token is not stored)."""

    record: LinkRecord
    token: str

    @property
    def path(self) -> str:
        """The page a tutor opens (SPEC §11): `/tuteur/<token>`."""
        return f"/tuteur/{self.token}"

    def url(self, base: str) -> str:
        """The full address, from the server's public address (`https://portfolio.example.org`)."""
        return base.rstrip("/") + self.path


# --- errors -------------------------------------------------------------------------------------


class LinkError(PortfolioError):
    """A link that does not open a grid; the message, in French, is for the tutor."""


class LinkInvalid(LinkError):
    """Tampered with, cut short, or naming no link, worker or placement of this workspace."""


class LinkExpired(LinkError):
    pass


class LinkUsed(LinkError):
    """The grid of this link was already submitted."""


class LinkRevoked(LinkError):
    pass


class LinkUnavailable(LinkError):
    """A valid link whose grid cannot be shown now (the worker's file has errors, consent was
    withdrawn, the placement's tasks are no longer recognised): the counselor must act."""


class GridInvalid(PortfolioError):
    """The tutor's answers are refused: nothing was written. `fields` maps a form field (`by`,
    `note`, `level:<competency id>`, or "" for the whole form) to its French message."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(" ; ".join(fields.values()) + " : rien n'a été enregistré")
        self.fields = dict(fields)


# --- making and listing links -------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(link_key(), salt=_SALT)


def _placement(worker: Worker, placement_id: str) -> Placement:
    try:
        known = require_placement(worker, placement_id)
    except InputError as exc:
        raise PortfolioError(f"workers/{worker.id}.yaml : {exc}") from None
    return next(p for p in worker.placements if p.id == known)


def make_link(
    root: Path,
    worker_id: str,
    placement_id: str,
    *,
    actor: str | None,
    today: dt.date | None = None,
) -> TutorLink:
    """Make a tutor link for one placement of a worker, record it and journal it (`tutor.link`).

    Refused, with nothing written, for an unknown worker or placement (the closest ids are
    offered), a worker without recorded consent (the tutor's page names them, SPEC §10), or a
    placement whose tasks evidence no competency (the grid would be empty)."""
    day = today or dt.date.today()
    login = actor_login(actor)
    ws, worker = open_worker(root, worker_id)
    placement = _placement(worker, placement_id)
    require_consent(worker)
    grid_groups(ws, worker, placement)
    record = LinkRecord(
        id=new_link_id(),
        worker=worker.id,
        placement=placement.id,
        created=day,
        expires=day + dt.timedelta(days=LINK_DAYS),
        by=login,
        state="open",
    )
    entry = JournalEntry.now(login=login, action="tutor.link", worker=worker.id, entry=placement.id)
    with locked(root):
        _RECORDS.save(root, record, entry)
    token = _serializer().dumps([record.worker, record.placement, record.id])
    return TutorLink(record, token)


def links_of(root: Path, worker_id: str) -> list[LinkRecord]:
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
) -> LinkRecord:
    """Close an open link before it is used. With `worker`, a link of another worker is unknown
    (the web page revokes from a worker page the user may see)."""
    day = today or dt.date.today()
    login = actor_login(actor)
    with locked(root):
        record = _RECORDS.read(root, link_id) if LINK_ID.fullmatch(link_id) else None
        if record is None or (worker is not None and record.worker != worker):
            raise PortfolioError(f"lien pour tuteur inconnu « {link_id[:40]} » : rien n'a changé")
        if record.state != "open":
            raise PortfolioError(f"ce lien est déjà fermé ({record.status(day)}) : rien n'a changé")
        revoked = LinkRecord(
            **{**asdict(record), "state": "revoked", "closed": day, "closed_by": login}
        )
        entry = JournalEntry.now(
            login=login, action="tutor.revoke", worker=record.worker, entry=record.placement
        )
        _RECORDS.save(root, revoked, entry)
    return revoked


def public_address(text: str | None) -> str:
    """The server's address as tutors reach it (`https://portfolio.example.org`), to print a
    link on paper; refused (usage error) when missing or not an http(s) address."""
    value = (text or "").strip().rstrip("/")
    if not value:
        raise PortfolioError(
            "--lien demande l'adresse publique du serveur : ajoutez --adresse "
            "https://portfolio.example.org (ou définissez la variable PORTFOLIO_ADRESSE)",
            exit_code=2,
        )
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise PortfolioError(
            f"--adresse « {value[:80]} » invalide : une adresse web est attendue, par exemple "
            "https://portfolio.example.org",
            exit_code=2,
        )
    return value


# --- the tutor's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TutorForm:
    """What the tutor's page shows: the worker's first name only, the placement, and the
    competencies to observe in plain words, grouped like the paper grid. Each row's level is
    posted as `row.field` (`level:<competency id>`), the tutor's name as `by`, the remark as
    `note`."""

    link: LinkRecord
    first_name: str
    placement: str
    client: str
    service: str | None
    start: dt.date
    end: dt.date
    tutor: str | None
    """The tutor named on the placement, to fill the `by` field in advance."""
    groups: tuple[GridGroup, ...]
    levels: tuple[tuple[int, str, str], ...]
    """SPEC §4 levels: number, word (« autonome ») and a hint (« fait sans aide, bien »)."""

    @property
    def competencies(self) -> list[str]:
        return [row.competency for group in self.groups for row in group.rows]

    @property
    def last_day(self) -> dt.date:
        """The last day the link opens."""
        return self.link.expires - dt.timedelta(days=1)


def _verified(root: Path, token: str, day: dt.date) -> LinkRecord:
    """The open, unexpired link the token names, or the LinkError that says why not."""
    invalid = LinkInvalid(
        "ce lien n'est pas valide (il est incomplet ou a été modifié) : vérifiez qu'il a été "
        f"recopié en entier, ou {_ASK_AGAIN}"
    )
    try:
        payload = _serializer().loads(token)
    except BadData:
        raise invalid from None
    if not (
        isinstance(payload, list)
        and len(payload) == 3
        and all(isinstance(part, str) for part in payload)
        and LINK_ID.fullmatch(payload[2])
    ):
        raise invalid
    worker_id, placement_id, link_id = payload
    record = _RECORDS.read(root, link_id)
    if record is None or (record.worker, record.placement) != (worker_id, placement_id):
        raise invalid
    return _usable(record, day)


def _usable(record: LinkRecord, day: dt.date) -> LinkRecord:
    if record.state == "closed":
        raise LinkUsed(
            f"cette grille a déjà été remplie le {fr_date(record.closed or record.created)} : "
            "elle ne peut plus être modifiée ; pour ajouter quelque chose, adressez-vous à la "
            "conseillère"
        )
    if record.state == "revoked":
        raise LinkRevoked(
            f"ce lien a été annulé le {fr_date(record.closed or record.created)} : {_ASK_AGAIN}"
        )
    if record.expired(day):
        raise LinkExpired(f"ce lien a expiré le {fr_date(record.expires)} : {_ASK_AGAIN}")
    return record


def _unavailable() -> LinkUnavailable:
    return LinkUnavailable(
        "cette grille ne peut pas être affichée pour le moment : prévenez la conseillère"
    )


def _form(ws: Workspace, worker: Worker, record: LinkRecord) -> TutorForm:
    placement = next((p for p in worker.placements if p.id == record.placement), None)
    if placement is None:
        raise LinkInvalid(f"ce lien ne mène plus à aucune mise à disposition : {_ASK_AGAIN}")
    if missing_consent(worker) is not None:
        raise _unavailable()
    try:
        groups = grid_groups(ws, worker, placement)
    except PortfolioError:
        raise _unavailable() from None
    return TutorForm(
        link=record,
        first_name=worker.first_name,
        placement=placement.id,
        client=placement.client.name,
        service=placement.service,
        start=placement.start,
        end=placement.end,
        tutor=placement.tutor,
        groups=groups,
        levels=tuple((n, word, LEVEL_HINTS[n]) for n, word in LEVEL_WORDS.items()),
    )


def _worker_file_exists(root: Path, worker_id: str) -> bool:
    return (
        bool(_WORKER_ID.fullmatch(worker_id)) and (root / "workers" / f"{worker_id}.yaml").is_file()
    )


def open_link(root: Path, token: str, today: dt.date | None = None) -> TutorForm:
    """The tutor's form of a link, or a LinkError whose French message the page shows."""
    record = _verified(root, token, today or dt.date.today())
    if not _worker_file_exists(root, record.worker):
        raise LinkInvalid(f"ce lien ne mène plus à aucune fiche : {_ASK_AGAIN}")
    try:
        ws, worker = open_worker(root, record.worker)
    except PortfolioError:
        raise _unavailable() from None
    return _form(ws, worker, record)


def parse_levels(fields: Mapping[str, str]) -> dict[str, int | None]:
    """The levels a form posted (`level:<competency id>` → "1".."4" or ""), by competency id;
    other fields are ignored. GridInvalid for a value that is not a level."""
    levels: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name, value in fields.items():
        if not name.startswith("level:"):
            continue
        text = value.strip()
        if not text:
            levels[name.removeprefix("level:")] = None
        elif text in {"1", "2", "3", "4"}:
            levels[name.removeprefix("level:")] = int(text)
        else:
            errors[name] = "niveau invalide : choisissez 1, 2, 3 ou 4, ou laissez vide"
    if errors:
        raise GridInvalid(errors)
    return levels


def _plain_text(value: str, field: str, label: str, limit: int, *, lines: bool) -> str:
    """User text stored as text: trimmed, within `limit` characters, without control characters
    (line breaks allowed in a remark)."""
    text = value.replace("\r\n", "\n").strip()
    try:
        visible_text(text, label, lines=lines)
    except InputError as exc:
        raise GridInvalid({field: str(exc)}) from None
    if len(text) > limit:
        raise GridInvalid(
            {field: f"{label} est trop long ({len(text)} caractères) : {limit} au plus"}
        )
    return text


def _answers(
    form: TutorForm, levels: Mapping[str, int | None], note: str | None, tutor_name: str
) -> tuple[dict[str, int], str | None, str]:
    """The tutor's answers, checked: filled levels by competency (in the grid's order), the
    remark, the name. GridInvalid with every refused field."""
    errors: dict[str, str] = {}
    known = form.competencies
    unknown = [c for c in levels if c not in known]
    if unknown:
        errors[""] = (
            f"compétence hors de cette grille : {', '.join(c[:60] for c in unknown[:3])} ; "
            "rechargez la page"
        )
    for competency, level in levels.items():
        if level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 4
        ):
            errors[f"level:{competency}"] = "niveau invalide : choisissez 1, 2, 3 ou 4"
    filled = {c: levels[c] for c in known if levels.get(c) is not None}
    if not filled and "" not in errors:
        errors[""] = (
            "cochez au moins un niveau : une ligne que vous n'avez pas pu observer reste vide"
        )
    name = ""
    try:
        name = _plain_text(tutor_name, "by", "votre nom", TUTOR_NAME_MAX, lines=False)
        if not name:
            errors["by"] = "indiquez votre nom (prénom et nom, ou « Mme Dupont »)"
    except GridInvalid as exc:
        errors.update(exc.fields)
    remark: str | None = None
    try:
        remark = _plain_text(note or "", "note", "la remarque", NOTE_MAX, lines=True) or None
    except GridInvalid as exc:
        errors.update(exc.fields)
    if errors:
        raise GridInvalid(errors)
    return {c: int(level) for c, level in filled.items() if level is not None}, remark, name


def submit_grid(
    root: Path,
    token: str,
    levels: Mapping[str, int | None],
    note: str | None,
    tutor_name: str,
    today: dt.date | None = None,
) -> Change:
    """Record the tutor's grid: one observation per filled competency (role `tuteur`, by the
    tutor, during the link's placement, dated today), written in one transaction with the
    record that closes the link and one journal line (`tutor.grid`, signed `tuteur:<link id>`).

    The remark is a word on the whole grid: it goes with the first observation written only, so
    that the documents, which print an observation's note beside it, show it once.

    The link is checked again under the workspace lock: a second submission (another tab, a
    double click) is refused with LinkUsed and writes nothing. Refused answers raise
    GridInvalid; nothing is written then either."""
    day = today or dt.date.today()
    form = open_link(root, token, day)
    record = form.link
    filled, remark, name = _answers(form, levels, note, tutor_name)
    try:
        rec = open_for_recording(root, record.worker, day)
    except PortfolioError:
        raise _unavailable() from None
    observations = [
        NewObservation(
            day=day,
            by=name,
            role="tuteur",
            competency=competency,
            level=level,
            placement=record.placement,
            note=remark if n == 0 else None,
        )
        for n, (competency, level) in enumerate(filled.items())
    ]
    actor = f"tuteur:{record.id}"

    def close_link() -> dict[Path, str | bytes]:
        current = _RECORDS.read(root, record.id)
        if current is None:
            raise LinkInvalid(f"ce lien n'existe plus : {_ASK_AGAIN}")
        _usable(current, day)
        closed = LinkRecord(
            **{**asdict(current), "state": "closed", "closed": day, "closed_by": actor}
        )
        return {_RECORDS.path(root, record.id): record_text(closed)}

    return add_observations(rec, observations, action="tutor.grid", actor=actor, guard=close_link)
