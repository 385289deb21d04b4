"""The timesheet import of `portfolio serve` (SPEC §11 `/import`): upload a timesheet, see what
it would add, refuse and skip, then confirm; the same limits and the same planning as
`portfolio import timesheet`, within the account's scope.

The upload is parsed here, not by `posted_form` (which refuses files): the body is read as it
comes, the CSRF token checked before the file's first byte is kept, and the file refused as
soon as it passes the command's size limit, so that nothing larger is ever held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portfolio.app import access
from portfolio.app.recording import TimesheetImport, plan_timesheet
from portfolio.app.uploads import (
    MAX_UPLOAD_BYTES,
    ImportPreview,
    Upload,
    UploadStore,
    check_content,
    preview,
    run_import,
    safe_file_name,
)
from portfolio.issues import PortfolioError
from portfolio.limits import DEFAULT_GAP_DAYS, MAX_GAP_DAYS
from portfolio.model.accounts import Account
from portfolio.web.pages import account, form_values, posted_form, saved, snapshot, today
from portfolio.web.security import same_token
from portfolio.web.server import render_page, state_of

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the form's other fields and the parts' headers around the file."""
MAX_PARTS = 8
MAX_FIELD_BYTES = 1024
"""A text field is kept this long, the rest dropped: a longer gap or token is refused anyway,
next to its field."""
FILE_FIELD = "file"
FORBIDDEN = "Formulaire expiré ou venu d'ailleurs : rechargez la page et recommencez."
TOO_LARGE = (
    f"le fichier dépasse les {MAX_UPLOAD_BYTES // 1_000_000} Mo permis pour une feuille de temps "
    "(un an d'une fédération en pèse environ 5) : découpez-la, par exemple par mois ou par "
    "association, et envoyez les morceaux l'un après l'autre"
)
EXPIRED = (
    "cet aperçu n'est plus disponible (il expire au bout d'une heure, ou la feuille a déjà été "
    "importée) : envoyez de nouveau la feuille de temps"
)


