"""French as users read and type it: every format, every parser of typed values, every label.

Ground level of the package (it imports only the Literals of `model/literals.py`): documents,
terminal messages, checks, recording and the web pages all say a date, an hour count or a status
the same way, and accept what people type (« 31/12/2024 », « 3h30 », « 7,5 », « autonome »)
through one parser each.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any, get_args

from portfolio.model.literals import (
    CertificationKind,
    ClientKind,
    Level,
    Role,
    Status,
    Track,
    TrainingResult,
    canonical_role,
)

NBSP = "\u00a0"
"""No-break space: French thousands separator and the space before a unit. The shipped font has
no narrow no-break space (U+202F), so the plain one is used."""

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


class InputError(ValueError):
    """A value a user typed cannot be read; the message is French and says what to write."""


# --- labels -------------------------------------------------------------------------------------


def _labels(literal: Any, words: Mapping[Any, str]) -> dict[Any, str]:
    """A label for every value of a model Literal, in the Literal's order; a value added to the
    model without its French word fails at import, not in front of a user."""
    values = get_args(literal)
    missing = set(values) ^ set(words)
    if missing:
        raise AssertionError(f"labels out of step with {literal}: {sorted(map(str, missing))}")
    return {value: words[value] for value in values}


TRACK_NAMES: dict[str, str] = _labels(
    Track,
    {
        "emplois-familiaux": "Emplois familiaux",
        "agents-administratifs": "Agents administratifs",
        "entretien-nettoyage": "Entretien et nettoyage",
        "restauration-collective": "Restauration collective",
        "espaces-verts": "Espaces verts",
        "batiment": "Bâtiment",
        "transversal": "Compétences utiles dans tous les métiers",
    },
)
CLIENT_KIND_WORDS: dict[str, str] = _labels(
    ClientKind,
    {
        "particulier": "particulier",
        "collectivite": "collectivité",
        "association": "association",
        "entreprise": "entreprise",
    },
)
STATUS_WORDS: dict[str, str] = _labels(
    Status, {"acquise": "acquise", "en-cours": "en cours", "a-acquerir": "à acquérir"}
)
STATUS_LABELS: dict[str, str] = {key: word.capitalize() for key, word in STATUS_WORDS.items()}
"""Status as a table heading or a cell that starts a line: « À acquérir »."""
LEVEL_WORDS: dict[int, str] = _labels(
    Level, {1: "découverte", 2: "avec aide", 3: "autonome", 4: "maîtrise"}
)
"""SPEC §4 observation levels."""
LEVEL_LABELS: dict[int, str] = {n: f"{n} {word}" for n, word in LEVEL_WORDS.items()}
LEVEL_HINTS: dict[int, str] = _labels(
    Level,
    {
        1: "découvre, regarde faire",
        2: "fait avec de l'aide",
        3: "fait sans aide, bien",
        4: "peut l'apprendre à un autre",
    },
)
"""The few words a tutor needs to choose a level."""
RESULT_WORDS: dict[str, str] = _labels(
    TrainingResult, {"acquis": "acquis", "non-acquis": "non acquis", "en-cours": "en cours"}
)
PLAIN_RESULTS: dict[str, str] = _labels(
    TrainingResult,
    {"acquis": "Réussie", "non-acquis": "Pas encore réussie", "en-cours": "En cours"},
)
"""A training result in the worker's dossier, in everyday words."""
CERTIFICATION_KINDS: dict[str, str] = _labels(
    CertificationKind,
    {
        "titre-professionnel": "Titre professionnel",
        "cap": "CAP",
        "capa": "CAP agricole",
        "cqp": "Certificat de qualification professionnelle",
        "clea": "Certificat CléA",
        "socle": "Socle de compétences",
    },
)
CLIENT_KINDS: tuple[str, ...] = get_args(ClientKind)
ROLES: tuple[str, ...] = get_args(Role)
RESULTS: tuple[str, ...] = get_args(TrainingResult)


