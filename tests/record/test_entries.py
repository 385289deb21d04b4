"""Entries as a counselor records them, and a new worker file (portfolio/record/entries.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio.french import InputError, parse_date, parse_hours
from portfolio.record.changes import parse_worker_text
from portfolio.record.entries import new_worker_text, observation_entry, placement_entry

TODAY = dt.date(2003, 6, 30)

# --- values a counselor types (portfolio.french parses them) ------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [("12", 12.0), ("3.5", 3.5), ("3,5", 3.5), ("3h30", 3.5), ("3:15", 3.25), ("7 h", 7.0)],
)
def test_hours_are_read_as_french_people_write_them(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["0", "-2", "trois", "3h75"])
def test_hours_must_be_a_positive_number(text: str) -> None:
    with pytest.raises(InputError):
        parse_hours(text)


def test_dates_are_read_in_iso_or_french_order() -> None:
    assert parse_date("2003-01-31") == parse_date("31/01/2003") == dt.date(2003, 1, 31)
    with pytest.raises(InputError, match="n'est pas une date valide"):
        parse_date("31/02/2003")


# --- entries ------------------------------------------------------------------------------------


def test_new_worker_file_reads_back_as_a_valid_worker() -> None:
    text = new_worker_text(
        ident="fatima-b",
        first_name="Fatima",
        last_name="B.",
        association="ai-est",
        counselor="Mme Martin",
        targets=["tst"],
        consent=True,
        consent_date=dt.date(2002, 9, 20),
        today=TODAY,
    )
    worker, _, issues = parse_worker_text(text, "fatima-b")
    assert issues == []
    assert worker is not None
    assert (worker.id, worker.display_name, worker.targets) == ("fatima-b", "Fatima B.", ["tst"])
    assert worker.consent is not None and worker.consent.date == dt.date(2002, 9, 20)
    assert text.startswith("# Salarié en parcours, fiche créée le 30/06/2003")


def test_means_go_after_the_tutor_and_before_the_note_and_tasks() -> None:
    entry = placement_entry(
        ident="p1",
        client="X",
        client_kind="particulier",
        start=dt.date(2003, 1, 6),
        end=dt.date(2003, 1, 6),
        hours=3,
        tutor="M. Ruiz",
        tasks=["repassage"],
        means=["fer à repasser ", " "],
        note="RAS",
    )
    assert list(entry) == [
        "id",
        "client",
        "start",
        "end",
        "hours",
        "tutor",
        "means",
        "note",
        "tasks",
    ]
    assert entry["means"] == ["fer à repasser"]


def test_an_observation_stores_the_role_in_its_one_form() -> None:
    entry = observation_entry(
        day=dt.date(2003, 1, 6), by="Mme D.", role="Tutrice", competency="tst.b1.c1", level=3
    )
    assert entry["role"] == "tuteur"
