"""The workspace itself: create it, open it for a request (all of it, or the shared files and
one worker), check it, list its référentiels."""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path

from portfolio.accounts import check_accounts, read_users
from portfolio.app.link_check import check_links
from portfolio.checks import check_workspace
from portfolio.cohort import issues_only, map_workers
from portfolio.french import closest, did_you_mean, plural, unknown
from portfolio.fsutil import copy_tree_atomic
from portfolio.issues import (
    Issue,
    PortfolioError,
    cap_per_file,
    file_order,
    has_errors,
    sort_issues,
)
from portfolio.journal import check_journal
from portfolio.load import (
    load_referentiels,
    load_worker,
    load_workspace,
    worker_files,
)
from portfolio.model.common import ID_PATTERN
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Worker
from portfolio.resources import WORKSPACE_FILE, demo_dir, templates_dir

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


def require_worker_id(worker_id: str) -> None:
    """SPEC §8: a worker id given on the command line (or to the web interface) is an id, never
    a path: `assess ../../x` read any `*.yaml` of the disk as a worker file.

    Every request naming a worker calls this before touching a file (usage error, exit 2).
    """
    if re.fullmatch(ID_PATTERN, worker_id) is None:
        shown = worker_id if len(worker_id) <= 60 else worker_id[:57] + "…"
        raise PortfolioError(
            f"« {shown} » n'est pas un identifiant de salarié : écrivez l'identifiant seul, "
            "jamais un chemin, tel que le nom de son fichier dans workers/ sans « .yaml » : "
            "minuscules sans accent, chiffres et tirets, en commençant par une lettre ou un "
            "chiffre (par exemple w-0042)",
            exit_code=2,
        )


def open_worker(path: Path, worker_id: str) -> tuple[Workspace, Worker]:
    """Load the shared files and one worker's file, for a request about that worker only.

    Another worker's broken file must not stop a counselor from printing this worker's dossier,
    and reading one file instead of thousands keeps the request quick.
    """
    require_worker_id(worker_id)
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
        raise unknown_worker(ws.root, worker_id)
    return ws, ws.workers[worker_id]


def unknown_worker(root: Path, worker_id: str, issues: Sequence[Issue] = ()) -> PortfolioError:
    """The error for a worker id that names no valid worker file.

    A file that exists but does not load is not an unknown worker: its located errors are what the
    counselor must fix, so they are shown instead. Otherwise the closest ids are offered (a typo
    is the usual cause), not an arbitrary list of everyone.
    """
    file = f"workers/{worker_id}.yaml"
    own = [i for i in issues if i.is_error and i.location.path == file]
    if own or (root / file).is_file():
        return PortfolioError(
            f"le fichier {file} contient des erreurs (ci-dessus) : {FIX_AND_RETRY}", issues=own
        )
    known = [f.stem for f in worker_files(root)]
    hint = did_you_mean(closest(worker_id, known))
    if not hint and known:
        more = "…" if len(known) > 8 else ""
        hint = f"salariés connus : {', '.join(known[:8])}{more}"
    elif not hint:
        hint = "aucun salarié n'est encore enregistré (créez-en un avec « portfolio worker new »)"
    return PortfolioError(
        f"salarié inconnu « {worker_id} » : il n'y a pas de fichier {file} ; {hint}",
        exit_code=1,
    )


def create_workspace(target: Path, *, demo: bool) -> None:
    """Create a workspace folder (the commented skeleton, or a copy of the demo), refusing to
    touch an existing one."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PortfolioError(
            f"« {target} » existe déjà et n'est pas vide : choisissez un nouveau dossier "
            "(rien n'a été modifié)"
        )
    if target.exists():
        target.rmdir()
    copy_tree_atomic(demo_dir() if demo else templates_dir() / "skeleton", target)


_NAME_LINE = re.compile(r"^name:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _workspace_name(folder: Path) -> str | None:
    """The `name:` line of a workspace.yaml, read as text: a demo copy whose YAML a user broke
    is still recognised (and `check` then shows where it is broken)."""
    try:
        found = _NAME_LINE.search((folder / WORKSPACE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return found.group(1) if found else None


def prepare_demo(target: Path) -> str:
    """Copy the demo workspace unless `target` already holds it (then it is reused, with the
    user's changes); says which. Another workspace there is refused: the demo would otherwise
    build its documents into it and announce « Démonstration prête »."""
    if (target / WORKSPACE_FILE).is_file():
        name = _workspace_name(target)
        if name is None or name != _workspace_name(demo_dir()):
            shown = f" (« {name} »)" if name else ""
            raise PortfolioError(
                f"{target} contient déjà un autre espace de travail{shown} que la "
                "démonstration : rien n'a été fait. Choisissez un autre dossier avec "
                f"-o DOSSIER, ou produisez les documents de cet espace avec « portfolio build "
                f"-w {target} »"
            )
        return f"Espace de démonstration déjà présent dans {target} : il est réutilisé."
    create_workspace(target, demo=True)
    return f"Espace de démonstration copié dans {target}."


def check_issues(root: Path, as_of: dt.date) -> Iterator[Issue]:
    """Load issues and every rule of SPEC §8, together, so that one run reports them all, in
    file order (`file_order`).

    The shared files are checked now; the worker files as the issues are read, streamed
    (portfolio.cohort) on every core, each worker's issues merged in its place: a federation's
    180,000 files and 300,000 warnings are checked and printed in flat memory.
    """
    ws, issues = load_workspace(root, workers=False)
    issues += check_workspace(ws, as_of, workers=())
    users, users_issues = read_users(ws.root)
    issues += users_issues + check_accounts(ws, users)
    issues += check_journal(ws.root)
    issues += check_links(ws.root)
    # Each worker's issues are all in its own file, and the files come in name order.
    workers = (
        sort_issues(cap_per_file(found)) for found in map_workers(ws.root, as_of, issues_only)
    )
    return heapq.merge(
        sort_issues(cap_per_file(issues)), chain.from_iterable(workers), key=file_order
    )


def check(root: Path, as_of: dt.date) -> list[Issue]:
    """`check_issues`, all of them."""
    return list(check_issues(root, as_of))


def issue_summary(errors: int, warnings: int) -> str:
    """The last line of `check`: « 2 erreurs, 1 avertissement. »."""
    if not errors and not warnings:
        return "Aucun problème trouvé."
    return f"{plural(errors, 'erreur')}, {plural(warnings, 'avertissement')}."


def referentiels(root: Path) -> tuple[dict[str, Referentiel], list[Issue]]:
    """The bundled référentiels, plus the workspace's own when `root` is a workspace."""
    return load_referentiels(root if (root / WORKSPACE_FILE).is_file() else None)


def find_referentiel(found: dict[str, Referentiel], ident: str) -> Referentiel:
    if ident not in found:
        raise PortfolioError(unknown("référentiel inconnu", ident, found))
    return found[ident]
