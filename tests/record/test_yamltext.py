"""Adding an entry to a worker file's text, every other byte kept (portfolio/record/yamltext.py)."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest

from portfolio.french import InputError
from portfolio.record.entries import observation_entry, placement_entry, training_entry
from portfolio.record.yamltext import append_entry

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


def test_a_file_that_is_not_a_mapping_cannot_be_added_to() -> None:
    with pytest.raises(InputError, match="table de champs"):
        append_entry("- a\n- b\n", "placements", {"id": "p1"})


def test_a_section_that_is_not_a_list_cannot_be_added_to() -> None:
    with pytest.raises(InputError, match="« placements » doit être une liste"):
        append_entry("id: w-1\nplacements: aucune\n", "placements", {"id": "p1"})
