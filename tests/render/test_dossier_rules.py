"""The worker's dossier follows easy-to-read rules (issue 20, docs/dossier.md), on every demo
worker's dossier: sentences of at most 15 words; no abbreviations or codes; no parentheses; no
words in capitals; numbers as digits; dates as « 12 octobre 2026 »; one idea per line.

The rules are checked on what the reader gets: the PDF's text (read back with pypdf), and, at
several dates of the programme, the HTML's paragraphs, list items and headings (one per line of
the dossier, which makes « one idea per line » exact).

Texts the dossier prints as others wrote them are left out, each for its reason
(`others_words`): names of people, places and organisations keep their capitals and
abbreviations (« CCAS de Villeurbanne », « Mme Ferhat », « Fatima B. »); a service, a tutor's
role and a task the counselor typed but no référentiel knows are printed as typed, so that the
worker recognises them; a module's title is the training body's, as on its attendance sheet.
Everything the program writes — the template's sentences, the référentiels' plain wordings,
task labels and the titles it shows — must follow the rules.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser

import pypdf
import pytest

from portfolio.assess import assess
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.render.documents import render_document
from portfolio.render.views.dossier import dossier_link
from portfolio.resources import demo_dir

MAX_WORDS = 15

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
WORD = re.compile(r"[\w’'-]*\w")
PARENTHESES = re.compile(r"[()\[\]]")
CAPITALS = re.compile(r"\b\w*[A-ZÀ-Þ]\w*[A-ZÀ-Þ]\w*")
"""A word with two capitals or more: an acronym (« RNCP », « WC »), or a word in capitals."""
ABBREVIATIONS = re.compile(
    r"\b(?:rncp|ccp|iae|vae|ehpad|haccp|vmc|sdb|rdv|cv|etc|ccas|qr|pdf|url|tp|bc|mme|mlle|dr)\b",
    re.IGNORECASE,
)
"""Abbreviations a reader may not know, whatever their case (« AI » is caught by `CAPITALS`:
« ai » is a word, as in « j'ai »)."""
CODES = re.compile(r"\b(?=[\w.-]*\d)(?=[\w.-]*[^\W\d_])\w+(?:[.-]\w+)*|\b[a-z]\w*\.[a-z]\w*\b")
"""Ids and codes: mixing letters and digits (« ccp1 », « w-0042 », « RNCP37715 », « 3h30 »,
« advf.ccp1 ») or dotted (« advf.ccp »); ordinals (« 1er ») are words (`ORDINAL`)."""
ORDINAL = re.compile(r"\d+(?:er|re|e)")
HOURS_SIGN = re.compile(r"\d\s*h\b")
NUMBER_WORDS = re.compile(
    r"\b(?:zéro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|cents|mille)\b",
    re.IGNORECASE,
)
"""Numbers in words (« un », « une » are articles as well, hence not here)."""
NUMERIC_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:janv|févr|fév|avr|juil|oct|nov|déc)\b\.?",
    re.IGNORECASE,
)
SECOND_IDEA = re.compile(r"[.!?…]\s+\S|;")
"""A line going on after a full sentence, or two ideas joined by « ; »."""
NAME = "Nom"
"""What a text written by others becomes before the rules are checked: one word, one capital."""


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def words(text: str) -> list[str]:
    """Words as a reader counts them: « qu'elle », « Vaulx-en-Velin » and « 1er » are one."""
    return WORD.findall(text)


def codes(text: str) -> list[str]:
    found = [m.group() for m in CODES.finditer(text) if not ORDINAL.fullmatch(m.group())]
    return found + HOURS_SIGN.findall(text)


