"""One Open Badges 3.0 AchievementCredential per block a worker can present (SPEC §12).

The badge says exactly what the programme knows, no more: the association assessed every
competency of the block as acquired, on this evidence, at this date. It is a pre-validation,
not the certification, which only a jury awards; the description says so in words a jury and
a wallet show. Every code another system may join on is in it: the RNCP code of the
certification, that of the block (`humanCode` and an alignment), the ROME codes.

Every term used here is defined by the VC 2.0 or Open Badges 3.0 context: a term they do not
define would be dropped by canonicalisation, so left out of what the proof signs
(`contexts.unsigned_terms` finds such terms, and the tests check that there are none).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portfolio.credentials.contexts import OB_CONTEXT, VC_CONTEXT
from portfolio.french import CERTIFICATION_KINDS, fr_date, message_hours, plural
from portfolio.model.evidence import (
    BlockStatus,
    ObservationEvidence,
    PlacementEvidence,
    TrainingEvidence,
)
from portfolio.model.referentiel import Block, Referentiel
from portfolio.model.workspace import Association, Worker

SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
"""The official schema a wallet validates the badge with (declared in `credentialSchema`)."""
RNCP_PAGE = "https://www.francecompetences.fr/recherche/rncp/{number}/"
ROME_PAGE = "https://candidat.francetravail.fr/metierscope/fiche-metier/{code}"
BADGE_NAMESPACE = uuid.UUID("5b0c8f3e-7d1a-4c2e-9f57-1a6e0b9d2c41")
"""Namespace of the achievements' stable ids: the same block gets the same id in every badge."""


@dataclass(frozen=True)
class Issuer:
    """Who signs: the association, named by its key's `did:key`."""

    did: str
    association: Association


@dataclass(frozen=True)
class BlockEvidence:
    """The evidence summary of one block, counted once even when a placement's task or an
    observation evidences several of its competencies."""

    work_hours: float
    placements: int
    observations: int
    trainings: tuple[str, ...]

    @classmethod
    def of(cls, status: BlockStatus) -> BlockEvidence:
        task_hours: dict[tuple[str, str], float] = {}
        placements: set[str] = set()
        observations: set[tuple[str, str, dt.date]] = set()
        trainings: set[str] = set()
        for comp in status.competencies:
            for item in comp.evidence:
                if isinstance(item, PlacementEvidence):
                    task_hours[(item.ref, item.task)] = item.hours
                    placements.add(item.ref)
                elif isinstance(item, ObservationEvidence):
                    observations.add((comp.id, item.by, item.date))
                elif isinstance(item, TrainingEvidence) and item.result == "acquis":
                    trainings.add(item.ref)
        return cls(
            work_hours=round(sum(task_hours.values()), 2),
            placements=len(placements),
            observations=len(observations),
            trainings=tuple(sorted(trainings)),
        )

    def narrative(self, titles: Mapping[str, str]) -> str:
        """« 64 h de travail dans 3 missions (mises à disposition), 4 observations notées,
        1 formation réussie (Entretien du linge). »: trainings by their title (`titles`:
        module id → title), which a reader understands."""
        parts = []
        if self.placements:
            parts.append(
                f"{message_hours(self.work_hours)} de travail dans "
                f"{plural(self.placements, 'mission')} (mises à disposition)"
            )
        if self.observations:
            parts.append(plural(self.observations, "observation notée", "observations notées"))
        if self.trainings:
            parts.append(
                f"{plural(len(self.trainings), 'formation réussie', 'formations réussies')} "
                f"({', '.join(titles.get(t, t) for t in self.trainings)})"
            )
        return (", ".join(parts) or "Aucune preuve comptée") + "."