# --- formats ------------------------------------------------------------------------------------


def fr_date(value: dt.date | None, style: str = "short") -> str:
    """A date as the French write it: ``12/03/2026`` or, with ``style="long"``, ``12 mars 2026``."""
    if value is None:
        return ""
    if style == "long":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


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


def fr_number(value: float | None, decimals: int = 2, *, thousands: str = NBSP) -> str:
    """``1234.5`` → ``1 234,5``: decimal comma, no-break thousands separator, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", thousands).replace(".", ",")


def fr_hours(value: float | None, decimals: int = 1) -> str:
    """``12.5`` → ``12,5 h`` on printed documents (hours rounded to a tenth)."""
    if value is None:
        return ""
    return f"{fr_number(value, decimals)}{NBSP}h"


def fr_percent(share: float | None, decimals: int = 0) -> str:
    """A share (0.153) as a printed percentage: ``15 %``; « — » when there is none."""
    if share is None:
        return "—"
    return f"{fr_number(share * 100, decimals)}{NBSP}%"


def message_hours(hours: float) -> str:
    """Hours inside a one-line message (checks, terminal, JSON warnings): ``1 234,56 h`` with
    no-break spaces, to the hundredth, so that a figure a counselor typed (3,25 h) is quoted as
    typed."""
    return f"{fr_number(hours, 2)}{NBSP}h"


PERCENT_DECIMALS = 4
"""Beyond this, a share that is not a whole percentage is printed as rounded: it differs from
the nearest whole one by less than the hours' own rounding (hundredths)."""


def message_percent(share: float, edges: Iterable[float] = ()) -> str:
    """A share inside a one-line message: ``15 %`` when it is a whole percentage, else with the
    fewest decimals that keep it from reading as a value it is not, a whole percentage or one
    of `edges` (the limits of the band it is compared with): 9.7 % is « 9,7 % », never « 10 % »
    next to a floor of 10 %; 9.96 % is « 9,96 % »."""
    value = share * 100
    if _is_close(value, round(value)):
        return f"{fr_number(value, 0)}{NBSP}%"
    limits = [edge * 100 for edge in edges if not _is_close(value, edge * 100)]
    for decimals in range(1, PERCENT_DECIMALS + 1):
        shown = round(value, decimals)
        if not (_is_close(shown, round(shown)) or any(_is_close(shown, x) for x in limits)):
            break
    return f"{fr_number(value, decimals)}{NBSP}%"


def _is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=1e-9)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 erreur », « 2 erreurs »: French plural from 2 on."""
    return f"{count} {singular if count < 2 else plural_form or singular + 's'}"


def end_sentence(text: str) -> str:
    """Close a sentence ending with user text (« Mme D. ») without doubling its full stop."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


# --- folding ------------------------------------------------------------------------------------

# NFKD does not split the French ligatures; folding them lets "coeur" and "cœur" meet, as French
# keyboards rarely type "œ".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def fold(text: str) -> str:
    """Text compared as people mean it: without capitals, accents or ligatures (SPEC §5.1)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LIGATURES)


_NUMBER = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sort key putting « c2 » before « c10 » and « p9 » before « p10 », as a reader counts:
    tables and documents list ids this way, while JSON keeps SPEC §9's order (ids as strings).

    Text and numbers alternate in the key (text first, possibly empty), so that two keys always
    compare text with text and number with number.
    """
    return tuple(
        int(part) if index % 2 else part for index, part in enumerate(_NUMBER.split(fold(text)))
    )


