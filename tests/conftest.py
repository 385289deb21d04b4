"""Shared fixtures; their data and helpers live in support.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import MINIMAL_WORKSPACE, CheckRun, MakeWorkspace, run_check_cli, write_tree


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """A workspace with a minimal valid workspace.yaml, plus the files given.

    Pass `"workspace.yaml": ...` to replace the default settings.
    """

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "ws"
        return write_tree(root, {"workspace.yaml": MINIMAL_WORKSPACE, **files})

    return make


@pytest.fixture
def run_check() -> Callable[..., CheckRun]:
    """`run_check(root, *args, as_of=...)`: `portfolio check` on a workspace, parsed."""
    return run_check_cli


@pytest.fixture(autouse=True)
def private_config_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Keep the user's configuration folder (the pseudonym key) out of the tests' way."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv("PORTFOLIO_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("PORTFOLIO_LINK_KEY", raising=False)
    monkeypatch.delenv("PORTFOLIO_SESSION_KEY", raising=False)
    monkeypatch.delenv("PORTFOLIO_ISSUER_KEYS", raising=False)
    return folder
