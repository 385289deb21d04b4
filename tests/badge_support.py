"""Issued credentials written the way `portfolio credentials` lays them out in a workspace
(`badges/<worker-id>/<block-full-id>.json`), for the tests of what reads them: the printed
portfolio, the build, `forget`. A module of its own so that tests import it by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portfolio.credentials.issued import BADGES_DIR

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


def write_badge(root: Path, worker: str, block: str, content: dict[str, Any] | str) -> Path:
    """Write one credential file (a dict as JSON, a string as it is); returns its path."""
    path = root / BADGES_DIR / worker / f"{block}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path
