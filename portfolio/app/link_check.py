"""`portfolio check` of the links' folders (SPEC §8 style): each `tutor-links/<id>.json`
(tutors' links, SPEC §11) and `worker-links/<id>.json` (workers' personal links, issue 20) must
be one link record of its kind, named after its id, for a worker (and, for a tutor, a
placement) that still exists.

Apart from `tutor_links.py` and `worker_links.py` because `check` must not load the recording
and document modules that making and opening a link needs (tests/test_layering.py): this module
reads the records as plain JSON, with the field rules of `tutor_links.LinkRecord` and
`worker_links.WorkerLinkRecord`, and the named workers' files with the loader `check` already
uses.

A damaged record is an error: its link no longer opens, and `forget` cannot tell whose it is.
A record whose worker or placement is gone is a warning: the link only says it leads nowhere,
but the file is left over and should go.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from portfolio.app.link_records import LINK_ID, TutorLinkState, WorkerLinkState
from portfolio.issues import Issue, Location, error, warning
from portfolio.load import load_file
from portfolio.model.common import ID_PATTERN
from portfolio.model.workspace import Worker
from portfolio.resources import TUTOR_LINKS_DIR, WORKER_LINKS_DIR

_RECORD_FILE = re.compile(LINK_ID.pattern + r"\.json")
_WORKER_ID = re.compile(ID_PATTERN)
_DELETE = "ce lien ne s'ouvre plus : supprimez ce fichier (la conseillère fera un nouveau lien)"


@dataclass(frozen=True)
class LinkKind:
    """What a folder of link records holds: its fields and states, and the French words for
    its links."""

    folder: str
    code: str
    """The start of the codes of its issues: `tutor-link-json`, `worker-link-json`…"""
    links: str
    """« des liens pour tuteurs »: whose links the folder keeps."""
    required: tuple[str, ...]
    optional: tuple[str, ...]
    states: tuple[str, ...]

    @property
    def placement(self) -> bool:
        """Whether a link names a placement, which must be in the worker's file."""
        return "placement" in self.required


TUTOR_LINKS = LinkKind(
    TUTOR_LINKS_DIR,
    "tutor-link",
    "des liens pour tuteurs",
    ("id", "worker", "placement", "created", "expires", "by", "state"),
    ("closed", "closed_by"),
    get_args(TutorLinkState),
)
WORKER_LINKS = LinkKind(
    WORKER_LINKS_DIR,
    "worker-link",
    "des liens personnels des salariés",
    ("id", "worker", "created", "expires", "by", "state"),
    ("revoked", "revoked_by"),
    get_args(WorkerLinkState),
)
_FIELD_RULES = {
    "id": "16 chiffres hexadécimaux, le nom du fichier sans .json",
    "worker": "identifiant de salarié : minuscules sans accent, chiffres et tirets",
    "placement": "identifiant de mise à disposition, par exemple p1",
    "created": "date AAAA-MM-JJ",
    "expires": "date AAAA-MM-JJ",
    "by": "identifiant de connexion de la conseillère",
    "closed": "date AAAA-MM-JJ ou null",
    "closed_by": "texte ou null",
    "revoked": "date AAAA-MM-JJ ou null",
    "revoked_by": "texte ou null",
}


def check_links(root: Path) -> list[Issue]:
    """The tutors' links, then the workers' (`check_link_folder`)."""
    placements: dict[str, set[str] | None] = {}
    return check_link_folder(root, TUTOR_LINKS, placements) + check_link_folder(
        root, WORKER_LINKS, placements
    )


def check_link_folder(
    root: Path, kind: LinkKind, placements: dict[str, set[str] | None]
) -> list[Issue]:
    """Every file of the kind's folder: a record of the right shape (errors), for a worker file
    and a placement that exist (warnings); a file that is not `<16 hex digits>.json` is not
    read, so it is pointed out. Hidden files are the atomic writes' own. `placements` keeps each
    worker's placement ids read so far (`_dangling`)."""
    folder = root / kind.folder
    if not folder.is_dir():
        return []
    issues: list[Issue] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        shown = f"{kind.folder}/{path.name}"
        if not (_RECORD_FILE.fullmatch(path.name) and path.is_file()):
            issues.append(
                warning(
                    Location(shown),
                    f"{kind.code}-file",
                    f"ce fichier n'est pas lu : le dossier {kind.folder}/ ne contient que les "
                    f"fiches {kind.links}, <identifiant>.json (16 chiffres hexadécimaux) ; "
                    "déplacez-le ou supprimez-le",
                )
            )
            continue
        record, problems = _read_record(root, kind, path, shown)
        issues += problems
        if record is not None:
            issues += _dangling(root, kind, record, shown, placements)
    return issues


