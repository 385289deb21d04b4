"""Progress you can see (issue 20): each block of the worker's titles, then of the transversal
référentiels, is a row of marks — filled (acquise), half-filled (en cours), empty (à acquérir) —
with one sentence saying the same, under official titles made readable."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from portfolio.assess import assess
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.render.documents import render_document
from portfolio.render.views.dossier import DossierView, dossier_link, dossier_view, readable_label

AS_OF = dt.date(2026, 6, 30)


def view_of(ws: Workspace, worker_id: str = "fatima-b", as_of: dt.date = AS_OF) -> DossierView:
    worker = ws.workers[worker_id]
    assessment, evidence = assess(ws, worker, as_of)
    return dossier_view(ws, worker, assessment, evidence, None)


@pytest.mark.parametrize(
    ("title", "label"),
    [
        (
            "Entretenir le logement et le linge d'un particulier",
            "Entretenir le logement et le linge d'un particulier",
        ),
        (
            "Numérique - ordinateur, Internet et recherche d'informations sur les métiers",
            "Numérique",
        ),
        (
            "Internet et recherche d'informations (dont les métiers et les offres d'emploi)",
            "Internet et recherche d'informations",
        ),
        (
            "Accueillir et renseigner les interlocuteurs ; contribuer à la diffusion de "
            "l'information",
            "Accueillir et renseigner les interlocuteurs",
        ),
        ("Réaliser une prestation d'entretien mécanisé et/ou de remise en état", None),
        ("Maintenance des locaux HACCP", None),
        (
            "Réaliser une prestation de service d'entretien manuel adaptée aux locaux, aux "
            "surfaces et à leur utilisation",
            None,
        ),
    ],
)
def test_an_official_title_is_printed_only_when_it_reads_easily(
    title: str, label: str | None
) -> None:
    assert readable_label(title) == label


BLOCKS = """\
id: menage
title: Agent de ménage
track: entretien-nettoyage
certification: {kind: titre-professionnel}
defaults: {min_hours: 10, observation: false}
blocks:
  - id: soins
    title: Réaliser une prestation de service d'entretien mécanisé et/ou de remise en état
    competencies:
      - {id: c1, title: Laver, plain: Je sais laver un sol}
  - id: bureaux
    title: Nettoyer des bureaux
    competencies:
      - {id: c1, title: Vider, plain: Je sais vider les poubelles}
      - {id: c2, title: Dépoussiérer, plain: Je sais dépoussiérer un bureau}
      - {id: c3, title: Aspirer, plain: Je sais passer l'aspirateur}
tasks:
  - {id: sols, label: Laver les sols, evidences: [soins.c1]}
  - {id: poubelles, label: Vider les poubelles, evidences: [bureaux.c1]}
  - {id: aspirateur, label: Passer l'aspirateur, evidences: [bureaux.c3]}
"""

WORKER = """\
id: w-1
first_name: Léa
last_name: M.
association: ai-est
targets: [menage]
consent: {given: true, date: 2025-09-20}
placements:
  - id: p1
    client: {name: Bureaux du Centre, kind: entreprise}
    start: 2026-01-05
    end: 2026-03-27
    hours: 40
    tasks: [{task: sols, hours: 20}, {task: aspirateur, hours: 20}]
"""


@pytest.fixture
def blocks_ws(make_workspace: Callable[[dict[str, str]], Path]) -> Workspace:
    ws, issues = load_workspace(
        make_workspace({"referentiels/menage.yaml": BLOCKS, "workers/w-1.yaml": WORKER})
    )
    assert not [i for i in issues if i.is_error], issues
    return ws


def test_rows_follow_the_referentiel_and_read_like_gauges(blocks_ws: Workspace) -> None:
    """Blocks in the file's order (not the ids' order); marks filled first; a block whose title
    does not read easily is numbered; what is acquired or being learnt is worded in the same
    order as the marks."""
    (target,) = view_of(blocks_ws, "w-1").targets
    assert [(row.label, row.numbered, row.marks) for row in target.rows] == [
        ("Partie 1", True, ("acquise",)),
        ("Nettoyer des bureaux", False, ("acquise", "a-acquerir", "a-acquerir")),
    ]
    assert target.rows[1].skills == (("acquise", "Je sais passer l'aspirateur"),)
    assert (target.rows[1].done, target.rows[1].total) == (1, 3)


def test_a_numbered_block_ready_for_a_jury_names_its_title(blocks_ws: Workspace) -> None:
    steps = view_of(blocks_ws, "w-1").next_steps
    assert steps.presentable == ("Partie 1 du titre Agent de ménage",)


def test_transversal_referentiels_follow_the_titles_in_one_row_each(
    render_workspace: Workspace,
) -> None:
    """Savoir-être and numérique: one row each, so that the dossier keeps to four pages."""
    progress = view_of(render_workspace).progress
    assert [(g.title, g.target, len(g.rows)) for g in progress] == [
        ("Assistant de vie test", True, 3),
        ("Numérique", False, 1),
        ("Savoir-être professionnels", False, 1),
    ]
    (row,) = progress[2].rows
    assert (row.label, row.total) == ("Savoir-être professionnels", 14)
    assert list(row.marks) == sorted(row.marks, key=["acquise", "en-cours", "a-acquerir"].index)
    assert progress[2].pictogram == "pictograms/transversal.svg"


class Outline(HTMLParser):
    """Headings in order, images, and the pictograms' elements."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.images = 0
        self.pictograms: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images += 1
        elif "pictogram-" in (found.get("class") or ""):
            self.pictograms.append(found)


@pytest.fixture(scope="module")
def html(render_workspace: Workspace, as_of: dt.date) -> str:
    worker = render_workspace.workers["fatima-b"]
    return render_document(render_workspace, worker, "dossier", as_of).html


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_the_dossier_says_its_progress_in_words(html: str) -> None:
    """What I can do; else what I am learning; else what I will learn: never « 0 chose »."""
    without_marks = re.sub(r"<svg .*?</svg>", " ", html, flags=re.DOTALL)
    text = " ".join(re.sub(r"<[^>]+>", " ", without_marks).split())
    for sentence in (
        "Chaque rond est une chose à savoir faire.",
        "Je sais faire J'apprends Je vais apprendre",
        "En tout, je sais faire 2 choses sur 5.",
        "Entretenir le logement Je sais faire 2 choses sur 2.",
        "Accompagner la personne J'apprends 1 chose sur 2.",
        "Garder les enfants Je vais apprendre cette chose.",
        "Numérique Je vais apprendre ces 9 choses.",
    ):
        assert sentence in text
    assert " 0 chose" not in text


def test_marks_differ_by_shape_not_only_colour(html: str) -> None:
    """Filled disc, ring with its left half filled, empty ring: a black and white print tells
    them apart."""
    shapes = {
        status: re.search(rf'<svg class="mark {status}"[^>]*>(.*?)</svg>', html).group(1)
        for status in ("acquise", "en-cours", "a-acquerir")
    }
    assert 'fill="none"' not in shapes["acquise"] and "<circle" in shapes["acquise"]
    assert "<path" in shapes["en-cours"] and 'fill="none"' in shapes["en-cours"]
    assert "<path" not in shapes["a-acquerir"] and 'fill="none"' in shapes["a-acquerir"]


def marks_in(html: str) -> list[str]:
    return re.findall(r'<svg class="mark ([a-z-]+)"', html)


def test_one_mark_per_competency_and_three_in_the_legend(html: str) -> None:
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html, re.DOTALL).group(1)
    assert marks_in(legend) == ["acquise", "en-cours", "a-acquerir"]
    rows = [marks_in(row) for row in re.findall(r'<p class="marks">(.*?)</p>', html)]
    assert rows[:3] == [["acquise", "acquise"], ["en-cours", "a-acquerir"], ["a-acquerir"]]


