"""Opening a workspace for a request: all of it, or the shared files and one worker."""

from __future__ import annotations

from pathlib import Path

from portfolio.issues import Issue, PortfolioError, has_errors
from portfolio.load import load_worker, load_workspace, worker_files
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker

FIX_AND_RETRY = "corrigez-les, puis relancez (« portfolio check » les liste toutes)"


def open_workspace(
    path: Path, *, strict: bool = True, workers: bool = True
) -> tuple[Workspace, list[Issue]]:
    """Load a workspace for a request that needs valid data.

    With `strict`, load errors (invalid files) refuse the request, since documents built on half a
    workspace would be wrong without anyone noticing.
    """
    ws, issues = load_workspace(path, workers=workers)
    if strict and has_errors(issues):
        raise PortfolioError(
            f"l'espace de travail contient des erreurs (ci-dessus) : {FIX_AND_RETRY}",
            issues=[i for i in issues if i.is_error],
        )
    return ws, issues


def open_worker(path: Path, worker_id: str) -> tuple[Workspace, Worker]:
    """Load the shared files and one worker's file, for a request about that worker only.

    Another worker's broken file must not stop a counselor from printing this worker's dossier,
    and reading one file instead of thousands keeps the request quick.
    """
    ws, issues = load_workspace(path, workers=False)
    file = ws.root / "workers" / f"{worker_id}.yaml"
    if file.is_file():
        issues += load_worker(ws, file)[1]
    if has_errors(issues):
        raise PortfolioError(
            f"les données nécessaires contiennent des erreurs (ci-dessus) : {FIX_AND_RETRY}",
            issues=[i for i in issues if i.is_error],
        )
    if worker_id not in ws.workers:
        known = ", ".join(f.stem for f in worker_files(ws.root)[:8]) or "aucun"
        raise PortfolioError(
            f"salarié inconnu « {worker_id} » : le fichier workers/{worker_id}.yaml n'existe pas "
            f"(salariés connus : {known}…)",
            exit_code=1,
        )
    return ws, ws.workers[worker_id]