def achievement_credential(
    *,
    referentiel: Referentiel,
    block: Block,
    status: BlockStatus,
    worker: Worker,
    issuer: Issuer,
    as_of: dt.date,
    issued: dt.datetime,
    valid_until: dt.datetime,
    modules: Mapping[str, str],
) -> dict[str, Any]:
    """The unsigned credential of one presentable block, in the JSON shape the official
    schema wants (sets as arrays, no null, no empty array). `modules`: module id → title."""
    if not status.presentable:
        raise ValueError(f"block {status.id} is not presentable")
    evidence = BlockEvidence.of(status)
    association = issuer.association
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{block.title} — {referentiel.title}",
        "description": (
            f"Pré-validation des acquis de l'expérience délivrée par {association.name} à "
            f"{worker.display_name.removesuffix('.')}."
        ),
        "issuer": _profile(issuer),
        "validFrom": _timestamp(issued),
        "validUntil": _timestamp(valid_until),
        "awardedDate": _timestamp(issued),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                _identity("name", worker.display_name),
                _identity("sourcedId", f"{association.id}/{worker.id}"),
            ],
            "achievement": _achievement(referentiel, block, status),
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": f"Expérience et formation au {fr_date(as_of, 'long')}",
                "narrative": evidence.narrative(modules),
                "genre": "Pré-validation des acquis de l'expérience",
            }
        ],
        "credentialSchema": [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def _achievement(referentiel: Referentiel, block: Block, status: BlockStatus) -> dict[str, Any]:
    certification = referentiel.certification
    source = certification.source or (
        RNCP_PAGE.format(number=certification.rncp.removeprefix("RNCP"))
        if certification.rncp
        else None
    )
    achievement: dict[str, Any] = {
        "id": f"urn:uuid:{_achievement_uuid(referentiel, block)}",
        "type": ["Achievement"],
        "achievementType": "Assessment",
        "name": block.title,
        "description": _achievement_description(referentiel, block),
        "criteria": {"narrative": _criteria(referentiel, block, status)},
        "inLanguage": "fr",
    }
    if block.rncp:
        achievement["humanCode"] = block.rncp
    alignment = _alignment(referentiel, block, source)
    if alignment:
        achievement["alignment"] = alignment
    if referentiel.rome:
        achievement["tag"] = [f"ROME {code}" for code in referentiel.rome]
    return achievement


def _achievement_uuid(referentiel: Referentiel, block: Block) -> uuid.UUID:
    """Stable across issuances and workers: the RNCP block code when there is one (two
    référentiels of the same certification name the same block), else the block's id."""
    key = block.rncp or f"{referentiel.certification.rncp or referentiel.id}/{block.id}"
    return uuid.uuid5(BADGE_NAMESPACE, key)


def _achievement_description(referentiel: Referentiel, block: Block) -> str:
    certification = referentiel.certification
    kind = CERTIFICATION_KINDS[certification.kind]
    codes = ", ".join(
        code
        for code in (
            certification.code,
            certification.rncp,
            f"niveau {certification.level}" if certification.level else None,
        )
        if code
    )
    what = f"{kind} « {referentiel.title} »" + (f" ({codes})" if codes else "")
    block_words = f"Bloc de compétences {block.rncp} du" if block.rncp else "Bloc de compétences du"
    certifier = f", certificateur : {certification.certifier}" if certification.certifier else ""
    return (
        f"{block_words} {what}{certifier}. Toutes les compétences du bloc ont été évaluées "
        "comme acquises par l'association, à partir de l'expérience de travail, des formations "
        "et des observations des tuteurs. C'est une pré-validation : seul un jury délivre la "
        "certification."
    )


def _criteria(referentiel: Referentiel, block: Block, status: BlockStatus) -> str:
    """The rule of SPEC §6 in words, and the competencies it was applied to."""
    rule = (
        "Chaque compétence est acquise quand les heures de travail qui la montrent atteignent "
        "le minimum du référentiel et, si le référentiel le demande, quand un tuteur, un "
        "formateur ou un conseiller l'a vue réalisée sans aide (niveau 3 sur 4 ou plus)."
    )
    levels = {comp.id: comp.level for comp in status.competencies}
    lines = []
    for comp in block.competencies:
        full_id = referentiel.full_id(block, comp)
        level = levels.get(full_id)
        seen = f" (niveau observé {level})" if level is not None else ""
        lines.append(f"- {comp.title}{seen}")
    return rule + "\n" + "\n".join(lines)


def _alignment(referentiel: Referentiel, block: Block, source: str | None) -> list[dict[str, Any]]:
    """The certification, its block and the ROME codes, as Open Badges alignments (a target
    needs a URL: without one, the certification and block are named by `humanCode` only)."""
    certification = referentiel.certification
    aligned = []
    if source:
        if certification.rncp:
            aligned.append(
                _aligned(referentiel.title, source, certification.rncp, "ceterms:Credential")
            )
        if block.rncp:
            aligned.append(_aligned(block.title, source, block.rncp, "ext:RNCPBlocDeCompetences"))
    aligned += [
        {
            "type": ["Alignment"],
            "targetName": f"Fiche ROME {code}",
            "targetUrl": ROME_PAGE.format(code=code),
            "targetCode": code,
            "targetFramework": "ROME (France Travail)",
            "targetType": "ext:ROME",
        }
        for code in referentiel.rome
    ]
    return aligned


def _aligned(name: str, url: str, code: str, kind: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetCode": code,
        "targetFramework": "RNCP (France Compétences)",
        "targetType": kind,
    }


def _profile(issuer: Issuer) -> dict[str, Any]:
    association = issuer.association
    profile: dict[str, Any] = {"id": issuer.did, "type": ["Profile"], "name": association.name}
    if association.email:
        profile["email"] = association.email
    if association.phone:
        profile["phone"] = association.phone
    return profile


def _identity(kind: str, value: str) -> dict[str, Any]:
    """A plain (not hashed) identity: the badge is the worker's, to show with their name."""
    return {"type": "IdentityObject", "hashed": False, "identityHash": value, "identityType": kind}


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
