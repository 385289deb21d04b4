"""SPEC §6 (statuses, levels, evidence trail) and the §9 JSON shape of an assessment."""

from __future__ import annotations

import datetime as dt

import pytest
from support import placement

from portfolio.assess import assess as assess_in_workspace
from portfolio.assess import assess_worker, counted_trainings, training_hours
from portfolio.load import load_workspace
from portfolio.model.evidence import Assessment, CompetencyStatus

AS_OF = dt.date(2003, 6, 30)

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel, rncp: RNCP99001}
rome: [K1304, K1302]
defaults: {min_hours: 30, observation: true}
blocks:
  - id: b2
    title: Cuisiner
    rncp: RNCP99001BC02
    competencies:
      - {id: c3, title: Préparer un repas, plain: Je sais cuisiner, evidence: {observation: false}}
  - id: b1
    title: Entretenir le logement et le linge
    competencies:
      - {id: c2, title: Entretenir le logement, plain: Je fais le ménage,
         evidence: {min_hours: 10}}
      - {id: c1, title: Entretenir le linge, plain: Je sais repasser}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
  - {id: sols, label: Laver les sols, synonyms: [serpillière], evidences: [b1.c2]}
  - {id: linge, label: Laver le linge, evidences: [b1.c1, b1.c2]}
  - {id: cuisine, label: Cuisiner des plats, synonyms: [cuisine], evidences: [b2.c3]}
"""

# No `defaults`: every competency needs 0 h and an observation (SPEC §6).
TSX = """\
id: tsx
title: Référentiel sans règles par défaut
track: restauration-collective
certification: {kind: cqp}
blocks:
  - id: b1
    title: Service
    competencies:
      - {id: c1, title: Servir les convives, plain: Je sers les repas}
tasks:
  - {id: service, label: Servir les convives au self, evidences: [b1.c1]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1]}
  - {id: ofa.hygiene, title: Hygiène, axis: technique, hours: 8,
     competencies: [tst.b1.c2, tst.b2.c3]}
"""


def worker_yaml(placements: str, observations: str, trainings: str, targets: str) -> str:
    return f"""\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: {targets}
