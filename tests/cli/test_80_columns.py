"""Readable in 80 columns (issue 14): on a terminal, long lines wrap at a space with their
continuation indented, and never cut an id, a word or « 12 h »; piped, each message stays whole
on its line (docs/commandes.md, « Les messages »). Terminals are Rich consoles of 80 columns
forced to act as one; pipes are consoles that are not terminals."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from portfolio.app.workspace import create_workspace
from portfolio.cli import (
    app,
    build_cmds,
    common,
    engine_cmds,
    plan_cmds,
    privacy_cmds,
    render_cmds,
    report_cmds,
    workspace_cmds,
)
from portfolio.cli.common import hang

NBSP = "\u00a0"
WIDTH = 80
MODULES = (
    common,
    build_cmds,
    engine_cmds,
    plan_cmds,
    privacy_cmds,
    render_cmds,
    report_cmds,
    workspace_cmds,
)


@dataclass
class Screens:
    out: io.StringIO
    err: io.StringIO


def use_consoles(monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> Screens:
    """The commands' stdout and stderr replaced by 80-column consoles, terminals or pipes."""
    screens = Screens(io.StringIO(), io.StringIO())
    for name, file in (("stdout", screens.out), ("stderr", screens.err)):
        console = Console(
            file=file,
            width=WIDTH,
            force_terminal=terminal,
            color_system=None,
            highlight=False,
            emoji=False,
        )
        for module in MODULES:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, console)
    return screens


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    create_workspace(root, demo=True)
    return root


def run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def wide_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if len(line.rstrip()) > WIDTH]


# --- hang: the wrapping itself ------------------------------------------------------------------


def test_hang_wraps_at_spaces_with_an_indent() -> None:
    text = Text("workers/w-0042.yaml:6:5: avertissement: " + "mot " * 30)
    lines = hang(text, 40).plain.split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("    mot") for line in lines[1:])
    assert lines[0].startswith("workers/w-0042.yaml:6:5:")


def test_hang_never_cuts_a_word_longer_than_the_line() -> None:
    lines = hang(Text("court paysagiste.ccp1.debroussaillage-des-talus fin"), 20).plain.split("\n")
    assert lines == ["court", "paysagiste.ccp1.debroussaillage-des-talus", "    fin"]


def test_hang_does_not_indent_a_word_that_would_then_overflow() -> None:
    lines = hang(Text("c4 Établir une relation professionnelle"), 17, indent=3).plain.split("\n")
    assert lines == ["c4 Établir une", "   relation", "professionnelle"]


def test_hang_keeps_no_break_spaces_and_french_punctuation_with_their_word() -> None:
    text = Text(f"aaaa bbbb 12{NBSP}h ; cccc : dddd « eeee » ?")
    for width in range(6, 40):
        for line in hang(text, width, indent=0).plain.split("\n"):
            assert not line.startswith(("h", ";", ":", "»", "?")), (width, line)
            assert not line.endswith("«"), (width, line)


def test_hang_keeps_guillemets_inside_parentheses_with_their_words() -> None:
    text = Text("proposez-lui des modules (« portfolio plan »), puis relancez (« Programme »).")
    assert hang(Text("aaaa « bbbb »."), 8, indent=0).plain == "aaaa\n« bbbb »."
    for width in range(8, 60):
        for line in hang(text, width, indent=0).plain.split("\n"):
            assert not line.startswith(("»", "Programme »", ".", ",")), (width, line)
            assert not line.endswith(("«", "(«")), (width, line)


def test_hang_keeps_a_line_s_own_indent_and_its_styles() -> None:
    text = Text("    • ")
    text.append("tst.b1.c1", style="bold")
    text.append(" Repasser le linge avec les gestes professionnels appropriés")
    wrapped = hang(text, 30, indent=6)
    assert wrapped.plain.split("\n")[0].startswith("    • tst.b1.c1 Repasser")
    assert all(line.startswith("      ") for line in wrapped.plain.split("\n")[1:])
    assert any(span.style == "bold" for span in wrapped.spans)


