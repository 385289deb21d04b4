"""`portfolio import timesheet` (SPEC §9): rows become placements, or are refused."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from rich.console import Console
from test_log_cmds import FILES, WORKER, inserted, load_worker, run, worker_text

from portfolio.cli import import_cmds
from portfolio.resources import demo_dir


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(FILES)


TIMESHEET = """\
salarié;client;type_client;date;heures;tâches;tuteur
w-1;Mme D.;particulier;04/11/2002;3;repassage;Mme D.
w-1;Mme D.;particulier;08/11/2002;3;repassage;Mme D.
w-1;Mairie de Bron;collectivité;2002-11-05;7;lessive;M. Ruiz
w-1;Mme D.;particulier;2002-11-25;3;repassage;Mme D.
"""


def write_sheet(root: Path, text: str) -> Path:
    path = root / "heures.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_dry_run_shows_the_placements_and_writes_nothing(root) -> None:
    result = run(root, "import", "timesheet", str(write_sheet(root, TIMESHEET)), "--dry-run")
    assert result.exit_code == 0, result.stderr
    shown = result.stdout.replace("\u00a0", " ")  # « 6 h », however hours are spaced
    assert "p2 Mme D. (particulier), du 04/11/2002 au 08/11/2002, 6 h, lignes 2 à 3" in shown
    assert "p3 Mairie de Bron (collectivite), le 05/11/2002, 7 h, ligne 4" in shown
    assert "p4 Mme D. (particulier), le 25/11/2002, 3 h, ligne 5" in shown
    assert "rien n'a été écrit" in shown
    assert worker_text(root) == WORKER


def test_import_writes_grouped_placements_after_the_existing_ones(root) -> None:
    result = run(root, "import", "timesheet", str(write_sheet(root, TIMESHEET)))
    assert result.exit_code == 0, result.stderr
    placements = load_worker(root).placements
    assert [(p.id, p.client.name, p.start, p.end, p.hours) for p in placements[1:]] == [
        ("p2", "Mme D.", dt.date(2002, 11, 4), dt.date(2002, 11, 8), 6),
        ("p3", "Mairie de Bron", dt.date(2002, 11, 5), dt.date(2002, 11, 5), 7),
        ("p4", "Mme D.", dt.date(2002, 11, 25), dt.date(2002, 11, 25), 3),
    ]
    assert inserted(WORKER, worker_text(root)).startswith("  - id: p2\n")


def test_rejected_rows_are_listed_and_nothing_is_written(root) -> None:
    sheet = TIMESHEET + "w-1;Mme D.;particulier;31/11/2002;3;;\nw-7;X;particulier;2002-11-04;3;;\n"
    result = run(root, "import", "timesheet", str(write_sheet(root, sheet)))
    assert result.exit_code == 1
    assert (
        "refusé : heures.csv, ligne 6, colonne D (date) : la date « 31/11/2002 » n'est pas une "
        "date valide"
    ) in result.stderr
    assert "refusé : heures.csv, ligne 7, colonne A (salarie) : salarié inconnu « w-7 »" in (
        result.stderr
    )
    assert "2 lignes refusées" in result.stderr
    assert worker_text(root) == WORKER


def test_skip_invalid_imports_the_valid_rows(root) -> None:
    sheet = TIMESHEET + "w-7;X;particulier;2002-11-04;3;;\n"
    result = run(root, "import", "timesheet", str(write_sheet(root, sheet)), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert len(load_worker(root).placements) == 4
    assert "1 ligne ignorée" in result.stderr


def test_importing_the_same_sheet_twice_adds_nothing_and_says_so(root) -> None:
    sheet = write_sheet(root, TIMESHEET)
    assert run(root, "import", "timesheet", str(sheet)).exit_code == 0
    once = worker_text(root)
    result = run(root, "import", "timesheet", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert "heures.csv, lignes 2 à 3 : déjà importées (w-1, mise à disposition p2)" in (
        result.stderr
    )
    assert "Import terminé : aucune mise à disposition ajoutée." in result.stdout
    assert "chevauche" not in result.stderr
    assert worker_text(root) == once


def test_xlsx_timesheet_is_imported(root) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Salarié", "Client", "Type client", "Début", "Fin", "Heures", "Tâches"])
    sheet.append(["w-1", "Mairie de Bron", "collectivite", dt.date(2002, 11, 4),
                  dt.date(2002, 11, 8), 12.5, "lessive"])  # fmt: skip
    sheet.append(["w-1", "Mairie de Bron", "collectivite", dt.date(2002, 11, 12),
                  dt.date(2002, 11, 12), 3, "repassage"])  # fmt: skip
    book.save(root / "heures.xlsx")
    result = run(root, "import", "timesheet", str(root / "heures.xlsx"))
    assert result.exit_code == 0, result.stderr
    placement = load_worker(root).placements[1]
    assert (placement.start, placement.end, placement.hours) == (
        dt.date(2002, 11, 4),
        dt.date(2002, 11, 12),
        15.5,
    )
    assert [(t.task, t.hours) for t in placement.tasks] == [("lessive", 12.5), ("repassage", 3)]


def test_the_demo_example_timesheet_imports_cleanly(tmp_path) -> None:
    workspace = tmp_path / "demo"
    shutil.copytree(demo_dir(), workspace)
    for name in ("feuille-de-temps-exemple.csv", "feuille-de-temps-exemple.xlsx"):
        result = run(
            workspace, "import", "timesheet", str(workspace / "imports" / name), "--dry-run"
        )
        assert result.exit_code == 0, result.stderr
        assert "refusé" not in result.stderr
        assert "mise" in result.stdout


def test_a_payroll_export_with_titles_merged_cells_names_and_short_years_is_imported(root) -> None:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Relevé d'heures — Association Est"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Période : novembre 2002"
    for column, title in zip("ACDEFG", ["Salarié", "Client", "Type", "Date", "Heures", "Tâches"],
                             strict=True):  # fmt: skip
        sheet[f"{column}4"] = title
    sheet.merge_cells("A4:B4")  # « Salarié » over « Nom » and « Prénom »
    sheet["A5"], sheet["B5"] = "Nom", "Prénom"
    sheet.append(["BENALI", "Fatima", "Mairie de Bron", "collectivité",
                  dt.datetime(2002, 11, 4), 3, "lessive"])  # fmt: skip
    sheet.append(["Benali", "Fatima", "Mairie de Bron", "collectivité", "08/11/02", "3,5",
                  "lessive"])  # fmt: skip
    book.save(root / "export.xlsx")
    result = run(root, "import", "timesheet", str(root / "export.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert "Noms des colonnes lus ligne 4 ; titres ignorés : lignes 1, 2 et 5." in result.stderr
    assert (
        "w-1 (Fatima B., écrit « BENALI Fatima » et « Benali Fatima » dans la feuille) :"
        in result.stdout
    )
    placement = load_worker(root).placements[1]
    assert (placement.client.name, placement.start, placement.end, placement.hours) == (
        "Mairie de Bron",
        dt.date(2002, 11, 4),
        dt.date(2002, 11, 8),
        6.5,
    )


def test_an_unknown_worker_name_is_refused_with_the_closest_workers(root) -> None:
    sheet = TIMESHEET + "Fatma B.;Mme D.;particulier;26/11/02;3;repassage;\n"
    result = run(root, "import", "timesheet", str(write_sheet(root, sheet)))
    assert result.exit_code == 1
    assert (
        "refusé : heures.csv, ligne 6, colonne A (salarie) : salarié inconnu « Fatma B. » : "
        "aucun salarié de ce nom (comparé au "
        "prénom et au nom de chaque fiche) ; vouliez-vous dire Fatima B. (w-1) ?"
    ) in result.stderr
    assert worker_text(root) == WORKER


def test_a_sheet_without_a_header_row_is_refused_in_french(root) -> None:
    path = write_sheet(root, "Relevé d'heures\nw-1;Mme D.;3\n")
    result = run(root, "import", "timesheet", str(path))
    assert result.exit_code == 1
    assert "aucune des 2 premières lignes remplies ne nomme les colonnes" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_help_says_how_the_worker_and_dates_are_written(root) -> None:
    result = run(root, "import", "timesheet", "--help")
    shown = " ".join(result.stdout.split())
    assert "par son prénom et son nom" in shown
    assert "31/12/24" in shown


# --- what the import says (issue 14) ------------------------------------------------------------


def test_the_summary_agrees_in_number(root) -> None:
    sheet = write_sheet(root, TIMESHEET)
    dry = run(root, "import", "timesheet", str(sheet), "--dry-run")
    assert "Simulation : rien n'a été écrit (3 mises à disposition à ajouter pour 1 salarié)." in (
        dry.stdout
    )
    done = run(root, "import", "timesheet", str(sheet))
    assert "Import terminé : 3 mises à disposition ajoutées pour 1 salarié." in done.stdout


def test_one_row_already_imported_is_said_in_the_singular(root) -> None:
    sheet = write_sheet(root, TIMESHEET.split("w-1;Mme D.;particulier;08")[0])
    assert run(root, "import", "timesheet", str(sheet)).exit_code == 0
    result = run(root, "import", "timesheet", str(sheet))
    assert "heures.csv, ligne 2 : déjà importée (w-1, mise à disposition p2)" in result.stderr


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("w-1;Mme D.;particulier;04/11/2002;trois;;", "colonne E (heures) : les heures"),
        ("w-1;Mme D.;voisin;04/11/2002;3;;", "colonne C (type_client) : type de client"),
        ("w-1;Mme D.;particulier;04/13/2002;3;;", "colonne D (date) : la date « 04/13/2002 »"),
        ("w-1;;particulier;04/11/2002;3;;", "colonne B (client) : client manquant"),
    ],
)
def test_a_refused_cell_is_named_by_its_file_line_and_column(root, row: str, where: str) -> None:
    result = run(root, "import", "timesheet", str(write_sheet(root, TIMESHEET + row + "\n")))
    assert result.exit_code == 1
    assert f"refusé : heures.csv, ligne 6, {where}" in result.stderr


def test_a_bad_date_of_an_xlsx_sheet_names_its_column(root) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Salarié", "Client", "Type client", "Début", "Fin", "Heures"])
    sheet.append(["w-1", "Mairie de Bron", "collectivite", dt.date(2002, 11, 4), "31/11/02", 3])
    book.save(root / "heures.xlsx")
    result = run(root, "import", "timesheet", str(root / "heures.xlsx"))
    assert "refusé : heures.xlsx, ligne 2, colonne E (fin) : la fin « 31/11/02 »" in result.stderr


def test_the_help_points_to_the_installed_documentation(root) -> None:
    result = run(root, "import", "timesheet", "--help")
    assert "portfolio doc import" in result.stdout
    assert "docs/" not in result.stdout


def consoles(monkeypatch, *, terminal: bool) -> io.StringIO:
    """The command's stdout and stderr, both on one 80-column console."""
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=terminal, color_system=None)
    monkeypatch.setattr(import_cmds, "stdout", console)
    monkeypatch.setattr(import_cmds, "stderr", console)
    return out


