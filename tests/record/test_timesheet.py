"""Timesheets → placements (SPEC §9 `import timesheet`, docs/import-feuilles-de-temps.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_changes import TST

from portfolio.french import InputError
from portfolio.load import load_workspace
from portfolio.record.timesheet import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    ImportPlan,
    Rejection,
    Row,
    Table,
    TimesheetError,
    WorkerNames,
    column_letter,
    group_rows,
    map_columns,
    parse_rows,
    placements_count,
    plan_import,
    read_csv,
    read_table,
    rows_text,
    titles_note,
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
    text = "\ufeffsalarié;client;date;heures\r\nw-1;Mme D.;04/11/2002;3\r\n"
    table = read_csv(io.BytesIO(text.encode()), "heures.csv")
    assert table == Table(
        ["salarié", "client", "date", "heures"], [(2, ["w-1", "Mme D.", "04/11/2002", "3"])]
    )


def test_comma_csv_is_read_and_row_numbers_count_the_header_and_blank_rows() -> None:
    sheet = b'salarie,client,date,heures\nw-1,"Dupont, Martine",04/11/2002,3\n,,,\nw-2,X,,\n'
    table = read_csv(io.BytesIO(sheet), "heures.csv")
    assert table.rows == [
        (2, ["w-1", "Dupont, Martine", "04/11/2002", "3"]),
        (4, ["w-2", "X", "", ""]),
    ]


def test_csv_saved_by_old_excel_in_windows_1252_is_read() -> None:
    sheet = "salarié;client;date;heures\nw-1;Mairie de Bâgé;04/11/2002;3\n".encode("cp1252")
    table = read_csv(io.BytesIO(sheet), "heures.csv")
    assert table.rows == [(2, ["w-1", "Mairie de Bâgé", "04/11/2002", "3"])]


def test_a_cell_spread_over_lines_counts_from_its_first_line() -> None:
    sheet = b'salarie;client;date;heures;taches\nw-1;X;;;"sols\nvitres"\nw-2;X;;;sols\n'
    table = read_csv(io.BytesIO(sheet), "h.csv")
    assert [(n, cells[-1]) for n, cells in table.rows] == [(2, "sols\nvitres"), (4, "sols")]


def test_rows_keep_the_columns_up_to_the_last_one_read() -> None:
    sheet = b"salarie;remarque;client;date;heures;autre\nw-1;x;Mme D.;04/11/2002;3;y\n"
    table = read_csv(io.BytesIO(sheet), "h.csv")
    assert table.rows == [(2, ["w-1", "x", "Mme D.", "04/11/2002", "3"])]


def test_exactly_max_rows_are_read_and_one_more_is_refused() -> None:
    header = b"salarie;client;date;heures\n"
    rows = b"w-1;Mme D.;04/11/2002;3\n" * MAX_ROWS
    assert len(read_csv(io.BytesIO(header + rows), "h.csv").rows) == MAX_ROWS
    with pytest.raises(TimesheetError, match=r"plus de 50 000 lignes \(ligne 50002 atteinte\)"):
        read_csv(io.BytesIO(header + rows + b"w-2;X;;\n"), "h.csv")


def test_a_header_cell_over_1000_characters_is_refused_without_being_quoted() -> None:
    with pytest.raises(TimesheetError) as caught:
        read_csv(io.BytesIO(b"salarie;client;date;heures;" + b"x" * 1_001 + b"\n"), "h.csv")
    assert str(caught.value).startswith("h.csv, ligne 1, colonne E : le nom de colonne compte")
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
    with pytest.raises(TimesheetError, match=r"colonnes manquantes : heures, date \(ou debut"):
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


# --- title rows and merged cells ----------------------------------------------------------------

EXPORT_HEADER = "salarie;client;type_client;date;heures"


def test_the_header_is_found_under_title_rows_and_rows_keep_their_numbers() -> None:
    # The title holds more commas than the header has semicolons: the header picks the separator.
    sheet = (
        "Relevé d'heures — Association X\n"
        "Période : janvier, février, mars 2026\n"
        "\n"
        f"{EXPORT_HEADER}\n"
        "w-1;Mme D.;particulier;05/01/26;3\n"
    )
    table = read_csv(io.BytesIO(sheet.encode()), "h.csv")
    assert (table.header_row, table.titles) == (4, (1, 2))
    assert table.rows == [(5, ["w-1", "Mme D.", "particulier", "05/01/26", "3"])]
    assert titles_note(table) == "Noms des colonnes lus ligne 4 ; titres ignorés : lignes 1 à 2."


def test_no_title_row_no_note() -> None:
    table = read_csv(io.BytesIO(f"{EXPORT_HEADER}\nw-1;X;particulier;05/01/26;3\n".encode()), "h")
    assert titles_note(table) is None


def test_a_sheet_where_no_row_names_the_columns_says_what_is_expected_and_what_was_read() -> None:
    sheet = "Relevé d'heures\nPériode : janvier 2026\nw-1;Mme D.;3\n"
    with pytest.raises(TimesheetError) as caught:
        read_csv(io.BytesIO(sheet.encode()), "h.csv")
    message = str(caught.value)
    assert message.startswith(
        "h.csv : aucune des 3 premières lignes remplies ne nomme les colonnes"
    )
    assert "salarie, client, heures, et date (ou debut et fin)" in message
    assert "ligne 1 « Relevé d'heures » ; ligne 2 « Période : janvier 2026 »" in message


def test_a_header_missing_a_column_is_named_with_its_row() -> None:
    sheet = "Relevé d'heures\nSalarié;Client;Date\nw-1;Mme D.;05/01/26\n"
    with pytest.raises(TimesheetError, match=r"^h.csv, ligne 2 : colonnes manquantes : heures \("):
        read_csv(io.BytesIO(sheet.encode()), "h.csv")


def test_the_header_is_searched_in_the_first_twenty_filled_rows_only() -> None:
    sheet = "titre\n" * HEADER_SEARCH_ROWS + f"{EXPORT_HEADER}\nw-1;X;particulier;05/01/26;3\n"
    with pytest.raises(TimesheetError, match="aucune des 20 premières lignes"):
        read_csv(io.BytesIO(sheet.encode()), "h.csv")


def merged_export(path: Path) -> Path:
    """An export as payroll software writes it: a title merged across the sheet, the period, a
    blank row, then on row 4 a header whose « Salarié » spans « Nom » and « Prénom »."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Relevé d'heures — Association X"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Période : novembre 2002"
    for column, title in zip("ACDEF", ["Salarié", "Client", "Type", "Date", "Heures"], strict=True):
        sheet[f"{column}4"] = title
    sheet.merge_cells("A4:B4")
    sheet["A5"], sheet["B5"] = "Nom", "Prénom"
    sheet.append(["BENALI", "Fatima", "Mme D.", "particulier", dt.datetime(2002, 11, 4), 3])
    sheet.append(["Bouzid", "Fatima", "Mme D.", "particulier", "05/11/02", "3,5"])
    book.save(path)
    return path


