"""The worker's own editions of the dossier (issue 20): `portfolio render SALARIÉ --doc dossier
--gros-caracteres`, in large print for readers with low vision, and `--lien --adresse URL`, with
a personal link printed as a code to scan. The portfolio has neither."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portfolio.cli import app

WORKER = """\
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
counselor: Mme Martin
targets: [advf]
consent: {given: true, date: 2025-09-20}
placements:
  - id: p1
    client: {name: Mme Delorme, kind: particulier}
    start: 2025-10-01
    end: 2025-12-19
    hours: 40
    tutor: Mme Delorme
    tasks: [repassage]
"""


@pytest.fixture
def workspace(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"workers/w-1.yaml": WORKER})


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["render", *args])


def test_large_print_has_its_own_file_beside_the_usual_one(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for extra in ((), ("--gros-caracteres",)):
        result = run("w-1", "--doc", "dossier", "--format", "html", *extra,
                     "--as-of", "2026-06-30", "-w", str(workspace))  # fmt: skip
        assert result.exit_code == 0, result.output
    usual = (tmp_path / "w-1-dossier.html").read_text(encoding="utf-8")
    large = (tmp_path / "w-1-dossier-gros-caracteres.html").read_text(encoding="utf-8")
    assert "gros caractères" not in usual
    assert "The dossier in large print" in large and "font-size: 18pt" in large
    assert "Chez Mme Delorme" in large


def test_large_print_is_refused_for_the_portfolio(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run("w-1", "--doc", "portfolio", "--gros-caracteres", "-o", str(out),
                 "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 2
    assert (
        "--gros-caracteres ne vaut que pour le dossier du salarié (--doc dossier) : le dossier "
        "professionnel, lu par le certificateur, garde sa taille de texte."
    ) in " ".join(result.stderr.split())
    assert list(out.iterdir()) == []


def test_the_help_offers_large_print() -> None:
    result = CliRunner().invoke(app, ["render", "--help"], env={"COLUMNS": "200"})
    assert "--gros-caracteres" in result.output


def test_a_personal_link_is_made_and_printed_on_the_dossier(
    workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "d.html"
    result = run("w-1", "--doc", "dossier", "--format", "html", "-o", str(target), "--lien",
                 "--adresse", "https://vae.example", "--as-of", "2026-06-30",
                 "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "Lien personnel de Fatima B., valable jusqu'au " in said
    assert "https://vae.example/mon-dossier/" in said
    assert "Mon dossier sur mon téléphone : je scanne ce code." in target.read_text()
    assert len(list((workspace / "worker-links").glob("*.json"))) == 1


def test_a_personal_link_needs_the_server_address(workspace: Path, tmp_path: Path) -> None:
    result = run("w-1", "--doc", "dossier", "--lien", "-o", str(tmp_path / "d.pdf"),
                 "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 2
    assert "--lien demande l'adresse publique du serveur" in " ".join(result.stderr.split())
    assert not (tmp_path / "d.pdf").exists()
    assert not (workspace / "worker-links").exists()


def test_a_personal_link_is_refused_for_the_portfolio(workspace: Path, tmp_path: Path) -> None:
    result = run("w-1", "--doc", "portfolio", "--lien", "--adresse", "https://vae.example",
                 "-o", str(tmp_path / "p.pdf"), "-w", str(workspace))  # fmt: skip
    assert result.exit_code == 2
    assert "--lien ne vaut que pour le dossier du salarié (--doc dossier)" in " ".join(
        result.stderr.split()
    )
    assert not (workspace / "worker-links").exists()
