"""What the official schema lets through and `schema.problems` does not (interop-notes)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portfolio.credentials import schema
from portfolio.credentials.contexts import OB_CONTEXT, VC_CONTEXT

VALID: dict[str, Any] = {
    "@context": [VC_CONTEXT, OB_CONTEXT],
    "id": "urn:uuid:0b1e8a4e-6c1f-4f5e-9b7a-2d3c4e5f6a7b",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Entretenir le linge",
    "issuer": {"id": "did:key:z6MkExample", "type": ["Profile"], "name": "AI Lyon Est"},
    "validFrom": "2026-09-01T09:30:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": "Fatima B.",
                "identityType": "name",
            }
        ],
        "achievement": {
            "id": "urn:uuid:3c9d7e1a-2b4f-4a6c-8d0e-1f2a3b4c5d6e",
            "type": ["Achievement"],
            "name": "Entretenir le linge",
            "description": "Bloc de compétences",
            "criteria": {"narrative": "Toutes les compétences acquises."},
        },
    },
}


def changed(path: str, value: Any) -> dict[str, Any]:
    """VALID with one field replaced (or removed, for `...`)."""
    document = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = document
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return document


def test_the_reference_document_has_no_problem() -> None:
    assert schema.problems(VALID) == []


@pytest.mark.parametrize(
    ("path", "value", "said"),
    [
        ("name", ..., "Le badge n'a pas de nom (champ « name »)."),
        ("issuer", "did:key:z6MkExample", "L'émetteur (« issuer ») doit être décrit par un objet"),
        ("issuer.name", "  ", "L'émetteur (« issuer ») n'a pas de nom."),
        ("credentialSubject.identifier", ..., "Le badge ne dit pas à qui il est remis"),
        ("id", "badge 42", "Le champ « id » doit être une URI"),
        ("credentialSubject.achievement.id", "bloc1", "« credentialSubject.achievement.id »"),
        ("@context", [OB_CONTEXT, VC_CONTEXT], "Le champ « @context » doit commencer par"),
    ],
)
def test_what_the_schema_lets_through_is_refused(path: str, value: Any, said: str) -> None:
    document = changed(path, value)
    if path != "@context":
        assert list(schema.validator().iter_errors(document)) == []
    assert any(said in problem for problem in schema.problems(document)), schema.problems(document)


def test_a_field_no_context_defines_is_named_because_the_signature_misses_it() -> None:
    document = changed("credentialSubject.achievement.niveau", "excellent")
    assert schema.problems(document) == [
        "Le champ « credentialSubject.achievement.niveau » ne fait pas partie du vocabulaire "
        "Open Badges : la signature ne le couvre pas, il a pu être ajouté ou changé sans que "
        "rien ne le montre."
    ]


@pytest.mark.parametrize(
    ("path", "value", "said"),
    [
        (
            "validFrom",
            "01/09/2026",
            "Le champ « validFrom » n'est pas au format attendu (date-time).",
        ),
        ("type", ["VerifiableCredential"], "La valeur du champ « type » n'est pas une de celles"),
        ("credentialSubject", ..., "Il manque le champ « credentialSubject » dans « le document »"),
        (
            "credentialSubject.achievement.criteria",
            "tout",
            "« credentialSubject.achievement.criteria » devrait être un objet",
        ),
    ],
)
def test_schema_errors_are_said_in_french_with_the_field(path: str, value: Any, said: str) -> None:
    assert said in "\n".join(schema.problems(changed(path, value)))


def test_a_document_that_is_not_an_object_is_not_a_badge() -> None:
    assert schema.problems(["badge"]) == [
        "Le fichier ne contient pas un objet JSON : ce n'est pas un badge."
    ]
