"""JSON-LD canonicalisation that never leaves the machine.

A verifier that fetched `@context` URLs would let whoever serves them change what a signed
credential means (and would leak who checks which credential). The document loader therefore
serves only the contexts bundled with pyld (among them the W3C Verifiable Credentials 2.0
context) and the Open Badges 3.0 context vendored in `data/`; any other URL is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader

from portfolio.issues import PortfolioError

DATA = Path(__file__).resolve().parent / "data"

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
"""The Open Badges 3.0 context the 1EdTech test vector and our credentials use."""

KNOWN_CONTEXTS: dict[str, Path] = {**BUNDLED_CONTEXTS, OB_CONTEXT: DATA / "context-3.0.3.json"}

_LOADER = FrozenDocumentLoader(KNOWN_CONTEXTS)


def canonical(document: dict[str, Any]) -> str:
    """The document's RDF dataset in canonical N-Quads (RDFC-1.0, formerly URDNA2015): the
    bytes a Data Integrity proof signs, equal for every JSON spelling of the same statements."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _LOADER}
    try:
        return jsonld.normalize(document, options)
    except jsonld.JsonLdError as exc:
        raise PortfolioError(_explain(exc)) from None


def unsigned_terms(document: dict[str, Any]) -> list[str]:
    """The paths of the keys (« credentialSubject.achievement.couleur ») that no context
    defines: canonicalisation drops them, so a proof does not cover them and anyone could change
    them unseen. Found by expanding the document and compacting it back: what did not survive
    the round trip was never part of the signed statements."""
    options = {"documentLoader": _LOADER}
    try:
        expanded = jsonld.expand(document, options)
        compacted = jsonld.compact(
            expanded, document.get("@context"), {**options, "compactArrays": False}
        )
    except jsonld.JsonLdError as exc:
        raise PortfolioError(_explain(exc)) from None
    graph = compacted.get("@graph", [compacted])
    kept = set().union(*(_key_paths(node) for node in graph)) if graph else set()
    return sorted(_key_paths(document) - kept - {"@context", "proof"})


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, array positions left out."""
    if isinstance(value, list):
        return set().union(set(), *(_key_paths(item, prefix) for item in value))
    if not isinstance(value, dict):
        return set()
    paths = set()
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else key
        paths.add(path)
        if key != "@context":
            paths |= _key_paths(item, path)
    return paths


def _explain(exc: BaseException) -> str:
    """A French sentence for pyld's error, which nests the real cause (an unknown context
    URL, say) several levels deep."""
    cause: BaseException = exc
    while True:
        details = getattr(cause, "details", None)
        if isinstance(details, dict) and details.get("url"):
            known = ", ".join(sorted(KNOWN_CONTEXTS))
            return (
                f"Contexte JSON-LD inconnu : « {details['url']} ». Il n'est pas téléchargé, "
                f"pour que le sens du document ne dépende d'aucun serveur ; seuls ces contextes "
                f"sont connus : {known}."
            )
        if cause.__cause__ is None:
            break
        cause = cause.__cause__
    detail = cause.args[0] if cause.args else type(cause).__name__
    return f"Le document n'est pas du JSON-LD valide (détail technique : {detail})."