@dataclass
class ImportForm:
    """The upload form: what was typed, what was refused (field name → French message)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def _importer(request: Request) -> Account:
    """Federation and counselors import; a trainer records no placement (403)."""
    user = account(request)
    if user.role == access.TRAINER:
        raise HTTPException(
            403, "L'import des feuilles de temps est réservé à la fédération et aux conseillers."
        )
    return user


def _scope(request: Request, user: Account) -> set[str] | None:
    """The workers whose rows the account may import: a counselor's association's; None for
    the federation (every worker)."""
    if user.role == access.FEDERATION:
        return None
    return set(access.visible_workers(user, snapshot(request).ws))


# --- receiving the upload -----------------------------------------------------------------------


class UploadTooLarge(Exception):
    """The body passed MAX_UPLOAD_BYTES (with the form around it): reading stopped there."""


@dataclass
class Received:
    """A posted upload form: its text fields, the file kept (None when none was sent or its
    name was refused), and why the file was refused."""

    fields: dict[str, str] = field(default_factory=dict)
    upload: Upload | None = None
    file_error: str | None = None


class _UploadParser:
    """python-multipart callbacks writing the file part straight into its upload slot.

    Writes happen on the event loop: a part's chunks are a few tens of kilobytes, written to a
    local folder, cheaper than a thread hop each."""

    def __init__(self, csrf: str, store: UploadStore, login: str) -> None:
        self.csrf, self.store, self.login = csrf, store, login
        self.received = Received()
        self._parts = 0
        self._header = b""
        self._value = b""
        self._disposition = b""
        self._name = ""
        self._data = bytearray()
        self._is_file = False
        self._file_seen = False
        self._size = 0
        self._out: BinaryIO | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise HTTPException(400, "Ce formulaire a trop de champs.")
        self._disposition, self._data, self._is_file = b"", bytearray(), False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value
        self._header, self._value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        sent = options.get(b"filename")
        if sent is None:
            return
        self._is_file = True
        if self._name != FILE_FIELD or self._file_seen:
            return  # another file field than ours: its bytes are counted, never kept
        self._file_seen = True
        token = self.received.fields.get("csrf_token")
        if not same_token(token, self.csrf):
            raise HTTPException(403, FORBIDDEN)
        if not sent:
            return  # no file chosen: the browser sends an empty part
        try:
            name = safe_file_name(sent.decode("utf-8", "replace"))
        except PortfolioError as exc:
            self.received.file_error = str(exc)
            return
        upload = self.store.create(self.login, name)
        self.received.upload = upload
        self._out = upload.path.open("wb")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            self._size += len(chunk)
            if self._size > MAX_UPLOAD_BYTES:
                raise UploadTooLarge
            if self._out is not None:
                self._out.write(chunk)
        else:
            self._data += chunk[: max(0, MAX_FIELD_BYTES - len(self._data))]

    def part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        elif not self._is_file:
            self.received.fields[self._name] = self._data.decode("utf-8", "replace")

    def abandon(self) -> None:
        """Reading stopped (too large, forged, broken): nothing of the file stays."""
        if self._out is not None:
            self._out.close()
            self._out = None
        if self.received.upload is not None:
            self.store.discard(self.received.upload.token)
            self.received.upload = None


async def receive_upload(request: Request, store: UploadStore, login: str) -> Received:
    """The posted upload form, read as it comes; 403 without its CSRF token (checked before the
    file is kept), UploadTooLarge past the limit, 400 for a body that is not a form."""
    csrf = request.state.csrf
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        await posted_form(request, csrf)  # a form of another kind: 403 without its token
        raise HTTPException(400, "Choisissez le fichier depuis la page d'import.")
    length = request.headers.get("content-length")
    if (
        length is not None
        and length.isascii()
        and length.isdigit()
        and int(length) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    ):
        raise UploadTooLarge
    reader = _UploadParser(csrf, store, login)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
                raise UploadTooLarge
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        reader.abandon()
        raise HTTPException(400, "Envoi incomplet ou abîmé : recommencez.") from None
    except BaseException:
        reader.abandon()
        raise
    if not same_token(reader.received.fields.get("csrf_token"), csrf):
        reader.abandon()
        raise HTTPException(403, FORBIDDEN)
    return reader.received


# --- the pages ----------------------------------------------------------------------------------


def _form_page(request: Request, form: ImportForm, status: int = 200) -> Response:
    title = "Importer une feuille de temps" + (" — à corriger" if form.errors else "")
    return render_page(
        request,
        "import.html.j2",
        status_code=status,
        title=title,
        form=form,
        max_megabytes=MAX_UPLOAD_BYTES // 1_000_000,
        default_gap=DEFAULT_GAP_DAYS,
    )


def _preview_page(
    request: Request,
    upload: Upload,
    shown: ImportPreview,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    return render_page(
        request,
        "import_preview.html.j2",
        status_code=status,
        title=f"Aperçu de l'import — {shown.file_name}",
        preview=shown,
        token=upload.token,
        gap=upload.max_gap_days,
        errors=errors or {},
    )


def read_gap(text: str) -> int:
    """The gap in days, as typed (empty: the command's default)."""
    value = text.strip()
    if not value:
        return DEFAULT_GAP_DAYS
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_GAP_DAYS:
        raise PortfolioError(
            f"l'écart « {value[:20]} » n'est pas un nombre de jours entre 0 et {MAX_GAP_DAYS} : "
            f"écrivez par exemple {DEFAULT_GAP_DAYS}"
        )
    return int(value)


def _plan(request: Request, upload: Upload, workers: set[str] | None) -> TimesheetImport:
    check_content(upload.path)
    return plan_timesheet(
        state_of(request).live.root,
        upload.path,
        max_gap_days=upload.max_gap_days,
        workers=workers,
        today=today(request),
    )


async def import_form(request: Request) -> Response:
    _importer(request)
    return _form_page(request, ImportForm(values={"max_gap": str(DEFAULT_GAP_DAYS)}))


async def import_upload(request: Request) -> Response:
    user = _importer(request)
    store = state_of(request).uploads
    try:
        received = await receive_upload(request, store, user.login)
    except UploadTooLarge:
        form = ImportForm(values={"max_gap": str(DEFAULT_GAP_DAYS)}, errors={FILE_FIELD: TOO_LARGE})
        return _form_page(request, form, 413)
    form = ImportForm(values={"max_gap": received.fields.get("max_gap", "")[:20]})
    upload = received.upload
    try:
        gap = read_gap(form.value("max_gap"))
    except PortfolioError as exc:
        form.errors["max_gap"] = str(exc)
    if received.file_error:
        form.errors[FILE_FIELD] = received.file_error
    elif upload is None:
        form.errors[FILE_FIELD] = "choisissez la feuille de temps à importer (.csv ou .xlsx)"
    if form.errors or upload is None:
        if upload is not None:
            store.discard(upload.token)
        return _form_page(request, form, 400)
    upload.max_gap_days = gap
    try:
        planned = await run_in_threadpool(_plan, request, upload, _scope(request, user))
    except PortfolioError as exc:
        store.discard(upload.token)
        form.errors[FILE_FIELD] = str(exc)
        return _form_page(request, form, 400)
    except BaseException:
        store.discard(upload.token)
        raise
    shown = preview(planned)
    upload.fingerprint = shown.fingerprint
    return _preview_page(request, upload, shown)


async def import_confirm(request: Request) -> Response:
    user = _importer(request)
    posted = await posted_form(request, request.state.csrf)
    values = form_values(posted)
    store = state_of(request).uploads
    upload = store.get(values.get("token", ""), user.login)
    if upload is None:
        form = ImportForm(values={"max_gap": str(DEFAULT_GAP_DAYS)}, errors={FILE_FIELD: EXPIRED})
        return _form_page(request, form, 410)
    skip_invalid = values.get("skip_invalid") == "oui"
    try:
        planned = await run_in_threadpool(_plan, request, upload, _scope(request, user))
    except PortfolioError as exc:
        store.discard(upload.token)
        form = ImportForm(
            values={"max_gap": str(upload.max_gap_days)}, errors={FILE_FIELD: str(exc)}
        )
        return _form_page(request, form, 400)
    shown = preview(planned)
    if shown.fingerprint != upload.fingerprint:
        upload.fingerprint = shown.fingerprint
        changed = (
            "les fiches des salariés ont changé depuis l'aperçu : voici ce que l'import ferait "
            "maintenant ; rien n'a été écrit, vérifiez puis confirmez de nouveau"
        )
        return _preview_page(request, upload, shown, 409, {"changement": changed})
    if planned.plan.rejections and not skip_invalid:
        refused = (
            f"{shown.refused_count} : rien n'a été écrit ; corrigez la feuille de temps et "
            "envoyez-la de nouveau, ou cochez « Importer seulement les lignes valides »"
        )
        return _preview_page(request, upload, shown, 400, {"skip_invalid": refused})
    try:
        said = await run_in_threadpool(
            run_import, planned, skip_invalid=skip_invalid, actor=user.login
        )
    except PortfolioError as exc:
        return _preview_page(request, upload, shown, 409, {"changement": str(exc)})
    store.discard(upload.token)
    workers = {p.worker for p in shown.placements}
    if len(workers) == 1:
        stem = workers.pop()
        return saved(request, "/", said, f"/salaries/{stem}#missions", "Voir ses missions")
    return saved(request, "/", said)


ROUTES = [
    Route("/import", import_form, methods=["GET"]),
    Route("/import", import_upload, methods=["POST"]),
    Route("/import/confirmer", import_confirm, methods=["POST"]),
]
