"""Issued credentials written the way `portfolio credentials` lays them out in a workspace
(`badges/<worker-id>/<block-full-id>.json`), for the tests of what reads them: the printed
portfolio, the build, `forget`. A module of its own so that tests import it by name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portfolio.credentials.issued import BADGES_DIR
from portfolio.credentials.keys import did_key, verification_method
from portfolio.credentials.proof import sign

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def credential(
    title: str,
    *,
    rncp: str | None = None,
    issuer: str = "AI Lyon Est",
    valid_from: str = "2026-06-30T00:00:00Z",
    valid_until: str | None = "2031-06-30T00:00:00Z",
) -> dict[str, Any]:
    """An unsigned AchievementCredential with the fields the portfolio prints."""
    achievement: dict[str, Any] = {
        "id": "urn:uuid:0b2c8f0e-1d4a-4a57-9b1e-0c3f6a2d9e11",
        "type": ["Achievement"],
        "name": title,
        "criteria": {"narrative": "Toutes les compétences du bloc sont acquises."},
        "description": f"Bloc de compétences « {title} ».",
    }
    if rncp:
        achievement["humanCode"] = rncp
    data: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": "urn:uuid:5b2c8f0e-1d4a-4a57-9b1e-0c3f6a2d9e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} — Assistant de vie test",
        "issuer": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "type": ["Profile"],
            "name": issuer,
        },
        "validFrom": valid_from,
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
    }
    if valid_until:
        data["validUntil"] = valid_until
    return data


TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
"""The issuer key of the test badges: fixed, so that a badge written twice is the same file."""


def issued_to(content: dict[str, Any], worker: str, association: str = "ai-est") -> dict[str, Any]:
    """The credential made out to the worker and signed as `portfolio credentials` does: what
    the portfolio requires of a badge before listing it."""
    data = json.loads(json.dumps(content))
    data["issuer"]["id"] = did_key(TEST_KEY.public_key())
    data["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": f"{association}/{worker}",
            "identityType": "sourcedId",
        }
    ]
    created = dt.datetime.fromisoformat(data["validFrom"])
    return sign(data, TEST_KEY, verification_method(TEST_KEY.public_key()), created=created)


def write_badge(
    root: Path, worker: str, block: str, content: dict[str, Any] | str, *, signed: bool = True
) -> Path:
    """Write one credential file: a dict as JSON, made out to the worker and signed unless
    `signed` is false; a string as it is. Returns its path."""
    path = root / BADGES_DIR / worker / f"{block}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict) and signed:
        content = issued_to(content, worker)
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path
