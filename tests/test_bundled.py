"""The référentiels and the demo workspace shipped in the package (SPEC §1, §3, §4, §8).

These are data, not code: the tests guard what every user sees first (`portfolio demo`) and the
frameworks every worker is assessed on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from portfolio.app.engine import assess_one
from portfolio.assess import assess
from portfolio.checks import check_task_phrases, check_workspace
from portfolio.issues import Issue
from portfolio.load import load_referentiel, load_workspace
from portfolio.model.evidence import Assessment
from portfolio.model.literals import TRACKS
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.resources import demo_dir, referentiels_dir

AS_OF = dt.date(2026, 11, 20)
"""The demo promises that every dated fact is on or before this day, so that assessing it at
any later date (the default is today) counts everything and gives the same results."""

REFERENTIEL_FILES = sorted(referentiels_dir().glob("*.yaml"))

INTENDED_WARNINGS = [
    ("workers/jeremy-p.yaml", "unresolved-task"),
    ("workers/mehdi-k.yaml", "company-cap"),
    ("workers/sandrine-l.yaml", "training-ratio"),
]
"""One story each (see the comment at the top of each worker file)."""


def _load_ref(file: Path) -> Referentiel:
    ref, issues = load_referentiel(file)
    assert issues == []
    assert ref is not None
    return ref


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(ident for ident, count in Counter(ids).items() if count > 1)


@pytest.fixture(scope="module")
def demo() -> tuple[Workspace, list[Issue]]:
    ws, issues = load_workspace(demo_dir())
    return ws, issues + check_workspace(ws, AS_OF)


@pytest.fixture(scope="module")
def assessments(demo: tuple[Workspace, list[Issue]]) -> dict[str, Assessment]:
    ws, _ = demo
    return {stem: assess(ws, worker, AS_OF)[0] for stem, worker in ws.workers.items()}


def test_the_eight_referentiels_are_bundled() -> None:
    assert [f.stem for f in REFERENTIEL_FILES] == [
        "advf",
        "amb",
        "aph",
        "eaa",
        "epr",
        "numerique",
        "paysagiste",
        "savoir-etre",
    ]


def test_every_track_has_a_referentiel() -> None:
    tracks = {_load_ref(f).track for f in REFERENTIEL_FILES}
    assert tracks == set(TRACKS)


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_referentiel_loads_without_issue(file: Path) -> None:
    assert _load_ref(file).id == file.stem


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_referentiel_ids_are_unique_in_the_file(file: Path) -> None:
    ref = _load_ref(file)
    assert _duplicates([b.id for b in ref.blocks]) == []
    assert _duplicates([c.id for _, c in ref.competencies()]) == []
    assert _duplicates([t.id for t in ref.tasks]) == []


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_every_task_evidences_known_competencies(file: Path) -> None:
    ref = _load_ref(file)
    local = {f"{b.id}.{c.id}" for b, c in ref.competencies()}
    unknown = sorted({e for t in ref.tasks for e in t.evidences} - local)
    assert unknown == []


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_every_competency_is_reachable_by_a_task_or_by_observation_only(file: Path) -> None:
    ref = _load_ref(file)
    evidenced = {e for t in ref.tasks for e in t.evidences}
    unreachable = [
        f"{b.id}.{c.id}"
        for b, c in ref.competencies()
        if f"{b.id}.{c.id}" not in evidenced and ref.rule(c) != (0, True)
    ]
    assert unreachable == []


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_titres_professionnels_number_their_blocks_as_their_rncp_fiche(file: Path) -> None:
    """The RNCP fiche of a titre professionnel numbers its blocks RNCPnnnnnBC01, BC02… in the
    order of the CCP (see each file's header for how sure that is); the others have no codes."""
    ref = _load_ref(file)
    fiche = ref.certification.rncp
    if ref.certification.kind == "titre-professionnel" and fiche is not None:
        expected = [f"{fiche}BC{n:02d}" for n in range(1, len(ref.blocks) + 1)]
    else:
        expected = [None] * len(ref.blocks)
    assert [b.rncp for b in ref.blocks] == expected


def test_assess_json_of_a_demo_worker_carries_the_rncp_and_rome_codes() -> None:
    """`assess --json` repeats the référentiel's codes as they are, for other systems to join."""
    data = json.loads(assess_one(demo_dir(), "fatima-b", AS_OF).as_json())
    by_id = {r["id"]: r for r in data["referentiels"]}
    advf = _load_ref(referentiels_dir() / "advf.yaml")
    assert list(by_id["advf"])[:4] == ["id", "rncp", "rome", "blocks"]
    assert (by_id["advf"]["rncp"], by_id["advf"]["rome"]) == ("RNCP37715", advf.rome)
    assert advf.rome == ["K1302", "K1303", "K1304", "K1305"]
    assert [(b["id"], b["rncp"]) for b in by_id["advf"]["blocks"]] == [
        ("advf.ccp1", "RNCP37715BC01"),
        ("advf.ccp2", "RNCP37715BC02"),
        ("advf.ccp3", "RNCP37715BC03"),
    ]
    assert (by_id["savoir-etre"]["rncp"], by_id["savoir-etre"]["rome"]) == (None, [])
    assert {b["rncp"] for b in by_id["savoir-etre"]["blocks"]} == {None}


def test_no_task_label_or_synonym_is_too_short_or_steals_another_tasks_entries(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    judged = dataclasses.replace(ws, own_referentiels=set(ws.referentiels))
    assert [i.render() for i in check_task_phrases(judged)] == []


@pytest.mark.parametrize("file", REFERENTIEL_FILES, ids=lambda f: f.stem)
def test_no_synonym_means_something_else_without_a_stop_word(file: Path) -> None:
    # With a longer stop word list, « remise en t° » would be « remise » (and catch « remise en
    # état des sols »), « rendez-vous » « rendez », « pas japonais » « japonais ».
    synonyms = {s for task in _load_ref(file).tasks for s in task.synonyms}
    assert synonyms.isdisjoint({"remise en t°", "rendez-vous", "pas japonais"})


def test_demo_loads_and_checks_without_error(demo: tuple[Workspace, list[Issue]]) -> None:
    _, issues = demo
    assert [i.render() for i in issues if i.is_error] == []


def test_demo_warnings_are_exactly_the_intended_stories(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    _, issues = demo
    found = sorted((i.location.path, i.code) for i in issues if not i.is_error)
    assert found == INTENDED_WARNINGS


def test_demo_has_a_federation_of_several_associations(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    assert ws.settings is not None
    associations = ws.settings.associations
    assert len(associations) >= 3
    assert all(1 <= len(a.counselors) <= 2 for a in associations)
    used = {w.association for w in ws.workers.values()}
    assert used == {a.id for a in associations}


def test_demo_has_two_training_bodies(demo: tuple[Workspace, list[Issue]]) -> None:
    ws, _ = demo
    assert len(ws.catalogs) == 2
    axes = {m.axis for cat in ws.catalogs for m in cat.modules}
    assert axes == {"technique", "savoir-etre", "general"}
    assert all(3 <= m.hours <= 14 for cat in ws.catalogs for m in cat.modules)


def test_demo_catalogues_cover_some_competencies_twice_and_some_not_at_all(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    covered = Counter(c for cat in ws.catalogs for m in cat.modules for c in m.competencies)
    assert any(count >= 2 for count in covered.values())
    assert set(ws.competency_index) - set(covered)


def test_demo_has_a_dozen_workers_over_the_six_tracks(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    assert len(ws.workers) >= 12
    tracks = {ws.referentiels[t].track for w in ws.workers.values() for t in w.targets}
    assert tracks == set(TRACKS) - {"transversal"}


def test_demo_dates_are_on_or_before_the_promised_day(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    dates = [
        day
        for w in ws.workers.values()
        for day in (
            *(d for p in w.placements for d in (p.start, p.end)),
            *(o.date for o in w.observations),
            *(t.end_date for t in w.trainings),
            *((w.consent.date,) if w.consent and w.consent.date else ()),
        )
    ]
    assert max(dates) <= AS_OF


def test_demo_near_complete_worker_has_exactly_one_presentable_block(
    assessments: dict[str, Assessment],
) -> None:
    (advf,) = [r for r in assessments["fatima-b"].referentiels if r.id == "advf"]
    blocks = {b.id: b for b in advf.blocks}
    assert {ident: b.presentable for ident, b in blocks.items()} == {
        "advf.ccp1": True,
        "advf.ccp2": False,
        "advf.ccp3": False,
    }
    assert blocks["advf.ccp2"].acquired > 0


def test_demo_beginner_has_no_acquired_track_competency(
    assessments: dict[str, Assessment],
) -> None:
    (paysagiste,) = [r for r in assessments["kevin-t"].referentiels if r.id == "paysagiste"]
    statuses = {c.status for b in paysagiste.blocks for c in b.competencies}
    assert statuses == {"en-cours", "a-acquerir"}


def test_demo_two_track_worker_targets_two_referentiels(
    demo: tuple[Workspace, list[Issue]],
) -> None:
    ws, _ = demo
    assert ws.workers["aicha-m"].targets == ["epr", "aph"]
