"""Recording entries in worker files without editing YAML (SPEC §9 `log`, `worker new`)."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest

from portfolio.load import load_workspace
from portfolio.record import (
    RecordError,
    append_entry,
    check_updated_worker,
    new_worker_text,
    next_placement_id,
    observation_entry,
    parse_day,
    parse_hours,
    parse_task,
    parse_worker_text,
    placement_entry,
    training_entry,
)

TODAY = dt.date(2003, 6, 30)

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
blocks:
  - id: b1
    title: Entretenir le linge
    competencies:
      - {id: c1, title: Repasser le linge, plain: Je sais repasser}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1]}
"""

# Comments everywhere, a flow mapping spread over two lines, blank lines, odd quoting: all of it
# must come out byte for byte.
WORKER = """\
# Fatima, suivie par Mme Martin depuis septembre.
id: w-0042
first_name: Fatima
last_name: "B."
association: ai-est            # AI Lyon Est
counselor: Mme Martin
targets: [tst]
consent: {given: true, date: 2002-09-20}

placements:
  - id: p1
    client: {name: Mme D., kind: particulier}   # voisine de sa mère
    start: 2002-10-01
    end: 2002-12-20
    hours: 64
    tutor: 'Mme D.'
    tasks:                      # ce qu'elle fait chez Mme D.
      - repassage
      - {task: repassage, hours: 20}

# Ce que les tuteurs ont vu
observations:
  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, placement: p1,
     note: "Repasse seule, soigneusement"}
trainings: []   # aucune pour l'instant
"""

P2 = placement_entry(
    ident="p2",
    client="Mairie de Bron",
    client_kind="collectivite",
    start=dt.date(2003, 1, 6),
    end=dt.date(2003, 1, 31),
    hours=35,
    tutor="M. Ruiz",
    tasks=["repassage", {"task": "repassage", "hours": 5.5}],
)


