"""`eddsa-rdfc-2022` proofs (portfolio/credentials/proof.py): 1EdTech's vector, then verdicts."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ob_vector import DATA, vector_code, vector_example

from portfolio.credentials import schema
from portfolio.credentials.contexts import OB_CONTEXT, VC_CONTEXT, canonical
from portfolio.credentials.keys import did_key, verification_method
from portfolio.credentials.proof import sign, verify

VECTOR_CREATED = dt.datetime(2010, 1, 1, 19, 23, 24, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC)


def vector_method() -> str:
    return vector_example("Proof")["verificationMethod"]


def test_the_vector_document_and_proof_canonicalise_byte_for_byte() -> None:
    """The N-Quads 1EdTech hashed, compared as bytes with the files the page includes."""
    document = vector_example("Credential")
    options = {**vector_example("Proof"), "@context": document["@context"]}
    del options["proofValue"]
    assert canonical(document).encode() == (DATA / "document-canon.txt").read_bytes()
    assert canonical(options).encode() == (DATA / "proof-canon.txt").read_bytes()
    assert hashlib.sha256(canonical(document).encode()).hexdigest() == vector_code(
        "Document hash (hex)"
    )
    assert hashlib.sha256(canonical(options).encode()).hexdigest() == vector_code(
        "Proof hash (hex)"
    )


def test_signing_the_vector_credential_gives_the_published_proof(
    vector_key: Ed25519PrivateKey,
) -> None:
    signed = sign(vector_example("Credential"), vector_key, vector_method(), created=VECTOR_CREATED)
    assert signed["proof"] == [vector_example("Proof")]
    assert signed["proof"][0]["proofValue"] == vector_code("Proof value (hex)")
    assert {k: v for k, v in signed.items() if k != "proof"} == vector_example("Credential")


def test_the_published_signed_credential_verifies_with_the_vector_key(
    vector_key: Ed25519PrivateKey,
) -> None:
    """Its proof is an object, not an array: the verifier reads both."""
    published = vector_example("Signed credential")
    verdict = verify(published, now=NOW, public_key=vector_key.public_key())
    assert verdict.valid, verdict.reasons
    assert verdict.verification_method == vector_method()
    other = Ed25519PrivateKey.generate().public_key()
    assert not verify(published, now=NOW, public_key=other).valid


def test_a_method_that_cannot_be_resolved_offline_is_said() -> None:
    verdict = verify(vector_example("Signed credential"), now=NOW)
    assert verdict.reasons == (
        f"La clé de la preuve (« {vector_method()} ») ne peut pas être obtenue sans réseau : "
        "seules les clés did:key se vérifient ici.",
    )


def credential(issuer: str, **fields: Any) -> dict[str, Any]:
    """A small AchievementCredential issued by `issuer`."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": "urn:uuid:5b2c8f0e-1d4a-4a57-9b1e-0c3f6a2d9e11",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": "Bloc 1 — Entretien des locaux",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Association Trait d'Union"},
        "validFrom": "2026-06-30T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "Sandrine L.",
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": "urn:uuid:9d6a1c52-3b8e-4f0a-8c7d-2e5b4a1f6c33",
                "type": ["Achievement"],
                "name": "Entretien des locaux",
                "description": "Réaliser l'entretien courant des locaux.",
                "criteria": {"narrative": "Bloc présentable au jury."},
            },
        },
        **fields,
    }


@pytest.fixture
def issuer_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signed_by(key: Ed25519PrivateKey, **fields: Any) -> dict[str, Any]:
    public = key.public_key()
    return sign(credential(did_key(public), **fields), key, verification_method(public))


def test_a_signed_credential_verifies_and_its_proof_is_an_array(
    issuer_key: Ed25519PrivateKey,
) -> None:
    signed = signed_by(issuer_key)
    assert isinstance(signed["proof"], list)
    assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    verdict = verify(signed, now=NOW)
    assert verdict.valid, verdict.reasons
    assert verdict.verification_method == verification_method(issuer_key.public_key())