def test_the_marks_of_a_row_are_hidden_from_screen_readers_its_sentence_is_not(
    html: str,
) -> None:
    """The row's sentence says what its marks show; a listed competency's mark is named."""
    row = re.search(r'<p class="marks">(.*?)</p>', html).group(1)
    assert row.count('aria-hidden="true"') == row.count("<svg")
    assert (
        '<svg class="mark acquise" viewBox="0 0 24 24" role="img" aria-label="Je sais faire">'
        in html
    )


def test_headings_go_down_one_level_at_a_time(html: str) -> None:
    levels = outline(html).headings
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert 4 in levels


def test_pictograms_stand_next_to_their_words(html: str) -> None:
    """Every pictogram sits next to words saying the same: a background screen readers skip,
    never « Pictogramme » read aloud a dozen times, nor a figure a tagged PDF wants described."""
    found = outline(html)
    assert found.images == 0
    assert found.pictograms
    assert {p.get("aria-hidden") for p in found.pictograms} == {"true"}


def test_the_page_is_french_and_fits_a_phone(html: str) -> None:
    assert '<html lang="fr">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def test_the_stylesheet_makes_one_column_on_a_screen() -> None:
    from portfolio.resources import templates_dir

    css = (templates_dir() / "assets" / "css" / "dossier.css").read_text(encoding="utf-8")
    screen = css[css.index("@media screen {") :]
    assert "max-width: 40em" in screen
    assert "@media screen and (max-width: 30em)" in screen


def test_a_personal_link_is_printed_as_a_code_to_scan(
    render_workspace: Workspace, as_of: dt.date
) -> None:
    worker = render_workspace.workers["fatima-b"]
    link = dossier_link("https://vae.example/mon-dossier/jeton", dt.date(2026, 10, 1))
    html = render_document(render_workspace, worker, "dossier", as_of, dossier_link=link).html
    assert "Mon dossier sur mon téléphone : je scanne ce code." in html
    assert "Le lien marche jusqu'au 1er octobre 2026." in html
    code = re.search(r'<div class="qr-code">(<svg .*?</svg>)</div>', html, re.DOTALL)
    assert code is not None
    assert 'role="img"' in code.group(1)
    assert "<title>Code à scanner pour ouvrir mon dossier sur mon téléphone</title>" in code.group(
        1
    )


def test_without_a_link_no_code_is_printed(html: str) -> None:
    assert "je scanne ce code" not in html


def test_every_pictogram_the_dossier_names_is_drawn() -> None:
    """A pictogram is a stylesheet rule: each track's and each section's has one, and its file."""
    from portfolio.french import TRACK_NAMES
    from portfolio.render.views.common import pictogram
    from portfolio.resources import templates_dir

    assets = templates_dir() / "assets"
    css = (assets / "css" / "dossier.css").read_text(encoding="utf-8")
    template = (templates_dir() / "dossier" / "dossier.html.j2").read_text(encoding="utf-8")
    names = [
        pictogram(track).removeprefix("pictograms/").removesuffix(".svg") for track in TRACK_NAMES
    ]
    names += re.findall(r'heading\("([a-z-]+)"', template)
    assert len(names) > len(TRACK_NAMES)
    for name in names:
        assert f'.pictogram-{name} {{\n  background-image: url("../pictograms/{name}.svg");' in css
        assert (assets / "pictograms" / f"{name}.svg").is_file()
