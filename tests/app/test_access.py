"""Who may record what (SPEC §11): the scoping rules of the recording forms."""

from __future__ import annotations

from portfolio.app import access
from portfolio.model.accounts import Account

FEDERATION = Account(login="fede", role="federation", password="h")
COUNSELOR = Account(login="conseil", role="counselor", association="ai-est", password="h")
TRAINER = Account(login="formation", role="trainer", body="ofa", password="h")


def test_a_trainer_records_its_own_bodys_modules_only():
    assert access.records_module(TRAINER, "ofa.linge")
    assert not access.records_module(TRAINER, "ofb.linge")
    assert not access.records_module(TRAINER, "ofalinge")
    assert not access.records_module(TRAINER, "ofa-bis.linge")


def test_a_body_whose_id_prefixes_another_does_not_reach_its_modules():
    assert not access.records_module(TRAINER, "ofab.linge")


def test_counselors_and_the_federation_record_any_module():
    assert access.records_module(COUNSELOR, "ofb.linge")
    assert access.records_module(FEDERATION, "ofb.linge")


def test_only_counselors_and_the_federation_create_workers():
    assert access.records_workers(FEDERATION)
    assert access.records_workers(COUNSELOR)
    assert not access.records_workers(TRAINER)


def test_a_counselors_new_worker_belongs_to_its_association_the_federation_chooses():
    assert access.new_worker_association(COUNSELOR) == "ai-est"
    assert access.new_worker_association(FEDERATION) is None
