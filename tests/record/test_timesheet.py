"""Timesheets → placements (SPEC §9 `import timesheet`, docs/import-feuilles-de-temps.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_changes import TST

from portfolio.load import load_workspace
from portfolio.record.timesheet import (
    MAX_ROWS,
    Row,
    Table,
    TimesheetError,
    column_letter,
    group_rows,
    map_columns,
    parse_rows,
    plan_import,
    read_csv,
    read_table,
    rows_text,
)

TODAY = dt.date(2003, 6, 30)
WEEKLY = 7
"""The gap of `portfolio import timesheet` by default: a weekly intervention is one placement."""

WORKER = """\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tasks: [repassage]
"""


@pytest.fixture
def workspace(make_workspace):
    root = make_workspace({"referentiels/tst.yaml": TST, "workers/w-1.yaml": WORKER})
    ws, _ = load_workspace(root)
    return ws


def row(day: str, hours: float = 3, tasks: tuple[str, ...] = ("repassage",), **kw) -> Row:
    fields = {
        "number": 2,
        "worker": "w-1",
        "client": "Mme D.",
        "client_kind": "particulier",
        "start": dt.date.fromisoformat(day),
        "end": dt.date.fromisoformat(kw.pop("end", day)),
        "hours": hours,
        "tasks": tasks,
        "tutor": None,
        "service": None,
    }
    return Row(**{**fields, **kw})


# --- reading ------------------------------------------------------------------------------------


def test_semicolon_csv_with_byte_order_mark_is_read() -> None:
    table = read_csv(io.BytesIO("\ufeffsalarié;client\r\nw-1;Mme D.\r\n".encode()), "heures.csv")
    assert table == Table(["salarié", "client"], [(2, ["w-1", "Mme D."])])


def test_comma_csv_is_read_and_row_numbers_count_the_header_and_blank_rows() -> None:
    table = read_csv(io.BytesIO(b'salarie,client\nw-1,"Dupont, Martine"\n,\nw-2,X\n'), "heures.csv")
    assert table.rows == [(2, ["w-1", "Dupont, Martine"]), (4, ["w-2", "X"])]


def test_csv_saved_by_old_excel_in_windows_1252_is_read() -> None:
    table = read_csv(
        io.BytesIO("salarié;client\nw-1;Mairie de Bâgé\n".encode("cp1252")), "heures.csv"
    )
    assert table.rows == [(2, ["w-1", "Mairie de Bâgé"])]


def test_a_cell_spread_over_lines_counts_from_its_first_line() -> None:
    table = read_csv(io.BytesIO(b'salarie;taches\nw-1;"sols\nvitres"\nw-2;sols\n'), "h.csv")
    assert table.rows == [(2, ["w-1", "sols\nvitres"]), (4, ["w-2", "sols"])]


def test_rows_keep_the_columns_up_to_the_last_one_read() -> None:
    table = read_csv(io.BytesIO(b"salarie;remarque;client;autre\nw-1;x;Mme D.;y\n"), "h.csv")
    assert table.rows == [(2, ["w-1", "x", "Mme D."])]


def test_exactly_max_rows_are_read_and_one_more_is_refused() -> None:
    rows = b"w-1;Mme D.\n" * MAX_ROWS
    assert len(read_csv(io.BytesIO(b"salarie;client\n" + rows), "h.csv").rows) == MAX_ROWS
    with pytest.raises(TimesheetError, match=r"plus de 50 000 lignes \(ligne 50002 atteinte\)"):
        read_csv(io.BytesIO(b"salarie;client\n" + rows + b"w-2;X\n"), "h.csv")


def test_a_header_cell_over_1000_characters_is_refused_without_being_quoted() -> None:
    with pytest.raises(TimesheetError) as caught:
        read_csv(io.BytesIO(b"salarie;" + b"x" * 1_001 + b"\n"), "h.csv")
    assert str(caught.value).startswith("h.csv, ligne 1, colonne B : le nom de colonne compte")
    assert "xxx" not in str(caught.value)


def test_column_letters_are_those_a_spreadsheet_shows() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
    ]


def test_french_column_names_are_recognised_with_or_without_accents() -> None:
    header = "Salarié;Client;Type de client;Date de début;Fin;Nombre d'heures;Tâches;Remarque"
    columns, ignored = map_columns(header.split(";"))
    assert columns == {
        "worker": 0,
        "client": 1,
        "client_kind": 2,
        "start": 3,
        "end": 4,
        "hours": 5,
        "tasks": 6,
    }
    assert ignored == ["Remarque"]


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(TimesheetError, match=r"colonnes manquantes .*: heures, date \(ou debut"):
        map_columns(["salarie", "client"])


def test_unknown_file_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(TimesheetError) as caught:
        read_table(tmp_path / "heures.ods")
    assert caught.value.exit_code == 2


def test_xlsx_cells_keep_their_dates_and_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["salarie", "client", "date", "heures"])
    sheet.append(["w-1", "Mme D.", dt.datetime(2002, 11, 4), 3.5])
    book.save(tmp_path / "heures.xlsx")
    table = read_table(tmp_path / "heures.xlsx")
    assert table.rows == [(2, ["w-1", "Mme D.", dt.datetime(2002, 11, 4), 3.5])]


# --- rows ---------------------------------------------------------------------------------------

HEADER = ["salarie", "client", "type_client", "date", "debut", "fin", "heures", "taches"]


def test_a_row_gives_a_day_or_a_period_and_its_tasks(workspace) -> None:
    table = Table(
        HEADER,
        [
            (2, ["w-1", "Mairie", "collectivité", "04/11/2002", "", "", "3,5", "sols | vitres"]),
            (3, ["w-1", "Mairie", "collectivite", "", "2002-11-05", "2002-11-08", "10", ""]),
        ],
    )
    rows, rejections = parse_rows(table, workspace)
    assert rejections == []
    assert [(r.start, r.end, r.hours, r.tasks) for r in rows] == [
        (dt.date(2002, 11, 4), dt.date(2002, 11, 4), 3.5, ("sols", "vitres")),
        (dt.date(2002, 11, 5), dt.date(2002, 11, 8), 10.0, ()),
    ]


def test_a_client_already_known_needs_no_kind(workspace) -> None:
    table = Table(HEADER, [(2, ["w-1", "mme d.", "", "2002-11-04", "", "", "3", ""])])
    rows, _ = parse_rows(table, workspace)
    assert rows[0].client_kind == "particulier"


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["w-9", "X", "particulier", "2002-11-04", "", "", "3", ""], "salarié inconnu « w-9 »"),
        (["w-1", "", "particulier", "2002-11-04", "", "", "3", ""], "client manquant"),
        (["w-1", "X", "", "2002-11-04", "", "", "3", ""], "type de client manquant"),
        (["w-1", "X", "voisin", "2002-11-04", "", "", "3", ""], "type de client « voisin »"),
        (["w-1", "X", "particulier", "2002-11-31", "", "", "3", ""], "pas une date valide"),
        (["w-1", "X", "particulier", "", "2002-11-08", "2002-11-04", "3", ""], "avant le début"),
        (["w-1", "X", "particulier", "", "2002-11-08", "", "3", ""], "période incomplète"),
        (["w-1", "X", "particulier", "", "", "", "3", ""], "date manquante"),
        (["w-1", "X", "particulier", "2002-11-04", "", "", "0", ""], "plus grand que 0"),
        (["w-1", "X", "particulier", "2002-11-04", "", "", "", ""], "heures manquantes"),
    ],
)
def test_invalid_rows_are_rejected_with_their_row_number(workspace, cells, reason) -> None:
    table = Table(HEADER, [(7, cells)])
    rows, rejections = parse_rows(table, workspace)
    assert rows == []
    assert len(rejections) == 1
    assert rejections[0].rows == (7,)
    assert reason in rejections[0].reason


def test_rows_are_named_as_a_spreadsheet_shows_them() -> None:
    assert rows_text([4]) == "ligne 4"
    assert rows_text([6, 4, 5]) == "lignes 4 à 6"
    assert rows_text([2, 5, 9]) == "lignes 2, 5 et 9"
    assert rows_text(range(2, 50_002, 50)) == (
        "lignes 2, 52, 102, 152, 202, 252, 302, 352, 402, 452… (1 000 lignes)"
    )


# --- grouping -----------------------------------------------------------------------------------


def test_rows_at_most_seven_days_apart_at_one_client_make_one_placement() -> None:
    # Every Monday for three weeks: one placement; then a break of eight days: a new one.
    days = ["2002-11-04", "2002-11-11", "2002-11-18", "2002-11-26"]
    drafts = group_rows([row(d) for d in days], WEEKLY)
    assert [(d.start, d.end, d.hours) for d in drafts] == [
        (dt.date(2002, 11, 4), dt.date(2002, 11, 18), 9.0),
        (dt.date(2002, 11, 26), dt.date(2002, 11, 26), 3.0),
    ]


def test_gap_is_counted_from_the_end_of_a_period() -> None:
    drafts = group_rows([row("2002-11-04", end="2002-11-15"), row("2002-11-22")], WEEKLY)
    assert len(drafts) == 1


def test_different_clients_or_kinds_are_never_grouped() -> None:
    drafts = group_rows(
        [
            row("2002-11-04"),
            row("2002-11-05", client="M. R."),
            row("2002-11-06", client_kind="association"),
        ],
        WEEKLY,
    )
    assert len(drafts) == 3


def test_client_names_are_grouped_ignoring_case_and_accents() -> None:
    drafts = group_rows(
        [row("2002-11-04", client="Mairie de Bâgé"), row("2002-11-05", client="MAIRIE DE BAGE")],
        WEEKLY,
    )
    assert len(drafts) == 1


def test_same_tasks_on_every_row_are_written_without_hours() -> None:
    drafts = group_rows(
        [row("2002-11-04", 3, ("sols", "vitres")), row("2002-11-05", 4, ("vitres", "sols"))], WEEKLY
    )
    assert drafts[0].task_entries() == ["sols", "vitres"]


def test_tasks_differing_between_rows_carry_the_hours_of_their_rows() -> None:
    # 3 h split between sols and vitres, then 4 h of sols, then 2 h without tasks.
    drafts = group_rows(
        [
            row("2002-11-04", 3, ("sols", "vitres")),
            row("2002-11-05", 4, ("Sols",)),
            row("2002-11-06", 2, ()),
        ],
        WEEKLY,
    )
    assert drafts[0].hours == 9
    assert drafts[0].task_entries() == [
        {"task": "sols", "hours": 5.5},
        {"task": "vitres", "hours": 1.5},
    ]


def test_task_hours_are_rounded_down_so_they_never_exceed_the_placement() -> None:
    drafts = group_rows(
        [row("2002-11-04", 2, ("a", "b", "c")), row("2002-11-05", 1, ("d",))], WEEKLY
    )
    entries = drafts[0].task_entries()
    assert [e["hours"] for e in entries] == [0.66, 0.66, 0.66, 1]
    assert sum(e["hours"] for e in entries) <= 3


# --- adding to worker files ---------------------------------------------------------------------


def test_imported_placements_get_the_next_ids_in_date_order(workspace) -> None:
    drafts = group_rows([row("2002-12-02", client="M. R."), row("2002-11-04")], WEEKLY)
    plan = plan_import(workspace, drafts, {"w-1": WORKER}, [], TODAY)
    assert plan.rejections == []
    [change] = plan.changed
    assert [a.entry["id"] for a in change.added] == ["p2", "p3"]
    assert [a.entry["client"]["name"] for a in change.added] == ["Mme D.", "M. R."]
    assert change.new_text.startswith(WORKER)


def test_a_placement_overlapping_one_in_the_file_is_rejected_with_its_rows(workspace) -> None:
    drafts = group_rows([row("2002-10-15", number=5), row("2002-12-02", number=6)], WEEKLY)
    plan = plan_import(workspace, drafts, {"w-1": WORKER}, [], TODAY)
    assert [r.rows for r in plan.rejections] == [(5,)]
    assert "chevauche « p1 »" in plan.rejections[0].reason
    assert [a.entry["start"] for a in plan.changed[0].added] == [dt.date(2002, 12, 2)]
