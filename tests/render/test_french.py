"""French formatting on printed documents."""

from __future__ import annotations

import datetime as dt

from portfolio.render.french import end_sentence, fr_date, fr_hours, fr_number, fr_period

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