def test_xlsx_header_under_a_merged_title_and_a_header_cell_merged_over_two_columns(
    tmp_path: Path, team
) -> None:
    table = read_table(merged_export(tmp_path / "heures.xlsx"))
    assert (table.header_row, table.titles, dict(table.spans)) == (4, (1, 2, 5), {0: 1})
    assert [number for number, _ in table.rows] == [6, 7]
    rows, rejections = parse_rows(table, team)
    assert rejections == []
    assert [(r.number, r.worker, r.written, r.start, r.hours) for r in rows] == [
        (6, "fatima-b", "BENALI Fatima", dt.date(2002, 11, 4), 3),
        (7, "fatima-b2", "Bouzid Fatima", dt.date(2002, 11, 5), 3.5),
    ]


def test_a_row_under_a_plain_header_is_data_even_without_hours(workspace) -> None:
    table = read_csv(io.BytesIO(f"{EXPORT_HEADER}\nNom;Prénom;;;\n".encode()), "h.csv")
    assert table.titles == ()
    assert [r.rows for r in parse_rows(table, workspace)[1]] == [(2,)]


# --- two-digit years ----------------------------------------------------------------------------


def test_two_digit_years_and_excel_date_cells_are_read(workspace) -> None:
    table = Table(
        HEADER,
        [
            (2, ["w-1", "X", "particulier", "31/12/24", "", "", "3", ""]),
            (3, ["w-1", "X", "particulier", "", "02.01.25", "03-01-25", "6", ""]),
            (4, ["w-1", "X", "particulier", dt.datetime(2025, 1, 6), "", "", 3, ""]),
            (5, ["w-1", "X", "particulier", "", dt.date(2025, 1, 7), dt.date(2025, 1, 8), 6, ""]),
        ],
    )
    rows, rejections = parse_rows(table, workspace)
    assert rejections == []
    assert [(r.start, r.end) for r in rows] == [
        (dt.date(2024, 12, 31), dt.date(2024, 12, 31)),
        (dt.date(2025, 1, 2), dt.date(2025, 1, 3)),
        (dt.date(2025, 1, 6), dt.date(2025, 1, 6)),
        (dt.date(2025, 1, 7), dt.date(2025, 1, 8)),
    ]


