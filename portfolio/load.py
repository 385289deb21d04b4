"""Load a workspace: files → validated models plus located issues (SPEC §4, §8).

Nothing here raises for a user's mistake: every problem of every file becomes an `Issue`, and the
files that are valid are still returned so that later checks can run on them.
"""

from __future__ import annotations

import difflib
import gc
import os
import stat
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from portfolio.issues import (
    ISSUES_PER_FILE,
    Issue,
    Location,
    PortfolioError,
    cap_per_file,
    error,
    more_issues,
    warning,
)
from portfolio.model.common import RNCP_BLOCK_PATTERN
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Catalog, Worker, WorkspaceSettings
from portfolio.resources import WORKSPACE_FILE, referentiels_dir
from portfolio.yamlsource import SourceMap, read_yaml

M = TypeVar("M", bound=BaseModel)


_FIELD_HINTS = {
    "id": "un identifiant en minuscules, chiffres et tirets",
    "hours": "un nombre d'heures, par exemple 12",
    "start": "une date AAAA-MM-JJ",
    "end": "une date AAAA-MM-JJ",
    "date": "une date AAAA-MM-JJ",
    "client": "{name: …, kind: particulier|collectivite|association|entreprise}",
    "kind": "le type",
    "name": "le nom",
    "title": "l'intitulé",
    "plain": "une phrase simple « Je sais … »",
    "association": "l'identifiant de l'association, voir workspace.yaml",
    "module": "l'identifiant du module, voir le dossier catalog/",
    "competency": "l'identifiant complet de la compétence, par exemple advf.ccp1.c3",
    "level": "un niveau de 1 à 4",
    "result": "acquis, non-acquis ou en-cours",
    "role": "tuteur, conseiller ou formateur (ou tutrice, conseillère, formatrice)",
    "by": "le nom de la personne qui observe",
    "evidences": "la liste des compétences bloc.compétence prouvées par la tâche",
    "first_name": "le prénom",
    "last_name": "le nom, ou son initiale",
    "given": "true si la personne a donné son accord, sinon false",
    "axis": "technique, savoir-etre ou general",
    "track": "la filière, par exemple emplois-familiaux",
    "certification": "{kind: titre-professionnel, rncp: RNCP…}",
    "body": "{id: …, name: …} : l'organisme de formation",
    "associations": "la liste des associations intermédiaires",
    "blocks": "la liste des blocs de compétences",
    "competencies": "la liste des compétences",
    "label": "l'intitulé de la tâche",
    "task": "l'identifiant de la tâche ou un texte libre",
    "training_ratio": "[minimum, maximum], par exemple [0.10, 0.20]",
    "tasks": "{task: …, hours: …}, ou le texte de la tâche entre guillemets",
    "consent": "{given: true, date: AAAA-MM-JJ}",
    "pass_iae": "{start: AAAA-MM-JJ, end: AAAA-MM-JJ}",
    "period": "{start: AAAA-MM-JJ, end: AAAA-MM-JJ}",
    "group": "{min: 6, max: 12}",
    "min": "un nombre entier de personnes",
    "max": "un nombre entier de personnes",
}

_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]*$": "utilisez seulement des minuscules sans accent, des chiffres et des "
    "tirets, en commençant par une lettre ou un chiffre (par exemple « w-0042 »)",
    "^RNCP\\d+$": "un code RNCP s'écrit RNCP suivi de chiffres (par exemple RNCP37715)",
    RNCP_BLOCK_PATTERN: "un code de bloc RNCP s'écrit RNCP, le numéro de la fiche, BC puis le "
    "numéro du bloc (par exemple RNCP37715BC01)",
    "^[A-N]\\d{4}$": "un code ROME s'écrit une lettre de A à N puis 4 chiffres (par exemple K1304)",
}


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields sit at `loc` (None when `loc` leads out of the models)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return None
        current = _inner_model(fields[part].annotation)
        if current is None:
            return None
    return current


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at `loc`, to suggest the right one after a misspelt key."""
    return list(getattr(_model_at(model, loc), "model_fields", {}))


def _hint_for(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """How to write the field at `loc`: its model's own `FIELD_HINTS` first (an account's
    `role` is not an observation's), else the shared hints."""
    name = _field(loc)
    owner = _model_at(model, tuple(p for p in loc[:-1] if not isinstance(p, int)))
    own: dict[str, str] = getattr(owner, "FIELD_HINTS", {})
    return own.get(name) or _FIELD_HINTS.get(name)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _field(loc: tuple[Any, ...]) -> str:
    """The field an error is about: the last name in its location."""
    return next((str(p) for p in reversed(loc) if isinstance(p, str)), "")