def closest(word: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known ids nearest a mistyped one (« fatma-b » → fatima-b), compared folded, so that a
    message can offer them instead of a list of everything."""
    by_folded: dict[str, str] = {}
    for ident in known:
        by_folded.setdefault(fold(ident), ident)
    found = difflib.get_close_matches(fold(word), list(by_folded), n=limit, cutoff=0.6)
    return [by_folded[f] for f in found]


def did_you_mean(close: Sequence[str]) -> str:
    """« vouliez-vous dire fatima-b ? » (or « a, b ou c »); empty when nothing is close."""
    if not close:
        return ""
    words = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} ou {close[-1]}"
    return f"vouliez-vous dire {words} ?"


def unknown(label: str, given: str, known: Iterable[str]) -> str:
    """« référentiel inconnu « atel » : vouliez-vous dire ateliers ? » — the ids starting with
    what was typed, or the closest, else the full choice when it is short enough to read."""
    every = sorted(known, key=natural_key)
    starting = [ident for ident in every if ident.startswith(fold(given)) and given]
    hint = did_you_mean(starting[:3] or closest(given, every))
    if not hint:
        listing = ", ".join(every[:12]) + ("…" if len(every) > 12 else "")
        hint = f"choisissez parmi {listing}" if every else "il n'y en a aucun"
    return f"{label} « {given} » : {hint}"


# --- values typed by a user ---------------------------------------------------------------------

_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_HOURS_MINUTES = re.compile(r"^(\d+)\s*(?:h|:)\s*(\d{1,2})?\s*(?:min)?$", re.IGNORECASE)
_HOURS_UNIT = re.compile(r"\s*h$", re.IGNORECASE)
CENTURY_PIVOT = 70
"""A two-digit year below it is in the 2000s (« 31/12/24 » is 2024, « 31/12/69 » 2069), from it
in the 1900s (« 15/03/75 » is 1975): the dates typed here (placements, trainings, consents, PASS
IAE) are this century's, and a year a spreadsheet wrote with two digits too."""
_YES = frozenset({"o", "oui", "y", "yes"})
_NO = frozenset({"n", "non", "no"})


def visible_text(text: str, what: str, *, lines: bool = True) -> str:
    """`text`, refused when it holds invisible or control characters (an escape sequence pasted
    from a terminal, a NUL): stored, they would be unseen where they are typed and shown, and
    would break the files and documents. Tabs and line breaks pass when `lines`."""
    allowed = "\n\r\t" if lines else ""
    if any(unicodedata.category(c) in {"Cc", "Cf"} and c not in allowed for c in text):
        raise InputError(f"{what} contient des caractères invisibles ou de contrôle : retapez-le")
    return text


def parse_date(text: str, what: str = "la date") -> dt.date:
    """A date written AAAA-MM-JJ (as in the YAML files), JJ/MM/AAAA or JJ/MM/AA (as French people
    do; « . » or « - » may separate too). A two-digit year is placed by `CENTURY_PIVOT`."""
    value = text.strip()
    try:
        found = _FRENCH_DATE.match(value)
        if found:
            day, month, year = (int(g) for g in found.groups())
            if len(found.group(3)) == 2:
                year += 2000 if year < CENTURY_PIVOT else 1900
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{what} « {value} » n'est pas une date valide : écrivez JJ/MM/AAAA (31/01/2003), "
            "JJ/MM/AA (31/01/03) ou AAAA-MM-JJ (2003-01-31), et vérifiez que ce jour existe"
        ) from None


def parse_hours(text: str, what: str = "les heures") -> float:
    """Hours as 12, 3.5, 3,5 (French decimal comma), 7,5 h, 20h, 3h30 or 3:30; more than 0,
    finite."""
    value = text.strip()
    found = _HOURS_MINUTES.match(value)
    try:
        if found:
            minutes = int(found.group(2) or 0)
            if minutes >= 60:
                raise ValueError
            hours = int(found.group(1)) + minutes / 60
        else:
            number = _HOURS_UNIT.sub("", value).replace(",", ".")
            hours = float(number.replace(" ", "").replace(NBSP, ""))
    except (ValueError, OverflowError):
        hours = math.nan
    if not math.isfinite(hours):
        raise InputError(
            f"{what} « {value} » : ce n'est pas un nombre d'heures ; écrivez par exemple 12, "
            "3,5 ou 3h30"
        )
    if hours <= 0:
        raise InputError(f"{what} « {value} » : un nombre d'heures doit être plus grand que 0")
    return round(hours, 2)


