"""`portfolio doc`: the user documentation read from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from portfolio.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["doc", *args])
    return result.exit_code, result.output


def test_without_a_page_every_page_is_listed_with_its_title() -> None:
    code, output = run()
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "index : vae-portfolio : la documentation"
    listed = {line.split(" : ", 1)[0] for line in lines[:-1]}
    assert listed == {path.stem for path in DOCS.glob("*.md")}
    assert "portfolio doc formats" in lines[-1]


def test_a_page_is_found_by_the_start_of_its_name() -> None:
    code, output = run("import")
    assert code == 0
    assert output == (DOCS / "import-feuilles-de-temps.md").read_text(encoding="utf-8")


def test_an_ambiguous_start_names_the_candidates() -> None:
    code, output = run("r")
    assert code == 2
    assert "vouliez-vous dire rapport-programme ou referentiels ?" in " ".join(output.split())


def test_an_unknown_page_offers_the_closest_or_the_list() -> None:
    code, output = run("formas")
    assert code == 2
    assert "vouliez-vous dire formats ?" in output
    code, output = run("zzz")
    assert code == 2
    assert "pages : index, badges, commandes" in " ".join(output.split())
