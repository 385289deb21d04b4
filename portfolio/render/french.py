"""French formatting of dates, numbers and hours on printed documents (filters of the Jinja
environment, also used to write evidence lines in `views`)."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NBSP = "\u00a0"
"""No-break space: French thousands separator and the space before a unit. The shipped font has
no narrow no-break space (U+202F), so the plain one is used."""


def fr_date(value: dt.date | None, style: str = "short") -> str:
    """A date as the French write it: ``12/03/2026`` or, with ``style="long"``, ``12 mars 2026``."""
    if value is None:
        return ""
    if style == "long":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


def fr_number(value: float | int | None, decimals: int = 2) -> str:
    """``1234.5`` → ``1 234,5``: decimal comma, no-break thousands separator, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", NBSP).replace(".", ",")


def fr_hours(value: float | int | None, decimals: int = 1) -> str:
    """``12.5`` → ``12,5 h`` (hours are rounded to a tenth on printed documents)."""
    if value is None:
        return ""
    return f"{fr_number(value, decimals)}{NBSP}h"


def end_sentence(text: str) -> str:
    """Close a sentence ending with user text (« Mme D. ») without doubling its full stop."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def fr_period(start: dt.date, end: dt.date) -> str:
    """A period in words, without repeating what the two dates share: « le 2 février 2026 »,
    « du 13 au 14 octobre 2025 », « du 20 janvier au 10 février 2026 »."""
    if start == end:
        return f"le {fr_date(start, 'long')}"
    first = fr_date(start, "long")
    if start.year == end.year:
        first = first.rsplit(" ", 1)[0]
        if start.month == end.month:
            first = first.rsplit(" ", 1)[0]
    return f"du {first} au {fr_date(end, 'long')}"
