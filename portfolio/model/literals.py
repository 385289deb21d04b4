"""The closed vocabularies of the file formats and results (SPEC §3, §4, §6), as Literals.

Kept apart from the pydantic models so that `portfolio.french` builds its labels from them without
importing pydantic: `portfolio --help` stays quick.
"""

from __future__ import annotations

import unicodedata
from typing import Literal, get_args

Track = Literal[
    "emplois-familiaux",
    "agents-administratifs",
    "entretien-nettoyage",
    "restauration-collective",
    "espaces-verts",
    "batiment",
    "transversal",
]
TRACKS: tuple[str, ...] = get_args(Track)
Axis = Literal["technique", "savoir-etre", "general"]
CertificationKind = Literal["titre-professionnel", "cap", "capa", "cqp", "clea", "socle"]
ClientKind = Literal["particulier", "collectivite", "association", "entreprise"]
Role = Literal["tuteur", "conseiller", "formateur"]
ROLE_SPELLINGS: dict[str, Role] = {
    "tuteur": "tuteur",
    "tutrice": "tuteur",
    "conseiller": "conseiller",
    "conseillere": "conseiller",
    "formateur": "formateur",
    "formatrice": "formateur",
}
"""Every way a role is written, without capitals or accents, and the one SPEC §4 stores: a woman
who tutors is a « tutrice », and the files, the counts and the documents all say `tuteur`."""
TrainingResult = Literal["acquis", "non-acquis", "en-cours"]
Level = Literal[1, 2, 3, 4]
"""SPEC §4 observation levels: 1 découverte, 2 avec aide, 3 autonome, 4 maîtrise."""
LEVELS: tuple[int, ...] = get_args(Level)
Status = Literal["acquise", "en-cours", "a-acquerir"]
"""SPEC §6 competency statuses."""


def canonical_role(text: str) -> str:
    """A role as written (« Tutrice », « conseillère », « CONSEILLERE ») → its `Role` value;
    any other text unchanged, for the caller to refuse with its own message."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    key = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ROLE_SPELLINGS.get(key, text)
