"""What recording forms offer and suggest (portfolio/record/queries.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from support import VALID_CATALOG, VALID_REFERENTIEL, VALID_WORKER

from portfolio.french import InputError
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.record.queries import (
    next_placement_id,
    next_worker_id,
    require_association,
    require_competency,
    require_end,
    require_module,
    require_new_worker_id,
    require_placement,
    require_target,
)


def loaded(make_workspace, files: dict[str, str]) -> Workspace:
    ws, _ = load_workspace(make_workspace(files))
    return ws


@pytest.fixture
def ws(make_workspace) -> Workspace:
    return loaded(
        make_workspace,
        {
            "workers/w-0042.yaml": VALID_WORKER,
            "catalog/ofa.yaml": VALID_CATALOG,
            "referentiels/menage.yaml": VALID_REFERENTIEL,
        },
    )


def test_next_placement_id_follows_the_highest_number() -> None:
    assert next_placement_id([]) == "p1"
    assert next_placement_id(["p1", "p3", "menage"]) == "p4"


def test_the_suggested_worker_id_is_neutral_and_follows_the_highest_number(ws) -> None:
    assert next_worker_id(ws) == "w-0043"


def test_the_first_neutral_id_has_four_digits(make_workspace) -> None:
    assert next_worker_id(loaded(make_workspace, {})) == "w-0001"


def test_names_do_not_count_and_wider_numbers_keep_their_width(make_workspace) -> None:
    files = {
        f"workers/{stem}.yaml": VALID_WORKER.replace("id: w-0042", f"id: {stem}")
        for stem in ("fatima-b", "w-00123", "w-7")
    }
    assert next_worker_id(loaded(make_workspace, files)) == "w-00124"


def test_a_broken_worker_file_still_holds_its_number(make_workspace) -> None:
    ws = loaded(make_workspace, {"workers/w-0050.yaml": "id: [broken\n"})
    assert next_worker_id(ws) == "w-0051"
    with pytest.raises(InputError, match=r"w-0050\.yaml existe déjà .* par exemple w-0051"):
        require_new_worker_id(ws, "w-0050")


def test_a_new_worker_id_must_be_free(ws) -> None:
    assert require_new_worker_id(ws, "w-0043") == "w-0043"
    with pytest.raises(InputError, match=r"workers/w-0042\.yaml existe déjà"):
        require_new_worker_id(ws, "w-0042")


# --- answers judged as they are given -----------------------------------------------------------


def test_a_competency_is_completed_from_a_short_id_or_refused_with_the_closest(ws) -> None:
    worker = ws.workers["w-0042"]
    assert require_competency(ws, worker, " ccp1.c3 ") == "advf.ccp1.c3"
    assert require_competency(ws, worker, "menage.b1.c1") == "menage.b1.c1"
    with pytest.raises(InputError, match=r"« ccp1\.c33 » .* dire advf\.ccp1\.c3,"):
        require_competency(ws, worker, "ccp1.c33")


def test_a_placement_must_be_one_of_the_workers(ws) -> None:
    worker = ws.workers["w-0042"]
    assert require_placement(worker, "p1") == "p1"
    with pytest.raises(InputError, match=r"mise à disposition inconnue « p7 » : .*p1"):
        require_placement(worker, "p7")


def test_a_module_and_a_target_must_exist(ws) -> None:
    assert require_module(ws, "ofa.linge") == "ofa.linge"
    with pytest.raises(InputError, match=r"module inconnu « ofa\.lnge » : vouliez-vous dire ofa"):
        require_module(ws, "ofa.lnge")
    assert require_target(ws, "menage") == "menage"
    with pytest.raises(InputError, match="référentiel visé inconnu « advff » : vouliez-vous"):
        require_target(ws, "advff")


def test_a_last_day_before_the_first_is_refused_when_it_is_given() -> None:
    first = dt.date(2002, 11, 4)
    assert require_end(first, first) == first
    assert require_end(None, first) == first
    with pytest.raises(InputError, match="le dernier jour, 01/11/2002, est avant le premier"):
        require_end(first, dt.date(2002, 11, 1))


def test_an_association_must_be_one_of_the_workspace(ws) -> None:
    assert require_association(ws, " ai-est ") == "ai-est"
    with pytest.raises(
        InputError, match="association inconnue « ai-et » : vouliez-vous dire ai-est"
    ):
        require_association(ws, "ai-et")
