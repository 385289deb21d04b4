"""Each association's issuer key, and the `did:key` that names it.

The private key is what makes a credential the association's word: it is kept out of the
workspace (which is copied, shared, backed up) like the keys of `portfolio.secret`, in a folder
of the user's configuration (`vae-portfolio/cles-emetteurs/`, or `$PORTFOLIO_ISSUER_KEYS` when
a federation keeps its keys elsewhere), one PEM file per association, readable by its owner
only from its creation on. A key is never replaced silently: a new key is a new issuer
identity, and wallets that trusted the old one would no longer recognise the association.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import base58
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portfolio.fsutil import stage
from portfolio.issues import PortfolioError
from portfolio.model.common import ID_PATTERN
from portfolio.secret import key_file

KEYS_ENV = "PORTFOLIO_ISSUER_KEYS"
KEYS_FOLDER = "cles-emetteurs"
ED25519_MULTICODEC = b"\xed\x01"
"""The multicodec prefix of an Ed25519 public key (varint of 0xed) in a Multikey."""


def keys_folder() -> Path:
    """`$PORTFOLIO_ISSUER_KEYS` when set, else the folder of the user's configuration."""
    return Path(os.environ.get(KEYS_ENV) or key_file(KEYS_FOLDER))


def key_path(association: str) -> Path:
    if not re.fullmatch(ID_PATTERN, association):
        raise PortfolioError(
            f"Identifiant d'association invalide : « {association} » (lettres minuscules, "
            "chiffres et tirets seulement)."
        )
    return keys_folder() / f"{association}.pem"


def new_key(association: str) -> Ed25519PrivateKey:
    """A new Ed25519 key for the association, written with mode 0600 in a folder with mode
    0700; refused when the association already has one."""
    path = key_path(association)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)  # mkdir's mode is masked by the umask, and the folder may exist
    staged = stage(path, pem, mode=0o600)
    try:
        os.link(staged, path)  # unlike a rename, a link never replaces an existing file
    except FileExistsError:
        raise PortfolioError(
            f"L'association « {association} » a déjà une clé d'émetteur ({path}) : relancez la "
            "commande sans --new-key. Une nouvelle clé changerait son identité d'émetteur : les "
            "badges déjà remis resteraient vérifiables, mais les nouveaux seraient signés sous "
            "une autre identité. Si c'est voulu, déplacez d'abord ce fichier."
        ) from None
    finally:
        staged.unlink(missing_ok=True)
    return key


def issuer_key(association: str) -> Ed25519PrivateKey:
    """The association's key, refused when missing, unreadable or readable by others."""
    path = key_path(association)
    if not path.is_file():
        raise PortfolioError(
            f"L'association « {association} » n'a pas encore de clé d'émetteur ({path}) : "
            f"créez-la une fois pour toutes avec `portfolio credentials --new-key --association "
            f"{association}`."
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise PortfolioError(
            f"La clé d'émetteur {path} est lisible par d'autres utilisateurs : n'importe qui "
            f"pourrait signer au nom de l'association. Rendez-la privée (`chmod 600 {path}`)."
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):  # not PEM, encrypted, unknown type
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise PortfolioError(
            f"Le fichier {path} n'est pas une clé Ed25519 lisible (PEM PKCS#8 sans mot de "
            "passe) : remettez à sa place la copie de sauvegarde de la clé de l'association."
        )
    return key


def did_key(public_key: Ed25519PublicKey) -> str:
    """`did:key:z6Mk…`: the public key itself as an identifier (Multikey: multicodec 0xed01,
    then the 32 raw bytes, in base58btc), which any verifier resolves without a network."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def verification_method(public_key: Ed25519PublicKey) -> str:
    """The key's id inside its DID document: `did:key:z6Mk…#z6Mk…`."""
    did = did_key(public_key)
    return f"{did}#{did.removeprefix('did:key:')}"


def public_key_of(did: str) -> Ed25519PublicKey | None:
    """The Ed25519 key a `did:key` names, or None when `did` is not one."""
    if not did.startswith("did:key:z"):
        return None
    try:
        decoded = base58.b58decode(did.removeprefix("did:key:z"))
    except ValueError:
        return None
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        return None
    return Ed25519PublicKey.from_public_bytes(decoded[2:])
