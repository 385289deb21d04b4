"""Reading one fiche out of France Compétences' RNCP open data (portfolio/rncp.py, SPEC §12)."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import pytest
from rncp_support import (
    BLOCKS_HEADER,
    BLOCKS_ROWS,
    DATE,
    MEMBERS,
    STANDARD_HEADER,
    STANDARD_ROWS,
    XML_FICHE_ACTIVE,
    csv_text,
    write_csv_zip,
    write_xml,
    write_xml_zip,
    xml_text,
)

from portfolio.issues import PortfolioError
from portfolio.rncp import competency_lines, fiche_number, file_date, html_lines, read_fiche

TODAY = dt.date(2026, 11, 10)


def refused(path: Path, number: str = "RNCP37715", today: dt.date = TODAY) -> str:
    with pytest.raises(PortfolioError) as caught:
        read_fiche(path, number, today)
    return str(caught.value)


# --- CSV zip ------------------------------------------------------------------------------------


def test_the_csv_zip_gives_the_fiche_its_blocks_rome_codes_and_certifier(tmp_path: Path) -> None:
    export, fiche = read_fiche(write_csv_zip(tmp_path), "RNCP37715", TODAY)
    assert (export.name, export.date, export.kind) == (
        "export-fiches-csv-2026-11-02.zip",
        dt.date(2026, 11, 2),
        "csv",
    )
    assert fiche.title == "Assistant de vie aux familles"
    assert (fiche.abbreviation, fiche.level, fiche.active) == ("TP", 3, True)
    assert fiche.registered_until == dt.date(2028, 7, 4)
    assert fiche.rome == ("K1302", "K1304")
    assert fiche.certifiers == ("MINISTERE DU TRAVAIL DU PLEIN EMPLOI ET DE L'INSERTION",)
    # In the file's order, a repeated row once; the CSV has no competency lists.
    assert [(b.code, b.title) for b in fiche.blocks] == [
        ("RNCP37715BC01", "Entretenir le logement et le linge d'un particulier"),
        ("RNCP37715BC02", "Relayer les parents; « garde » d'enfants: #1 à domicile"),
        ("RNCP37715BC03", "Accompagner la personne dans les actes essentiels"),
    ]
    assert all(b.competencies == () for b in fiche.blocks)


def test_member_names_are_matched_composed_or_decomposed(tmp_path: Path) -> None:
    path = tmp_path / "export-fiches-csv-2026-11-02.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for kind, (header, rows) in MEMBERS.items():
            name = unicodedata.normalize("NFD", f"export/export_fiches_CSV_{kind}_{DATE}.csv")
            archive.writestr(name, csv_text(header, rows))
    _export, fiche = read_fiche(path, "RNCP37715", TODAY)
    assert len(fiche.blocks) == 3


def test_the_export_date_comes_from_a_member_when_the_zip_was_renamed(tmp_path: Path) -> None:
    export, _fiche = read_fiche(write_csv_zip(tmp_path, name="rncp.zip"), "RNCP37715", TODAY)
    assert export.date == dt.date(2026, 11, 2)
    assert file_date("export-fiches-csv.zip") is None


def test_a_file_that_is_neither_zip_nor_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fiches.csv"
    path.write_text("Numero_Fiche;Intitule\n", encoding="utf-8")
    assert "fiches.csv n'est ni une archive zip ni un fichier XML" in refused(path)


def test_a_zip_without_the_exports_files_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "autre.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lisez-moi.txt", "rien")
    assert "autre.zip ne contient ni les fichiers CSV des fiches" in refused(path)


def test_a_missing_member_is_named(tmp_path: Path) -> None:
    message = refused(write_csv_zip(tmp_path, omit=("Rome",)))
    assert "il manque le fichier export_fiches_CSV_Rome_*.csv" in message
    assert "data.gouv.fr" in message


def test_a_missing_column_names_the_member_and_the_column(tmp_path: Path) -> None:
    header = BLOCKS_HEADER.replace("Bloc_Competences_Libelle", "Libelle")
    path = write_csv_zip(tmp_path, replace={"Blocs_De_Compétences": csv_text(header, BLOCKS_ROWS)})
    message = refused(path)
    assert f"(export_fiches_CSV_Blocs_De_Compétences_{DATE}.csv)" in message
    assert "la colonne Bloc_Competences_Libelle manque sur la première ligne" in message


def test_a_row_of_the_fiche_with_a_wrong_number_of_columns_names_its_line(tmp_path: Path) -> None:
    rows = [*BLOCKS_ROWS[:2], '"RNCP37715";"RNCP37715BC02";"Relayer";"en trop"', *BLOCKS_ROWS[3:]]
    path = write_csv_zip(tmp_path, replace={"Blocs_De_Compétences": csv_text(BLOCKS_HEADER, rows)})
    assert "ligne 4 : 4 colonnes au lieu de 3" in refused(path)


def test_rows_of_other_fiches_are_not_judged(tmp_path: Path) -> None:
    rows = [*BLOCKS_ROWS, '"RNCP39009";"un";"deux";"trois";"quatre"']
    path = write_csv_zip(tmp_path, replace={"Blocs_De_Compétences": csv_text(BLOCKS_HEADER, rows)})
    assert len(read_fiche(path, "RNCP37715", TODAY)[1].blocks) == 3


def test_malformed_csv_text_names_the_line(tmp_path: Path) -> None:
    rows = [*BLOCKS_ROWS, '"RNCP37715";"RNCP37715BC04";"guillemet non fermé']
    path = write_csv_zip(tmp_path, replace={"Blocs_De_Compétences": csv_text(BLOCKS_HEADER, rows)})
    message = refused(path)
    assert "ligne 9 : le texte CSV est mal formé" in message


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    content = csv_text(STANDARD_HEADER, STANDARD_ROWS).encode("utf-8").replace(b"\xc3\xa2", b"\xe2")
    message = refused(write_csv_zip(tmp_path, replace={"Standard": content}), "RNCP39009")
    assert "n'est pas en UTF-8" in message


def test_a_damaged_archive_is_refused(tmp_path: Path) -> None:
    path = write_csv_zip(tmp_path)
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
    data = bytearray(path.read_bytes())
    start = first.header_offset + 30 + len(first.filename.encode()) + 8  # its deflated bytes
    data[start : start + 40] = bytes(40)
    path.write_bytes(bytes(data))
    assert "l'archive est abîmée ou incomplète" in refused(path)


def test_an_unknown_fiche_suggests_close_numbers(tmp_path: Path) -> None:
    message = refused(write_csv_zip(tmp_path), "RNCP37751")
    assert message.startswith("la fiche RNCP37751 n'est pas dans export-fiches-csv-2026-11-02.zip")
    assert "vouliez-vous dire RNCP37715" in message


def test_an_inactive_fiche_says_when_it_ended_and_what_replaces_it(tmp_path: Path) -> None:
    message = refused(write_csv_zip(tmp_path), "RNCP34690")
    assert message == (
        "la fiche RNCP34690 « Assistant de vie aux familles » n'est plus active : son "
        "enregistrement a pris fin le 04/07/2023 ; elle est remplacée par RNCP37715 : importez "
        "celle-ci (--fiche RNCP37715)"
    )


def test_a_fiche_whose_registration_ended_is_inactive_even_if_marked_active(
    tmp_path: Path,
) -> None:
    message = refused(write_csv_zip(tmp_path), "RNCP35510")
    assert "son enregistrement a pris fin le 19/04/2026" in message
    assert "ne dit pas quelle fiche la remplace" in message
    # The day it ends, it is still registered.
    assert read_fiche(write_csv_zip(tmp_path), "RNCP35510", dt.date(2026, 4, 19))[1].active


def test_the_successor_may_be_the_old_fiches_own_row(tmp_path: Path) -> None:
    rows = ['"RNCP34690";"";"RNCP37715"']
    content = csv_text(MEMBERS["Ancienne_Nouvelle_Certification"][0], rows)
    path = write_csv_zip(tmp_path, replace={"Ancienne_Nouvelle_Certification": content})
    assert "elle est remplacée par RNCP37715" in refused(path, "RNCP34690")


@pytest.mark.parametrize(
    ("typed", "number"), [("RNCP37715", "RNCP37715"), ("rncp 37715", "RNCP37715")]
)
def test_fiche_numbers_are_read_as_france_competences_writes_them(typed: str, number: str) -> None:
    assert fiche_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("37715", "écrivez RNCP37715"), ("RS5476", "RNCP suivi de chiffres"), ("", "RNCP suivi")],
)
def test_a_fiche_number_not_like_rncp_digits_is_a_usage_error(typed: str, hint: str) -> None:
    with pytest.raises(PortfolioError) as caught:
        fiche_number(typed)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"--fiche : « {typed} » n'est pas un numéro de fiche")
    assert hint in str(caught.value)


# --- XML ----------------------------------------------------------------------------------------


def test_the_xml_export_gives_the_competencies_and_evaluation_of_each_block(
    tmp_path: Path,
) -> None:
    export, fiche = read_fiche(write_xml(tmp_path), "RNCP37715", TODAY)
    assert (export.kind, export.date) == ("xml", dt.date(2026, 11, 2))
    assert (fiche.title, fiche.abbreviation, fiche.level) == (
        "Assistant de vie aux familles",
        "TP",
        3,
    )
    assert fiche.certifiers == ("MINISTERE DU TRAVAIL",)
    assert fiche.rome == ("K1304", "K1302")
    # Only BLOCS_COMPETENCES' blocks: a CORRESPONDANCE's block code is no block of the fiche.
    assert [b.code for b in fiche.blocks] == ["RNCP37715BC01", "RNCP37715BC02"]
    first, second = fiche.blocks
    assert first.competencies == (
        "Établir une relation professionnelle avec le particulier",
        "Entretenir le linge & les textiles : tri, lavage, repassage",
        "Entretenir le logement avec les gestes appropriés",
    )
    assert first.evaluation == "Mise en situation professionnelle Entretien technique avec le jury"
    assert second.competencies == (
        "Aider la personne à faire sa toilette",
        "Préparer des repas simples",
    )


def test_the_xml_export_may_come_zipped(tmp_path: Path) -> None:
    export, fiche = read_fiche(write_xml_zip(tmp_path), "RNCP37715", TODAY)
    assert (export.name, export.kind, len(fiche.blocks)) == (
        "export-fiches-rncp-v4-1-2026-11-02.zip",
        "xml",
        2,
    )


def test_an_inactive_xml_fiche_names_its_successor(tmp_path: Path) -> None:
    message = refused(write_xml(tmp_path), "RNCP34690")
    assert "pris fin le 04/07/2023 ; elle est remplacée par RNCP37715" in message


def test_an_unknown_xml_fiche_suggests_close_numbers(tmp_path: Path) -> None:
    message = refused(write_xml(tmp_path), "RNCP3771")
    assert "vouliez-vous dire RNCP37715 ?" in message


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    broken = xml_text(XML_FICHE_ACTIVE.replace("</INTITULE>", "</INTITULÉ>", 1))
    message = refused(write_xml(tmp_path, broken))
    assert f"{tmp_path.name}" not in message  # the file's name, not its folder
    assert "export_fiches_RNCP_V4_1_2026-11-02.xml, ligne 7, colonne" in message
    assert "le XML est mal formé" in message


def test_an_xml_file_of_something_else_is_refused(tmp_path: Path) -> None:
    message = refused(write_xml(tmp_path, "<?xml version='1.0'?><html><body/></html>"))
    assert "n'est pas un export XML des fiches de France Compétences" in message
    assert "<html>" in message


def test_an_empty_xml_file_is_refused(tmp_path: Path) -> None:
    assert "le XML est mal formé" in refused(write_xml(tmp_path, "<?xml version='1.0'?>"))


# --- HTML text ----------------------------------------------------------------------------------


def test_html_lines_break_at_paragraphs_items_and_line_breaks() -> None:
    text = "<p>Un&nbsp;:<br>deux</p><ul><li>trois <b>gras</b></li><li>\n</li></ul>quatre\ncinq"
    assert html_lines(text) == ["Un :", "deux", "trois gras", "quatre", "cinq"]


def test_competency_lines_drop_bullets_and_introductions() -> None:
    text = "<p>Le candidat sait :</p>• Accueillir<br>- Orienter<br>C3. Informer"
    assert competency_lines(text) == ("Accueillir", "Orienter", "C3. Informer")
