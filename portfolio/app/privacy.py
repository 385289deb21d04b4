"""Personal data: erasing a worker and every document that names them (SPEC §9 `forget`)."""

from __future__ import annotations

from pathlib import Path

from portfolio.app.workspace import require_worker_id
from portfolio.forget import ErasurePlan, Rewrite, forget_worker, plan_erasure
from portfolio.french import closest, did_you_mean, plural
from portfolio.issues import PortfolioError
from portfolio.load import worker_files


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def _nothing_to_erase(root: Path, worker_id: str) -> PortfolioError:
    """A mistyped id must not read as « done, nothing there »: the closest ids are offered."""
    hint = did_you_mean(closest(worker_id, [f.stem for f in worker_files(root)]))
    hint = hint or "vérifiez l'identifiant."
    return PortfolioError(
        f"rien à effacer pour « {worker_id} » : aucun fichier workers/{worker_id}.yaml ni "
        f"document à son nom ; {hint} Si ses documents sont "
        "ailleurs, indiquez leur dossier avec --output"
    )


def erasure_plan(root: Path, worker_id: str, outputs: list[Path], cwd: Path) -> ErasurePlan:
    """What `forget` would erase, to confirm; refused when there is nothing under that id."""
    require_worker_id(worker_id)
    plan = plan_erasure(root, worker_id, outputs, cwd)
    if plan.empty:
        raise _nothing_to_erase(root, worker_id)
    return plan


def describe(plan: ErasurePlan, cwd: Path) -> list[str]:
    """One line per thing erased, as the confirmation and the final report show them."""
    lines = [f"dossier et son contenu : {_shown(p, cwd)}" for p in plan.folders]
    lines += [f"fichier : {_shown(p, cwd)}" for p in plan.files]
    lines += [
        f"entrées du manifeste {_shown(m, cwd)} : {', '.join(entries)}"
        for m, entries in plan.manifests.items()
    ]
    lines += [
        f"{_rewrite_words(rewrite)} : {_shown(path, cwd)}"
        for path, rewrite in plan.rewrites.items()
    ]
    return lines


def _rewrite_words(rewrite: Rewrite) -> str:
    if rewrite.kind == "timesheet":
        return f"{plural(rewrite.lines, 'ligne')} à son nom dans la feuille de temps"
    if rewrite.kind == "journal":
        return f"{plural(rewrite.lines, 'ligne')} à son identifiant dans le journal des écritures"
    names = "qui le nomme" if rewrite.lines == 1 else "qui le nomment"
    return f"{plural(rewrite.lines, 'ligne')} de commentaire {names}"


def leftovers(plan: ErasurePlan, cwd: Path) -> list[str]:
    """What still names the person and is not erased: for someone to correct or check."""
    lines = []
    for left in plan.leftovers:
        if left.line is None:
            lines.append(
                f"{_shown(left.path, cwd)} : ce lien est effacé, mais pas ce vers quoi il mène "
                "(hors de l'espace de travail et des dossiers de documents, ou partagé avec "
                "d'autres salariés) : vérifiez-le"
            )
        else:
            lines.append(f"{_shown(left.path, cwd)}, ligne {left.line} : le nomme encore")
    return lines


def forget(root: Path, worker_id: str, outputs: list[Path], cwd: Path) -> tuple[ErasurePlan, str]:
    """Erase, under the workspace's and output folders' locks, what a new plan lists (a build
    may have written documents since the confirmation); returns that plan and the closing
    reminder."""
    require_worker_id(worker_id)
    plan = forget_worker(root, worker_id, outputs, cwd)
    if plan.empty:
        raise _nothing_to_erase(root, worker_id)
    count = len(describe(plan, cwd))
    return plan, (
        f"« {worker_id} » est effacé ({plural(count, 'élément')}). Pensez aux copies faites "
        "ailleurs (clés USB, courriels, impressions)."
    )
