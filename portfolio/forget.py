"""Erase a worker and every output that names them (SPEC §9 `forget`, docs/donnees-personnelles.md).

Erasure is planned first, from file names only, so that the user confirms an exact list and so
that a worker file too broken to load can still be erased. Nothing is searched by content: the
documents are PDFs, and the documents that name every worker (the build's index and programme
report) are removed whole, to be made again without the person by the next `portfolio build`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio.build import MANIFEST, PROGRAMME_DIR
from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError
from portfolio.load import find_workspace
from portfolio.model.common import ID_PATTERN

DEFAULT_OUTPUT = "documents"
"""The folder `portfolio build` writes to when no -o is given, inside the workspace."""
BUILD_INDEX = "index.html"
DOC_SUFFIXES = (".pdf", ".html")


@dataclass
class ErasurePlan:
    """What `forget` deletes: files, whole folders, and manifest entries."""

    source: Path | None = None
    """The worker file, also listed in `files`: erased last."""
    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    manifests: dict[Path, list[str]] = field(default_factory=dict)
    """Manifest file → the entries to drop from it."""

    @property
    def empty(self) -> bool:
        return not (self.files or self.folders or self.manifests)


def mentions(name: str, worker: str, others: set[str]) -> bool:
    """Whether a file or folder name carries this worker's id, and not a longer id containing it.

    `w-1` is in `w-1-dossier.pdf` and `grille-w-1-p2.pdf`, not in `w-10.pdf`; `ana-b` is not in
    `ana-b-c.yaml` when a worker `ana-b-c` exists, as that file is about that other person.
    """
    for found in re.finditer(rf"(?<![a-z0-9]){re.escape(worker)}(?![a-z0-9])", name):
        start = found.start()
        longer = (
            other for other in others if len(other) > len(worker) and other.startswith(worker)
        )
        if not any(re.match(rf"{re.escape(other)}(?![a-z0-9])", name[start:]) for other in longer):
            return True
    return False


def _other_workers(root: Path, worker: str) -> set[str]:
    folder = root / "workers"
    stems = {f.stem for f in folder.glob("*.yaml")} if folder.is_dir() else set()
    return stems - {worker}


def _walk(folder: Path, worker: str, others: set[str], plan: ErasurePlan) -> None:
    """Files and folders under `folder` whose name carries the worker's id (symlinks not
    followed: a link is removed, never what it points to)."""
    for current, dirs, files in os.walk(folder):
        base = Path(current)
        for name in sorted(dirs):
            if mentions(name, worker, others):
                path = base / name
                (plan.files if path.is_symlink() else plan.folders).append(path)
        dirs[:] = sorted(d for d in dirs if not mentions(d, worker, others))
        plan.files += [base / name for name in sorted(files) if mentions(name, worker, others)]


def _manifest_entries(data: Any, drop: Callable[[list[str]], bool]) -> list[str]:
    """Document paths (keys with a « / ») to drop, at any depth, judged on their components."""
    if not isinstance(data, dict):
        return []
    dropped = []
    for key, value in data.items():
        if "/" in str(key) and drop(str(key).split("/")):
            dropped.append(str(key))
        else:
            dropped += _manifest_entries(value, drop)
    return dropped


def _read_manifest(folder: Path) -> Any:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not ours to rewrite; the next build replaces it


def _drop_from_manifest(folder: Path, drop: Callable[[list[str]], bool], plan: ErasurePlan) -> None:
    entries = _manifest_entries(_read_manifest(folder), drop)
    if entries:
        known = plan.manifests.setdefault(folder / MANIFEST, [])
        known += [e for e in entries if e not in known]


def _collective_documents(folder: Path, plan: ErasurePlan) -> None:
    """A build's index and programme report name every worker: removed whole, with their
    manifest entries, so that the next build makes them again without the person."""
    index = folder / BUILD_INDEX
    if index.is_file():
        plan.files.append(index)
    programme = folder / PROGRAMME_DIR
    if programme.is_dir():
        plan.files += sorted(p for p in programme.rglob("*") if p.is_file() or p.is_symlink())
    _drop_from_manifest(folder, lambda parts: parts[0] == PROGRAMME_DIR, plan)


def _default_named(folder: Path, worker: str, others: set[str]) -> list[Path]:
    """Documents `render` and `grid` write by default in the current folder:
    `<id>-dossier.pdf`, `<id>-portfolio.html`, `grille-<id>-<placement>.pdf`."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if not (path.is_file() and name.endswith(DOC_SUFFIXES)):
            continue
        stem = name.rsplit(".", 1)[0]
        own = stem in {f"{worker}-dossier", f"{worker}-portfolio"}
        grid = stem.startswith(f"grille-{worker}-") and mentions(stem[7:], worker, others)
        if own or grid:
            found.append(path)
    return found


def plan_erasure(root: Path, worker: str, outputs: list[Path], cwd: Path) -> ErasurePlan:
    """Everything to delete for one worker; raises when the id or an output folder is wrong."""
    root = find_workspace(root).resolve()
    if not re.fullmatch(ID_PATTERN.removeprefix("^").removesuffix("$"), worker):
        raise PortfolioError(
            f"« {worker} » n'est pas un identifiant de salarié : minuscules sans accent, chiffres "
            "et tirets, comme le nom de son fichier dans workers/ sans « .yaml »",
            exit_code=2,
        )
    for folder in outputs:
        if not folder.is_dir():
            raise PortfolioError(
                f"le dossier de documents « {folder} » n'existe pas : corrigez --output "
                "(rien n'a été effacé)",
                exit_code=2,
            )
    others = _other_workers(root, worker)
    plan = ErasurePlan()
    workers = root / "workers"
    if (workers / f"{worker}.yaml").is_file():
        plan.source = workers / f"{worker}.yaml"
    if workers.is_dir():
        _walk(workers, worker, others, plan)  # the file, editors' backups, interrupted writes
    folders = [root / DEFAULT_OUTPUT, *outputs]
    folders = list(dict.fromkeys(f.resolve() for f in folders if f.is_dir()))
    builds = [folder for folder in folders if (folder / MANIFEST).is_file()]
    for folder in folders:
        _walk(folder, worker, others, plan)
    for folder in builds:
        _drop_from_manifest(
            folder, lambda parts: any(mentions(p, worker, others) for p in parts), plan
        )
    for folder in dict.fromkeys([root, cwd.resolve()]):
        plan.files += _default_named(folder, worker, others)
    if not plan.empty:  # the worker did exist: the collective documents name them
        for folder in builds:
            _collective_documents(folder, plan)
    plan.files = list(dict.fromkeys(plan.files))
    inside = tuple(plan.folders)
    plan.files = [f for f in plan.files if not any(f.is_relative_to(d) for d in inside)]
    return plan


def erase(plan: ErasurePlan) -> None:
    """Delete the documents, then clean the manifests, then the worker file last: if this is
    interrupted, running `forget` again finds what is left."""
    for path in plan.folders:
        shutil.rmtree(path)
    for path in plan.files:
        if path != plan.source:
            path.unlink(missing_ok=True)
    for manifest, dropped in plan.manifests.items():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        write_atomic(
            manifest, json.dumps(_without(data, set(dropped)), indent=1, ensure_ascii=False) + "\n"
        )
    if plan.source is not None:
        plan.source.unlink(missing_ok=True)


def _without(data: Any, dropped: set[str]) -> Any:
    if not isinstance(data, dict):
        return data
    return {k: _without(v, dropped) for k, v in data.items() if str(k) not in dropped}
