"""Issuer keys and `did:key` (portfolio/credentials/keys.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ob_vector import vector_example, vector_item

from portfolio.credentials.keys import (
    did_key,
    issuer_key,
    key_path,
    new_key,
    public_key_of,
    verification_method,
)
from portfolio.issues import PortfolioError


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_the_did_key_of_the_vector_key_is_the_published_multikey(
    vector_key: Ed25519PrivateKey,
) -> None:
    multikey = vector_example("Proof")["verificationMethod"].split("#")[1]
    assert raw(vector_key).hex() == vector_item("Public key (hex)")
    assert did_key(vector_key.public_key()) == f"did:key:{multikey}"
    assert multikey == "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    assert verification_method(vector_key.public_key()) == f"did:key:{multikey}#{multikey}"


def test_a_did_key_gives_back_its_public_key(vector_key: Ed25519PrivateKey) -> None:
    back = public_key_of(did_key(vector_key.public_key()))
    assert back is not None
    assert back.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == raw(
        vector_key
    )


@pytest.mark.parametrize(
    "did",
    [
        "https://example.edu/issuers/565049",
        "did:web:example.edu",
        "did:key:z0OIl",
        "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
    ],
    ids=["url", "did-web", "not-base58", "p256-key"],
)
def test_what_is_not_an_ed25519_did_key_gives_no_key(did: str) -> None:
    assert public_key_of(did) is None


def test_a_new_key_is_private_from_the_start_and_read_back(issuer_keys: Path) -> None:
    created = new_key("trait-d-union")
    path = issuer_keys / "trait-d-union.pem"
    assert key_path("trait-d-union") == path
    assert path.stat().st_mode & 0o777 == 0o600
    assert issuer_keys.stat().st_mode & 0o777 == 0o700
    assert raw(issuer_key("trait-d-union")) == raw(created)
    assert [p.name for p in issuer_keys.iterdir()] == ["trait-d-union.pem"]


def test_an_existing_key_is_never_replaced(issuer_keys: Path) -> None:
    first = new_key("trait-d-union")
    with pytest.raises(PortfolioError) as refused:
        new_key("trait-d-union")
    assert str(refused.value) == (
        f"L'association « trait-d-union » a déjà une clé d'émetteur "
        f"({issuer_keys / 'trait-d-union.pem'}) : relancez la commande sans --new-key. Une "
        "nouvelle clé changerait son identité d'émetteur : les badges déjà remis resteraient "
        "vérifiables, mais les nouveaux seraient signés sous une autre identité. Si c'est voulu, "
        "déplacez d'abord ce fichier."
    )
    assert raw(issuer_key("trait-d-union")) == raw(first)
    assert [p.name for p in issuer_keys.iterdir()] == ["trait-d-union.pem"]


def test_the_environment_names_another_key_folder(
    tmp_path: Path, issuer_keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_ISSUER_KEYS", str(tmp_path / "coffre"))
    new_key("trait-d-union")
    assert (tmp_path / "coffre" / "trait-d-union.pem").is_file()
    assert not issuer_keys.exists()


def test_a_missing_key_says_how_to_create_it(issuer_keys: Path) -> None:
    with pytest.raises(PortfolioError) as missing:
        issuer_key("trait-d-union")
    assert str(missing.value) == (
        f"L'association « trait-d-union » n'a pas encore de clé d'émetteur "
        f"({issuer_keys / 'trait-d-union.pem'}) : créez-la une fois pour toutes avec "
        "`portfolio credentials --new-key --association trait-d-union`."
    )


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_readable_by_others_is_refused(issuer_keys: Path) -> None:
    new_key("trait-d-union")
    path = issuer_keys / "trait-d-union.pem"
    path.chmod(0o640)
    with pytest.raises(PortfolioError, match="lisible par d'autres utilisateurs"):
        issuer_key("trait-d-union")


def test_a_file_that_is_not_a_key_is_said(issuer_keys: Path) -> None:
    issuer_keys.mkdir(parents=True)
    path = issuer_keys / "trait-d-union.pem"
    path.write_text("pas une clé\n", encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(PortfolioError) as unreadable:
        issuer_key("trait-d-union")
    assert str(unreadable.value) == (
        f"Le fichier {path} n'est pas une clé Ed25519 lisible (PEM PKCS#8 sans mot de passe) : "
        "remettez à sa place la copie de sauvegarde de la clé de l'association."
    )


@pytest.mark.parametrize("association", ["../evasion", "Trait", ""])
def test_an_association_id_cannot_escape_the_key_folder(association: str) -> None:
    with pytest.raises(PortfolioError, match="Identifiant d'association invalide"):
        new_key(association)
