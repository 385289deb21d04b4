"""`portfolio check` of the tutors' links folder (SPEC §8 style, SPEC §11 links): each
`tutor-links/<id>.json` must be one link record, named after its id, for a worker and a
placement that still exist.

Apart from `tutor_links.py` because `check` must not load the recording and document modules
that making and filling a link needs (tests/test_layering.py): this module reads the records as
plain JSON, with the field rules of `tutor_links.LinkRecord`, and the named workers' files
with the loader `check` already uses.

A damaged record is an error: its link no longer opens, and `forget` cannot tell whose it is.
A record whose worker or placement is gone is a warning: the link only says it leads nowhere,
but the file is left over and should go.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from portfolio.app.link_records import LINK_ID
from portfolio.issues import Issue, Location, error, warning
from portfolio.load import load_file
from portfolio.model.common import ID_PATTERN
from portfolio.model.workspace import Worker
from portfolio.resources import TUTOR_LINKS_DIR

_RECORD_FILE = re.compile(r"[0-9a-f]{16}\.json")
_WORKER_ID = re.compile(ID_PATTERN)
_STATES = ("open", "closed", "revoked")
_REQUIRED = ("id", "worker", "placement", "created", "expires", "by", "state")
_OPTIONAL = ("closed", "closed_by")
_DELETE = "ce lien ne s'ouvre plus : supprimez ce fichier (la conseillère fera un nouveau lien)"
_FIELD_RULES = {
    "id": "16 chiffres hexadécimaux, le nom du fichier sans .json",
    "worker": "identifiant de salarié : minuscules sans accent, chiffres et tirets",
    "placement": "identifiant de mise à disposition, par exemple p1",
    "created": "date AAAA-MM-JJ",
    "expires": "date AAAA-MM-JJ",
    "by": "identifiant de connexion de la conseillère",
    "state": "open, closed ou revoked",
    "closed": "date AAAA-MM-JJ ou null",
    "closed_by": "texte ou null",
}


def check_tutor_links(root: Path) -> list[Issue]:
    """Every file of `tutor-links/`: a record of the right shape (errors), for a worker file and
    a placement that exist (warnings); a file that is not `<16 hex digits>.json` is not read, so
    it is pointed out. Hidden files are the atomic writes' own."""
    folder = root / TUTOR_LINKS_DIR
    if not folder.is_dir():
        return []
    placements: dict[str, set[str] | None] = {}
    issues: list[Issue] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        shown = f"{TUTOR_LINKS_DIR}/{path.name}"
        if not (_RECORD_FILE.fullmatch(path.name) and path.is_file()):
            issues.append(
                warning(
                    Location(shown),
                    "tutor-link-file",
                    "ce fichier n'est pas lu : le dossier tutor-links/ ne contient que les fiches "
                    "des liens pour tuteurs, <identifiant>.json (16 chiffres hexadécimaux) ; "
                    "déplacez-le ou supprimez-le",
                )
            )
            continue
        record, problems = _read_record(root, path, shown)
        issues += problems
        if record is not None:
            issues += _dangling(root, record, shown, placements)
    return issues


def _read_record(root: Path, path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The record's fields when it has the shape of a link record, else the errors that say
    what is wrong with it."""
    if not path.resolve().is_relative_to(root.resolve()):
        return None, [
            error(
                Location(shown),
                "tutor-link-outside",
                "ce fichier est un lien symbolique qui mène hors de l'espace de travail : il "
                "n'est pas lu ; remplacez-le par la fiche elle-même, ou supprimez-le",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [
            error(Location(shown), "tutor-link-json", f"fiche illisible (pas en UTF-8) : {_DELETE}")
        ]
    except OSError as exc:
        return None, [
            error(Location(shown), "tutor-link-json", f"fichier illisible : {exc.strerror}")
        ]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            error(
                Location(shown, exc.lineno, exc.colno),
                "tutor-link-json",
                f"fiche illisible (JSON invalide : {exc.msg}) : {_DELETE}",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            error(
                Location(shown, 1, 1),
                "tutor-link-record",
                f"pas une fiche de lien (un objet JSON est attendu) : {_DELETE}",
            )
        ]
    reasons = [_field_problem(data, name) for name in (*_REQUIRED, *_OPTIONAL)]
    reasons += [
        f"champ « {str(name)[:40]} » en trop (une fiche de lien ne garde rien d'autre)"
        for name in data
        if name not in _REQUIRED and name not in _OPTIONAL
    ]
    found = [r for r in reasons if r is not None]
    if found:
        return None, [
            error(
                Location(shown),
                "tutor-link-record",
                f"fiche de lien invalide : {' ; '.join(found)} ; {_DELETE}",
            )
        ]
    expected = path.name.removesuffix(".json")
    if data["id"] != expected:
        return None, [
            error(
                Location(shown),
                "tutor-link-id",
                f"l'identifiant « {data['id']} » de la fiche diffère du nom du fichier "
                f"({expected}) : {_DELETE}",
            )
        ]
    return data, []


def _field_problem(data: dict[str, Any], name: str) -> str | None:
    """What is wrong with one field of a record, in French; None when it is right."""
    if name not in data:
        return None if name in _OPTIONAL else f"champ « {name} » manquant"
    value = data[name]
    if name in _OPTIONAL and value is None:
        return None
    if _valid(name, value):
        return None
    return f"champ « {name} » invalide ({_FIELD_RULES[name]})"


def _valid(name: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if name == "id":
        return bool(LINK_ID.fullmatch(value))
    if name == "worker":
        return bool(_WORKER_ID.fullmatch(value))
    if name == "state":
        return value in _STATES
    if name in {"created", "expires", "closed"}:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return bool(value.strip())


def _dangling(
    root: Path, record: dict[str, Any], shown: str, placements: dict[str, set[str] | None]
) -> list[Issue]:
    """A warning when the record's worker file, or its placement in that file, is gone.
    `placements` keeps each worker's placement ids (None: the file has errors, which `check`
    reports on its own) so that a worker's file is read once."""
    worker_id, placement = record["worker"], record["placement"]
    file = root / "workers" / f"{worker_id}.yaml"
    if not file.is_file():
        return [
            warning(
                Location(shown),
                "tutor-link-worker",
                f"lien pour le salarié « {worker_id} », qui n'a plus de fiche "
                f"(workers/{worker_id}.yaml) : supprimez ce fichier, ou lancez « portfolio "
                f"forget {worker_id} » pour effacer tout ce qui reste de ce salarié",
            )
        ]
    if worker_id not in placements:
        worker, _, _ = load_file(Worker, file, f"workers/{file.name}", root)
        placements[worker_id] = None if worker is None else {p.id for p in worker.placements}
    known = placements[worker_id]
    if known is None or placement in known:
        return []
    listed = ", ".join(sorted(known)) or "aucune"
    return [
        warning(
            Location(shown),
            "tutor-link-placement",
            f"lien pour la mise à disposition « {placement[:40]} », absente de "
            f"workers/{worker_id}.yaml (mises à disposition : {listed}) : ce lien ne mène plus "
            "nulle part ; supprimez ce fichier",
        )
    ]