def only_insertions(old: str, new: str) -> list[str]:
    """The lines `new` adds to `old`, failing if any line of `old` was changed or removed."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True))
    added = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in {"equal", "insert"}, (tag, old.splitlines(True)[i1:i2])
        if tag == "insert":
            added += new.splitlines(True)[j1:j2]
    return added


def test_appended_placement_leaves_every_other_byte_unchanged() -> None:
    new = append_entry(WORKER, "placements", P2)
    assert "".join(only_insertions(WORKER, new)) == (
        "  - id: p2\n"
        "    client: {name: Mairie de Bron, kind: collectivite}\n"
        "    start: 2003-01-06\n"
        "    end: 2003-01-31\n"
        "    hours: 35\n"
        "    tutor: M. Ruiz\n"
        "    tasks:\n"
        "      - repassage\n"
        "      - {task: repassage, hours: 5.5}\n"
    )


def test_new_placement_goes_after_the_last_one_not_after_the_next_heading() -> None:
    new = append_entry(WORKER, "placements", P2)
    assert new.index("- id: p2") < new.index("# Ce que les tuteurs ont vu")


def test_observation_follows_the_one_line_style_of_the_existing_ones() -> None:
    entry = observation_entry(
        day=dt.date(2003, 1, 31),
        by="M. Ruiz",
        role="tuteur",
        competency="tst.b1.c1",
        level=2,
        placement="p1",
        note="Bien, mais lent",
    )
    added = only_insertions(WORKER, append_entry(WORKER, "observations", entry))
    assert added == [
        "  - {date: 2003-01-31, by: M. Ruiz, role: tuteur, competency: tst.b1.c1, level: 2, "
        "placement: p1, note: 'Bien, mais lent'}\n"
    ]


def test_an_empty_list_is_replaced_and_its_comment_kept() -> None:
    entry = training_entry(
        module="ofa.linge", start=dt.date(2003, 2, 3), end=None, hours=12, result="en-cours"
    )
    new = append_entry(WORKER, "trainings", entry)
    assert new.endswith(
        "trainings:    # aucune pour l'instant\n"
        "  - module: ofa.linge\n"
        "    start: 2003-02-03\n"
        "    hours: 12\n"
        "    result: en-cours\n"
    )


def test_a_missing_section_is_added_at_the_end() -> None:
    text = "id: w-1\nfirst_name: A\n"
    new = append_entry(text, "placements", P2)
    assert new.startswith(text + "placements:\n  - id: p2\n")


def test_indentless_lists_keep_their_indentation() -> None:
    text = "id: w-1\nplacements:\n- id: p1\n  hours: 3\nobservations: []\n"
    new = append_entry(text, "placements", {"id": "p2", "hours": 4})
    assert (
        new
        == "id: w-1\nplacements:\n- id: p1\n  hours: 3\n- id: p2\n  hours: 4\nobservations: []\n"
    )


def test_windows_line_endings_and_byte_order_mark_are_kept() -> None:
    text = "\ufeffid: w-1\r\nplacements:\r\n  - id: p1\r\n"
    new = append_entry(text, "placements", {"id": "p2"})
    assert new == "\ufeffid: w-1\r\nplacements:\r\n  - id: p1\r\n  - id: p2\r\n"


def test_entry_after_a_block_scalar_goes_before_the_blank_lines_that_follow_it() -> None:
    text = "id: w-1\nplacements:\n  - id: p1\n    note: |\n      long\n\n# fin\n"
    new = append_entry(text, "placements", {"id": "p2"})
    assert new == "id: w-1\nplacements:\n  - id: p1\n    note: |\n      long\n  - id: p2\n\n# fin\n"


def test_same_start_and_end_day_is_written_twice_without_yaml_alias() -> None:
    day = dt.date(2003, 1, 6)
    entry = placement_entry(
        ident="p2", client="X", client_kind="particulier", start=day, end=day, hours=3
    )
    new = append_entry(WORKER, "placements", entry)
    assert "    start: 2003-01-06\n    end: 2003-01-06\n" in new
    assert "&" not in "".join(only_insertions(WORKER, new))


def test_words_yaml_1_1_reads_as_booleans_are_quoted() -> None:
    entry = {"id": "p2", "note": "no"}
    new = append_entry("id: w-1\nplacements:\n  - id: p1\n", "placements", entry)
    assert "    note: 'no'\n" in new


def test_next_placement_id_follows_the_highest_number() -> None:
    assert next_placement_id([]) == "p1"
    assert next_placement_id(["p1", "p3", "menage"]) == "p4"


@pytest.mark.parametrize(
    ("text", "hours"),
    [("12", 12.0), ("3.5", 3.5), ("3,5", 3.5), ("3h30", 3.5), ("3:15", 3.25), ("7 h", 7.0)],
)
def test_hours_are_read_as_french_people_write_them(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["0", "-2", "trois", "3h75"])
def test_hours_must_be_a_positive_number(text: str) -> None:
    with pytest.raises(RecordError):
        parse_hours(text)


def test_dates_are_read_in_iso_or_french_order() -> None:
    assert parse_day("2003-01-31") == parse_day("31/01/2003") == dt.date(2003, 1, 31)
    with pytest.raises(RecordError, match="n'est pas une date valide"):
        parse_day("31/02/2003")


def test_a_task_may_carry_its_hours_after_an_equals_sign() -> None:
    assert parse_task("repassage") == "repassage"
    assert parse_task("ménage des sols=3,5") == {"task": "ménage des sols", "hours": 3.5}


def test_new_worker_file_reads_back_as_a_valid_worker() -> None:
    text = new_worker_text(
        ident="fatima-b",
        first_name="Fatima",
        last_name="B.",
        association="ai-est",
        counselor="Mme Martin",
        targets=["tst"],
        consent=True,
        consent_date=dt.date(2002, 9, 20),
        today=TODAY,
    )
    worker, _, issues = parse_worker_text(text, "fatima-b")
    assert issues == []
    assert worker is not None
    assert (worker.id, worker.display_name, worker.targets) == ("fatima-b", "Fatima B.", ["tst"])
    assert worker.consent is not None and worker.consent.date == dt.date(2002, 9, 20)
    assert text.startswith("# Salarié en parcours, fiche créée le 30/06/2003")


@pytest.fixture
def workspace(make_workspace):
    root = make_workspace(
        {
            "referentiels/tst.yaml": TST,
            "catalog/ofa.yaml": CATALOG,
            "workers/w-0042.yaml": WORKER,
        }
    )
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws


def test_updated_worker_with_end_before_start_is_refused(workspace) -> None:
    entry = placement_entry(
        ident="p2",
        client="X",
        client_kind="particulier",
        start=dt.date(2003, 2, 1),
        end=dt.date(2003, 1, 1),
        hours=3,
    )
    verdict = check_updated_worker(
        workspace, "w-0042", append_entry(WORKER, "placements", entry), TODAY
    )
    assert not verdict.accepted
    assert [i.code for i in verdict.errors] == ["end-before-start"]


def test_only_warnings_brought_by_the_change_are_reported(workspace) -> None:
    entry = placement_entry(
        ident="p2",
        client="X",
        client_kind="particulier",
        start=dt.date(2003, 2, 1),
        end=dt.date(2003, 2, 1),
        hours=3,
        tasks=["tricot"],
    )
    verdict = check_updated_worker(
        workspace, "w-0042", append_entry(WORKER, "placements", entry), TODAY
    )
    assert verdict.accepted
    # The worker already had too little training (0 h for 64 h): that warning is not repeated.
    assert [i.code for i in verdict.new_warnings] == ["unresolved-task"]
