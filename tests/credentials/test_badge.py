"""Building a block's AchievementCredential from a demo worker's assessment (SPEC §12)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portfolio.app.workspace import open_worker
from portfolio.assess import assess
from portfolio.credentials import schema
from portfolio.credentials.badge import BlockEvidence, Issuer, achievement_credential
from portfolio.credentials.contexts import unsigned_terms
from portfolio.credentials.keys import did_key, verification_method
from portfolio.credentials.proof import sign, verify
from portfolio.model.evidence import BlockStatus, ObservationEvidence, PlacementEvidence
from portfolio.resources import demo_dir

AS_OF = dt.date(2026, 8, 31)
ISSUED = dt.datetime(2026, 9, 1, 9, 30, tzinfo=dt.UTC)
UNTIL = dt.datetime(2029, 9, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def fatima() -> dict:
    """Fatima's ADVF block 1, presentable at the end of the demo's programme year."""
    ws, worker = open_worker(demo_dir(), "fatima-b")
    assessment, _ = assess(ws, worker, AS_OF)
    referentiel = ws.referentiels["advf"]
    status = next(b for r in assessment.referentiels for b in r.blocks if b.id == "advf.ccp1")
    assert status.presentable
    return {
        "referentiel": referentiel,
        "block": referentiel.blocks[0],
        "status": status,
        "worker": worker,
        "association": next(a for a in ws.settings.associations if a.id == worker.association),
    }


def credential_of(fatima: dict, key: Ed25519PrivateKey) -> dict:
    return achievement_credential(
        referentiel=fatima["referentiel"],
        block=fatima["block"],
        status=fatima["status"],
        worker=fatima["worker"],
        issuer=Issuer(did_key(key.public_key()), fatima["association"]),
        as_of=AS_OF,
        issued=ISSUED,
        valid_until=UNTIL,
        modules={"graindesel.linge": "Entretien du linge"},
    )


def test_a_demo_badge_passes_the_official_schema_and_our_extra_rules(fatima: dict) -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign(credential_of(fatima, key), key, verification_method(key.public_key()))
    assert list(schema.validator().iter_errors(signed)) == []
    assert schema.problems(signed) == []
    assert verify(signed, now=ISSUED).valid


def test_the_vendored_schema_is_the_published_file() -> None:
    """Checked against the hash of 1EdTech's file (gh-pages, docs/schema/…):
    badges are judged by the official schema, not by a copy we could have loosened."""
    assert hashlib.sha256(schema.SCHEMA_FILE.read_bytes()).hexdigest() == (
        "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"
    )


def test_every_field_of_a_badge_is_covered_by_its_signature(fatima: dict) -> None:
    """A term the contexts do not define is dropped by canonicalisation: it would not be signed."""
    assert unsigned_terms(credential_of(fatima, Ed25519PrivateKey.generate())) == []


def test_the_badge_carries_the_codes_other_systems_join_on(fatima: dict) -> None:
    achievement = credential_of(fatima, Ed25519PrivateKey.generate())["credentialSubject"][
        "achievement"
    ]
    referentiel = fatima["referentiel"]
    assert achievement["humanCode"] == fatima["block"].rncp == "RNCP37715BC01"
    codes = {(a["targetFramework"], a["targetCode"]) for a in achievement["alignment"]}
    assert ("RNCP (France Compétences)", referentiel.certification.rncp) in codes
    assert ("RNCP (France Compétences)", "RNCP37715BC01") in codes
    assert {c for f, c in codes if f.startswith("ROME")} == set(referentiel.rome)
    assert "RNCP37715BC01" in achievement["description"]
    assert "seul un jury délivre la certification" in achievement["description"]


def test_the_badge_names_issuer_worker_and_validity(fatima: dict) -> None:
    key = Ed25519PrivateKey.generate()
    credential = credential_of(fatima, key)
    assert credential["issuer"]["id"] == did_key(key.public_key())
    assert credential["issuer"]["name"] == fatima["association"].name
    names = [i["identityHash"] for i in credential["credentialSubject"]["identifier"]]
    assert names == ["Fatima B.", f"{fatima['association'].id}/fatima-b"]
    assert (credential["validFrom"], credential["validUntil"]) == (
        "2026-09-01T09:30:00Z",
        "2029-09-01T09:30:00Z",
    )


def test_the_achievement_id_is_the_same_for_every_worker_and_issuance(fatima: dict) -> None:
    first = credential_of(fatima, Ed25519PrivateKey.generate())
    second = credential_of(fatima, Ed25519PrivateKey.generate())
    assert first["id"] != second["id"]
    assert (
        first["credentialSubject"]["achievement"]["id"]
        == second["credentialSubject"]["achievement"]["id"]
    )


def test_the_evidence_summary_counts_each_task_and_observation_once(fatima: dict) -> None:
    status: BlockStatus = fatima["status"]
    trail = [e for c in status.competencies for e in c.evidence]
    task_hours = {(e.ref, e.task): e.hours for e in trail if isinstance(e, PlacementEvidence)}
    summary = BlockEvidence.of(status)
    assert summary.work_hours == round(sum(task_hours.values()), 2)
    assert summary.placements == len({ref for ref, _ in task_hours})
    assert summary.observations == sum(
        isinstance(e, ObservationEvidence) for c in status.competencies for e in c.evidence
    )
    narrative = summary.narrative({"graindesel.linge": "Entretien du linge"})
    assert narrative.startswith(f"{summary.work_hours:g}\u00a0h de travail dans ")
    assert narrative.endswith("1 formation réussie (Entretien du linge).")


def test_a_summary_without_work_does_not_speak_of_zero_hours() -> None:
    summary = BlockEvidence(work_hours=0, placements=0, observations=1, trainings=("at.web",))
    assert summary.narrative({}) == "1 observation notée, 1 formation réussie (at.web)."


def test_a_block_not_presentable_gets_no_badge(fatima: dict) -> None:
    unfinished = fatima["status"].model_copy(update={"presentable": False})
    with pytest.raises(ValueError, match="not presentable"):
        credential_of({**fatima, "status": unfinished}, Ed25519PrivateKey.generate())
