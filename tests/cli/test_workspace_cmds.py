"""The workspace commands (portfolio/cli/workspace_cmds.py): init, demo, check, referentiels;
exit codes (SPEC §9: 0 success with warnings, 1 invalid data, 2 usage) and how the workspace is
found (SPEC §4: -w, else $PORTFOLIO_WORKSPACE, else the current folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import MINIMAL_WORKSPACE, VALID_CATALOG, VALID_REFERENTIEL, VALID_WORKER, write_tree
from typer.testing import CliRunner, Result

from portfolio.cli import app
from portfolio.load import load_referentiels
from portfolio.resources import demo_dir


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def flat(output: str) -> str:
    """Output with Rich's panel borders and line wrapping removed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


# --- check ----------------------------------------------------------------------------------------


def test_check_reports_every_problem_sorted_by_file_then_line(make_workspace, run_check) -> None:
    worker = (
        VALID_WORKER.replace("association: ai-est", "association: ai-nord")  # line 4
        .replace("hours: 64", "hours: 0")  # line 12
        .replace("module: ofa.linge", "module: ofa.rien")  # line 17
    )
    root = make_workspace(
        {
            "workers/w-0043.yaml": VALID_WORKER.replace("w-0042", "w-0099"),
            "workers/w-0042.yaml": worker,
            "referentiels/menage.yaml": VALID_REFERENTIEL.replace("RNCP1234", "RNCP 1234"),
            "catalog/ofa.yaml": VALID_CATALOG.replace("hours: 12", "hours: -1"),
        }
    )
    run = run_check(root)
    assert run.exit_code == 1
    assert [(i.path, i.line, i.severity) for i in run.issues] == [
        ("catalog/ofa.yaml", 3, "erreur"),
        ("referentiels/menage.yaml", 4, "erreur"),
        ("workers/w-0042.yaml", 4, "erreur"),
        ("workers/w-0042.yaml", 12, "erreur"),
        ("workers/w-0042.yaml", 17, "erreur"),
        ("workers/w-0043.yaml", 1, "erreur"),
    ]
    assert run.output.splitlines()[-1] == "6 erreurs, 0 avertissement."


def test_check_issues_go_to_stdout_one_per_line(make_workspace) -> None:
    root = make_workspace({"workers/w-0042.yaml": VALID_WORKER.replace("hours: 64", "hours: 0")})
    result = invoke("check", "-w", str(root), "--as-of", "2003-06-30")
    lines = result.stdout.splitlines()
    assert all(
        re.match(r"^workers/w-0042\.yaml:\d+:\d+: (erreur|avertissement): ", line)
        for line in lines[:-1]
    ), result.stdout
    assert result.stderr == ""


def test_check_exits_0_on_a_clean_workspace(make_workspace, run_check) -> None:
    run = run_check(
        make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})
    )
    assert run.exit_code == 0
    assert run.output.strip() == "Aucun problème trouvé."


def test_check_exits_0_with_warnings_only(make_workspace, run_check) -> None:
    worker = VALID_WORKER.replace("consent: {given: true, date: 2002-09-20}\n", "")
    run = run_check(
        make_workspace({"workers/w-0042.yaml": worker, "catalog/ofa.yaml": VALID_CATALOG})
    )
    assert run.exit_code == 0
    assert [i.severity for i in run.issues] == ["avertissement"]
    assert run.output.splitlines()[-1] == "0 erreur, 1 avertissement."


def test_check_exits_1_on_errors(make_workspace, run_check) -> None:
    run = run_check(make_workspace({"workers/w-0042.yaml": "id: [\n"}))
    assert run.exit_code == 1
    assert run.output.splitlines()[-1] == "1 erreur, 0 avertissement."


def test_unknown_option_is_a_usage_error(make_workspace) -> None:
    result = invoke("check", "-w", str(make_workspace({})), "--bogus")
    assert result.exit_code == 2


@pytest.mark.parametrize("typed", ["2003-06-30", "30/06/2003", "30/06/03", "30.06.2003"])
def test_as_of_is_read_as_people_write_dates(make_workspace, typed: str) -> None:
    result = invoke("check", "-w", str(make_workspace({})), "--as-of", typed)
    assert result.exit_code == 0, result.output


def test_impossible_as_of_date_is_a_usage_error(make_workspace) -> None:
    result = invoke("check", "-w", str(make_workspace({})), "--as-of", "2003-02-30")
    assert result.exit_code == 2
    assert "--as-of : la date « 2003-02-30 » n'est pas une date valide" in flat(result.output)


def test_no_workspace_found_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    result = invoke("check")
    assert result.exit_code == 2
    assert "Erreur : aucun espace de travail dans le dossier courant" in result.output
    assert "pas de fichier workspace.yaml" in result.output
    assert "-w DOSSIER ou la variable PORTFOLIO_WORKSPACE" in result.output
    assert "portfolio init DOSSIER" in result.output