def _read_record(
    root: Path, kind: LinkKind, path: Path, shown: str
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The record's fields when it has the shape of a link record of its kind, else the errors
    that say what is wrong with it."""
    if not path.resolve().is_relative_to(root.resolve()):
        return None, [
            error(
                Location(shown),
                f"{kind.code}-outside",
                "ce fichier est un lien symbolique qui mène hors de l'espace de travail : il "
                "n'est pas lu ; remplacez-le par la fiche elle-même, ou supprimez-le",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [
            error(
                Location(shown), f"{kind.code}-json", f"fiche illisible (pas en UTF-8) : {_DELETE}"
            )
        ]
    except OSError as exc:
        return None, [
            error(Location(shown), f"{kind.code}-json", f"fichier illisible : {exc.strerror}")
        ]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            error(
                Location(shown, exc.lineno, exc.colno),
                f"{kind.code}-json",
                f"fiche illisible (JSON invalide : {exc.msg}) : {_DELETE}",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            error(
                Location(shown, 1, 1),
                f"{kind.code}-record",
                f"pas une fiche de lien (un objet JSON est attendu) : {_DELETE}",
            )
        ]
    reasons = [_field_problem(kind, data, name) for name in (*kind.required, *kind.optional)]
    reasons += [
        f"champ « {str(name)[:40]} » en trop (une fiche de lien ne garde rien d'autre)"
        for name in data
        if name not in kind.required and name not in kind.optional
    ]
    found = [r for r in reasons if r is not None]
    if found:
        return None, [
            error(
                Location(shown),
                f"{kind.code}-record",
                f"fiche de lien invalide : {' ; '.join(found)} ; {_DELETE}",
            )
        ]
    expected = path.name.removesuffix(".json")
    if data["id"] != expected:
        return None, [
            error(
                Location(shown),
                f"{kind.code}-id",
                f"l'identifiant « {data['id']} » de la fiche diffère du nom du fichier "
                f"({expected}) : {_DELETE}",
            )
        ]
    return data, []


def _field_problem(kind: LinkKind, data: dict[str, Any], name: str) -> str | None:
    """What is wrong with one field of a record, in French; None when it is right."""
    if name not in data:
        return None if name in kind.optional else f"champ « {name} » manquant"
    value = data[name]
    if name in kind.optional and value is None:
        return None
    if _valid(kind, name, value):
        return None
    if name == "state":
        *others, last = kind.states
        return f"champ « state » invalide ({', '.join(others)} ou {last})"
    return f"champ « {name} » invalide ({_FIELD_RULES[name]})"


def _valid(kind: LinkKind, name: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if name == "id":
        return bool(LINK_ID.fullmatch(value))
    if name == "worker":
        return bool(_WORKER_ID.fullmatch(value))
    if name == "state":
        return value in kind.states
    if name in {"created", "expires", "closed", "revoked"}:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return bool(value.strip())


def _dangling(
    root: Path,
    kind: LinkKind,
    record: dict[str, Any],
    shown: str,
    placements: dict[str, set[str] | None],
) -> list[Issue]:
    """A warning when the record's worker file, or the placement a tutor's link names in that
    file, is gone. `placements` keeps each worker's placement ids (None: the file has errors,
    which `check` reports on its own) so that a worker's file is read once."""
    worker_id = record["worker"]
    file = root / "workers" / f"{worker_id}.yaml"
    if not file.is_file():
        return [
            warning(
                Location(shown),
                f"{kind.code}-worker",
                f"lien pour le salarié « {worker_id} », qui n'a plus de fiche "
                f"(workers/{worker_id}.yaml) : supprimez ce fichier, ou lancez « portfolio "
                f"forget {worker_id} » pour effacer tout ce qui reste de ce salarié",
            )
        ]
    if not kind.placement:
        return []
    placement = record["placement"]
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
            f"{kind.code}-placement",
            f"lien pour la mise à disposition « {placement[:40]} », absente de "
            f"workers/{worker_id}.yaml (mises à disposition : {listed}) : ce lien ne mène plus "
            "nulle part ; supprimez ce fichier",
        )
    ]