def parse_level(text: str) -> int:
    """An observation level (SPEC §4) as a number or as its word: « 3 » or « autonome »."""
    value = text.strip()
    if value in {str(n) for n in LEVEL_WORDS}:
        return int(value)
    for n, word in LEVEL_WORDS.items():
        if fold(word) == fold(value):
            return n
    *first, last = (f"{n} ({word})" for n, word in LEVEL_WORDS.items())
    raise InputError(f"niveau « {value} » inconnu : écrivez {', '.join(first)} ou {last}")


def parse_role(text: str) -> str:
    """The role of who observes (SPEC §4), as people write it: « tuteur » or « tutrice »,
    « conseiller » or « conseillère », « formateur » or « formatrice », with or without capitals
    and accents; always given back as the one value the files store (`tuteur`…)."""
    role = canonical_role(text)
    if role in ROLES:
        return role
    raise InputError(
        f"rôle « {text.strip()} » inconnu : écrivez tuteur (ou tutrice), conseiller "
        "(ou conseillère) ou formateur (ou formatrice)"
    )


def choice(value: str, allowed: Iterable[str], what: str) -> str:
    """A value that must be one of a few words, compared without accents or capitals."""
    options = list(allowed)
    folded = fold(value.strip())
    for option in options:
        if fold(option) == folded:
            return option
    raise InputError(f"{what} « {value} » n'existe pas : choisissez parmi {', '.join(options)}")


def parse_yes_no(text: str) -> bool:
    """« oui » / « non », as typed at a prompt (o, oui, n, non; y and yes too)."""
    value = fold(text.strip())
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InputError(f"« {text.strip()} » : répondez « oui » ou « non »")


# --- system errors ------------------------------------------------------------------------------

_SYSTEM_PROBLEMS = {
    errno.ENOTDIR: "« {name} » est un fichier, pas un dossier : choisissez un autre chemin",
    errno.EISDIR: "« {name} » est un dossier : donnez un nom de fichier",
    errno.ENOENT: "« {name} » n'existe pas : vérifiez le chemin",
    errno.EACCES: "accès refusé à « {name} » : choisissez un dossier où vous pouvez écrire, ou "
    "demandez ce droit",
    errno.EPERM: "opération refusée sur « {name} » : choisissez un dossier où vous pouvez écrire",
    errno.ENOSPC: "le disque est plein en écrivant « {name} » : libérez de la place et relancez",
    errno.EDQUOT: "votre quota de disque est atteint en écrivant « {name} » : libérez de la place",
    errno.EROFS: "« {name} » est sur un disque en lecture seule : choisissez un autre dossier",
    errno.ENAMETOOLONG: "le nom « {name} » est trop long : choisissez un chemin plus court",
}


def system_problem(exc: OSError, in_the_way: PurePath | None = None) -> str:
    """An error of the system (a path whose folder is a file, a full disk, a right missing) said
    in French with the path involved, instead of a traceback: the user can fix every one of them
    by choosing another path or freeing space. `in_the_way` is the file found where a folder of
    the path was needed, when the caller looked for it."""
    if in_the_way is not None:
        inside = str(in_the_way) != exc.filename
        blocked = f" : il ne peut contenir « {exc.filename} »" if inside else ""
        return (
            f"« {in_the_way} » est un fichier, pas un dossier{blocked} ; choisissez un autre "
            "chemin, rien n'a été écrit"
        )
    name = exc.filename if exc.filename is not None else "?"
    template = _SYSTEM_PROBLEMS.get(exc.errno or 0)
    if template is None:
        reason = exc.strerror or exc
        return f"le système refuse l'accès à « {name} » ({reason}) : rien n'a été écrit"
    return template.format(name=name) + " ; rien n'a été écrit"
