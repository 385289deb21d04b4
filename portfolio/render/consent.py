"""SPEC §10: no document naming a worker is produced for a worker without recorded consent.

Consent (`consent: {given: true, date: …}` in the worker file) is the legal basis of everything
the tool does with a worker's data (docs/donnees-personnelles.md). `portfolio check` warns about a
worker without it; here the documents are withheld: `render` and `grid` refuse, `build` skips the
worker and says so, and the programme report and catalogue coverages leave the worker out of
their figures too (a figure of a small group can point at one person, and the report names
people).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from portfolio.issues import PortfolioError
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker

T = TypeVar("T")

RECORD_CONSENT = "consent: {given: true, date: AAAA-MM-JJ}"
"""The line a counselor writes in the worker file once consent is collected."""


def missing_consent(worker: Worker) -> str | None:
    """Why the worker's documents may not be produced, or None when consent is recorded."""
    if worker.consent is None:
        return "aucun consentement enregistré"
    if not worker.consent.given:
        return "consentement non donné (given: false)"
    return None


def withheld_workers(ws: Workspace) -> dict[str, str]:
    """Worker id → why no document is made for them, for every worker without consent."""
    reasons = {wid: missing_consent(worker) for wid, worker in ws.workers.items()}
    return {wid: reason for wid, reason in sorted(reasons.items()) if reason is not None}


def how_to_consent(worker_id: str) -> str:
    """What to do about a withheld worker, in the terminal and in the index of a build."""
    return (
        f"une fois son consentement recueilli, inscrivez-le dans workers/{worker_id}.yaml : "
        f"{RECORD_CONSENT}"
    )


def require_consent(worker: Worker) -> None:
    """Refuse to make any document naming a worker without consent (render, grid)."""
    reason = missing_consent(worker)
    if reason is not None:
        raise PortfolioError(
            f"aucun document pour {worker.id} : {reason} dans workers/{worker.id}.yaml. Sans "
            "son consentement au traitement de ses données, aucun document qui le nomme n'est "
            f"produit : recueillez-le, puis inscrivez-le dans sa fiche : {RECORD_CONSENT} "
            "(rien n'a été écrit)"
        )


def consenting(ws: Workspace, cohort: Mapping[str, T]) -> dict[str, T]:
    """The entries of `cohort` (by worker id) whose worker has consented: the programme report
    and the coverages count only them."""
    return {wid: value for wid, value in cohort.items() if not missing_consent(ws.workers[wid])}
