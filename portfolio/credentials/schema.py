"""Is this file an Open Badges 3.0 AchievementCredential? The official schema, and more.

1EdTech's JSON schema (vendored unmodified in `data/`) is what wallets check; it lets through
things the specification forbids (interop-notes): a credential without `name`, an issuer given
as a bare string, a subject with neither `id` nor `identifier`, ids that are not URIs. Those are
checked here too, with the terms no JSON-LD context defines (a proof does not cover them). Every
problem is a French sentence naming the field, for the person holding the file.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft201909Validator
from jsonschema.exceptions import ValidationError

from portfolio.credentials.contexts import DATA, OB_CONTEXT, VC_CONTEXT, unsigned_terms
from portfolio.issues import PortfolioError

SCHEMA_FILE = DATA / "achievementcredential.json"
SHOWN = 8
"""How many schema problems a verdict lists; the first ones are enough to see what is wrong."""

_KINDS = {
    "object": "un objet",
    "array": "une liste",
    "string": "un texte",
    "boolean": "vrai ou faux",
    "number": "un nombre",
    "integer": "un nombre entier",
}


@cache
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def problems(credential: Any) -> list[str]:
    """Why the document is not a valid AchievementCredential (empty when it is)."""
    if not isinstance(credential, dict):
        return ["Le fichier ne contient pas un objet JSON : ce n'est pas un badge."]
    found = [_explain(error) for error in _schema_errors(credential)]
    found += _beyond_schema(credential)
    try:
        loose = unsigned_terms(credential)
    except PortfolioError as exc:
        return [*found, str(exc)]
    found += [
        f"Le champ « {path} » ne fait pas partie du vocabulaire Open Badges : la signature ne "
        "le couvre pas, il a pu être ajouté ou changé sans que rien ne le montre."
        for path in loose
    ]
    return list(dict.fromkeys(found))


def _schema_errors(credential: dict[str, Any]) -> list[ValidationError]:
    """The deepest error of each failing branch: `oneOf` alternatives explain nothing alone."""
    errors = []
    for error in sorted(validator().iter_errors(credential), key=lambda e: list(e.path)):
        leaves = [e for e in error.context or () if not e.context] if error.context else []
        errors.append(min(leaves, key=lambda e: -len(e.path)) if leaves else error)
    return errors[:SHOWN]


def _explain(error: ValidationError) -> str:
    where = _path(error.absolute_path) or "le document"
    field = f"« {where} »"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"Il manque le champ « {missing} » dans {field}, que le schéma Open Badges exige."
    if error.validator == "type":
        wanted = error.validator_value
        words = (
            " ou ".join(_KINDS.get(k, k) for k in wanted)
            if isinstance(wanted, list)
            else _KINDS.get(wanted, wanted)
        )
        return f"Le champ {field} devrait être {words}."
    if error.validator == "format":
        return f"Le champ {field} n'est pas au format attendu ({error.validator_value})."
    if error.validator in {"contains", "enum", "const", "pattern"}:
        return f"La valeur du champ {field} n'est pas une de celles qu'Open Badges 3.0 permet."
    return f"Le champ {field} n'est pas conforme au schéma Open Badges 3.0 ({error.validator})."


def _beyond_schema(credential: dict[str, Any]) -> list[str]:
    found = []
    context = credential.get("@context")
    if not (isinstance(context, list) and context[:1] == [VC_CONTEXT] and OB_CONTEXT in context):
        found.append(
            f"Le champ « @context » doit commencer par {VC_CONTEXT} et contenir {OB_CONTEXT}."
        )
    if not _text(credential.get("name")):
        found.append("Le badge n'a pas de nom (champ « name »).")
    issuer = credential.get("issuer")
    if not isinstance(issuer, dict):
        found.append("L'émetteur (« issuer ») doit être décrit par un objet, avec son nom.")
    elif not _text(issuer.get("name")):
        found.append("L'émetteur (« issuer ») n'a pas de nom.")
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and not (subject.get("id") or subject.get("identifier")):
        found.append(
            "Le badge ne dit pas à qui il est remis (ni « id » ni « identifier » dans "
            "« credentialSubject »)."
        )
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    for path, value in (
        ("id", credential.get("id")),
        ("issuer.id", issuer.get("id") if isinstance(issuer, dict) else None),
        ("credentialSubject.id", subject.get("id") if isinstance(subject, dict) else None),
        ("credentialSubject.achievement.id", _get(achievement, "id")),
    ):
        if value is not None and not _uri(value):
            found.append(f"Le champ « {path} » doit être une URI (par exemple urn:uuid:…).")
    return found


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _uri(value: Any) -> bool:
    """An absolute URI: a scheme, then something (`urn:uuid:…`, `did:key:…`, `https://…`)."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and len(parts.scheme) > 1 and bool(parts.netloc or parts.path)


def _path(parts: Any) -> str:
    text = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in parts)
    return text.replace(".[", "[")
