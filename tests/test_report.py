"""Programme report figures (SPEC §9 `report`), computed by hand on a four-worker workspace.

At 2003-06-30, with band [0.10, 0.20] and a target of 100 h over 2002-09-01..2003-08-31:
- Alice (ai-est, targets tst): 30 h of work (t1, t2, t3 at 10 h: every tst competency acquired,
  both blocks presentable), 4.5 h of training: ratio 0.15, inside the band.
- Bruno (ai-est, targets tst and tsb: two tracks): 40 h (t1 and peinture at 20 h: tst.b1.c1 and
  tsb.b1.c1 acquired, the tsb block presentable), 12 h of training: ratio 0.30, above.
- Chloé (ai-ouest, targets tst): a 60 h placement 2003-06-16..2003-07-15 pro-rated by 15/30 days:
  30 h of t3 (tst.b2.c3 acquired, block b2 presentable), no training: ratio 0, below.
- Denis (ai-ouest, no target: transversal track): no work, a 5 h `acquis` training on
  savoir-etre.relation.c1 (acquired as a level-3 observation): no ratio, above the band.
The bundled transversal référentiels are assessed for everyone; only Denis acquires one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

from portfolio.load import load_workspace
from portfolio.model.workspace import Period, Worker
from portfolio.report import (
    BIN_EDGES,
    ProgrammeReport,
    Pseudonyms,
    assess_cohort,
    months_of,
    programme_report,
    ratio_bin,
    ratio_position,
    report_csv,
    worker_months,
)

AS_OF = dt.date(2003, 6, 30)

WORKSPACE = """\
name: Programme test
federation: Fédération test
associations:
  - {id: ai-est, name: AI Est}
  - {id: ai-ouest, name: AI Ouest}
  - {id: ai-nord, name: AI Nord}
settings:
  training_ratio: [0.10, 0.20]
  programme_target_hours: 100
  period: {start: 2002-09-01, end: 2003-08-31}
"""

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
defaults: {min_hours: 10, observation: false}
blocks:
  - id: b1
    title: Bloc un
    competencies:
      - {id: c1, title: Compétence un, plain: Je sais faire un}
      - {id: c2, title: Compétence deux, plain: Je sais faire deux}
  - id: b2
    title: Bloc deux
    competencies:
      - {id: c3, title: Compétence trois, plain: Je sais faire trois}
tasks:
  - {id: t1, label: Tâche un, evidences: [b1.c1]}
  - {id: t2, label: Tâche deux, evidences: [b1.c2]}
  - {id: t3, label: Tâche trois, evidences: [b2.c3]}
"""

TSB = """\
id: tsb
title: Référentiel bâtiment de test
track: batiment
certification: {kind: cqp}
defaults: {min_hours: 5, observation: false}
blocks:
  - id: b1
    title: Peindre
    competencies:
      - {id: c1, title: Peindre un mur, plain: Je sais peindre}
tasks:
  - {id: peinture, label: Peindre un mur, evidences: [b1.c1]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme A}
modules:
  - {id: ofa.m1, title: Module un, axis: technique, hours: 12,
     competencies: [tst.b1.c1, tst.b1.c2], group: {min: 2, max: 2}}
  - {id: ofa.m2, title: Module deux, axis: technique, hours: 7, competencies: [tst.b1.c1],
     group: {min: 4, max: 10}}
  - {id: ofa.m3, title: Module trois, axis: savoir-etre, hours: 5,
     competencies: [savoir-etre.relation.c1]}
"""


def worker(
    ident: str, first: str, last: str, association: str, targets: str, rest: str = ""
) -> str:
    return (
        f"id: {ident}\nfirst_name: {first}\nlast_name: {last}\nassociation: {association}\n"
        f"targets: {targets}\nconsent: {{given: true, date: 2002-09-01}}\n{rest}"
    )


