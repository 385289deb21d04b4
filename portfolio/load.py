"""Load a workspace: files → validated models plus located issues (SPEC §4, §8).

Nothing here raises for a user's mistake: every problem of every file becomes an `Issue`, and the
files that are valid are still returned so that later checks can run on them.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from portfolio.issues import Issue, PortfolioError, error
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Catalog, Worker, WorkspaceSettings
from portfolio.resources import referentiels_dir
from portfolio.yamlsource import SourceMap, read_yaml

M = TypeVar("M", bound=BaseModel)

WORKSPACE_FILE = "workspace.yaml"

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
    "association": "l'identifiant de l'association (voir workspace.yaml)",
    "module": "l'identifiant du module (voir catalog/)",
    "competency": "l'identifiant complet de la compétence, par exemple advf.ccp1.c3",
    "level": "un niveau de 1 à 4",
    "result": "acquis, non-acquis ou en-cours",
    "role": "tuteur, conseiller ou formateur",
    "by": "le nom de la personne qui observe",
    "evidences": "la liste des compétences bloc.compétence prouvées par la tâche",
}

_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]*$": "utilisez seulement des minuscules sans accent, des chiffres et des "
    "tirets, en commençant par une lettre ou un chiffre (par exemple « w-0042 »)",
    "^RNCP\\d+$": "un code RNCP s'écrit RNCP suivi de chiffres (par exemple RNCP37715)",
    "^[A-N]\\d{4}$": "un code ROME s'écrit une lettre de A à N puis 4 chiffres (par exemple K1304)",
}


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at `loc`, to suggest the right one after a misspelt key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


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


def _french(err: dict[str, Any], model: type[BaseModel]) -> str:
    """A pydantic error, said in French with what to do about it."""
    kind = err["type"]
    loc = err["loc"]
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    value = err.get("input")
    ctx = err.get("ctx", {})
    if kind == "missing":
        hint = _FIELD_HINTS.get(str(name))
        suffix = f" ({hint})" if hint else ""
        return f"champ obligatoire « {name} » manquant : ajoutez-le{suffix}"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        listed = f" (champs possibles ici : {', '.join(allowed)})" if allowed else ""
        return f"champ inconnu « {name} » : corrigez son orthographe ou supprimez-le{listed}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx.get("pattern", ""), f"format attendu : {ctx.get('pattern')}")
        return f"« {_show(value)} » n'est pas valide pour « {name} » : {hint}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return (
            f"« {_show(value)} » n'est pas une valeur possible de « {name} » : choisissez "
            f"parmi {expected}"
        )
    if kind.startswith("date") or kind.startswith("datetime"):
        return (
            f"« {_show(value)} » n'est pas une date valide pour « {name} » : écrivez-la "
            "AAAA-MM-JJ (par exemple 2003-01-31) et vérifiez que ce jour existe"
        )
    if kind in {
        "float_parsing",
        "float_type",
        "int_parsing",
        "int_type",
        "int_from_float",
        "finite_number",
    }:
        return (
            f"« {_show(value)} » n'est pas un nombre valide pour « {name} » : écrivez un "
            "nombre avec un point décimal, par exemple 12.5"
        )
    if kind in {"bool_parsing", "bool_type"}:
        return f"« {_show(value)} » n'est pas valide pour « {name} » : écrivez true ou false"
    if kind in {"string_type", "string_sub_type"}:
        return f"« {name} » doit être un texte : mettez la valeur entre guillemets"
    if kind == "string_too_short":
        return f"« {name} » est vide : écrivez un texte"
    if kind in {"list_type", "tuple_type"}:
        return f"« {name} » doit être une liste (lignes commençant par « - », ou [a, b])"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"« {name or 'ce bloc'} » doit être une table de champs « clé: valeur »"
    if kind == "too_short":
        return (
            f"« {name} » ne peut pas être vide : ajoutez au moins {ctx.get('min_length', 1)} "
            "élément"
        )
    if kind == "too_long":
        return f"« {name} » a trop d'éléments (au plus {ctx.get('max_length')})"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        return (
            f"« {_show(value)} » n'est pas valide pour « {name} » : la valeur doit être "
            f"{sign} {bound}"
        )
    return f"valeur invalide pour « {name} » : {err.get('msg', kind)}"


def validate(model: type[M], data: Any, source: SourceMap) -> tuple[M | None, list[Issue]]:
    """Validate parsed YAML against a model; every pydantic error mapped to its file position."""
    if not isinstance(data, dict):
        where = source.locate()
        return None, [
            error(
                where,
                "schema",
                "le fichier doit être une table de champs "
                "« clé: valeur », pas une liste ou un texte seul",
            )
        ]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            on_key = err["type"] == "extra_forbidden"
            issues.append(error(source.locate(*loc, key=on_key), "schema", _french(err, model)))
        return None, issues


def load_file(model: type[M], file: Path, display: str) -> tuple[M | None, SourceMap, list[Issue]]:
    data, source, issues = read_yaml(file, display)
    if data is None:
        return None, source, issues
    loaded, more = validate(model, data, source)
    return loaded, source, issues + more


def find_workspace(root: Path) -> Path:
    """Check that `root` holds a workspace; the message says how to get one."""
    if not root.is_dir():
        raise PortfolioError(
            f"le dossier « {root} » n'existe pas : indiquez un espace de travail avec "
            "-w DOSSIER ou la variable PORTFOLIO_WORKSPACE",
            exit_code=2,
        )
    if not (root / WORKSPACE_FILE).is_file():
        raise PortfolioError(
            f"aucun espace de travail dans « {root} » (pas de fichier {WORKSPACE_FILE}) : "
            "placez-vous dans un espace de travail, indiquez-le avec -w DOSSIER ou la variable "
            "PORTFOLIO_WORKSPACE, ou créez-en un avec « portfolio init DOSSIER »",
            exit_code=2,
        )
    return root


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_workspace(root: Path) -> tuple[Workspace, list[Issue]]:
    """Load every file of a workspace; returns what is valid and every issue found."""
    root = find_workspace(root)
    settings, source, issues = load_file(WorkspaceSettings, root / WORKSPACE_FILE, WORKSPACE_FILE)
    ws = Workspace(root=root, settings=settings)
    ws.sources[("workspace", "workspace")] = source
    issues += _load_referentiels(ws, root)
    for file in _yaml_files(root / "catalog"):
        catalog, source, found = load_file(Catalog, file, f"catalog/{file.name}")
        issues += found
        if catalog is None:
            ws.broken.add(("catalog", file.stem))
            continue
        ws.sources[("catalog", catalog.body.id)] = source
        ws.catalogs.append(catalog)
    for file in _yaml_files(root / "workers"):
        worker, source, found = load_file(Worker, file, f"workers/{file.name}")
        issues += found
        ws.sources[("worker", file.stem)] = source
        if worker is None:
            ws.broken.add(("worker", file.stem))
            continue
        ws.workers[file.stem] = worker
    return ws, issues


def _load_referentiels(ws: Workspace, root: Path) -> list[Issue]:
    issues: list[Issue] = []
    bundled = [(f, f"<référentiels fournis>/{f.name}") for f in _yaml_files(referentiels_dir())]
    local = [(f, f"referentiels/{f.name}") for f in _yaml_files(root / "referentiels")]
    for file, display in bundled + local:
        ref, source, found = load_file(Referentiel, file, display)
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
                    f"« {file.stem} » : renommez l'un ou l'autre",
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
    return issues


def load_referentiel(file: Path) -> tuple[Referentiel | None, list[Issue]]:
    ref, _, issues = load_file(Referentiel, file, file.name)
    return ref, issues
