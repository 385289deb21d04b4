"""`referentiels import-rncp` (portfolio/app/rncp_import.py, SPEC §12): the référentiel written
from a fiche passes `check`, but for the explained « no way to be evidenced » errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from rncp_support import BLOCKS_HEADER, csv_text, write_csv_zip, write_xml
from support import VALID_REFERENTIEL

from portfolio.app.rncp_import import Imported, import_rncp
from portfolio.issues import PortfolioError

TODAY = dt.date(2026, 11, 10)
UNREACHABLE = "ne peut être prouvée par aucune tâche"


def run_import(source: Path, fiche: str = "RNCP37715", **options) -> Imported:
    settings = {
        "output": None,
        "workspace": source.parent,
        "force": False,
        "track": None,
        "kind": None,
        "today": TODAY,
    }
    return import_rncp(source, fiche, **{**settings, **options})


def refused(source: Path, fiche: str = "RNCP37715", **options) -> PortfolioError:
    with pytest.raises(PortfolioError) as caught:
        run_import(source, fiche, **options)
    return caught.value


def test_the_csv_import_passes_check_but_for_the_competencies_without_tasks(
    tmp_path: Path, make_workspace, run_check
) -> None:
    root = make_workspace({})
    imported = run_import(write_csv_zip(tmp_path), output=root / "referentiels", workspace=root)
    assert imported.path == root / "referentiels" / "rncp37715.yaml"
    assert (imported.referentiel_id, imported.blocks, imported.competencies) == ("rncp37715", 3, 3)
    run = run_check(root)
    assert run.exit_code == 1
    assert [(i.path, i.severity) for i in run.issues] == [
        ("referentiels/rncp37715.yaml", "erreur")
    ] * 3
    assert all(UNREACHABLE in i.message for i in run.issues), run.output


def test_the_file_says_where_it_comes_from_and_what_is_left_to_write(tmp_path: Path) -> None:
    imported = run_import(write_csv_zip(tmp_path), output=tmp_path / "out")
    text = imported.path.read_text(encoding="utf-8")
    assert text.startswith(
        "# Référentiel importé de la fiche RNCP37715 de France Compétences\n"
        "# Source : export-fiches-csv-2026-11-02.zip (export du 02/11/2026).\n"
    )
    assert "« tasks »" in text and UNREACHABLE in text
    assert "compétence provisoire" in text
    assert "  - id: bc02\n" in text
    assert text.count("  # à réécrire en mots simples") == 3
    data = yaml.safe_load(text)
    assert data["title"] == "Assistant de vie aux familles"
    assert data["track"] == "emplois-familiaux"
    assert "# déduite des codes ROME K1302, K1304 : à vérifier" in text
    assert data["certification"] == {
        "kind": "titre-professionnel",
        "rncp": "RNCP37715",
        "level": 3,
        "certifier": "MINISTERE DU TRAVAIL DU PLEIN EMPLOI ET DE L'INSERTION",
        "source": "https://www.francecompetences.fr/recherche/rncp/37715/",
    }
    assert data["rome"] == ["K1302", "K1304"]
    # A title with « ; », « : » and « # » reads back whole.
    assert data["blocks"][1]["title"] == "Relayer les parents; « garde » d'enfants: #1 à domicile"
    assert [b["rncp"] for b in data["blocks"]] == [
        "RNCP37715BC01",
        "RNCP37715BC02",
        "RNCP37715BC03",
    ]
    assert data["tasks"] == []


def test_the_xml_import_lists_the_competencies_of_each_block(
    tmp_path: Path, make_workspace, run_check
) -> None:
    root = make_workspace({})
    imported = run_import(write_xml(tmp_path), output=root / "referentiels", workspace=root)
    text = imported.path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert [[c["id"] for c in b["competencies"]] for b in data["blocks"]] == [
        ["c1", "c2", "c3"],
        ["c4", "c5"],
    ]
    assert data["blocks"][0]["competencies"][1] == {
        "id": "c2",
        "title": "Entretenir le linge & les textiles : tri, lavage, repassage",
        "plain": "Entretenir le linge & les textiles : tri, lavage, repassage",
    }
    assert "# Modalités d'évaluation (fiche) : Mise en situation professionnelle" in text
    assert "compétence provisoire" not in text
    assert [b["rncp"] for b in data["blocks"]] == ["RNCP37715BC01", "RNCP37715BC02"]
    run = run_check(root)
    assert len(run.issues) == 5
    assert all(UNREACHABLE in i.message for i in run.issues), run.output


def test_a_block_code_that_is_no_block_of_the_fiche_stays_a_comment(
    tmp_path: Path, make_workspace, run_check
) -> None:
    """Written as `rncp`, a code of another fiche, a malformed one or one taken twice would make
    `check` refuse the file: the counselor reads it in a comment instead."""
    rows = [
        '"RNCP37715";"rncp37715 bc01";"Spelt in lower case, with a space"',
        '"RNCP37715";"RNCP37716BC02";"Another fiche\'s code"',
        '"RNCP37715";"B3";"Not an RNCP code"',
        '"RNCP37715";"RNCP37715BC01";"The first code again"',
    ]
    source = write_csv_zip(
        tmp_path, replace={"Blocs_De_Compétences": csv_text(BLOCKS_HEADER, rows)}
    )
    root = make_workspace({})
    imported = run_import(source, output=root / "referentiels", workspace=root)
    text = imported.path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert [b.get("rncp") for b in data["blocks"]] == ["RNCP37715BC01", None, None, None]
    assert (
        "    # code du bloc dans la fiche : « RNCP37716BC02 », pas de la forme RNCP37715BC01 (ou "
        "déjà pris) : non repris dans « rncp »\n"
    ) in text
    assert "    # code du bloc dans la fiche : « B3 »" in text
    run = run_check(root)
    assert len(run.issues) == 4
    assert all(UNREACHABLE in i.message for i in run.issues), run.output


def test_an_existing_output_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "rncp37715.yaml"
    target.write_text("à garder\n", encoding="utf-8")
    error = refused(write_csv_zip(tmp_path), output=target)
    assert "rncp37715.yaml existe déjà : rien n'a été écrit ; ajoutez --force" in str(error)
    assert target.read_text(encoding="utf-8") == "à garder\n"
    run_import(write_csv_zip(tmp_path), output=target, force=True)
    assert target.read_text(encoding="utf-8").startswith("# Référentiel importé")


def test_an_id_taken_by_a_bundled_referentiel_is_refused(tmp_path: Path) -> None:
    error = refused(write_csv_zip(tmp_path), output=tmp_path / "advf.yaml")
    assert "l'identifiant « advf » est déjà celui du référentiel « Assistant de vie" in str(error)
    assert not (tmp_path / "advf.yaml").exists()


def test_an_id_taken_in_the_workspace_is_refused_but_its_own_file_may_be_replaced(
    tmp_path: Path, make_workspace
) -> None:
    root = make_workspace({"referentiels/menage.yaml": VALID_REFERENTIEL})
    source = write_csv_zip(tmp_path)
    error = refused(source, output=tmp_path / "menage.yaml", workspace=root)
    assert "« menage » est déjà celui du référentiel « Ménage local »" in str(error)
    own = root / "referentiels" / "menage.yaml"
    run_import(source, output=own, workspace=root, force=True)
    assert yaml.safe_load(own.read_text(encoding="utf-8"))["certification"]["rncp"] == "RNCP37715"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("menage.yml", "doit se terminer par .yaml"), ("Ménage.yaml", "identifiant de référentiel")],
)
def test_an_output_name_that_makes_no_referentiel_is_a_usage_error(
    tmp_path: Path, name: str, problem: str
) -> None:
    error = refused(write_csv_zip(tmp_path), output=tmp_path / name)
    assert (error.exit_code, problem in str(error)) == (2, True)


def test_a_fiche_already_bundled_is_noted(tmp_path: Path) -> None:
    imported = run_import(write_csv_zip(tmp_path), output=tmp_path / "out")
    assert any(
        n.startswith("advf est déjà un référentiel de la fiche RNCP37715") for n in imported.notes
    )


def test_the_track_note_names_the_track_it_deduced(tmp_path: Path) -> None:
    imported = run_import(write_csv_zip(tmp_path), output=tmp_path / "commis.yaml")
    assert (
        "Filière « emplois-familiaux » déduite des codes ROME K1302, K1304 : à vérifier "
        "(clé « track » du fichier)." in imported.notes
    )


WAIT = "Ne le placez dans le dossier referentiels/ de l'espace de travail qu'une fois complet"
REFUSED = "assess, plan et credentials"


def test_an_import_outside_a_workspace_is_completed_before_it_goes_there(tmp_path: Path) -> None:
    imported = run_import(write_csv_zip(tmp_path), output=tmp_path / "commis.yaml")
    assert WAIT in imported.message and REFUSED in imported.message
    assert "déjà dans le dossier referentiels/" not in imported.message


def test_an_import_into_a_workspace_says_it_is_already_there(
    tmp_path: Path, make_workspace
) -> None:
    root = make_workspace({})
    target = root / "referentiels" / "commis.yaml"
    imported = run_import(write_csv_zip(tmp_path), output=target, workspace=root)
    assert (
        f"Il est déjà dans le dossier referentiels/ de l'espace de travail {root} : tant qu'il "
        f"a des erreurs (portfolio check -w {root} les liste), {REFUSED} y refusent tous les "
        "salariés." in imported.message
    )
    assert WAIT not in imported.message


def test_an_import_into_the_current_workspace_names_it_relative(
    tmp_path: Path, make_workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({})
    source = write_csv_zip(tmp_path)
    monkeypatch.chdir(root)
    here = run_import(source, output=Path("referentiels"), workspace=Path("."))
    assert (
        "referentiels/ de l'espace de travail : tant qu'il a des erreurs (portfolio check "
        "-w . les liste)" in here.message
    )
    monkeypatch.chdir(root / "referentiels")
    below = run_import(source, output=None, workspace=Path(".."), force=True)
    assert (
        "de l'espace de travail .. : tant qu'il a des erreurs (portfolio check -w .. les"
        in below.message
    )


def test_a_track_not_told_by_the_rome_codes_must_be_given(tmp_path: Path) -> None:
    source = write_csv_zip(tmp_path)
    error = refused(source, "RNCP39002", output=tmp_path / "out")
    assert "ne se déduit pas de ses codes ROME (K2503) : choisissez-la avec --track" in str(error)
    imported = run_import(source, "RNCP39002", output=tmp_path / "out", track="batiment")
    data = yaml.safe_load(imported.path.read_text(encoding="utf-8"))
    assert (data["track"], data["certification"]["kind"]) == ("batiment", "cqp")
    assert "level" in data["certification"] and "source" in data["certification"]


def test_a_kind_the_format_does_not_know_must_be_given(tmp_path: Path) -> None:
    source = write_csv_zip(tmp_path)
    error = refused(source, "RNCP39001", output=tmp_path / "out")
    assert error.exit_code == 2
    assert "de type « BTS », que le format des référentiels ne connaît pas" in str(error)
    imported = run_import(source, "RNCP39001", output=tmp_path / "out", kind="cap")
    data = yaml.safe_load(imported.path.read_text(encoding="utf-8"))
    assert (data["certification"]["kind"], data["track"]) == ("cap", "agents-administratifs")


def test_a_fiche_without_blocks_writes_nothing(tmp_path: Path) -> None:
    error = refused(write_csv_zip(tmp_path), "RNCP39003", output=tmp_path / "out")
    assert "la fiche RNCP39003 n'a aucun bloc de compétences" in str(error)
    assert not (tmp_path / "out").exists()


def test_reading_errors_write_nothing(tmp_path: Path) -> None:
    source = write_csv_zip(tmp_path)
    assert "n'est plus active" in str(refused(source, "RNCP34690", output=tmp_path / "out"))
    assert "vouliez-vous dire" in str(refused(source, "RNCP37751", output=tmp_path / "out"))
    assert refused(source, "37715", output=tmp_path / "out").exit_code == 2
    assert not (tmp_path / "out").exists()
