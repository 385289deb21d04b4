"""`portfolio worker new` (SPEC §9): a new worker file, checked before it is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_log_cmds import FILES, WORKER, load_worker, run, worker_text

from portfolio.cli import prompts


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(FILES)


def test_worker_new_creates_a_valid_file_with_the_next_neutral_id(root) -> None:
    result = run(
        root, "worker", "new", "--first-name", "Kévin", "--last-name", "T.", "--target", "tst",
        "--consent", "--consent-date", "2002-09-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Fiche créée : workers/w-0002.yaml" in result.stdout
    worker = load_worker(root, "w-0002")
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


# --- at a terminal: each answer judged when it is given -----------------------------------------


def test_number_3_in_a_one_item_list_is_refused_and_asked_again(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # first and last name; association: the only one; counselor: 3, then 1 (Mme Martin);
    # targets: an unknown one, then tst; no consent; the suggested id; confirm.
    answers = "Kévin\nT.\n\n3\n1\nxyz\ntst\nnon\n\noui\n"
    result = run(root, "worker", "new", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "numéro 3 absent de la liste : le seul numéro est 1" in result.stderr
    assert result.stderr.count("Conseiller ou conseillère") == 2
    assert "référentiel visé inconnu « xyz »" in result.stderr
    assert "Identifiant (neutre, sans le nom) [w-0002]" in result.stderr
    worker = load_worker(root, "w-0002")
    assert (worker.first_name, worker.counselor, worker.targets) == ("Kévin", "Mme Martin", ["tst"])


def test_a_taken_id_typed_at_the_prompt_is_refused_with_a_free_one(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    answers = "Kévin\nT.\n\n\ntst\nnon\nw-1\nw-0007\noui\n"
    result = run(root, "worker", "new", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "le fichier workers/w-1.yaml existe déjà : choisissez un autre identifiant, " \
        "par exemple w-0002" in result.stderr  # fmt: skip
    assert load_worker(root, "w-0007").first_name == "Kévin"
    assert worker_text(root) == WORKER


# --- the association: an id of the workspace (issue 14) -----------------------------------------


def test_an_unknown_association_is_bad_data_with_the_closest_ids(root) -> None:
    result = run(
        root, "worker", "new", "--first-name", "A", "--last-name", "B", "--association", "ai-et"
    )
    assert result.exit_code == 1
    assert (
        "--association : association inconnue « ai-et » : vouliez-vous dire ai-est ?"
        in result.stderr
    )
    assert not list((root / "workers").glob("w-0*.yaml"))


def test_an_unknown_association_typed_at_the_prompt_is_asked_again(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    answers = "Kévin\nT.\nai-beaujolais\n1\n\ntst\nnon\n\noui\n"
    result = run(root, "worker", "new", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "association inconnue « ai-beaujolais »" in result.stderr
    assert load_worker(root, "w-0002").association == "ai-est"