@pytest.mark.parametrize(
    "alter",
    [
        lambda c: c.update(name="Bloc 2 — Service en salle"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Cuisine"),
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Quelqu'un"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c.update(description="Ajouté après coup"),
    ],
    ids=["name", "achievement", "earner", "date", "added-field"],
)
def test_an_altered_credential_is_refused(issuer_key: Ed25519PrivateKey, alter: Any) -> None:
    signed = signed_by(issuer_key)
    alter(signed)
    assert verify(signed, now=NOW).reasons == (
        "La signature ne correspond pas : le badge a été modifié après sa signature, ou "
        "n'a pas été signé avec cette clé.",
    )


def test_reordering_the_json_is_not_an_alteration(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key)
    reordered = dict(reversed(list(copy.deepcopy(signed).items())))
    assert verify(reordered, now=NOW).valid


def test_a_credential_signed_with_another_key_than_its_issuers_is_refused(
    issuer_key: Ed25519PrivateKey,
) -> None:
    forger = Ed25519PrivateKey.generate()
    issuer = did_key(issuer_key.public_key())
    honest_method = sign(credential(issuer), forger, verification_method(forger.public_key()))
    assert verify(honest_method, now=NOW).reasons == (
        f"Le badge a été signé avec une autre clé que celle de son émetteur ({issuer}) : "
        "il ne vient pas de lui.",
    )
    claimed_method = sign(credential(issuer), forger, verification_method(issuer_key.public_key()))
    assert verify(claimed_method, now=NOW).reasons == (
        "La signature ne correspond pas : le badge a été modifié après sa signature, ou "
        "n'a pas été signé avec cette clé.",
    )


def test_an_expired_credential_is_refused(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key, validUntil="2026-09-30T23:59:59Z")
    assert verify(signed, now=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)).valid
    assert verify(signed, now=NOW).reasons == ("Le badge a expiré le 30 septembre 2026.",)


def test_a_credential_not_yet_valid_is_refused(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key)
    assert verify(signed, now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)).reasons == (
        "Le badge n'est pas encore valable : il le sera le 30 juin 2026.",
    )


def test_an_unreadable_date_is_said(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key, validUntil="30/09/2026")
    assert "Date illisible dans « validUntil » : « 30/09/2026 »." in verify(signed).reasons


@pytest.mark.parametrize("proof", [None, []], ids=["absent", "empty"])
def test_a_credential_without_proof_is_refused(proof: Any) -> None:
    unsigned = credential("did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
    if proof is not None:
        unsigned["proof"] = proof
    assert verify(unsigned, now=NOW).reasons == (
        "Le badge n'est pas signé : rien ne garantit qui l'a émis.",
    )


def test_an_unsupported_cryptosuite_is_said(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key)
    signed["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert verify(signed, now=NOW).reasons == (
        "Méthode de signature non prise en charge : « ecdsa-rdfc-2019 » (seule "
        "« eddsa-rdfc-2022 », celle qu'Open Badges 3.0 demande, est vérifiée ici).",
    )


def test_a_garbled_proof_value_is_said(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key)
    signed["proof"][0]["proofValue"] = "u" + signed["proof"][0]["proofValue"][1:]
    assert verify(signed, now=NOW).reasons == (
        "La signature du badge est illisible (champ proofValue).",
    )


def test_an_unknown_context_is_a_reason_not_a_download(issuer_key: Ed25519PrivateKey) -> None:
    signed = signed_by(issuer_key)
    signed["@context"].append("https://example.org/contexte-pirate.json")
    (reason,) = verify(signed, now=NOW).reasons
    assert reason.startswith(
        "Contexte JSON-LD inconnu : « https://example.org/contexte-pirate.json ». Il n'est pas "
        "téléchargé"
    )


def test_signing_twice_is_a_programming_error(issuer_key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="already signed"):
        sign(signed_by(issuer_key), issuer_key, "did:key:z6Mk#z6Mk")


def test_the_vendored_context_is_the_published_file() -> None:
    """Checked against the hash of 1EdTech's file (commit 83de5f99 of openbadges-specification):
    a changed byte would change what every credential means."""
    context = Path(__file__).resolve().parents[2] / "portfolio/credentials/data/context-3.0.3.json"
    assert hashlib.sha256(context.read_bytes()).hexdigest() == (
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"
    )


def test_a_signed_credential_passes_the_official_schema(issuer_key: Ed25519PrivateKey) -> None:
    """The proof is an array because the schema wants one: 1EdTech's own signed example, with
    an object, fails it."""
    validator = schema.validator()
    assert list(validator.iter_errors(signed_by(issuer_key))) == []
    misdated = signed_by(issuer_key, validUntil="30/09/2026")
    assert [e.validator for e in validator.iter_errors(misdated)] == ["format"]
    published = vector_example("Signed credential")
    published["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert [e.validator for e in validator.iter_errors(published)] == ["type"]