def problems(line: str) -> list[str]:
    """What breaks a rule in one line of the dossier (others' words already set aside)."""
    found = [f"{len(words(s))} mots : {s}" for s in sentences(line) if len(words(s)) > MAX_WORDS]
    checks = (
        ("parenthèses", PARENTHESES.findall(line)),
        ("capitales", CAPITALS.findall(line)),
        ("abréviation", ABBREVIATIONS.findall(line)),
        ("code", codes(line)),
        ("nombre en lettres", NUMBER_WORDS.findall(line)),
        ("date en chiffres", NUMERIC_DATE.findall(line)),
        ("deux idées", SECOND_IDEA.findall(line)),
    )
    found += [f"{rule} « {', '.join(hits)} » : {line}" for rule, hits in checks if hits]
    return found


def set_aside(line: str, others: Iterable[str]) -> str:
    """The line with every text written by others replaced by `NAME`, longest first (a client's
    name inside a tutor's), as a whole word (« Ali » stays in « Alimentation »)."""
    line = " ".join(line.split())
    for text in sorted(others, key=len, reverse=True):
        line = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", NAME, line)
    return line


def others_words(ws: Workspace, worker: Worker, as_of: dt.date) -> set[str]:
    """Texts the dossier prints as their authors wrote them (see the module's docstring)."""
    texts = {worker.first_name, worker.last_name, worker.display_name}
    if worker.counselor:
        texts.add(worker.counselor)
    association = next(
        (a for a in ws.settings.associations if a.id == worker.association) if ws.settings else (),
        None,
    )
    if association is not None:
        texts |= {association.name, association.address, association.phone, association.email}
    for placement in worker.placements:
        texts |= {placement.client.name, placement.service, placement.tutor}
    _, evidence = assess(ws, worker, as_of)
    for entry in evidence.unresolved:
        text = entry.text.strip()
        texts |= {text, text[:1].upper() + text[1:]}
    texts |= {module.title for module in ws.modules.values()}
    return {" ".join(t.split()) for t in texts if t}


class Lines(HTMLParser):
    """The text of each paragraph, list item and heading: one line of the dossier each."""

    LINES = frozenset({"p", "li", "h1", "h2", "h3", "h4", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.text: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "svg"):
            self.hidden += 1
        if tag in self.LINES:
            self.end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "svg"):
            self.hidden -= 1
        if tag in self.LINES:
            self.end_line()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)

    def end_line(self) -> None:
        line = " ".join("".join(self.text).split())
        if line:
            self.lines.append(line)
        self.text = []


def html_lines(html: str) -> list[str]:
    parser = Lines()
    parser.feed(html)
    parser.end_line()
    return parser.lines


def join_wrapped(lines: Iterable[str]) -> list[str]:
    """Lines with each one that goes on with a small letter or a number joined to the one
    before, unless that one ended a sentence: a sentence the page wrapped is read whole."""
    joined: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        goes_on = line[:1].islower() or line[:1].isdigit()
        if joined and goes_on and not joined[-1].endswith((".", "!", "?", "…")):
            joined[-1] = f"{joined[-1]} {line}"
        elif line:
            joined.append(line)
    return joined


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's lines, page footers included."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return join_wrapped(line for page in reader.pages for line in page.extract_text().splitlines())


def dossier_problems(lines: Iterable[str], others: set[str]) -> list[str]:
    return [p for line in lines for p in problems(set_aside(line, others))]


# --- the checker catches what it must -------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Je sais parler avec la personne chez qui je travaille tous les jours et respecter "
        "ce qu'elle me demande.",
        "Je prépare le titre (niveau 3).",
        "Je prépare le CCP ADVF.",
        "Je prépare le titre RNCP37715.",
        "Mon bloc advf.ccp1 est prêt.",
        "Je suis le salarié w-0042.",
        "Mon association est une AI.",
        "Je travaille en Ehpad.",
        "J'ai travaillé 3h30.",
        "J'ai travaillé 7 h.",
        "J'ai travaillé trente heures.",
        "Il est à jour au 12/10/2026.",
        "Il est à jour au 2026-10-12.",
        "Il est à jour au 12 oct. 2026.",
        "Du 1er au 5 juin 2026 : 7 heures. Résultat : réussie.",
        "J'apprends ; je progresse.",
    ],
)
def test_the_checker_catches_a_broken_rule(line: str) -> None:
    assert problems(line)