FILES = {
    "workspace.yaml": WORKSPACE,
    "referentiels/tst.yaml": TST,
    "referentiels/tsb.yaml": TSB,
    "catalog/ofa.yaml": CATALOG,
    "workers/w1.yaml": worker(
        "w1",
        "Alice",
        "Arnaud",
        "ai-est",
        "[tst]",
        "placements:\n"
        "  - {id: p1, client: {name: Mme X, kind: particulier}, start: 2002-10-01,\n"
        "     end: 2002-10-31, hours: 30, tasks: [t1, t2, t3]}\n"
        "trainings:\n"
        "  - {module: ofa.m2, start: 2002-11-15, hours: 4.5, result: acquis}\n",
    ),
    "workers/w2.yaml": worker(
        "w2",
        "Bruno",
        "Bernard",
        "ai-est",
        "[tst, tsb]",
        "placements:\n"
        "  - {id: p1, client: {name: Mairie, kind: collectivite}, start: 2003-01-01,\n"
        "     end: 2003-01-31, hours: 40, tasks: [t1, peinture]}\n"
        "trainings:\n"
        "  - {module: ofa.m1, start: 2003-02-03, end: 2003-02-10, hours: 12, result: en-cours}\n",
    ),
    "workers/w3.yaml": worker(
        "w3",
        "Chloé",
        "Chevalier",
        "ai-ouest",
        "[tst]",
        "placements:\n"
        "  - {id: p1, client: {name: Mme Y, kind: particulier}, start: 2003-06-16,\n"
        "     end: 2003-07-15, hours: 60, tasks: [t3]}\n",
    ),
    "workers/w4.yaml": worker(
        "w4",
        "Denis",
        "Dupont",
        "ai-ouest",
        "[]",
        "trainings:\n  - {module: ofa.m3, start: 2003-05-20, hours: 5, result: acquis}\n",
    ),
}


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write the workspace once per module (the `make_workspace` fixture is per test)."""
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def workspace_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("report") / "ws", FILES)


@pytest.fixture(scope="module")
def report(workspace_root: Path) -> ProgrammeReport:
    ws, issues = load_workspace(workspace_root)
    assert not [i for i in issues if i.is_error]
    return programme_report(ws, assess_cohort(ws, AS_OF), AS_OF)


def association(report: ProgrammeReport, ident: str):
    return next(a for a in report.associations if a.id == ident)


def track(rows, name: str):
    return next(t for t in rows if t.track == name)


def test_programme_totals_count_each_worker_once(report: ProgrammeReport) -> None:
    totals = report.programme
    assert (totals.workers, totals.work_hours, totals.training_hours) == (4, 100.0, 21.5)
    assert totals.ratio == 0.215


def test_programme_training_hours_against_target(report: ProgrammeReport) -> None:
    assert report.target_hours == 100
    assert report.target_share == 0.215


def test_workers_outside_the_band_are_counted_and_listed(report: ProgrammeReport) -> None:
    assert report.programme.outside_band == 3
    listed = [(w.worker, w.name, w.position, w.ratio) for w in report.outside]
    assert listed == [
        ("w2", "Bruno Bernard", "au-dessus", 0.3),
        ("w3", "Chloé Chevalier", "en-dessous", 0.0),
        ("w4", "Denis Dupont", "au-dessus", None),
    ]
    assert report.outside[0].association_name == "AI Est"


def test_competencies_include_the_transversal_ones_once_per_worker(
    report: ProgrammeReport,
) -> None:
    # Alice 3, Bruno 1 + 1, Chloé 1, Denis 1 transversal (savoir-etre.relation.c1).
    assert report.programme.competencies_acquired == 7
    assert report.programme.transversal_acquired == 1


def test_presentable_blocks_and_workers_with_one(report: ProgrammeReport) -> None:
    # Alice tst.b1 and tst.b2, Bruno tsb.b1, Chloé tst.b2.
    assert report.programme.blocks_presentable == 4
    assert report.programme.workers_with_presentable_block == 3


def test_association_rows_follow_workspace_order_with_empty_ones(
    report: ProgrammeReport,
) -> None:
    assert [(a.id, a.name, a.workers) for a in report.associations] == [
        ("ai-est", "AI Est", 2),
        ("ai-ouest", "AI Ouest", 2),
        ("ai-nord", "AI Nord", 0),
    ]
    assert association(report, "ai-nord").tracks == []


def test_association_figures(report: ProgrammeReport) -> None:
    est = association(report, "ai-est")
    assert (est.work_hours, est.training_hours, est.ratio, est.outside_band) == (
        70.0,
        16.5,
        0.236,
        1,
    )
    assert (est.competencies_acquired, est.blocks_presentable) == (5, 3)
    assert est.workers_with_presentable_block == 2


def test_worker_with_two_targets_counts_in_both_tracks_with_all_hours(
    report: ProgrammeReport,
) -> None:
    est = association(report, "ai-est")
    assert [t.track for t in est.tracks] == ["emplois-familiaux", "batiment"]
    family, building = est.tracks
    assert (family.workers, family.work_hours, family.training_hours) == (2, 70.0, 16.5)
    assert (building.workers, building.work_hours, building.ratio) == (1, 40.0, 0.3)
    assert report.several_tracks == 1


def test_track_rows_count_only_their_referentiels(report: ProgrammeReport) -> None:
    est = association(report, "ai-est")
    family, building = est.tracks
    # Emplois familiaux: Alice 3 + Bruno tst.b1.c1; bâtiment: Bruno tsb.b1.c1.
    assert (family.competencies_acquired, family.blocks_presentable) == (4, 2)
    assert (building.competencies_acquired, building.blocks_presentable) == (1, 1)


def test_worker_without_target_is_in_the_transversal_track(report: ProgrammeReport) -> None:
    row = track(association(report, "ai-ouest").tracks, "transversal")
    assert (row.workers, row.work_hours, row.training_hours, row.ratio) == (1, 0.0, 5.0, None)
    assert (row.competencies_acquired, row.transversal_acquired, row.outside_band) == (1, 1, 1)


def test_track_totals_over_associations(report: ProgrammeReport) -> None:
    assert [t.track for t in report.tracks] == ["emplois-familiaux", "batiment", "transversal"]
    family = track(report.tracks, "emplois-familiaux")
    assert (family.workers, family.work_hours, family.training_hours) == (3, 100.0, 16.5)
    assert (family.ratio, family.outside_band, family.competencies_acquired) == (0.165, 2, 5)
    assert (family.blocks_presentable, family.workers_with_presentable_block) == (3, 2)


def test_ratio_histogram_leaves_out_workers_without_work(report: ProgrammeReport) -> None:
    counts = {b.low: b.workers for b in report.distribution if b.workers}
    assert counts == {0.0: 1, 0.15: 1, 0.3: 1}
    assert report.without_work == 1
    assert report.distribution[-1].low == 0.4 and report.distribution[-1].high is None


def test_ratio_on_a_bin_edge_falls_in_the_upper_bin() -> None:
    assert BIN_EDGES[ratio_bin(0.15)] == 0.15
    assert BIN_EDGES[ratio_bin(0.1499999999)] == 0.15  # rounded to 6 decimals first
    assert BIN_EDGES[ratio_bin(0.149)] == 0.10
    assert ratio_bin(3.0) == len(BIN_EDGES) - 1


def test_ratio_position_follows_the_check_rule() -> None:
    band = (0.10, 0.20)
    assert ratio_position(100, 20, band) == (0.2, None)
    assert ratio_position(100, 9, band) == (0.09, "en-dessous")
    assert ratio_position(0, 5, band) == (None, "au-dessus")
    assert ratio_position(0, 0, band) == (None, None)


def test_months_cover_the_period(report: ProgrammeReport) -> None:
    assert [m.month for m in report.months] == [
        "2002-09",
        "2002-10",
        "2002-11",
        "2002-12",
        "2003-01",
        "2003-02",
        "2003-03",
        "2003-04",
        "2003-05",
        "2003-06",
        "2003-07",
        "2003-08",
    ]


def test_months_are_clipped_to_the_period() -> None:
    months = months_of(Period(start=dt.date(2003, 1, 15), end=dt.date(2003, 3, 10)))
    assert months == [
        (dt.date(2003, 1, 15), dt.date(2003, 1, 31)),
        (dt.date(2003, 2, 1), dt.date(2003, 2, 28)),
        (dt.date(2003, 3, 1), dt.date(2003, 3, 10)),
    ]


def test_work_hours_per_month_are_prorated_over_placement_days(report: ProgrammeReport) -> None:
    work = {m.month: m.work_hours for m in report.months}
    # Alice in October, Bruno in January, Chloé's 60 h × 15/30 days in June.
    assert (work["2002-10"], work["2003-01"], work["2003-06"]) == (30.0, 40.0, 30.0)
    assert sum(v for v in work.values() if v) == 100.0


def test_placement_spanning_two_months_is_split_by_days() -> None:
    one = Worker.model_validate(
        {
            "id": "x",
            "first_name": "X",
            "last_name": "Y",
            "association": "ai-est",
            "placements": [
                {
                    "id": "p1",
                    "client": {"name": "C", "kind": "particulier"},
                    "start": dt.date(2003, 1, 22),
                    "end": dt.date(2003, 2, 10),
                    "hours": 40,
                }
            ],
        }
    )
    period = Period(start=dt.date(2003, 1, 1), end=dt.date(2003, 2, 28))
    # 20 days: 10 in January, 10 in February; no training.
    assert worker_months(one, {}, period, dt.date(2003, 12, 31)) == ((0.0, 20.0), (0.0, 20.0))
    assert worker_months(one, {}, period, dt.date(2003, 1, 31)) == ((0.0, 20.0),)


def test_trainings_count_in_the_month_of_their_end(report: ProgrammeReport) -> None:
    training = {m.month: m.training_hours for m in report.months if m.training_hours}
    assert training == {"2002-11": 4.5, "2003-02": 12.0, "2003-05": 5.0}


def test_cumulative_training_and_target_line(report: ProgrammeReport) -> None:
    cumulative = [m.cumulative_training_hours for m in report.months]
    assert cumulative == [0, 0, 4.5, 4.5, 4.5, 16.5, 16.5, 16.5, 21.5, 21.5, None, None]
    # 100 h over the 365 days of the period: 30 days in September.
    assert report.months[0].target_cumulative_hours == round(100 * 30 / 365, 2)
    assert report.months[-1].target_cumulative_hours == 100.0


def test_months_after_the_report_date_have_no_figures(report: ProgrammeReport) -> None:
    july = report.months[10]
    assert (july.work_hours, july.training_hours) == (None, None)


def pseudonyms(worker_ids: Iterable[str], key: str) -> dict[str, str]:
    """The pseudonyms of a cohort of exactly these workers."""
    book = Pseudonyms(key)
    for worker_id in worker_ids:
        book.add(worker_id)
    return book.names(worker_ids)


def test_pseudonyms_are_stable_keyed_and_distinct() -> None:
    first = pseudonyms(["w1", "w2"], "Programme test")
    assert first == pseudonyms(["w2", "w1"], "Programme test")
    assert first["w1"] != first["w2"]
    assert first["w1"] != pseudonyms(["w1"], "Autre programme")["w1"]
    assert first["w1"].startswith("Salarié·e ") and len(first["w1"]) == len("Salarié·e 7F3A")


def test_pseudonymised_report_has_no_worker_name_or_id(workspace_root: Path) -> None:
    ws, _ = load_workspace(workspace_root)
    hidden = programme_report(ws, assess_cohort(ws, AS_OF), AS_OF, pseudonym_key="Programme test")
    text = hidden.model_dump_json()
    for name in ("Alice", "Arnaud", "Bruno", "Bernard", "Chloé", "Chevalier", "Denis", "Dupont"):
        assert name not in text
    assert '"w2"' not in text
    assert [w.name for w in hidden.outside] == [w.worker for w in hidden.outside]
    assert hidden.outside[0].name == pseudonyms(ws.workers, "Programme test")["w2"]


def test_csv_has_a_bom_semicolons_and_decimal_commas(report: ProgrammeReport) -> None:
    text = report_csv(report)
    assert text.startswith("\ufeffniveau;association;")
    programme = next(line for line in text.splitlines() if line.startswith("programme;"))
    assert ";21,5;0,215;" in programme


def test_colliding_pseudonyms_get_longer_digests() -> None:
    seen: dict[str, str] = {}
    for number in range(100_000):
        ident = f"w-{number}"
        prefix = pseudonyms([ident], "Programme test")[ident]
        if prefix in seen:
            pair = pseudonyms([seen[prefix], ident], "Programme test")
            break
        seen[prefix] = ident
    first, second = pair.values()
    assert first != second
    assert len(first) == len(second) == len("Salarié·e 7F3A01")