# --- check --------------------------------------------------------------------------------------


def test_check_wraps_each_issue_with_an_indent_on_a_terminal(demo: Path, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=True)
    run("check", "-w", str(demo), "--as-of", "30/06/2026")
    out = screens.out.getvalue()
    assert not wide_lines(out)
    starts = [line for line in out.splitlines() if not line.startswith("    ")]
    assert len(starts) >= 4
    assert all(re.match(r"workers/[\w-]+\.yaml:\d+:\d+: ", s) for s in starts[:-1])
    assert starts[-1].startswith("0 erreur")
    assert f"260,39{NBSP}h" in out  # « 260,39 h » is never cut


def test_piped_check_writes_one_whole_line_per_issue(demo: Path, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=False)
    run("check", "-w", str(demo), "--as-of", "30/06/2026")
    lines = screens.out.getvalue().splitlines()
    issues = lines[:-1]
    assert len(issues) >= 3
    assert all(re.match(r"workers/[\w-]+\.yaml:\d+:\d+: avertissement: ", i) for i in issues)
    assert max(len(i) for i in issues) > WIDTH  # whole, not wrapped nor cut
    assert any("proposez-lui des modules de formation (« portfolio plan »)" in i for i in issues)


# --- referentiels -------------------------------------------------------------------------------


@pytest.mark.parametrize("terminal", [True, False])
def test_referentiels_table_fits_without_cutting_an_id(terminal: bool, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=terminal)
    run("referentiels")
    out = screens.out.getvalue()
    assert not wide_lines(out)
    for track in ("(emplois-familiaux)", "(restauration-collective)", "(agents-administratifs)"):
        assert track in out
    assert "…" not in out


def test_referentiels_tree_wraps_within_its_guides_on_a_terminal(monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=True)
    run("referentiels", "paysagiste")
    out = screens.out.getvalue()
    assert not wide_lines(out)
    assert f"(30{NBSP}h + observation" in out or f"(30{NBSP}h\n" in out
    assert not re.search(r"\d\n[│ ]*h\b", out)


def test_piped_referentiels_tree_keeps_each_label_whole(monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=False)
    run("referentiels", "advf")
    out = screens.out.getvalue()
    assert (
        "advf.ccp1.c1 Établir une relation professionnelle dans le cadre d'une prestation "
        f"d'entretien chez un particulier (30{NBSP}h + observation niveau 3)"
    ) in out
    assert "Ministère du Travail, du Plein emploi et de l'Insertion · version 2023" in out


# --- plan and assess ----------------------------------------------------------------------------


def test_plan_keeps_its_indents_when_it_wraps(demo: Path, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=True)
    run("plan", "kevin-t", "-w", str(demo), "--as-of", "30/11/26")
    out = screens.out.getvalue()
    assert not wide_lines(out)
    lines = out.splitlines()
    bullet = next(i for i, line in enumerate(lines) if "numerique.internet.c5" in line)
    assert lines[bullet].startswith("    • numerique.internet.c5 Rechercher")
    assert lines[bullet + 1].startswith("      formations")  # under the id, right of the bullet
    module = next(i for i, line in enumerate(lines) if line.startswith("  graindesel.metiers"))
    assert lines[module + 1].startswith("    d'emploi")


def test_piped_plan_writes_each_line_whole(demo: Path, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=False)
    run("plan", "kevin-t", "-w", str(demo), "--as-of", "30/11/26")
    assert (
        "    • numerique.internet.c5 Rechercher des informations sur les métiers, les "
        "formations et les offres d'emploi\n"
    ) in screens.out.getvalue()


def test_assess_tables_fit_and_keep_hours_whole(demo: Path, monkeypatch) -> None:
    screens = use_consoles(monkeypatch, terminal=True)
    run("assess", "fatima-b", "-w", str(demo), "--as-of", "30/06/2026")
    out = screens.out.getvalue()
    assert not wide_lines(out)
    assert "…" not in out
    assert "professionnelle" in out
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        assert not any(cell.startswith(("h ", ";")) or cell == "h" for cell in cells), line
