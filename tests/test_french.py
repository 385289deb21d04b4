"""French as users read and type it (`portfolio.french`): formats, parsers and labels."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from portfolio.french import (
    CENTURY_PIVOT,
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
    parse_date,
    parse_hours,
    parse_level,
    parse_role,
    parse_yes_no,
    plural,
    visible_text,
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


def test_message_hours_keep_hundredths_and_no_break_spaces() -> None:
    assert message_hours(3.25) == f"3,25{NBSP}h"
    assert message_hours(1234.567) == f"1{NBSP}234,57{NBSP}h"
    assert message_hours(12.0) == f"12{NBSP}h"


def test_message_percent_of_a_whole_percentage_has_no_decimals() -> None:
    assert message_percent(0.1) == f"10{NBSP}%"
    assert message_percent(0.7 / 7) == f"10{NBSP}%"  # 9.999999999999998 % in floats
    assert message_percent(0.0) == f"0{NBSP}%"


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.097, "9,7"), (0.0996, "9,96"), (0.2004, "20,04"), (0.156, "15,6"), (0.03125, "3,1")],
)
def test_message_percent_never_rounds_to_a_whole_percentage_it_is_not(
    share: float, shown: str
) -> None:
    # 9.7 % next to « en dessous de 10 % » must not read « 10 % ».
    assert message_percent(share) == f"{shown}{NBSP}%"


def test_message_percent_does_not_round_onto_an_edge_of_its_band() -> None:
    assert message_percent(0.1246) == f"12,5{NBSP}%"
    assert message_percent(0.1246, (0.125, 0.25)) == f"12,46{NBSP}%"
    assert message_percent(0.125, (0.125, 0.25)) == f"12,5{NBSP}%"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2024-12-31", dt.date(2024, 12, 31)),
        ("31/12/2024", dt.date(2024, 12, 31)),
        ("31/12/24", dt.date(2024, 12, 31)),
        (" 1/2/03 ", dt.date(2003, 2, 1)),
        ("31.12.24", dt.date(2024, 12, 31)),
        ("31-12-2024", dt.date(2024, 12, 31)),
    ],
)
def test_dates_are_read_as_people_write_them(typed: str, day: dt.date) -> None:
    assert parse_date(typed) == day


def test_two_digit_years_pivot_at_70() -> None:
    assert CENTURY_PIVOT == 70
    assert parse_date("31/12/69").year == 2069
    assert parse_date("01/01/70").year == 1970
    assert parse_date("15/03/75").year == 1975


@pytest.mark.parametrize("typed", ["31/02/24", "2024-13-01", "31/12/2024x", "31/12/124", "demain"])
def test_a_date_that_does_not_exist_is_refused_with_the_formats(typed: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_date(typed, "--as-of")
    assert str(raised.value).startswith(f"--as-of « {typed} » n'est pas une date valide")
    assert "JJ/MM/AAAA (31/01/2003), JJ/MM/AA (31/01/03) ou AAAA-MM-JJ" in str(raised.value)


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("12", 12.0),
        ("7,5", 7.5),
        ("7.5", 7.5),
        ("7,5 h", 7.5),
        ("7,5h", 7.5),
        ("20h", 20.0),
        ("20 H", 20.0),
        ("3h30", 3.5),
        ("3:30", 3.5),
        (f"1{NBSP}234,5 h", 1234.5),
    ],
)
def test_hours_are_read_as_people_write_them(typed: str, hours: float) -> None:
    assert parse_hours(typed) == hours


@pytest.mark.parametrize("typed", ["h", "3h75", "douze", "-2", "0"])
def test_anything_else_is_not_a_number_of_hours(typed: str) -> None:
    with pytest.raises(InputError):
        parse_hours(typed)


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


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("tuteur", "tuteur"),
        ("Tutrice", "tuteur"),
        ("conseillère", "conseiller"),
        ("CONSEILLERE", "conseiller"),
        (" formatrice ", "formateur"),
        ("Formateur", "formateur"),
    ],
)
def test_a_role_is_read_in_either_gender_and_given_in_its_one_stored_form(
    typed: str, role: str
) -> None:
    assert parse_role(typed) == role


def test_an_unknown_role_names_every_accepted_word() -> None:
    with pytest.raises(InputError, match="« chef » inconnu : écrivez tuteur \\(ou tutrice\\)"):
        parse_role("chef")


def test_visible_text_refuses_control_and_invisible_characters():
    assert visible_text("Mme Ferhat\navec soin", "la note") == "Mme Ferhat\navec soin"
    for hidden in ("\x00", "\x1b[31m", "\x07", "\u200b"):
        with pytest.raises(InputError, match="la note contient des caractères invisibles"):
            visible_text(f"a{hidden}b", "la note")
    with pytest.raises(InputError):
        visible_text("deux\nlignes", "le nom", lines=False)