def _subject(loc: tuple[Any, ...]) -> str:
    """How a message names the place of an error: « hours », or l'élément n°2 de « targets »."""
    if loc and isinstance(loc[-1], int):
        return f"l'élément n°{loc[-1] + 1} de « {_field(loc)} »"
    return f"« {_field(loc)} »"


def _closest(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _with_hint(hint: str | None) -> str:
    return f" ({hint})" if hint else ""


_NUMBER_ERRORS = {"float_parsing", "float_type", "finite_number"}
_INTEGER_ERRORS = {"int_parsing", "int_type", "int_from_float"}
_BOUND_SIGNS = {
    "greater_than_equal": ("≥", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("≤", "le"),
    "less_than": ("<", "lt"),
}


def _french(err: dict[str, Any], model: type[BaseModel], guess: str | None) -> str:
    """A pydantic error, said in French: what is wrong, then how to fix it (for an unknown key,
    `guess` is the field it probably meant)."""
    kind = err["type"]
    loc = tuple(err["loc"])
    name, what = _field(loc), _subject(loc)
    value = _show(err.get("input"))
    ctx = err.get("ctx", {})
    hint = _hint_for(model, loc)
    if kind == "missing" and isinstance(loc[-1], int):
        return f"il manque l'élément n°{loc[-1] + 1} de « {name} »" + (
            f" : écrivez {hint}" if hint else ""
        )
    if kind == "missing":
        return f"champ obligatoire « {name} » manquant : ajoutez-le{_with_hint(hint)}"
    if kind == "extra_forbidden":
        if guess:
            return (
                f"champ inconnu « {name} » : vouliez-vous écrire « {guess} » ? Corrigez son "
                "orthographe"
            )
        allowed = _fields_at(model, loc[:-1])
        listed = f" (champs possibles ici : {', '.join(allowed)})" if allowed else ""
        return f"champ inconnu « {name} » : supprimez-le ou corrigez son orthographe{listed}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx.get("pattern", ""), f"format attendu : {ctx.get('pattern')}")
        return f"« {value} » n'est pas valide pour {what} : {hint}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"« {value} » n'est pas une valeur possible de {what} : choisissez parmi {expected}"
    if kind.startswith(("date", "datetime")):
        return (
            f"« {value} » n'est pas une date valide pour {what} : écrivez-la AAAA-MM-JJ (par "
            "exemple 2003-01-31) et vérifiez que ce jour existe"
        )
    if kind in _NUMBER_ERRORS:
        return (
            f"« {value} » n'est pas un nombre valide pour {what} : écrivez un nombre, avec un "
            "point et non une virgule pour les décimales (par exemple 12.5)"
        )
    if kind in _INTEGER_ERRORS:
        return (
            f"« {value} » n'est pas valide pour {what} : écrivez un nombre entier{_with_hint(hint)}"
        )
    if kind in {"bool_parsing", "bool_type"}:
        return f"« {value} » n'est pas valide pour {what} : écrivez true (oui) ou false (non)"
    if kind in {"string_type", "string_sub_type"}:
        return f"{what} doit être un texte : mettez la valeur entre guillemets"
    if kind == "string_too_short":
        return f"{what} est vide : écrivez un texte"
    if kind in {"list_type", "tuple_type"}:
        return f"{what} doit être une liste : des lignes commençant par « - », ou [a, b]"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        example = _FIELD_HINTS.get(name, "")
        suffix = f", par exemple {example}" if example.startswith("{") else ""
        place = what if name else "ce bloc"
        return f"{place} doit être une table de champs « clé: valeur »{suffix}"
    if kind == "too_short":
        return f"{what} ne peut pas être vide : ajoutez au moins {ctx.get('min_length', 1)} élément"
    if kind == "too_long":
        return f"{what} a trop d'éléments : gardez-en au plus {ctx.get('max_length')}"
    if kind in _BOUND_SIGNS:
        sign, key = _BOUND_SIGNS[kind]
        return (
            f"« {value} » n'est pas valide pour {what} : la valeur doit être {sign} "
            f"{ctx.get(key)}{_with_hint(hint)}"
        )
    return f"valeur invalide pour {what} : {err.get('msg', kind)}"


def validate(model: type[M], data: Any, source: SourceMap) -> tuple[M | None, list[Issue]]:
    """Validate parsed YAML against a model; every pydantic error mapped to its file position.

    An unknown key points at the key, a bad value at the value, a missing field at the mapping
    that lacks it. A misspelt key is reported once, as unknown with the right spelling: the
    "missing" error for the field it was meant to be is left out.

    Only the first ISSUES_PER_FILE errors, in file order, are said in full, the others counted
    in one more: saying 150,000 unknown keys in French took 16 s (a spelling guess is a fuzzy
    comparison with every field).
    """
    if not isinstance(data, dict):
        return None, [
            error(
                source.locate(),
                "schema",
                "le fichier doit être une table de champs « clé: valeur » (une ligne "
                "« champ: valeur » par champ), pas une liste ou un texte seul",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    located = sorted(
        (source.locate(*err["loc"], key=err["type"] == "extra_forbidden"), order, err)
        for order, err in enumerate(errors)
    )
    guesses: dict[tuple[Any, ...], str | None] = {}
    for _, _, err in located:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and len(guesses) < ISSUES_PER_FILE:
            guesses[loc] = _closest(_field(loc), _fields_at(model, loc[:-1]))
    misspelt = {(*loc[:-1], guess) for loc, guess in guesses.items() if guess}
    shown = [
        (where, err)
        for where, _, err in located
        if not (err["type"] == "missing" and tuple(err["loc"]) in misspelt)
    ]
    issues = [
        error(where, "schema", _french(err, model, guesses.get(tuple(err["loc"]))))
        for where, err in shown[:ISSUES_PER_FILE]
    ]
    if len(shown) > ISSUES_PER_FILE:
        issues.append(
            more_issues(shown[ISSUES_PER_FILE][0], len(shown) - ISSUES_PER_FILE, ISSUES_PER_FILE)
        )
    return None, issues


def load_file(
    model: type[M], file: Path, display: str, workspace: Path | None = None
) -> tuple[M | None, SourceMap, list[Issue]]:
    """Read and validate one file; a file of `workspace` is read only from inside it.

    The issues of reading and of validating are each listed up to ISSUES_PER_FILE, the others
    counted.
    """
    refused = _unconfined(workspace, file, display) if workspace is not None else None
    if refused is not None:
        return None, SourceMap(display), [refused]
    data, source, issues = read_yaml(file, display)
    if data is None and issues:  # unreadable; a file holding only `null` is validated below
        return None, source, cap_per_file(issues)
    loaded, more = validate(model, data, source)
    return loaded, source, cap_per_file(issues) + more


def _has_link(workspace: Path, file: Path) -> bool:
    """Whether the file, or a folder between it and the workspace, is a symbolic link: two
    `lstat` where resolving every path took 0.1 ms a file. A path not written from the
    workspace's, or climbing with « .. », is judged by resolving it."""
    parts, top = file.parts, workspace.parts
    if ".." in parts:
        return True
    if len(parts) > len(top) and parts[: len(top)] == top:  # the usual case: no path to compare
        current = file
        for _ in range(len(parts) - len(top)):
            if current.is_symlink():
                return True
            current = current.parent
        return False
    current = file
    while current != workspace:
        if current.is_symlink() or current == current.parent:
            return True
        current = current.parent
    return False


def _unconfined(workspace: Path, file: Path, display: str) -> Issue | None:
    """SPEC §8: workspace files are read only inside the workspace.

    A link to /etc/shadow in workers/ had its lines printed by `check` as unknown keys, so a file
    that leads outside is refused before a byte of it is read, and the message names neither
    its target nor its content. A FIFO would block the reading forever: it is refused too (a
    missing file or a folder is `read_yaml`'s to report).
    """
    where = Location(display, 1, 1)
    try:
        inside = not _has_link(workspace, file) or file.resolve(strict=True).is_relative_to(
            workspace.resolve(strict=True)
        )
    except (OSError, RuntimeError):  # a dangling link, or a loop of links
        return error(
            where,
            "file-link",
            "ce fichier est un lien symbolique qui ne mène à aucun fichier : il n'est pas lu ; "
            "supprimez le lien ou remplacez-le par le fichier lui-même",
        )
    if not inside:
        return error(
            where,
            "file-outside",
            "ce fichier est un lien symbolique qui mène hors de l'espace de travail : il n'est "
            "pas lu ; placez une copie du fichier dans l'espace de travail, à la place du lien",
        )
    try:
        mode = file.stat().st_mode
    except OSError:
        return None  # a missing or unreadable file: read_yaml says which
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a folder too is read_yaml's to report
        return error(
            where,
            "file-kind",
            "ce n'est pas un fichier ordinaire (mais un tube ou un périphérique) : il n'est pas "
            "lu ; remplacez-le par un fichier YAML",
        )
    return None


def find_workspace(root: Path) -> Path:
    """Check that `root` holds a workspace; the message says how to get one (SPEC §4)."""
    shown = f"« {root} »" if str(root) != "." else f"le dossier courant ({Path.cwd()})"
    how = (
        "indiquez le dossier de l'espace de travail avec -w DOSSIER ou la variable "
        "PORTFOLIO_WORKSPACE, ou créez-en un avec « portfolio init DOSSIER »"
    )
    if root.is_file():
        raise PortfolioError(f"{shown} est un fichier, pas un dossier : {how}", exit_code=2)
    if not root.is_dir():
        raise PortfolioError(f"le dossier {shown} n'existe pas : {how}", exit_code=2)
    if not (root / WORKSPACE_FILE).is_file():
        raise PortfolioError(
            f"aucun espace de travail dans {shown} (pas de fichier {WORKSPACE_FILE}) : "
            f"placez-vous dans un espace de travail, ou {how}",
            exit_code=2,
        )
    return root


def _yaml_files(folder: Path) -> list[Path]:
    return [folder / name for name in _yaml_names(folder)]


def _yaml_names(folder: Path) -> list[str]:
    """The names of the folder's `*.yaml` files, in the order of `sorted(folder.glob("*.yaml"))`
    but in half the time: a federation has 180,000 worker files."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted(entry.name for entry in entries if entry.name.endswith(".yaml"))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Loading builds millions of small objects without reference cycles, and each automatic
    collection walks all those already loaded: 5,000 workers loaded 1.5 times slower."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_workspace(root: Path, *, workers: bool = True) -> tuple[Workspace, list[Issue]]:
    """Load every file of a workspace; returns what is valid and every issue found.

    With `workers=False`, worker files are left for `portfolio.cohort` to stream one by one,
    which keeps memory flat on a federation-sized workspace.
    """
    with _cyclic_gc_paused():
        return _load_workspace(find_workspace(root), workers)


def load_worker(ws: Workspace, file: Path) -> tuple[Worker | None, list[Issue]]:
    """Load one worker file into `ws`, keeping its positions for located issues."""
    worker, source, issues = load_file(Worker, file, f"workers/{file.name}", ws.root)
    ws.sources[("worker", file.stem)] = source
    if worker is None:
        ws.broken.add(("worker", file.stem))
    else:
        ws.workers[file.stem] = worker
    return worker, issues


def worker_files(root: Path) -> list[Path]:
    return _yaml_files(root / "workers")


def worker_file_names(root: Path) -> list[str]:
    """The names of `worker_files`, in the same order: 180,000 paths take time to make."""
    return _yaml_names(root / "workers")


def _load_workspace(root: Path, workers: bool) -> tuple[Workspace, list[Issue]]:
    settings, source, issues = load_file(
        WorkspaceSettings, root / WORKSPACE_FILE, WORKSPACE_FILE, root
    )
    ws = Workspace(root=root, settings=settings)
    ws.sources[("workspace", "workspace")] = source
    issues += _load_referentiels(ws, root)
    issues += _load_catalogs(ws, root)
    issues += _misnamed_files(root)
    for file in worker_files(root) if workers else ():
        issues += load_worker(ws, file)[1]
    return ws, issues


def _misnamed_files(root: Path) -> list[Issue]:
    """Only `*.yaml` files are read: a `w-0042.yml` would silently be no worker at all.

    Names are filtered before anything touches the disk: a federation's `workers/` holds
    180,000 files, and making and stat-ing a `Path` for each took 10 s in every process."""
    issues = []
    for folder in ("workers", "catalog", "referentiels"):
        directory = root / folder
        if not directory.is_dir():
            continue
        with os.scandir(directory) as entries:
            misnamed = sorted(
                entry.name for entry in entries if _misnamed(entry.name) and entry.is_file()
            )
        for name in misnamed:
            issues.append(
                warning(
                    Location(f"{folder}/{name}", 1, 1),
                    "ignored-file",
                    f"fichier ignoré : seuls les fichiers en .yaml sont lus ; renommez-le "
                    f"en {Path(name).stem}.yaml",
                )
            )
    return issues


def _misnamed(name: str) -> bool:
    if name.endswith(".yaml") or not name.lower().endswith((".yml", ".yaml")):
        return False
    return Path(name).suffix != ""  # a bare `.yml` is a hidden file, not a misnamed one


def _load_catalogs(ws: Workspace, root: Path) -> list[Issue]:
    """One file per training body (SPEC §4); a body described twice would mix two catalogues."""
    issues: list[Issue] = []
    for file in _yaml_files(root / "catalog"):
        catalog, source, found = load_file(Catalog, file, f"catalog/{file.name}", root)
        issues += found
        if catalog is None:
            ws.broken.add(("catalog", file.stem))
            continue
        first = ws.sources.get(("catalog", catalog.body.id))
        if first is not None:
            issues.append(
                error(
                    source.locate("body", "id"),
                    "duplicate-id",
                    f"l'organisme « {catalog.body.id} » est déjà décrit dans {first.path} : "
                    "réunissez ses modules dans un seul fichier ou changez son identifiant",
                )
            )
            continue
        ws.sources[("catalog", catalog.body.id)] = source
        ws.catalogs.append(catalog)
    return issues


def load_referentiels(root: Path | None = None) -> tuple[dict[str, Referentiel], list[Issue]]:
    """The bundled référentiels, plus a workspace's own when `root` is given (SPEC §3)."""
    ws = Workspace(root=root or Path("."), settings=None)
    issues = _load_referentiels(ws, root)
    return ws.referentiels, issues


def _load_referentiels(ws: Workspace, root: Path | None) -> list[Issue]:
    issues: list[Issue] = []
    bundled = [
        (f, f"<référentiels fournis>/{f.name}", None) for f in _yaml_files(referentiels_dir())
    ]
    own = _yaml_files(root / "referentiels") if root is not None else []
    local = [(f, f"referentiels/{f.name}", root) for f in own]
    for file, display, workspace in bundled + local:
        ref, source, found = load_file(Referentiel, file, display, workspace)
        issues += found
        if ref is None:
            ws.broken.add(("referentiel", file.stem))
            continue
        if ref.id != file.stem:
            issues.append(
                error(
                    source.locate("id"),
                    "referentiel-id",
                    f"l'identifiant « {ref.id} » doit être égal au nom du fichier "
                    f"« {file.stem} » : renommez le fichier en {ref.id}.yaml ou corrigez "
                    "l'identifiant",
                )
            )
        if ref.id in ws.referentiels:
            first = ws.sources[("referentiel", ref.id)].path
            issues.append(
                error(
                    source.locate("id"),
                    "referentiel-duplicate",
                    f"le référentiel « {ref.id} » est déjà défini dans {first} : "
                    "changez son identifiant ou supprimez ce fichier",
                )
            )
            continue
        ws.referentiels[ref.id] = ref
        ws.sources[("referentiel", ref.id)] = source
        if workspace is not None:
            ws.own_referentiels.add(ref.id)
    return issues


def load_referentiel(file: Path) -> tuple[Referentiel | None, list[Issue]]:
    ref, _, issues = load_file(Referentiel, file, file.name)
    return ref, issues
