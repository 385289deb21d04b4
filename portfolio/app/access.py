"""Who sees what (SPEC §11): the one place that scopes every page and every request by role.

A counselor's question about another association's worker gets exactly the answer of a worker
that does not exist (the front end answers 404): whether a worker exists elsewhere is not theirs
to know.
"""

from __future__ import annotations

from portfolio.model.accounts import Account
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker

FEDERATION = "federation"
COUNSELOR = "counselor"
TRAINER = "trainer"


def sees_worker(account: Account, worker: Worker) -> bool:
    """The federation sees every worker; a counselor those of their association; a trainer
    none by name."""
    if account.role == FEDERATION:
        return True
    return account.role == COUNSELOR and worker.association == account.association


def visible_workers(account: Account, ws: Workspace) -> dict[str, Worker]:
    """The workers the account sees, by file stem (the id the pages use)."""
    return {stem: w for stem, w in ws.workers.items() if sees_worker(account, w)}


def sees_body(account: Account, body: str) -> bool:
    """A training body's coverage counts workers without naming them: the federation and the
    counselors see every body's, a trainer their own body's only."""
    if account.role == TRAINER:
        return body == account.body
    return True


def sees_programme(account: Account) -> bool:
    """The programme report names every worker of the federation."""
    return account.role == FEDERATION


def sees_worker_files(account: Account) -> bool:
    """Whether the check page may list worker files' issues (a trainer sees no worker)."""
    return account.role != TRAINER


def sees_unreadable_workers(account: Account) -> bool:
    """A worker file that cannot be read has no known association: only the federation sees it."""
    return account.role == FEDERATION


def records_workers(account: Account) -> bool:
    """Creating a worker's file is the association's work (counselors, federation); a training
    body knows workers only by the pseudonymous id of its attendance sheets."""
    return account.role != TRAINER


def new_worker_association(account: Account) -> str | None:
    """The association a worker created by this account belongs to: a counselor's own, with no
    choice; None for the federation, which chooses among all of them."""
    return account.association if account.role == COUNSELOR else None


def records_module(account: Account, module_id: str) -> bool:
    """Whether the account may record attendance of this module (SPEC §11): a trainer only its
    own body's modules, whose ids start with the body id and a dot (SPEC §4); the others, any."""
    if account.role != TRAINER:
        return True
    return bool(account.body) and module_id.startswith(f"{account.body}.")
