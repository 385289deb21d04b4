"""Fixtures of the credentials tests: the test vector's key, and a private key folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ob_vector import vector_item


@pytest.fixture
def vector_key() -> Ed25519PrivateKey:
    """The vector's secret key: its first 32 bytes are the seed, the last 32 the public key."""
    secret = bytes.fromhex(vector_item("Private key (hex)"))
    return Ed25519PrivateKey.from_private_bytes(secret[:32])


@pytest.fixture(autouse=True)
def issuer_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys go to a folder of the test's own, never to the user's configuration."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv("PORTFOLIO_ISSUER_KEYS", raising=False)
    return folder / "vae-portfolio" / "cles-emetteurs"
