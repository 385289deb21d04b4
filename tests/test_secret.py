"""The pseudonym key: secret, stable, never in the workspace (portfolio/secret.py)."""

from __future__ import annotations

from pathlib import Path

from portfolio.report import Pseudonyms
from portfolio.secret import key_file, pseudonym_key


def test_key_is_created_once_private_and_stable(private_config_folder: Path) -> None:
    first = pseudonym_key()
    assert key_file() == private_config_folder / "vae-portfolio" / "cle-pseudonymes"
    assert key_file().stat().st_mode & 0o777 == 0o600
    assert len(first) == 64
    assert pseudonym_key() == first


def test_environment_key_wins(monkeypatch) -> None:
    monkeypatch.setenv("PORTFOLIO_PSEUDONYM_KEY", "clé partagée de la fédération")
    assert pseudonym_key() == "clé partagée de la fédération"
    assert not key_file().exists()


def test_pseudonyms_cannot_be_recomputed_from_the_programme_name() -> None:
    names = []
    for key in (pseudonym_key(), "Programme de pré-validation des acquis 2025-2026"):
        book = Pseudonyms(key)
        book.add("sandrine-l")
        names.append(book.names(["sandrine-l"]))
    secret, guessed = names
    assert secret != guessed