LONG_SHEET = TIMESHEET + (
    "w-1;Association des jardins partagés du quartier des Buers;association;03/12/2002;3;"
    "repassage|lessive|couture;\n"
    "w-1;Mme D.;particulier;31/11/2002;3;repassage;\n"
)


def test_the_import_fits_80_columns_on_a_terminal(root, monkeypatch) -> None:
    out = consoles(monkeypatch, terminal=True)
    run(root, "import", "timesheet", str(write_sheet(root, LONG_SHEET)), "--skip-invalid")
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines), out.getvalue()
    placement = next(i for i, line in enumerate(lines) if line.startswith("  + p5"))
    assert lines[placement + 1].startswith("      ")
    refusal = next(i for i, line in enumerate(lines) if line.startswith("refusé"))
    assert lines[refusal + 1].startswith("    ")


def test_a_piped_import_keeps_each_line_whole(root, monkeypatch) -> None:
    out = consoles(monkeypatch, terminal=False)
    run(root, "import", "timesheet", str(write_sheet(root, LONG_SHEET)), "--skip-invalid")
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("  + p5 Association des jardins") and line.endswith("couture")
        for line in lines
    )
    assert any(line.startswith("refusé : heures.csv, ligne 7, colonne D") for line in lines)


def test_an_absurd_gap_is_refused_in_french_not_with_a_traceback(root) -> None:
    sheet = str(write_sheet(root, TIMESHEET))
    result = run(root, "import", "timesheet", sheet, "--max-gap", "1000000000")
    assert result.exit_code == 2
    assert "« 1000000000 » est trop grand : au plus 366" in result.stderr
    assert worker_text(root) == WORKER
