"""What recording forms offer and suggest (portfolio/record/queries.py)."""

from __future__ import annotations

from portfolio.record.queries import next_placement_id, suggest_worker_id


def test_next_placement_id_follows_the_highest_number() -> None:
    assert next_placement_id([]) == "p1"
    assert next_placement_id(["p1", "p3", "menage"]) == "p4"


def test_a_worker_id_is_suggested_from_the_names_and_numbered_when_taken() -> None:
    assert suggest_worker_id("Kévin", "T.", set()) == "kevin-t"
    assert suggest_worker_id("Kévin", "T.", {"kevin-t", "kevin-t-2"}) == "kevin-t-3"
