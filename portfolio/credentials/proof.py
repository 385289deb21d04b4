"""`eddsa-rdfc-2022` Data Integrity proofs: signing a credential, and judging one.

The algorithm is W3C's (Data Integrity EdDSA Cryptosuites v1.0, §3.2), the one Open Badges 3.0
asks issuers to use: canonicalise the credential without its proof, canonicalise the proof's
options under the credential's `@context`, hash each with SHA-256, sign the proof's hash
followed by the credential's with Ed25519; `proofValue` is the signature in base58btc
multibase (`z…`). 1EdTech's test vector is reproduced byte for byte
(tests/credentials/test_proof.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portfolio.credentials.contexts import canonical
from portfolio.credentials.keys import public_key_of
from portfolio.french import fr_date
from portfolio.issues import PortfolioError

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PURPOSE = "assertionMethod"


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: no reason means a valid credential. Every reason is a French
    sentence for the person holding the file, saying what is wrong, not how it was computed."""

    reasons: tuple[str, ...]
    verification_method: str | None = None

    @property
    def valid(self) -> bool:
        return not self.reasons


def sign(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """A copy of the credential with one `eddsa-rdfc-2022` proof, in an array as the Open
    Badges schema wants. `created` defaults to now; tests pass the vector's."""
    if "proof" in credential:
        raise ValueError("the credential is already signed")
    when = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    options = {
        "type": PROOF_TYPE,
        "created": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": PURPOSE,
    }
    signature = private_key.sign(_signed_bytes(credential, options))
    signed = copy.deepcopy(credential)
    signed["proof"] = [{**options, "proofValue": "z" + base58.b58encode(signature).decode()}]
    return signed


def verify(
    credential: dict[str, Any],
    *,
    now: dt.datetime | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> Verdict:
    """Judge a credential's proofs and validity period, offline.

    The key comes from the proof's `did:key` verification method (which must be the issuer's
    own `did:key` when the issuer is one), or from `public_key` for a method that cannot be
    resolved offline (the test vector's `https://example.edu/…`)."""
    reasons = _period_reasons(credential, now or dt.datetime.now(dt.UTC))
    proofs = credential.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not proofs or not isinstance(proofs, list):
        return Verdict((*reasons, "Le badge n'est pas signé : rien ne garantit qui l'a émis."))
    method = None
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    for proof in proofs:
        reason, method = _proof_reason(unsigned, proof, public_key)
        if reason:
            reasons.append(reason)
    return Verdict(tuple(reasons), method)


def _signed_bytes(unsigned: dict[str, Any], options: dict[str, Any]) -> bytes:
    """Hash of the canonical proof options, then hash of the canonical credential."""
    config = {**options, "@context": unsigned.get("@context")}
    proof_hash = hashlib.sha256(canonical(config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical(unsigned).encode("utf-8")).digest()
    return proof_hash + document_hash


def _proof_reason(
    unsigned: dict[str, Any], proof: Any, public_key: Ed25519PublicKey | None
) -> tuple[str | None, str | None]:
    """Why this proof does not hold (None when it does), and its verification method."""
    if not isinstance(proof, dict):
        return "La signature du badge est illisible (ce n'est pas un objet JSON).", None
    method = proof.get("verificationMethod")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        suite = proof.get("cryptosuite") or proof.get("type") or "non précisée"
        return (
            f"Méthode de signature non prise en charge : « {suite} » (seule « {CRYPTOSUITE} », "
            "celle qu'Open Badges 3.0 demande, est vérifiée ici).",
            method,
        )
    if proof.get("proofPurpose") != PURPOSE:
        return "La signature n'atteste rien de la part de l'émetteur (proofPurpose).", method
    signature = _signature(proof.get("proofValue"))
    if signature is None:
        return "La signature du badge est illisible (champ proofValue).", method
    if not isinstance(method, str):
        return "La signature ne dit pas avec quelle clé elle a été faite.", None
    did = method.split("#", 1)[0]
    key = public_key or public_key_of(did)
    if key is None:
        return (
            f"La clé de la preuve (« {method} ») ne peut pas être obtenue sans réseau : seules "
            "les clés did:key se vérifient ici.",
            method,
        )
    issuer = _issuer_id(unsigned)
    if public_key is None and issuer and issuer.startswith("did:key:") and issuer != did:
        return (
            f"Le badge a été signé avec une autre clé que celle de son émetteur ({issuer}) : "
            "il ne vient pas de lui.",
            method,
        )
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    try:
        key.verify(signature, _signed_bytes(unsigned, options))
    except InvalidSignature:
        return (
            "La signature ne correspond pas : le badge a été modifié après sa signature, ou "
            "n'a pas été signé avec cette clé.",
            method,
        )
    except PortfolioError as exc:
        return str(exc), method
    return None, method


def _signature(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value.startswith("z"):
        return None
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError:
        return None
    return decoded if len(decoded) == 64 else None


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def _period_reasons(credential: dict[str, Any], now: dt.datetime) -> list[str]:
    """`validFrom` in the future, `validUntil` in the past, or either unreadable."""
    reasons = []
    for field, late, message in (
        ("validFrom", True, "Le badge n'est pas encore valable : il le sera le {}."),
        ("validUntil", False, "Le badge a expiré le {}."),
    ):
        text = credential.get(field)
        if text is None:
            continue
        moment = _moment(text)
        if moment is None:
            reasons.append(f"Date illisible dans « {field} » : « {text} ».")
        elif (moment > now) if late else (moment < now):
            reasons.append(message.format(fr_date(moment.date(), "long")))
    return reasons


def _moment(text: Any) -> dt.datetime | None:
    """An XML Schema dateTime with its offset; None when unreadable or without offset."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
