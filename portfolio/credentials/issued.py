"""The credentials already issued to a worker, as the printed portfolio lists them (SPEC §12).

Each one is a file the worker keeps, `badges/<worker-id>/<block-full-id>.json` in the
workspace. The portfolio prints what a jury needs to match paper and file: the block, the
issuer, the validity dates, the file's name and its SHA-256 (the QR code holds the last two).
The paper vouches only for badges that are the worker's and intact: a file whose signature
does not hold (a copy edited by hand, another worker's badge dropped in the folder) is not
listed. Checking a signature imports pyld and cryptography: only when the worker has badges.

A file that cannot be read as a credential never stops a document: it is returned as an
`UnreadableCredential` saying, in French, what is wrong with it, for the document to say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio.french import natural_key

BADGES_DIR = "badges"
"""The workspace folder of issued credentials, one sub-folder per worker id."""
LARGEST_CREDENTIAL = 1_000_000
"""Bytes: a signed credential weighs about 1.2 KB; a file larger than this is not one."""


@dataclass(frozen=True)
class IssuedCredential:
    """What the portfolio prints about one credential file."""

    file_name: str
    """The name the worker's copy has, e.g. `advf.ccp1.json`."""
    block_id: str
    achievement: str
    rncp_code: str | None
    """The RNCP block code (`humanCode`), when the référentiel gives one."""
    issuer: str
    valid_from: dt.date
    valid_until: dt.date | None
    sha256: str
    """SHA-256 of the file's bytes, lowercase hex."""

    @property
    def qr_payload(self) -> str:
        """The QR code's text: short enough for a small code (version 6 at level M for a
        usual block id), yet enough to tell which file and whether it is unchanged."""
        return f"{self.file_name} sha256:{self.sha256}"


@dataclass(frozen=True)
class UnreadableCredential:
    """A file of the worker's badges folder that is not a readable credential."""

    file_name: str
    block_id: str
    problem: str
    """What is wrong, in French, as the end of « Le fichier X … »."""


Credential = IssuedCredential | UnreadableCredential


class _Unreadable(Exception):
    """A credential file's problem, in French."""


def credentials_folder(root: Path, worker_id: str) -> Path:
    return root / BADGES_DIR / worker_id


def credential_files(root: Path, worker_id: str) -> list[Path]:
    """The worker's credential files, by block id as a reader counts; hidden files (an
    interrupted atomic write's) are left out."""
    folder = credentials_folder(root, worker_id)
    if not folder.is_dir():
        return []
    files = [
        path for path in folder.glob("*.json") if not path.name.startswith(".") and path.is_file()
    ]
    return sorted(files, key=lambda path: natural_key(path.stem))


def issued_credentials(root: Path, worker_id: str) -> list[Credential]:
    """Every credential file of the worker, read; an unreadable one is returned as such."""
    return [read_credential(path, worker_id) for path in credential_files(root, worker_id)]


def read_credential(path: Path, worker_id: str) -> Credential:
    try:
        if path.stat().st_size > LARGEST_CREDENTIAL:
            raise _Unreadable("est bien trop gros pour être un badge")
        content = path.read_bytes()
        return _credential(path, content, worker_id)
    except OSError as exc:
        problem = f"ne peut pas être lu ({exc.strerror or exc})"
    except _Unreadable as exc:
        problem = str(exc)
    return UnreadableCredential(path.name, path.stem, problem)


def _credential(path: Path, content: bytes, worker_id: str) -> IssuedCredential:
    try:
        data = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Unreadable("n'est pas un texte UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(
            f"n'est pas du JSON valide (erreur ligne {exc.lineno}, colonne {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise _Unreadable("ne contient pas un badge (un objet JSON est attendu)")
    issued = IssuedCredential(
        file_name=path.name,
        block_id=path.stem,
        achievement=_text(data, "credentialSubject", "achievement", "name"),
        rncp_code=_optional_text(data, "credentialSubject", "achievement", "humanCode"),
        issuer=_text(data, "issuer", "name"),
        valid_from=_date(data, "validFrom"),
        valid_until=_date(data, "validUntil") if "validUntil" in data else None,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    if not _holds(data, worker_id):
        raise _Unreadable(f"n'est pas au nom de ce salarié ({worker_id})")
    _authentic(data)
    return issued


def _holds(data: dict[str, Any], worker_id: str) -> bool:
    """Whether the badge names the worker: its `sourcedId` identity is `<association>/<id>`."""
    identities = _field(data, "credentialSubject", "identifier")
    return (
        any(
            isinstance(i, dict)
            and i.get("identityType") == "sourcedId"
            and isinstance(i.get("identityHash"), str)
            and i["identityHash"].rsplit("/", 1)[-1] == worker_id
            for i in identities or ()
        )
        if isinstance(identities, list)
        else False
    )


def _authentic(data: dict[str, Any]) -> None:
    """Refuse a badge whose signature does not hold. Its validity period is judged at its
    own start: an expired badge is still listed, marked as such by the document."""
    from portfolio.credentials.proof import verify

    start = dt.datetime.fromisoformat(str(data["validFrom"]))
    verdict = verify(data, now=start if start.tzinfo else start.replace(tzinfo=dt.UTC))
    if not verdict.valid:
        reason = verdict.reasons[0]
        raise _Unreadable(f"n'est pas authentique ({reason[0].lower()}{reason[1:].rstrip('.')})")


def _field(data: dict[str, Any], *keys: str) -> object:
    value: object = data
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _optional_text(data: dict[str, Any], *keys: str) -> str | None:
    value = _field(data, *keys)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Unreadable(f"a un champ « {'.'.join(keys)} » qui n'est pas un texte")
    return value.strip()


def _text(data: dict[str, Any], *keys: str) -> str:
    value = _optional_text(data, *keys)
    if value is None:
        raise _Unreadable(f"n'a pas de champ « {'.'.join(keys)} »")
    return value


def _date(data: dict[str, Any], key: str) -> dt.date:
    """The day of an ISO 8601 date-time, in the offset it is written with."""
    value = _text(data, key)
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        raise _Unreadable(
            f"a un champ « {key} » qui n'est pas une date ISO 8601 (« {value} »)"
        ) from None