# --- who a row is about -------------------------------------------------------------------------


def person(stem: str, first: str, last: str) -> str:
    return (
        f"id: {stem}\nfirst_name: {first}\nlast_name: {last}\nassociation: ai-est\n"
        "targets: [tst]\nconsent: {given: true, date: 2002-09-20}\n"
    )


TEAM = {
    "fatima-b": ("Fatima", "Benali"),
    "fatima-b2": ("Fatima", "Bouzid"),
    "jean-pierre-n": ("Jean-Pierre", "N'Diaye"),
    "aicha-m": ("Aïcha", "M."),
    "marie-claire-d": ("Marie Claire", "de la Fontaine"),
}


@pytest.fixture
def team(make_workspace):
    files = {f"workers/{stem}.yaml": person(stem, *names) for stem, names in TEAM.items()}
    root = make_workspace({"referentiels/tst.yaml": TST, **files})
    ws, _ = load_workspace(root)
    return ws


@pytest.mark.parametrize(
    ("written", "stem"),
    [
        ("fatima-b", "fatima-b"),
        ("Fatima-B", "fatima-b"),
        ("Fatima Benali", "fatima-b"),
        ("BENALI Fatima", "fatima-b"),
        ("Benali, Fatima", "fatima-b"),
        ("  fatima   benali ", "fatima-b"),
        ("F. Benali", "fatima-b"),
        ("Benali F.", "fatima-b"),
        ("Fatima Bouzid", "fatima-b2"),
        ("Mme Fatima Bouzid", "fatima-b2"),
        ("Jean-Pierre N'Diaye", "jean-pierre-n"),
        ("jean pierre ndiaye", "jean-pierre-n"),
        ("NDIAYE Jean Pierre", "jean-pierre-n"),
        ("Aïcha M.", "aicha-m"),
        ("aicha m", "aicha-m"),
        ("AICHA MARTIN", "aicha-m"),
        ("Marie-Claire de La Fontaine", "marie-claire-d"),
        ("DE LA FONTAINE Marie Claire", "marie-claire-d"),
    ],
)
def test_the_worker_is_named_by_id_or_by_first_and_last_name(team, written, stem) -> None:
    assert WorkerNames(team.workers).resolve(written) == stem


