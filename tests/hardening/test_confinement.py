"""Workspace confinement (SPEC §8, last paragraph; issue 13 item 3).

A workspace file that is a symbolic link leading outside the workspace is an error located on
that file, and what it points to is never read: a link to /etc/shadow had its lines printed by
`check` as unknown keys. A worker id given on the command line is an id, never a path: `assess
../../x` read any `*.yaml` of the disk as a worker file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import (
    MINIMAL_WORKSPACE,
    VALID_CATALOG,
    VALID_REFERENTIEL,
    VALID_WORKER,
    MakeWorkspace,
    write_tree,
)
from typer.testing import CliRunner, Result

from portfolio.cli import app

SECRET = "root-hash-4f9c2b7e"
"""A string of the linked file: it must appear in no output."""
SECRET_FILE = f"{SECRET}: 1\nroot: x\n"
"""Read as YAML, every line would be an unknown key, quoted in a message."""

WORKSPACE_FILES = {
    "workers/w-0042.yaml": VALID_WORKER,
    "catalog/ofa.yaml": VALID_CATALOG,
    "referentiels/menage.yaml": VALID_REFERENTIEL,
}


def printed(result: Result) -> str:
    return result.stdout + result.stderr


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the workspace (tmp_path/ws), readable by the user."""
    file = tmp_path / "secret" / "shadow"
    file.parent.mkdir()
    file.write_text(SECRET_FILE, encoding="utf-8")
    return file


@pytest.mark.parametrize(
    "relative",
    ["workers/w-0042.yaml", "catalog/ofa.yaml", "referentiels/menage.yaml", "workspace.yaml"],
)
def test_a_file_linked_outside_is_an_error_on_that_file_and_never_read(
    make_workspace: MakeWorkspace, run_check, secret: Path, relative: str
) -> None:
    root = make_workspace(WORKSPACE_FILES)
    (root / relative).unlink()
    (root / relative).symlink_to(secret)
    run = run_check(root)
    assert run.exit_code == 1
    assert SECRET not in run.output
    refused = [i for i in run.issues if i.path == relative]
    assert [(i.line, i.severity) for i in refused] == [(1, "erreur")], run.output
    assert "lien symbolique" in refused[0].message
    assert "hors de l'espace de travail" in refused[0].message


def test_a_folder_linked_outside_makes_each_of_its_files_an_error(
    make_workspace: MakeWorkspace, run_check, secret: Path
) -> None:
    (secret.parent / "w-0042.yaml").write_text(SECRET_FILE, encoding="utf-8")
    root = make_workspace({"catalog/ofa.yaml": VALID_CATALOG})
    (root / "workers").symlink_to(secret.parent, target_is_directory=True)
    run = run_check(root)
    assert run.exit_code == 1
    assert SECRET not in run.output
    assert [(i.path, i.line) for i in run.issues] == [("workers/w-0042.yaml", 1)], run.output
    assert "hors de l'espace de travail" in run.issues[0].message


def test_a_link_that_stays_inside_the_workspace_is_read(
    make_workspace: MakeWorkspace, run_check
) -> None:
    root = make_workspace({"catalog/ofa.yaml": VALID_CATALOG, "shared/w-0042.yaml": VALID_WORKER})
    (root / "workers").mkdir()
    (root / "workers" / "w-0042.yaml").symlink_to(Path("..") / "shared" / "w-0042.yaml")
    run = run_check(root)
    assert (run.exit_code, run.issues) == (0, [])


def test_a_dangling_link_is_an_error_on_that_file(
    make_workspace: MakeWorkspace, run_check, tmp_path: Path
) -> None:
    root = make_workspace({"catalog/ofa.yaml": VALID_CATALOG})
    (root / "workers").mkdir()
    (root / "workers" / "w-0042.yaml").symlink_to(tmp_path / "nowhere.yaml")
    run = run_check(root)
    assert run.exit_code == 1
    assert [(i.path, i.severity) for i in run.issues] == [("workers/w-0042.yaml", "erreur")]


def test_a_named_pipe_is_refused_instead_of_blocking_the_reading(
    make_workspace: MakeWorkspace, run_check
) -> None:
    root = make_workspace({"catalog/ofa.yaml": VALID_CATALOG})
    (root / "workers").mkdir()
    os.mkfifo(root / "workers" / "w-0042.yaml")
    run = run_check(root)
    assert run.exit_code == 1
    assert [(i.path, i.severity) for i in run.issues] == [("workers/w-0042.yaml", "erreur")]
    assert "pas un fichier ordinaire" in run.issues[0].message


@pytest.mark.parametrize("command", ["assess", "plan", "render", "grid"])
def test_a_worker_linked_outside_is_refused_by_every_command(
    make_workspace: MakeWorkspace, secret: Path, tmp_path: Path, command: str
) -> None:
    root = make_workspace(WORKSPACE_FILES)
    (root / "workers" / "w-0042.yaml").unlink()
    (root / "workers" / "w-0042.yaml").symlink_to(secret)
    args = [command, "w-0042", "-w", str(root), "--as-of", "2003-06-30"]
    if command == "render":
        args += ["--doc", "dossier"]
    if command in {"render", "grid"}:
        args += ["-o", str(tmp_path / "out.pdf")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, printed(result)
    assert SECRET not in printed(result)
    assert "workers/w-0042.yaml:1:1: erreur: ce fichier est un lien symbolique" in printed(result)
    assert not (tmp_path / "out.pdf").exists()


ID_COMMANDS = {
    "assess": lambda ident: ["assess", ident],
    "plan": lambda ident: ["plan", ident],
    "render": lambda ident: ["render", ident, "--doc", "dossier"],
    "grid": lambda ident: ["grid", ident],
    "forget": lambda ident: ["forget", ident, "--yes"],
}


@pytest.mark.parametrize("ident", ["../../outside", "/etc/passwd", "a/b", "W-0042", "w-0042\n"])
@pytest.mark.parametrize("command", sorted(ID_COMMANDS))
def test_a_worker_id_on_the_command_line_is_an_id_never_a_path(
    tmp_path: Path, command: str, ident: str
) -> None:
    root = write_tree(tmp_path / "ws", {"workspace.yaml": MINIMAL_WORKSPACE, **WORKSPACE_FILES})
    # What `workers/../../outside.yaml` reaches: a worker file quoting the secret.
    write_tree(tmp_path, {"outside.yaml": VALID_WORKER + SECRET_FILE})
    args = [*ID_COMMANDS[command](ident), "-w", str(root)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2, printed(result)
    assert SECRET not in printed(result)
    assert "n'est pas un identifiant de salarié" in result.stderr
    assert "jamais un chemin" in result.stderr
    assert "w-0042" in result.stderr  # the example of the expected form
    assert (root / "workers" / "w-0042.yaml").is_file()  # forget erased nothing


def test_require_worker_id_is_the_one_check_of_the_application_layer() -> None:
    from portfolio.app.workspace import require_worker_id
    from portfolio.issues import PortfolioError

    require_worker_id("w-0042")
    with pytest.raises(PortfolioError) as refused:
        require_worker_id("../w-0042")
    assert refused.value.exit_code == 2