consent: {{given: true, date: 2002-09-20}}
placements:
{placements or "  []"}
observations:
{observations or "  []"}
trainings:
{trainings or "  []"}
"""


def observation(competency: str, level: int, date: str, placement: str = "null") -> str:
    return (
        f"  - {{date: {date}, by: Mme D., role: tuteur, competency: {competency}, "
        f"level: {level}, placement: {placement}}}\n"
    )


def training(module: str, result: str, start: str, end: str | None = None, hours: int = 12):
    end_part = f", end: {end}" if end else ""
    return f"  - {{module: {module}, start: {start}{end_part}, hours: {hours}, result: {result}}}\n"


@pytest.fixture
def assess(make_workspace):
    """Assess one worker of a workspace with the test référentiels and catalogue."""

    def run(
        placements: str = "",
        observations: str = "",
        trainings: str = "",
        *,
        as_of: dt.date = AS_OF,
        targets: str = "[tst]",
    ) -> Assessment:
        root = make_workspace(
            {
                "referentiels/tst.yaml": TST,
                "referentiels/tsx.yaml": TSX,
                "catalog/ofa.yaml": CATALOG,
                "workers/w-1.yaml": worker_yaml(placements, observations, trainings, targets),
            }
        )
        ws, issues = load_workspace(root)
        assert not [i for i in issues if i.is_error], issues
        worker = ws.workers["w-1"]
        modules = {k: m for k, (m, _) in ws.module_index.items()}
        assessment, _ = assess_worker(worker, ws.assessed_referentiels(worker), modules, as_of)
        return assessment

    return run


def comp(assessment: Assessment, full_id: str) -> CompetencyStatus:
    found = assessment.competency(full_id)
    assert found is not None
    return found


# --- hours ------------------------------------------------------------------------------------


def test_work_hours_sum_the_hours_of_every_placement(assess):
    placements = placement("[repassage]", hours=20)
    placements += placement("[linge]", ident="p2", hours=14, client="M. L.")
    assert comp(assess(placements), "tst.b1.c1").work_hours == 34.0


def test_training_hours_are_the_attended_hours_of_modules_targeting_the_competency(assess):
    trainings = training("ofa.linge", "non-acquis", "2003-01-10", "2003-01-24", hours=10)
    trainings += training("ofa.hygiene", "en-cours", "2003-02-01", hours=7)
    result = assess(trainings=trainings)
    assert comp(result, "tst.b1.c1").training_hours == 10.0
    assert comp(result, "tst.b1.c2").training_hours == 7.0
    assert comp(result, "tst.b2.c3").training_hours == 7.0


def test_training_counts_by_its_end_date_all_hours_or_none(assess):
    trainings = training("ofa.linge", "acquis", "2003-06-20", "2003-07-04")
    result = assess(trainings=trainings)
    assert comp(result, "tst.b1.c1").training_hours == 0.0
    assert comp(result, "tst.b1.c1").evidence == []
    assert comp(assess(trainings=trainings, as_of=dt.date(2003, 7, 4)), "tst.b1.c1").level == 3


def test_training_without_end_counts_by_its_start(assess):
    result = assess(trainings=training("ofa.linge", "acquis", "2003-06-30"))
    assert comp(result, "tst.b1.c1").training_hours == 12.0
    assert comp(result, "tst.b1.c1").evidence[0].date == dt.date(2003, 6, 30)


def test_counted_trainings_and_training_hours_follow_the_assessment_date(make_workspace):
    root = make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-1.yaml": worker_yaml(
                "",
                "",
                training("ofa.linge", "acquis", "2003-01-10", "2003-01-24")
                + training("ofa.hygiene", "acquis", "2003-07-01", hours=8),
                "[tst]",
            ),
        }
    )
    ws, _ = load_workspace(root)
    modules = {k: m for k, (m, _) in ws.module_index.items()}
    worker = ws.workers["w-1"]
    assert [t.module for t in counted_trainings(worker, modules, AS_OF)] == ["ofa.linge"]
    assert training_hours(worker, modules, AS_OF) == 12
    assert training_hours(worker, modules, dt.date(2003, 7, 1)) == 20


def test_observation_after_the_assessment_date_does_not_count(assess):
    result = assess(observations=observation("tst.b1.c1", 3, "2003-07-01"))
    assert comp(result, "tst.b1.c1").level is None
    assert comp(result, "tst.b1.c1").status == "a-acquerir"


# --- level ------------------------------------------------------------------------------------


def test_latest_observation_wins(assess):
    observations = observation("tst.b1.c1", 3, "2003-01-10")
    observations += observation("tst.b1.c1", 2, "2003-03-10")
    assert comp(assess(observations=observations), "tst.b1.c1").level == 2


def test_highest_level_wins_on_the_same_date(assess):
    observations = observation("tst.b1.c1", 2, "2003-03-10")
    observations += observation("tst.b1.c1", 4, "2003-03-10")
    observations += observation("tst.b1.c1", 1, "2003-03-10")
    assert comp(assess(observations=observations), "tst.b1.c1").level == 4


def test_acquis_training_counts_as_a_level_3_observation_dated_its_end(assess):
    trainings = training("ofa.linge", "acquis", "2003-01-10", "2003-01-24")
    before = observation("tst.b1.c1", 4, "2003-01-23")
    after = observation("tst.b1.c1", 2, "2003-01-25")
    assert comp(assess(observations=before, trainings=trainings), "tst.b1.c1").level == 3
    assert comp(assess(observations=after, trainings=trainings), "tst.b1.c1").level == 2


def test_training_not_acquis_gives_no_level(assess):
    trainings = training("ofa.linge", "non-acquis", "2003-01-10", "2003-01-24")
    trainings += training("ofa.linge", "en-cours", "2003-02-10", "2003-02-24")
    assert comp(assess(trainings=trainings), "tst.b1.c1").level is None


def test_level_is_null_in_json_without_observation(assess):
    result = assess(placement("[repassage]")).model_dump(mode="json")
    c1 = result["referentiels"][2]["blocks"][0]["competencies"][0]
    assert c1["id"] == "tst.b1.c1"
    assert c1["level"] is None


# --- status -----------------------------------------------------------------------------------


def test_acquise_with_min_hours_and_a_level_3_observation(assess):
    result = assess(placement("[repassage]", hours=30), observation("tst.b1.c1", 3, "2002-12-20"))
    assert comp(result, "tst.b1.c1").status == "acquise"


def test_enough_hours_without_level_3_is_en_cours(assess):
    result = assess(placement("[repassage]", hours=80), observation("tst.b1.c1", 2, "2002-12-20"))
    assert comp(result, "tst.b1.c1").status == "en-cours"


def test_level_3_without_enough_hours_is_en_cours(assess):
    result = assess(placement("[repassage]", hours=29), observation("tst.b1.c1", 4, "2002-12-20"))
    assert comp(result, "tst.b1.c1").status == "en-cours"


def test_observation_not_required_means_hours_alone_suffice(assess):
    result = assess(placement("[cuisine]", hours=30))
    assert comp(result, "tst.b2.c3").status == "acquise"


def test_competency_rule_overrides_defaults_key_by_key(assess):
    # tst.b1.c2 sets min_hours 10 and keeps the file's `observation: true`.
    hours_only = assess(placement("[sols]", hours=10))
    observed = assess(placement("[sols]", hours=10), observation("tst.b1.c2", 3, "2002-12-20"))
    assert comp(hours_only, "tst.b1.c2").status == "en-cours"
    assert comp(observed, "tst.b1.c2").status == "acquise"


def test_split_hours_reaching_the_threshold_exactly_are_enough(assess):
    # 9.7 + 11.1 + 9.2 is 29.999999999999996 in floating point.
    placements = placement("[repassage]", hours=9.7, start="2002-10-01", end="2002-10-31")
    placements += placement("[repassage]", ident="p2", hours=11.1, start="2002-11-01")
    placements += placement(
        "[repassage]", ident="p3", hours=9.2, start="2003-01-01", end="2003-01-31"
    )
    result = assess(placements, observation("tst.b1.c1", 3, "2003-01-31"))
    assert comp(result, "tst.b1.c1").status == "acquise"


def test_training_hours_alone_make_en_cours(assess):
    trainings = training("ofa.linge", "non-acquis", "2003-01-10", "2003-01-24")
    assert comp(assess(trainings=trainings), "tst.b1.c1").status == "en-cours"


def test_an_observation_alone_makes_en_cours(assess):
    result = assess(observations=observation("tst.b1.c1", 1, "2003-01-10"))
    assert comp(result, "tst.b1.c1").status == "en-cours"


def test_work_hours_alone_make_en_cours(assess):
    assert comp(assess(placement("[repassage]", hours=5)), "tst.b1.c1").status == "en-cours"


def test_no_evidence_is_a_acquerir(assess):
    result = assess(placement("[cuisine]", hours=5))
    assert comp(result, "tst.b1.c1").status == "a-acquerir"
    assert comp(result, "tst.b1.c1").evidence == []


def test_entry_left_with_no_hours_is_no_evidence(assess):
    result = assess(placement("[{task: cuisine, hours: 60}, repassage]", hours=60))
    assert comp(result, "tst.b1.c1").status == "a-acquerir"


def test_referentiel_without_defaults_needs_no_hours_and_an_observation(assess):
    observed = assess(observations=observation("tsx.b1.c1", 3, "2003-01-10"), targets="[tsx]")
    assert comp(observed, "tsx.b1.c1").status == "acquise"
    unobserved = assess(placement("[service]", hours=200), targets="[tsx]")
    assert comp(unobserved, "tsx.b1.c1").status == "en-cours"


# --- blocks -----------------------------------------------------------------------------------


def test_block_is_presentable_when_all_its_competencies_are_acquise(assess):
    placements = placement("[repassage, {task: sols, hours: 10}]", hours=40)
    observations = observation("tst.b1.c1", 3, "2002-12-20")
    observations += observation("tst.b1.c2", 3, "2002-12-20")
    block = assess(placements, observations).referentiels[2].blocks[0]
    assert block.id == "tst.b1"
    assert (block.presentable, block.acquired, block.total) == (True, 2, 2)


def test_block_progress_counts_acquired_competencies(assess):
    placements = placement("[repassage, {task: sols, hours: 10}]", hours=40)
    block = assess(placements, observation("tst.b1.c1", 3, "2002-12-20")).referentiels[2].blocks[0]
    assert (block.presentable, block.acquired, block.total) == (False, 1, 2)


def test_a_block_without_any_evidence_is_built_once_per_workspace(make_workspace):
    """Half the blocks of a federation's workers have no evidence at all: their status is the
    same in every assessment, and shared; a block with evidence gets its own."""
    worker = worker_yaml(placement("[repassage]"), "", "", "[tst]")
    root = make_workspace({"referentiels/tst.yaml": TST, "workers/w-1.yaml": worker})
    ws, _ = load_workspace(root)
    first, _ = assess_in_workspace(ws, ws.workers["w-1"], AS_OF)
    second, _ = assess_in_workspace(ws, ws.workers["w-1"], AS_OF)
    evidenced, unevidenced = first.referentiels[2].blocks
    assert unevidenced.id == "tst.b2"
    assert (unevidenced.presentable, unevidenced.acquired, unevidenced.total) == (False, 0, 1)
    assert unevidenced.competencies[0].status == "a-acquerir"
    assert unevidenced is second.referentiels[2].blocks[1]
    assert evidenced == second.referentiels[2].blocks[0]
    assert evidenced is not second.referentiels[2].blocks[0]


# --- evidence trail ---------------------------------------------------------------------------


def test_evidence_trail_lists_placements_in_file_order_then_trainings_and_observations_by_date(
    assess,
):
    placements = placement("[repassage]", ident="p2", start="2003-02-01", end="2003-02-28")
    placements += placement("[linge]", ident="p1", client="M. L.")
    observations = observation("tst.b1.c1", 2, "2003-03-01", "p2")
    observations += observation("tst.b1.c1", 3, "2002-12-01", "p1")
    trainings = training("ofa.linge", "acquis", "2003-01-10", "2003-01-24")
    trail = comp(assess(placements, observations, trainings), "tst.b1.c1").evidence
    assert [(e.kind, e.ref) for e in trail] == [
        ("placement", "p2"),
        ("placement", "p1"),
        ("observation", "p1"),
        ("training", "ofa.linge"),
        ("observation", "p2"),
    ]


def test_evidence_entry_shapes(assess):
    placements = placement("[repassage]", hours=30)
    observations = observation("tst.b1.c1", 3, "2002-12-20", "p1")
    observations += (
        "  - {date: 2003-02-01, by: M. Diallo, role: conseiller, competency: tst.b1.c1, level: 2}\n"
    )
    trainings = training("ofa.linge", "acquis", "2003-01-10", "2003-01-24")
    data = comp(assess(placements, observations, trainings), "tst.b1.c1").model_dump(mode="json")
    assert data["evidence"] == [
        {"kind": "placement", "ref": "p1", "task": "tst.repassage", "hours": 30.0},
        {
            "kind": "observation",
            "ref": "p1",
            "by": "Mme D.",
            "role": "tuteur",
            "level": 3,
            "date": "2002-12-20",
        },
        {
            "kind": "training",
            "ref": "ofa.linge",
            "hours": 12.0,
            "result": "acquis",
            "date": "2003-01-24",
        },
        {
            "kind": "observation",
            "ref": None,
            "by": "M. Diallo",
            "role": "conseiller",
            "level": 2,
            "date": "2003-02-01",
        },
    ]


# --- JSON shape (SPEC §9) ---------------------------------------------------------------------


def test_json_has_the_spec_shape(assess):
    data = assess(placement("[repassage]")).model_dump(mode="json")
    assert list(data) == ["worker", "as_of", "referentiels", "warnings"]
    assert data["worker"] == "w-1"
    assert data["as_of"] == "2003-06-30"
    assert list(data["referentiels"][2]) == ["id", "rncp", "rome", "blocks"]
    block = data["referentiels"][2]["blocks"][0]
    assert list(block) == ["id", "rncp", "presentable", "acquired", "total", "competencies"]
    assert list(block["competencies"][0]) == [
        "id",
        "status",
        "work_hours",
        "training_hours",
        "level",
        "evidence",
    ]


def test_json_numbers_are_floats_rounded_to_two_decimals(assess):
    data = assess(placement("[repassage, sols, linge]", hours=100)).model_dump(mode="json")
    c1 = data["referentiels"][2]["blocks"][0]["competencies"][0]
    assert c1["work_hours"] == 66.67
    assert [e["hours"] for e in c1["evidence"]] == [33.33, 33.33]
    c3 = data["referentiels"][2]["blocks"][1]["competencies"][0]
    assert isinstance(c3["work_hours"], float)
    assert isinstance(c3["training_hours"], float)


def test_json_lists_are_sorted_by_id(assess):
    data = assess(targets="[tsx, tst]").model_dump(mode="json")
    assert [r["id"] for r in data["referentiels"]] == ["numerique", "savoir-etre", "tst", "tsx"]
    tst = data["referentiels"][2]
    assert [b["id"] for b in tst["blocks"]] == ["tst.b1", "tst.b2"]
    assert [c["id"] for c in tst["blocks"][0]["competencies"]] == ["tst.b1.c1", "tst.b1.c2"]


def test_json_carries_the_rncp_and_rome_codes_of_the_referentiel(assess):
    """Other systems join on them (issue 18): the fiche, the ROME codes in the file's order, and
    each block's code, null where the référentiel gives none."""
    data = assess(targets="[tsx, tst]").model_dump(mode="json")
    tst, tsx = data["referentiels"][2:]
    assert (tst["rncp"], tst["rome"]) == ("RNCP99001", ["K1304", "K1302"])
    assert [(b["id"], b["rncp"]) for b in tst["blocks"]] == [
        ("tst.b1", None),
        ("tst.b2", "RNCP99001BC02"),
    ]
    assert (tsx["rncp"], tsx["rome"], tsx["blocks"][0]["rncp"]) == (None, [], None)


def test_transversal_referentiels_are_always_assessed(assess):
    ids = [r.id for r in assess(targets="[]").referentiels]
    assert ids == ["numerique", "savoir-etre"]


def test_warnings_are_carried_into_the_assessment(make_workspace):
    root = make_workspace(
        {"referentiels/tst.yaml": TST, "workers/w-1.yaml": worker_yaml("", "", "", "[tst]")}
    )
    ws, _ = load_workspace(root)
    worker = ws.workers["w-1"]
    assessment, evidence = assess_worker(
        worker, ws.assessed_referentiels(worker), {}, AS_OF, ["un avertissement"]
    )
    assert assessment.warnings == ["un avertissement"]
    assert evidence.work_hours == 0
