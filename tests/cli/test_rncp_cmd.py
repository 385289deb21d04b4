"""`portfolio referentiels import-rncp FILE --fiche RNCPnnnnn [-o FILE]` (SPEC §9, §12), beside
`portfolio referentiels [ID]` in the same group."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rncp_support import write_csv_zip, write_xml
from typer.testing import CliRunner, Result

from portfolio.cli import app


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def flat(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    return tmp_path


def test_import_writes_the_referentiel_in_the_current_folder(folder: Path) -> None:
    result = invoke(
        "referentiels", "import-rncp", str(write_csv_zip(folder)), "--fiche", "RNCP37715"
    )
    assert result.exit_code == 0, result.output
    message = flat(result.stdout)
    assert "Référentiel « rncp37715 » écrit dans rncp37715.yaml : 3 blocs, 3 compétences" in message
    assert "Ne le placez dans le dossier referentiels/ de l'espace de travail qu'une" in message
    assert "Filière « emplois-familiaux » déduite des codes ROME K1302, K1304" in flat(
        result.stderr
    )
    data = yaml.safe_load((folder / "rncp37715.yaml").read_text(encoding="utf-8"))
    assert data["id"] == "rncp37715"
    assert [(b["id"], b["rncp"]) for b in data["blocks"]] == [
        ("bc01", "RNCP37715BC01"),
        ("bc02", "RNCP37715BC02"),
        ("bc03", "RNCP37715BC03"),
    ]


def test_import_from_the_xml_export_with_options(folder: Path) -> None:
    result = invoke(
        "referentiels",
        "import-rncp",
        str(write_xml(folder)),
        "--fiche",
        "rncp37715",
        "-o",
        "menage-advf.yaml",
        "--track",
        "entretien-nettoyage",
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((folder / "menage-advf.yaml").read_text(encoding="utf-8"))
    assert (data["id"], data["track"], [b["rncp"] for b in data["blocks"]]) == (
        "menage-advf",
        "entretien-nettoyage",
        ["RNCP37715BC01", "RNCP37715BC02"],
    )


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("--fiche", "RNCP37751"), 1, "n'est pas dans export-fiches-csv-2026-11-02.zip"),
        (("--fiche", "RNCP34690"), 1, "n'est plus active : son enregistrement a pris fin"),
        (("--fiche", "37715"), 2, "--fiche : « 37715 » n'est pas un numéro de fiche RNCP"),
        (("--fiche", "RNCP37715", "-o", "x.yml"), 2, "doit se terminer par .yaml"),
        (("--fiche", "RNCP37715", "-o", "advf.yaml"), 1, "« advf » est déjà celui"),
    ],
)
def test_errors_are_french_sentences_with_their_exit_code(
    folder: Path, args: tuple[str, ...], code: int, said: str
) -> None:
    result = invoke("referentiels", "import-rncp", str(write_csv_zip(folder)), *args)
    assert result.exit_code == code
    assert said in flat(result.stderr)
    assert flat(result.stderr).startswith("Erreur :")
    assert not list(folder.glob("*.y*ml"))


def test_an_existing_output_needs_force(folder: Path) -> None:
    source = str(write_csv_zip(folder))
    assert invoke("referentiels", "import-rncp", source, "--fiche", "RNCP37715").exit_code == 0
    again = invoke("referentiels", "import-rncp", source, "--fiche", "RNCP37715")
    assert again.exit_code == 1
    assert "existe déjà : rien n'a été écrit ; ajoutez --force" in flat(again.stderr)
    forced = invoke("referentiels", "import-rncp", source, "--fiche", "RNCP37715", "--force")
    assert forced.exit_code == 0


def test_a_missing_file_is_a_usage_error(folder: Path) -> None:
    result = invoke("referentiels", "import-rncp", "absent.zip", "--fiche", "RNCP37715")
    assert result.exit_code == 2
    assert "le fichier « absent.zip » n'existe pas" in flat(result.output)


def test_the_listing_keeps_its_argument_and_options_anywhere(folder: Path) -> None:
    listing = invoke("referentiels")
    assert listing.exit_code == 0 and "advf" in listing.stdout
    shown = invoke("referentiels", "advf", "-w", str(folder))
    assert shown.exit_code == 0
    assert shown.stdout.startswith("advf — Assistant de vie aux familles")
    extra = invoke("referentiels", "advf", "eaa")
    assert extra.exit_code == 2
    assert "En trop sur la ligne de commande : eaa" in flat(extra.output)


def test_the_help_of_referentiels_points_to_the_import(folder: Path) -> None:
    assert "portfolio referentiels import-rncp" in flat(invoke("referentiels", "-h").output)
    shown = flat(invoke("referentiels", "import-rncp", "-h").output)
    assert "export-fiches-csv-AAAA-MM-JJ.zip" in shown
    assert "--fiche" in shown and "--force" in shown