@pytest.mark.parametrize(
    "line",
    [
        "Je sais faire 3 choses sur 15.",
        "Il est à jour au 1er octobre 2026.",
        "Du 2 février au 30 juin 2026 : 120 heures.",
        "J'ai travaillé 270 heures.",
        "Je prépare le titre : Assistant de vie aux familles",
        "Et encore 8 autres choses : j'en parle avec ma conseillère.",
        "Mon dossier sur mon téléphone : je scanne ce code.",
    ],
)
def test_the_checker_lets_plain_lines_through(line: str) -> None:
    assert problems(line) == []


def test_others_words_are_set_aside_and_nothing_else() -> None:
    others = {"CCAS de Villeurbanne", "M. Lopez, chef de production"}
    assert problems(set_aside("Chez CCAS de Villeurbanne", others)) == []
    assert (
        problems(set_aside("La personne qui me guide : M. Lopez, chef de production.", others))
        == []
    )
    assert problems(set_aside("Chez CCAS de Bron", others))
    assert set_aside("Alimentation", {"Ali"}) == "Alimentation"


def test_a_wrapped_sentence_is_read_whole() -> None:
    lines = ["Je sais faire 3 choses sur", "15 et je", "sais lire.", "", "fin."]
    assert join_wrapped(lines) == ["Je sais faire 3 choses sur 15 et je sais lire.", "fin."]


# --- every demo worker's dossier ------------------------------------------------------------

DATES = (dt.date(2025, 10, 15), dt.date(2026, 1, 15), dt.date(2026, 3, 15), dt.date(2026, 8, 31))
"""From the programme's first weeks to its end: few facts, then many."""
PDF_DATE = dt.date(2026, 8, 31)
"""The programme's last day: the fullest dossiers."""
LINK_END = dt.date(2026, 10, 12)


@pytest.fixture(scope="module")
def demo() -> Workspace:
    ws, issues = load_workspace(demo_dir())
    assert not [i for i in issues if i.is_error]
    return ws


def test_every_referentiel_wording_reads_easily(demo: Workspace) -> None:
    """The bundled référentiels' plain wordings and task labels, the dossier's words, even those
    no demo worker's dossier shows yet."""
    wordings = [
        text
        for ref in demo.referentiels.values()
        for text in (*(c.plain for _, c in ref.competencies()), *(t.label for t in ref.tasks))
    ]
    assert [p for text in wordings for p in problems(text)] == []


@pytest.mark.slow
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_demo_dossier_reads_easily(demo: Workspace, as_of: dt.date) -> None:
    found = {}
    for stem, worker in sorted(demo.workers.items()):
        document = render_document(demo, worker, "dossier", as_of)
        others = others_words(demo, worker, as_of)
        found[stem] = dossier_problems(html_lines(document.html), others)
    assert {stem: lines for stem, lines in found.items() if lines} == {}


@pytest.mark.slow
def test_every_demo_dossier_pdf_reads_easily_on_two_to_four_pages(demo: Workspace) -> None:
    """The PDF's text, with a personal link printed on each dossier (SPEC §10: 2 to 4 pages)."""
    link = dossier_link("https://vae.example/mon-dossier/jeton", LINK_END)
    found = {}
    for stem, worker in sorted(demo.workers.items()):
        pdf = render_document(demo, worker, "dossier", PDF_DATE, dossier_link=link).pdf()
        assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 4, stem
        lines = pdf_lines(pdf)
        assert "Le lien marche jusqu'au 12 octobre 2026." in lines
        found[stem] = dossier_problems(lines, others_words(demo, worker, PDF_DATE))
    assert {stem: lines for stem, lines in found.items() if lines} == {}