def test_missing_workspace_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("check", "-w", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert "n'existe pas" in result.output


def test_file_given_as_workspace_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_text(MINIMAL_WORKSPACE)
    result = invoke("check", "-w", str(tmp_path / "workspace.yaml"))
    assert result.exit_code == 2
    assert "est un fichier, pas un dossier" in result.output


# --- finding the workspace: -w, then $PORTFOLIO_WORKSPACE, then the current folder --------------


@pytest.fixture
def three_workspaces(tmp_path: Path) -> dict[str, Path]:
    """Three workspaces whose only issue names a different worker file."""
    found = {}
    for name in ("option", "env", "cwd"):
        worker = VALID_WORKER.replace("w-0042", f"w-{name}").replace(
            "consent: {given: true, date: 2002-09-20}\n", ""
        )
        found[name] = write_tree(
            tmp_path / name,
            {
                "workspace.yaml": MINIMAL_WORKSPACE,
                f"workers/w-{name}.yaml": worker,
                "catalog/ofa.yaml": VALID_CATALOG,
            },
        )
    return found


def checked_worker(result: Result) -> str:
    found = re.findall(r"^workers/(w-\w+)\.yaml:", result.stdout, re.MULTILINE)
    assert len(found) == 1, result.output
    return found[0]


def test_option_wins_over_environment_and_current_folder(
    three_workspaces: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(three_workspaces["cwd"])
    env = {"PORTFOLIO_WORKSPACE": str(three_workspaces["env"])}
    result = invoke("check", "-w", str(three_workspaces["option"]), env=env)
    assert checked_worker(result) == "w-option"


def test_environment_wins_over_current_folder(
    three_workspaces: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(three_workspaces["cwd"])
    result = invoke("check", env={"PORTFOLIO_WORKSPACE": str(three_workspaces["env"])})
    assert checked_worker(result) == "w-env"


def test_current_folder_is_the_last_resort(
    three_workspaces: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(three_workspaces["cwd"])
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    assert checked_worker(invoke("check")) == "w-cwd"


# --- init -----------------------------------------------------------------------------------------


def test_init_creates_a_skeleton_that_passes_check(tmp_path: Path, run_check) -> None:
    target = tmp_path / "nouveau"
    result = invoke("init", str(target))
    assert result.exit_code == 0
    assert f"Espace de travail créé dans {target}." in result.stdout
    assert (target / "workspace.yaml").is_file()
    assert {p.name for p in target.iterdir() if p.is_dir()} == {
        "catalog",
        "referentiels",
        "workers",
    }
    run = run_check(target)
    assert (run.exit_code, run.issues) == (0, [])


def test_init_into_an_existing_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    assert invoke("init", str(tmp_path / "vide")).exit_code == 0
    assert (tmp_path / "vide" / "workspace.yaml").is_file()


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "occupe"
    write_tree(target, {"notes.txt": "à garder\n", "workers/w-0042.yaml": VALID_WORKER})
    before = snapshot(tmp_path)
    result = invoke("init", str(target))
    assert result.exit_code == 1
    assert "existe déjà et n'est pas vide" in result.output
    assert "rien n'a été modifié" in result.output
    assert snapshot(tmp_path) == before


def test_init_refuses_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x")
    before = snapshot(tmp_path)
    assert invoke("init", str(tmp_path / "fichier")).exit_code == 1
    assert snapshot(tmp_path) == before


needs_demo = pytest.mark.skipif(
    not (demo_dir() / "workspace.yaml").is_file(), reason="demo/workspace.yaml not written yet"
)


@needs_demo
def test_init_demo_copies_the_demo_workspace(tmp_path: Path, run_check) -> None:
    target = tmp_path / "demo"
    assert invoke("init", str(target), "--demo").exit_code == 0
    assert snapshot(target) == snapshot(demo_dir())
    run = run_check(target)
    assert run.exit_code == 0, run.output


@needs_demo
def test_demo_stops_before_printing_anything_when_its_workspace_has_errors(
    tmp_path: Path,
) -> None:
    # The full demo prints every document (slow: left to the rendering tests); here the
    # reused demo folder is broken, so the check must stop the command before any document.
    root = tmp_path / "demo"
    assert invoke("init", str(root), "--demo").exit_code == 0
    worker = root / "workers" / "fatima-b.yaml"
    worker.write_text(worker.read_text(encoding="utf-8").replace("hours: ", "hours: -", 1))
    result = invoke("demo", "-o", str(root), "--as-of", "2026-06-30")
    assert result.exit_code == 1
    assert "déjà présent" in result.stderr
    assert re.search(r"workers/fatima-b\.yaml:\d+:\d+: erreur: ", result.stderr)
    assert not (root / "documents").exists()


def test_demo_refuses_a_folder_holding_another_workspace(make_workspace) -> None:
    root = make_workspace({"workers/w-0042.yaml": VALID_WORKER})
    before = snapshot(root)
    result = invoke("demo", "-o", str(root), "--as-of", "2003-06-30")
    assert result.exit_code == 1
    message = flat(result.output)
    assert (
        f"Erreur : {root} contient déjà un autre espace de travail (« Programme test ») que la "
        "démonstration : rien n'a été fait." in message
    )
    assert f"portfolio build -w {root}" in message
    assert "Démonstration prête" not in message
    assert snapshot(root) == before


# --- referentiels ---------------------------------------------------------------------------------


def table_rows(output: str) -> dict[str, list[str]]:
    """id → [RNCP, level, blocks, competencies, tasks] from the table's first line per row."""
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) >= 6 and all(c.isdigit() or c == "—" for c in cells[2:6]):
            rows[cells[0]] = cells[1:6]
    return rows


def test_referentiels_lists_the_bundled_ones_with_rncp_codes_and_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORTFOLIO_WORKSPACE", raising=False)
    result = invoke("referentiels")
    assert result.exit_code == 0
    rows = table_rows(result.stdout)
    # SPEC §3: one per track plus the two transversal ones; ADVF is RNCP37715, level 3, 3 CCP.
    assert rows["advf"][:3] == ["RNCP37715", "3", "3"]
    bundled, _ = load_referentiels()
    assert set(rows) == set(bundled)
    for ident, ref in bundled.items():
        assert rows[ident] == [
            ref.certification.rncp or "—",
            str(ref.certification.level or "—"),
            str(len(ref.blocks)),
            str(len(ref.competencies())),
            str(len(ref.tasks)),
        ]


def test_referentiels_include_the_workspace_own(make_workspace) -> None:
    root = make_workspace({"referentiels/menage.yaml": VALID_REFERENTIEL})
    rows = table_rows(invoke("referentiels", "-w", str(root)).stdout)
    assert rows["menage"] == ["RNCP1234", "—", "1", "2", "2"]


def test_referentiels_shows_one_as_a_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("referentiels", "advf")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("advf — Assistant de vie aux familles (emplois-familiaux)")
    assert "RNCP37715" in out
    for number, block in enumerate(("advf.ccp1", "advf.ccp2", "advf.ccp3"), start=1):
        assert re.search(rf"── {re.escape(block)} .*\(RNCP37715BC0{number}\)", out), block
    assert re.search(r"── advf\.ccp1\.c3 ", out)
    assert "tâches : " in out


def test_referentiels_tree_of_a_local_one_shows_its_rule_and_tasks(make_workspace) -> None:
    root = make_workspace({"referentiels/menage.yaml": VALID_REFERENTIEL})
    out = invoke("referentiels", "menage", "-w", str(root)).stdout
    assert "menage.b1.c1 Nettoyer les sols (10\u00a0h + observation niveau 3)" in out
    assert "Je sais laver les sols" in out
    assert "tâches : lavage-sols" in out


def test_referentiels_tree_says_which_competencies_no_task_evidences_yet(make_workspace) -> None:
    local = VALID_REFERENTIEL.replace(
        "      - {id: c2, title: Nettoyer les vitres, plain: Je sais laver les vitres}\n",
        "      - {id: c2, title: Nettoyer les vitres, plain: Je sais laver les vitres}\n"
        "      - {id: c3, title: Accueillir, plain: J'accueille,"
        " evidence: {min_hours: 0, observation: true}}\n",
    ).replace("  - {id: lavage-vitres, label: Laver les vitres, evidences: [b1.c2]}\n", "")
    root = make_workspace({"referentiels/menage.yaml": local})
    lines = invoke("referentiels", "menage", "-w", str(root)).stdout.splitlines()
    leaves = [line.split("── ", 1)[1] for line in lines if "── " in line]
    assert leaves[leaves.index("Je sais laver les vitres") + 1] == "aucune tâche : à compléter"
    assert leaves[leaves.index("J'accueille") + 1] == "tâches : observation seulement"
    assert leaves[leaves.index("Je sais laver les sols") + 1] == "tâches : lavage-sols"


def test_referentiels_unknown_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("referentiels", "zz")
    assert result.exit_code == 1
    assert "référentiel inconnu « zz » : choisissez parmi advf, " in result.output


def test_referentiel_text_is_not_read_as_rich_markup(make_workspace) -> None:
    local = VALID_REFERENTIEL.replace("title: Nettoyer\n", "title: '[bold]Nettoyer[/] [red]'\n")
    root = make_workspace({"referentiels/menage.yaml": local})
    result = invoke("referentiels", "menage", "-w", str(root))
    assert result.exit_code == 0
    assert "menage.b1 [bold]Nettoyer[/] [red]" in result.stdout
