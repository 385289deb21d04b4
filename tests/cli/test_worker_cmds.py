"""`portfolio worker new` (SPEC §9): a new worker file, checked before it is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_log_cmds import FILES, WORKER, load_worker, run, worker_text


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(FILES)


def test_worker_new_creates_a_valid_file_named_after_the_worker(root) -> None:
    result = run(
        root, "worker", "new", "--first-name", "Kévin", "--last-name", "T.", "--target", "tst",
        "--consent", "--consent-date", "2002-09-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    worker = load_worker(root, "kevin-t")
    assert (worker.association, worker.targets) == ("ai-est", ["tst"])
    assert worker.consent is not None and worker.consent.given


def test_worker_new_refuses_an_existing_id(root) -> None:
    result = run(root, "worker", "new", "--id", "w-1", "--first-name", "A", "--last-name", "B")
    assert result.exit_code == 1
    assert "existe déjà" in result.stderr
    assert worker_text(root) == WORKER


def test_worker_new_refuses_an_unknown_target(root) -> None:
    result = run(root, "worker", "new", "--first-name", "A", "--last-name", "B", "--target", "xyz")
    assert result.exit_code == 1
    assert "référentiel visé inconnu « xyz »" in result.stderr
    assert not (root / "workers" / "a-b.yaml").exists()
