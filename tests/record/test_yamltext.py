"""Adding, replacing and removing an entry of a worker file's text, every other byte kept
(portfolio/record/yamltext.py)."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest
import yaml

from portfolio.french import InputError
from portfolio.record.entries import observation_entry, placement_entry, training_entry
from portfolio.record.yamltext import append_entry, remove_entry, replace_entry

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


# --- replacing and removing an entry ------------------------------------------------------------


def only_changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines `new` removes from `old` and those it adds, in one place: the lines before and
    after it are the same in both."""
    before, after = old.splitlines(True), new.splitlines(True)
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return before[head : len(before) - tail], after[head : len(after) - tail]


def test_a_replaced_placement_keeps_its_position_and_every_other_byte() -> None:
    edited = {**P2, "id": "p1"}
    new = replace_entry(WORKER, "placements", 0, edited)
    old_entry = WORKER[WORKER.index("  - id: p1") : WORKER.index("\n# Ce que les tuteurs")]
    assert new == WORKER.replace(
        old_entry,
        "  - id: p1\n"
        "    client: {name: Mairie de Bron, kind: collectivite}\n"
        "    start: 2003-01-06\n"
        "    end: 2003-01-31\n"
        "    hours: 35\n"
        "    tutor: M. Ruiz\n"
        "    tasks:\n"
        "      - repassage\n"
        "      - {task: repassage, hours: 5.5}\n",
    )
    assert new.index("- id: p1") < new.index("# Ce que les tuteurs ont vu")


def test_a_replaced_observation_stays_one_flow_line_and_its_neighbours_are_untouched() -> None:
    text = WORKER.replace(
        "trainings: []",
        "  - {date: 2003-01-31, by: M. Ruiz, role: tuteur, competency: tst.b1.c1, level: 2}"
        "  # la deuxième\ntrainings: []",
    )
    entry = observation_entry(
        day=dt.date(2002, 12, 21), by="Mme D.", role="tuteur", competency="tst.b1.c1", level=4
    )
    new = replace_entry(text, "observations", 0, entry)
    removed, added = only_changed(text, new)
    assert removed == [
        "  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, "
        "placement: p1,\n",
        '     note: "Repasse seule, soigneusement"}\n',
    ]
    assert added == [
        "  - {date: 2002-12-21, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 4}\n"
    ]
    assert "level: 2}  # la deuxième\n" in new


def test_the_comment_after_a_replaced_entry_stays_on_its_line() -> None:
    text = "id: w-1\nplacements:\n  - {id: p1, hours: 3}   # à revoir\n  - {id: p2, hours: 4}\n"
    new = replace_entry(text, "placements", 0, {"id": "p1", "hours": 5})
    assert (
        new == "id: w-1\nplacements:\n  - {id: p1, hours: 5}   # à revoir\n  - {id: p2, hours: 4}\n"
    )


def test_an_entry_of_a_flow_sequence_is_replaced_in_place() -> None:
    text = "id: w-1\ntrainings: [{module: a, hours: 1}, {module: b, hours: 2}]  # deux\n"
    new = replace_entry(text, "trainings", 1, {"module": "c", "hours": 3})
    assert new == "id: w-1\ntrainings: [{module: a, hours: 1}, {module: c, hours: 3}]  # deux\n"


def test_an_entry_starting_below_its_dash_is_replaced_at_its_own_column() -> None:
    text = "id: w-1\nplacements:\n  - id: p1\n  -   # la seconde\n    id: p2\n    hours: 4\n"
    new = replace_entry(text, "placements", 1, {"id": "p2", "hours": 6, "note": "x"})
    assert new == (
        "id: w-1\nplacements:\n  - id: p1\n  -   # la seconde\n    id: p2\n    hours: 6\n"
        "    note: x\n"
    )


def test_a_replaced_entry_keeps_windows_line_endings_and_byte_order_mark() -> None:
    text = "\ufeffid: w-1\r\nplacements:\r\n  - id: p1\r\n    hours: 3\r\n# fin\r\n"
    new = replace_entry(text, "placements", 0, {"id": "p1", "hours": 4})
    assert new == "\ufeffid: w-1\r\nplacements:\r\n  - id: p1\r\n    hours: 4\r\n# fin\r\n"


def test_a_replaced_entry_of_an_indentless_list_keeps_its_indentation() -> None:
    text = "id: w-1\nplacements:\n- id: p1\n  hours: 3\n- id: p2\n  hours: 4\n"
    new = replace_entry(text, "placements", 0, {"id": "p1", "hours": 5, "tutor": "X"})
    assert new == "id: w-1\nplacements:\n- id: p1\n  hours: 5\n  tutor: X\n- id: p2\n  hours: 4\n"


def test_a_block_scalar_entry_is_replaced_up_to_its_text_not_the_blank_lines_after() -> None:
    text = "id: w-1\nplacements:\n  - id: p1\n    note: |\n      long\n\n# fin\n"
    new = replace_entry(text, "placements", 0, {"id": "p1", "note": "court"})
    assert new == "id: w-1\nplacements:\n  - id: p1\n    note: court\n\n# fin\n"


def test_a_removed_entry_takes_its_lines_and_nothing_else() -> None:
    new = remove_entry(WORKER.replace("trainings: []", "  - {date: 2003-01-31}\ntrainings: []"),
                       "observations", 0)  # fmt: skip
    assert new == WORKER.replace(
        "observations:\n"
        "  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, "
        "placement: p1,\n"
        '     note: "Repasse seule, soigneusement"}\n',
        "observations:\n  - {date: 2003-01-31}\n",
    )


