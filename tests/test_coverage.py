"""Catalogue coverage and cohort needs (SPEC §9 `coverage`), computed by hand.

The workspace is the report's (tests/test_report.py): catalogue `ofa` has
- ofa.m1 (12 h, tst.b1.c1 and tst.b1.c2, groups of 2 to 2),
- ofa.m2 (7 h, tst.b1.c1, groups of 4 to 10),
- ofa.m3 (5 h, savoir-etre.relation.c1, no group size);
so tst.b1.c1 is covered twice and tst.b2.c3 by nothing. At 2003-06-30, among the three workers
assessed on tst, tst.b1.c1 is still needed by Chloé, tst.b1.c2 by Bruno and Chloé, tst.b2.c3 by
Bruno; savoir-etre.relation.c1 by everyone but Denis (four workers are assessed on it).
"""

from __future__ import annotations

import pytest
from test_report import AS_OF, FILES, write_files

from portfolio.coverage import (
    Coverage,
    body_coverage,
    coverage_csv,
    sessions_for,
    touched_referentiels,
)
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module
from portfolio.render.federation import coverage_html
from portfolio.report import assess_cohort


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict]:
    ws, _ = load_workspace(write_files(tmp_path_factory.mktemp("coverage") / "ws", FILES))
    return ws, {w: a for w, (a, _) in assess_cohort(ws, AS_OF).items()}


@pytest.fixture(scope="module")
def coverage(loaded: tuple[Workspace, dict]) -> Coverage:
    ws, assessments = loaded
    return body_coverage(ws, "ofa", assessments, AS_OF)


def referentiel(coverage: Coverage, ident: str):
    return next(r for r in coverage.referentiels if r.id == ident)


def row(coverage: Coverage, competency: str):
    ref = referentiel(coverage, competency.split(".")[0])
    return next(c for b in ref.blocks for c in b.competencies if c.id == competency)


def test_only_referentiels_the_catalogue_touches(loaded, coverage: Coverage) -> None:
    ws, _ = loaded
    catalog = ws.catalogs[0]
    assert [r.id for r in touched_referentiels(ws, catalog)] == ["savoir-etre", "tst"]
    assert [r.id for r in coverage.referentiels] == ["savoir-etre", "tst"]


def test_matrix_columns_are_the_modules_targeting_the_referentiel(coverage: Coverage) -> None:
    assert [m.id for m in referentiel(coverage, "tst").modules] == ["ofa.m1", "ofa.m2"]
    assert [m.id for m in referentiel(coverage, "savoir-etre").modules] == ["ofa.m3"]


def test_matrix_cells_hold_the_hours_of_targeting_modules(coverage: Coverage) -> None:
    assert row(coverage, "tst.b1.c1").cells == {"ofa.m1": 12.0, "ofa.m2": 7.0}
    assert row(coverage, "tst.b1.c2").cells == {"ofa.m1": 12.0}
    assert row(coverage, "tst.b2.c3").cells == {}


def test_blocks_keep_file_order_with_hours_of_distinct_modules(coverage: Coverage) -> None:
    blocks = referentiel(coverage, "tst").blocks
    assert [(b.id, b.hours, b.uncovered) for b in blocks] == [
        ("tst.b1", 19.0, 0),
        ("tst.b2", 0.0, 1),
    ]


def test_uncovered_and_multiply_covered_competencies(coverage: Coverage) -> None:
    tst = referentiel(coverage, "tst")
    assert tst.uncovered == ["tst.b2.c3"]
    assert tst.multiply_covered == ["tst.b1.c1"]


def test_uncovered_transversal_competencies_are_listed(coverage: Coverage) -> None:
    uncovered = referentiel(coverage, "savoir-etre").uncovered
    assert "savoir-etre.relation.c1" not in uncovered
    assert len(uncovered) == 13