def test_a_name_several_workers_fit_asks_for_the_id(team) -> None:
    with pytest.raises(InputError) as caught:
        WorkerNames(team.workers).resolve("Fatima B.")
    assert str(caught.value) == (
        "« Fatima B. » peut désigner plusieurs salariés : fatima-b (Fatima Benali) et fatima-b2 "
        "(Fatima Bouzid) : écrivez l'identifiant du bon salarié (le nom de son fichier) dans la "
        "colonne salarié"
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        (
            "Fatima Benalli",
            "vouliez-vous dire Fatima Benali (fatima-b) ou Fatima Bouzid (fatima-b2) ?",
        ),
        ("fatma-b", "vouliez-vous dire fatima-b ou fatima-b2 ?"),
        ("jean-pierre", "vouliez-vous dire jean-pierre-n ?"),
    ],
)
def test_an_unknown_worker_gets_the_closest_ones(team, written, hint) -> None:
    with pytest.raises(InputError) as caught:
        WorkerNames(team.workers).resolve(written)
    assert str(caught.value).startswith(f"salarié inconnu « {written} »")
    assert str(caught.value).endswith(hint)


def test_initials_alone_name_nobody(team) -> None:
    with pytest.raises(InputError, match=r"salarié inconnu « F\. B\. »"):
        WorkerNames(team.workers).resolve("F. B.")


def test_two_full_names_fitting_one_file_that_gives_an_initial_are_both_refused(team) -> None:
    names = WorkerNames(team.workers)
    names.read(["Aïcha Martin", "Aïcha Moreau", "aicha m", "Aïcha Martin"])
    assert names.resolve("aicha m") == "aicha-m"
    with pytest.raises(InputError) as caught:
        names.resolve("Aïcha Martin")
    assert str(caught.value).startswith(
        "« Aïcha Martin » et « Aïcha Moreau » correspondent tous à aicha-m (Aïcha M.)"
    )


def test_a_broken_worker_file_is_named_not_called_unknown(team) -> None:
    names = WorkerNames(team.workers, broken=["kevin-t"])
    with pytest.raises(InputError, match=r"le fichier workers/kevin-t.yaml contient des erreurs"):
        names.resolve("kevin-t")
    with pytest.raises(
        InputError, match=r"workers/kevin-t.yaml contient des erreurs et n'a pas pu être lu"
    ):
        names.resolve("Kévin Tournier")


def test_rows_named_by_name_become_the_workers_placements(team) -> None:
    table = Table(
        HEADER,
        [
            (2, ["Fatima Benali", "X", "particulier", "04/11/02", "", "", "3", ""]),
            (3, ["BENALI Fatima", "X", "particulier", "05/11/02", "", "", "3", ""]),
            (4, ["fatima-b", "X", "particulier", "06/11/02", "", "", "3", ""]),
        ],
    )
    rows, rejections = parse_rows(table, team)
    assert rejections == []
    assert [d.numbers for d in group_rows(rows, WEEKLY)] == [(2, 3, 4)]
    assert [r.written for r in rows] == ["Fatima Benali", "BENALI Fatima", ""]


def test_each_distinct_cell_is_resolved_once(team, monkeypatch) -> None:
    names = WorkerNames(team.workers)
    calls = []
    resolve = names._resolve
    monkeypatch.setattr(names, "_resolve", lambda text: calls.append(text) or resolve(text))
    names.read(["Fatima Benali"] * 1_000 + ["fatima-b"] * 1_000)
    assert [names.resolve("Fatima Benali") for _ in range(3)] == ["fatima-b"] * 3
    assert calls == ["Fatima Benali", "fatima-b"]


def test_a_rejection_names_the_column_of_the_cell_at_fault() -> None:
    assert Rejection((8,), "la date « x » …", "colonne D (date)").render() == (
        "ligne 8, colonne D (date) : la date « x » …"
    )
    assert Rejection((2, 3, 4), "déjà importées").render() == "lignes 2 à 4 : déjà importées"


def test_placements_are_counted_with_agreement() -> None:
    assert placements_count(ImportPlan([], []), "ajoutée") == "aucune mise à disposition ajoutée"