def test_removing_a_middle_entry_keeps_the_comments_around_it() -> None:
    text = (
        "id: w-1\nplacements:\n  - id: p1\n    hours: 1\n  # p2 ci-dessous\n"
        "  - id: p2   # à supprimer\n    hours: 2   # fin de p2\n  - id: p3\n    hours: 3\n"
    )
    new = remove_entry(text, "placements", 1)
    assert new == (
        "id: w-1\nplacements:\n  - id: p1\n    hours: 1\n  # p2 ci-dessous\n"
        "  - id: p3\n    hours: 3\n"
    )


def test_removing_the_last_entry_leaves_an_empty_list_and_the_sections_comment() -> None:
    text = "id: w-1\nplacements:   # missions\n  - id: p1\n    hours: 1\n\ntrainings: []\n"
    assert remove_entry(text, "placements", 0) == (
        "id: w-1\nplacements: []   # missions\n\ntrainings: []\n"
    )


def test_removing_the_last_entry_of_the_file_leaves_an_empty_list() -> None:
    new = remove_entry(WORKER, "observations", 0)
    assert new.endswith(
        "# Ce que les tuteurs ont vu\nobservations: []\ntrainings: []   # aucune pour l'instant\n"
    )
    assert new == WORKER.replace(
        "observations:\n"
        "  - {date: 2002-12-20, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, "
        "placement: p1,\n"
        '     note: "Repasse seule, soigneusement"}\n',
        "observations: []\n",
    )


def test_removing_an_entry_that_starts_below_its_dash_removes_the_dash_line_too() -> None:
    text = "id: w-1\nplacements:\n  - id: p1\n  -   # p2\n    id: p2\n  - id: p3\n"
    assert remove_entry(text, "placements", 1) == "id: w-1\nplacements:\n  - id: p1\n  - id: p3\n"


def test_removing_entries_of_a_flow_sequence_keeps_the_commas_right() -> None:
    text = "trainings: [{module: a}, {module: b}, {module: c}]  # trois\n"
    assert remove_entry(text, "trainings", 0) == "trainings: [{module: b}, {module: c}]  # trois\n"
    assert remove_entry(text, "trainings", 1) == "trainings: [{module: a}, {module: c}]  # trois\n"
    assert remove_entry(text, "trainings", 2) == "trainings: [{module: a}, {module: b}]  # trois\n"
    assert remove_entry("trainings: [{module: a}]\n", "trainings", 0) == "trainings: []\n"


def test_a_removed_entry_keeps_windows_line_endings_byte_order_mark_and_indentless_lists() -> None:
    text = "\ufeffid: w-1\r\nplacements:\r\n- id: p1\r\n  hours: 3\r\n- id: p2\r\n"
    assert remove_entry(text, "placements", 0) == "\ufeffid: w-1\r\nplacements:\r\n- id: p2\r\n"
    assert remove_entry("placements:\r\n- id: p1\r\n", "placements", 0) == "placements: []\r\n"


def test_a_file_without_a_final_line_break_loses_only_the_entry() -> None:
    text = "id: w-1\nplacements:\n  - id: p1\n  - id: p2"
    assert remove_entry(text, "placements", 1) == "id: w-1\nplacements:\n  - id: p1\n"
    assert replace_entry(text, "placements", 1, {"id": "p9"}) == (
        "id: w-1\nplacements:\n  - id: p1\n  - id: p9"
    )


@pytest.mark.parametrize("index", [-1, 1, 5])
def test_an_entry_that_is_not_there_is_refused_in_french(index: int) -> None:
    text = "id: w-1\nplacements:\n  - id: p1\ntrainings: []\n"
    with pytest.raises(InputError, match="n'existe pas"):
        replace_entry(text, "placements", index, {"id": "p1"})
    with pytest.raises(InputError, match="n'existe pas"):
        remove_entry(text, "placements", index)
    with pytest.raises(InputError, match="n'existe pas"):
        remove_entry(text, "trainings", 0)
    with pytest.raises(InputError, match="n'existe pas"):
        remove_entry(text, "observations", 0)


def test_a_section_that_is_not_a_list_cannot_be_edited() -> None:
    with pytest.raises(InputError, match="« placements » doit être une liste"):
        remove_entry("id: w-1\nplacements: aucune\n", "placements", 0)


def test_a_file_ruamel_cannot_read_is_refused_with_what_to_do_by_hand() -> None:
    with pytest.raises(InputError, match="modifiez l'entrée à la main"):
        replace_entry("id: w-1\nplacements: [\n", "placements", 0, {"id": "p1"})
    with pytest.raises(InputError, match="supprimez l'entrée à la main"):
        remove_entry("id: w-1\nplacements: [\n", "placements", 0)


def test_replacing_then_removing_round_trips_with_the_demo_files() -> None:
    """Every entry of every demo worker file can be replaced by itself in another form and
    removed, and only its own lines change."""
    from portfolio.resources import demo_dir

    for path in sorted((demo_dir() / "workers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        for section in ("placements", "observations", "trainings"):
            for index, entry in enumerate(data.get(section) or []):
                replaced = replace_entry(text, section, index, entry)
                assert yaml.safe_load(replaced) == data, (path.name, section, index)
                only_changed(text, replaced)
                removed = remove_entry(text, section, index)
                expected = dict(data)
                expected[section] = [e for i, e in enumerate(data[section]) if i != index]
                assert yaml.safe_load(removed) == expected, (path.name, section, index)
                only_changed(text, removed)