def test_cohort_needs_count_workers_assessed_on_the_referentiel(coverage: Coverage) -> None:
    needs = {
        c: (row(coverage, c).needing, row(coverage, c).assessed)
        for c in (
            "tst.b1.c1",
            "tst.b1.c2",
            "tst.b2.c3",
            "savoir-etre.relation.c1",
        )
    }
    assert needs == {
        "tst.b1.c1": (1, 3),
        "tst.b1.c2": (2, 3),
        "tst.b2.c3": (1, 3),
        "savoir-etre.relation.c1": (3, 4),
    }


def test_modules_serving_most_workers_come_first(coverage: Coverage) -> None:
    demand = [(d.id, d.workers, d.sessions, d.below_minimum) for d in coverage.demand]
    assert demand == [
        ("ofa.m3", 3, None, False),
        ("ofa.m1", 2, 1, False),
        ("ofa.m2", 1, 1, True),
    ]


def test_referentiel_option_narrows_matrix_and_demand(loaded) -> None:
    ws, assessments = loaded
    only = body_coverage(ws, "ofa", assessments, AS_OF, referentiel="tst")
    assert [r.id for r in only.referentiels] == ["tst"]
    assert [(d.id, d.workers) for d in only.demand] == [("ofa.m1", 2), ("ofa.m2", 1)]


def test_a_referentiel_the_catalogue_misses_is_all_uncovered(loaded) -> None:
    ws, assessments = loaded
    building = body_coverage(ws, "ofa", assessments, AS_OF, referentiel="tsb")
    assert building.referentiels[0].modules == []
    assert building.referentiels[0].uncovered == ["tsb.b1.c1"]
    assert building.demand == []


def test_sessions_are_rounded_up_and_small_groups_flagged() -> None:
    module = Module(
        id="ofa.x",
        title="X",
        axis="technique",
        hours=7,
        competencies=["tst.b1.c1"],
        group={"min": 6, "max": 12},
    )
    assert sessions_for(25, module) == (3, False)
    assert sessions_for(12, module) == (1, False)
    assert sessions_for(5, module) == (1, True)
    assert sessions_for(0, module) == (0, False)


def test_unknown_body_lists_the_known_ones(loaded) -> None:
    ws, assessments = loaded
    with pytest.raises(PortfolioError, match="ofa") as raised:
        body_coverage(ws, "nope", assessments, AS_OF)
    assert raised.value.exit_code == 1


def test_unknown_referentiel_is_an_error(loaded) -> None:
    ws, assessments = loaded
    with pytest.raises(PortfolioError, match="référentiel inconnu « zzz »"):
        body_coverage(ws, "ofa", assessments, AS_OF, referentiel="zzz")


def test_csv_has_a_column_per_module_and_a_row_per_competency(coverage: Coverage) -> None:
    lines = coverage_csv(coverage).lstrip("\ufeff").splitlines()
    header = lines[0].split(";")
    assert header[-3:] == ["ofa.m1", "ofa.m2", "ofa.m3"]
    c1 = next(line.split(";") for line in lines if ";tst.b1.c1;" in line)
    assert c1[0] == "competence"
    assert c1[header.index("ofa.m1")] == "12" and c1[header.index("ofa.m2")] == "7"
    assert c1[header.index("salaries_besoin")] == "1"
    m2 = next(line.split(";") for line in lines if line.startswith("module;;;;ofa.m2;"))
    assert m2[header.index("effectif_insuffisant")] == "oui"


def test_module_descriptions_are_printed_under_their_titles(tmp_path) -> None:
    files = {
        **FILES,
        "catalog/ofa.yaml": FILES["catalog/ofa.yaml"].replace(
            "title: Module deux,", "title: Module deux, description: Trier & détacher le linge,"
        ),
    }
    ws, _ = load_workspace(write_files(tmp_path / "ws", files))
    assessments = {w: a for w, (a, _) in assess_cohort(ws, AS_OF).items()}
    coverage = body_coverage(ws, "ofa", assessments, AS_OF)
    descriptions = {m.id: m.description for m in coverage.demand}
    assert descriptions == {"ofa.m1": None, "ofa.m2": "Trier & détacher le linge", "ofa.m3": None}
    html = coverage_html(coverage, "Fédération test")
    assert '<span class="description">Trier &amp; détacher le linge</span>' in html
    assert html.count('class="description"') == 1
