"""French as users read and type it (`portfolio.french`): formats, parsers and labels."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from portfolio.french import (
    CERTIFICATION_KINDS,
    CLIENT_KIND_WORDS,
    LEVEL_HINTS,
    LEVEL_LABELS,
    LEVEL_WORDS,
    PLAIN_RESULTS,
    RESULT_WORDS,
    STATUS_LABELS,
    STATUS_WORDS,
    TRACK_NAMES,
    InputError,
    end_sentence,
    fr_date,
    fr_hours,
    fr_number,
    fr_percent,
    fr_period,
    message_hours,
    message_percent,
    parse_level,
    parse_yes_no,
    plural,
)
from portfolio.model.literals import (
    CertificationKind,
    ClientKind,
    Level,
    Status,
    Track,
    TrainingResult,
)

NBSP = "\u00a0"


def test_short_date_is_day_month_year() -> None:
    assert fr_date(dt.date(2026, 3, 12)) == "12/03/2026"


def test_long_date_names_the_month() -> None:
    assert fr_date(dt.date(2026, 3, 12), "long") == "12 mars 2026"


def test_long_date_writes_first_of_month_as_1er() -> None:
    assert fr_date(dt.date(2026, 8, 1), "long") == "1er août 2026"


def test_number_uses_decimal_comma_and_no_break_thousands() -> None:
    assert fr_number(1234.5) == f"1{NBSP}234,5"


def test_number_drops_trailing_zeros() -> None:
    assert fr_number(12.0) == "12"
    assert fr_number(1200) == f"1{NBSP}200"


def test_number_rounds_to_the_given_decimals() -> None:
    assert fr_number(161.666, 0) == "162"
    assert fr_number(-0.001) == "0"


def test_hours_are_rounded_to_a_tenth_with_unit() -> None:
    assert fr_hours(12.5) == f"12,5{NBSP}h"
    assert fr_hours(97.66) == f"97,7{NBSP}h"


def test_period_within_one_month_names_it_once() -> None:
    assert fr_period(dt.date(2025, 10, 13), dt.date(2025, 10, 14)) == "du 13 au 14 octobre 2025"


def test_period_within_one_year_names_it_once() -> None:
    assert (
        fr_period(dt.date(2026, 1, 20), dt.date(2026, 2, 10)) == "du 20 janvier au 10 février 2026"
    )


def test_period_over_two_years_is_written_in_full() -> None:
    assert (
        fr_period(dt.date(2025, 12, 1), dt.date(2026, 1, 9))
        == "du 1er décembre 2025 au 9 janvier 2026"
    )


def test_one_day_period_is_a_single_date() -> None:
    assert fr_period(dt.date(2026, 2, 2), dt.date(2026, 2, 2)) == "le 2 février 2026"


def test_sentence_gets_one_full_stop() -> None:
    assert end_sentence("Mme D.") == "Mme D."
    assert end_sentence("M. Garnier") == "M. Garnier."


def test_printed_percent_has_a_no_break_space_and_a_dash_for_none() -> None:
    assert fr_percent(0.153) == f"15{NBSP}%"
    assert fr_percent(0.1534, 1) == f"15,3{NBSP}%"
    assert fr_percent(None) == "—"


def test_message_hours_keep_hundredths_and_plain_spaces() -> None:
    assert message_hours(3.25) == "3,25 h"
    assert message_hours(1234.567) == "1234,57 h"
    assert message_hours(12.0) == "12 h"


def test_message_percent_is_a_whole_number_with_a_plain_space() -> None:
    assert message_percent(0.1) == "10 %"
    assert message_percent(0.156) == "16 %"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("oui", True), ("O", True), (" yes ", True), ("y", True), ("non", False), ("N", False)],
)
def test_yes_no_reads_french_and_english_answers(typed: str, meant: bool) -> None:
    assert parse_yes_no(typed) is meant


def test_yes_no_refuses_anything_else_in_french() -> None:
    with pytest.raises(InputError, match="répondez « oui » ou « non »"):
        parse_yes_no("peut-être")


@pytest.mark.parametrize(
    ("typed", "level"),
    [("3", 3), (" 1 ", 1), ("autonome", 3), ("Maitrise", 4), ("AVEC AIDE", 2), ("Découverte", 1)],
)
def test_level_is_read_as_a_number_or_its_word(typed: str, level: int) -> None:
    assert parse_level(typed) == level


@pytest.mark.parametrize("typed", ["0", "5", "expert", ""])
def test_unknown_level_lists_the_four_choices(typed: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_level(typed)
    assert "1 (découverte), 2 (avec aide), 3 (autonome) ou 4 (maîtrise)" in str(raised.value)


def test_plural_starts_at_two() -> None:
    assert plural(0, "erreur") == "0 erreur"
    assert plural(1, "erreur") == "1 erreur"
    assert plural(2, "erreur") == "2 erreurs"
    assert plural(3, "travail", "travaux") == "3 travaux"


@pytest.mark.parametrize(
    ("labels", "literal"),
    [
        (TRACK_NAMES, Track),
        (CLIENT_KIND_WORDS, ClientKind),
        (STATUS_WORDS, Status),
        (STATUS_LABELS, Status),
        (LEVEL_WORDS, Level),
        (LEVEL_LABELS, Level),
        (LEVEL_HINTS, Level),
        (RESULT_WORDS, TrainingResult),
        (PLAIN_RESULTS, TrainingResult),
        (CERTIFICATION_KINDS, CertificationKind),
    ],
)
def test_every_model_value_has_a_label_in_the_model_order(labels: dict, literal: object) -> None:
    assert tuple(labels) == get_args(literal)
    assert all(label.strip() for label in labels.values())


def test_status_and_level_labels_are_built_from_their_words() -> None:
    assert STATUS_LABELS["a-acquerir"] == "À acquérir"
    assert LEVEL_LABELS[2] == "2 avec aide"
