"""Every rule of SPEC §8, one function each, returning located issues.

`check_workspace` runs them all; `check_worker` runs those about one worker file, which
`assess --json` also reports as the worker's warnings.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from portfolio.assess import training_hours
from portfolio.french import fold, fr_date, fr_number, message_hours, message_percent, plural
from portfolio.issues import CONTROL_CHARACTERS, Issue, error, sort_issues, warning
from portfolio.match import Tokens, normalise, prorata, workspace_vocabulary
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Period, Placement, Worker

COMPANY_CAP_HOURS = 480
COMPANY_CAP_MONTHS = 24


def _duplicates(ids: Iterable[str]) -> list[tuple[int, str]]:
    """(index, id) of every id already seen earlier in the list."""
    seen: set[str] = set()
    found = []
    for index, ident in enumerate(ids):
        if ident in seen:
            found.append((index, ident))
        seen.add(ident)
    return found


# --- référentiels -------------------------------------------------------------------------------


def check_referentiel(ws: Workspace, ref: Referentiel) -> list[Issue]:
    def at(*loc: Any) -> Any:
        return ws.locate("referentiel", ref.id, *loc)

    issues = [
        error(
            at("blocks", i, "id"),
            "duplicate-id",
            f"le bloc « {ident} » est défini deux fois : renommez l'un des deux",
        )
        for i, ident in _duplicates(b.id for b in ref.blocks)
    ]
    for b, block in enumerate(ref.blocks):
        issues += [
            error(
                at("blocks", b, "competencies", i, "id"),
                "duplicate-id",
                f"la compétence « {ident} » est définie deux fois dans le bloc « {block.id} » : "
                "renommez l'une des deux",
            )
            for i, ident in _duplicates(c.id for c in block.competencies)
        ]
    issues += [
        error(
            at("tasks", i, "id"),
            "duplicate-id",
            f"la tâche « {ident} » est définie deux fois : renommez l'une des deux",
        )
        for i, ident in _duplicates(t.id for t in ref.tasks)
    ]
    local = {f"{b.id}.{c.id}" for b, c in ref.competencies()}
    evidenced: set[str] = set()
    for t, task in enumerate(ref.tasks):
        for e, target in enumerate(task.evidences):
            if target in local:
                evidenced.add(target)
            else:
                issues.append(
                    error(
                        at("tasks", t, "evidences", e),
                        "unknown-competency",
                        f"la tâche « {task.id} » renvoie à la compétence inconnue "
                        f"« {target} » : écrivez bloc.compétence, parmi "
                        f"{_sample(sorted(local))}",
                    )
                )
    for b, block in enumerate(ref.blocks):
        for c, comp in enumerate(block.competencies):
            min_hours, observation = ref.rule(comp)
            if f"{block.id}.{comp.id}" not in evidenced and not (observation and min_hours == 0):
                issues.append(
                    error(
                        at("blocks", b, "competencies", c, "id"),
                        "unreachable",
                        f"la compétence « {block.id}.{comp.id} » ne peut être prouvée "
                        "par aucune tâche : ajoutez-la aux « evidences » d'une tâche ; si "
                        "elle ne se prouve que par observation, écrivez sous elle "
                        "evidence: {min_hours: 0, observation: true}",
                    )
                )
    return issues


def check_block_codes(ws: Workspace, ref: Referentiel) -> list[Issue]:
    """SPEC §3: a block's RNCP code (`RNCP37715BC01`) names a block of the référentiel's own
    fiche (`certification.rncp`), and no two blocks share one: `assess --json` and the
    credentials carry it for other systems to join on, so a wrong one would join wrongly."""
    fiche = ref.certification.rncp
    owners: dict[str, str] = {}
    issues = []
    for b, block in enumerate(ref.blocks):
        code = block.rncp
        if code is None:
            continue
        where = ws.locate("referentiel", ref.id, "blocks", b, "rncp")
        its_fiche = code.partition("BC")[0]
        if fiche is None:
            issues.append(
                error(
                    where,
                    "block-code",
                    f"le bloc « {block.id} » a le code RNCP « {code} », mais le référentiel ne "
                    f"dit pas de quelle fiche il vient : ajoutez rncp: {its_fiche} sous "
                    "« certification », ou retirez le code du bloc",
                )
            )
        elif its_fiche != fiche:
            issues.append(
                error(
                    where,
                    "block-code",
                    f"le bloc « {block.id} » a le code RNCP « {code} », qui n'est pas un bloc "
                    f"de la fiche {fiche} du référentiel (certification.rncp) : écrivez "
                    f"{fiche}BC suivi du numéro du bloc (par exemple {fiche}BC01), ou corrigez "
                    "certification.rncp",
                )
            )
        if code in owners:
            issues.append(
                error(
                    where,
                    "duplicate-id",
                    f"le code RNCP « {code} » est déjà celui du bloc « {owners[code]} » : chaque "
                    "bloc a son propre code, corrigez l'un des deux",
                )
            )
        else:
            owners[code] = block.id
    return issues


SHORT_PHRASE_CHARACTERS = 3
"""A label or synonym that normalises to one word this short (« biberons » → « bib ») is a
stem that unrelated words share; abbreviations (« wc », « cv ») are no safer."""
SHOWN_COLLISIONS = 3


@dataclass(frozen=True)
class _Phrase:
    """A task's label (`position` 0) or one of its synonyms, as SPEC §5.1 matches it."""

    referentiel: Referentiel
    task: int
    position: int
    text: str
    tokens: Tokens

    @property
    def task_id(self) -> str:
        return f"{self.referentiel.id}.{self.referentiel.tasks[self.task].id}"

    @property
    def loc(self) -> tuple[str | int, ...]:
        if self.position == 0:
            return ("tasks", self.task, "label")
        return ("tasks", self.task, "synonyms", self.position - 1)

    def describe(self) -> str:
        what = "l'intitulé" if self.position == 0 else "le synonyme"
        return f"{what} « {self.text} » de la tâche « {self.task_id} »"


def _assessed_together(a: Referentiel, b: Referentiel) -> bool:
    """Two référentiels whose tasks every worker of one of them meets: the same file, or a
    transversal one (always assessed). Two trades meet only for a worker who targets both, and
    there a shared phrase usually means the same work."""
    return a.id == b.id or "transversal" in (a.track, b.track)


def check_task_phrases(ws: Workspace) -> list[Issue]:
    """SPEC §5.1 resolves an entry to every task whose normalised label or synonym occurs in it,
    so a phrase that is too short, or that occurs in another task's phrase, makes entries count
    for tasks they do not describe and splits their hours: warn where the phrase is written.

    Only phrases of the workspace's own référentiels are judged (compared with every other): the
    bundled ones pass this rule by test (tests/test_bundled.py), and stemming all of them would
    add about half a second to every `check`."""
    if not ws.own_referentiels:
        return []
    phrases = [
        _Phrase(ref, t, n, text, normalise(text))
        for ref in ws.referentiels.values()
        for t, task in enumerate(ref.tasks)
        for n, text in enumerate([task.label, *task.synonyms])
    ]
    order = {id(p): n for n, p in enumerate(phrases)}
    by_tokens: dict[Tokens, list[_Phrase]] = defaultdict(list)
    for phrase in phrases:
        by_tokens[phrase.tokens].append(phrase)
    containing: dict[int, list[_Phrase]] = defaultdict(list)
    for outer in phrases:
        size = len(outer.tokens)
        runs = {outer.tokens[i:j] for i in range(size) for j in range(i + 1, size + 1)}
        for run in runs:
            for inner in by_tokens.get(run, ()):
                if (
                    inner.task_id != outer.task_id
                    and _assessed_together(inner.referentiel, outer.referentiel)
                    and (run != outer.tokens or order[id(inner)] > order[id(outer)])
                ):
                    containing[id(inner)].append(outer)
    issues = []
    for phrase in phrases:
        if phrase.referentiel.id not in ws.own_referentiels:
            continue
        where = ws.locate("referentiel", phrase.referentiel.id, *phrase.loc)
        message = _short_phrase(phrase) or _colliding_phrase(phrase, containing[id(phrase)])
        if message:
            issues.append(warning(where, "task-phrase", message))
    return issues


def _short_phrase(phrase: _Phrase) -> str | None:
    if not phrase.tokens:
        return (
            f"{phrase.describe()} ne contient que des petits mots (le, de, et…) ou de la "
            "ponctuation : il ne reconnaît aucune entrée ; écrivez les mots qui disent la tâche "
            "ou retirez-le"
        )
    (first, *rest) = phrase.tokens
    if not rest and len(first) <= SHORT_PHRASE_CHARACTERS:
        return (
            f"{phrase.describe()} se réduit à « {first} » une fois normalisé : trop court pour "
            "être sûr, il reconnaîtrait des entrées sans rapport ; précisez-le avec le geste ou "
            "l'objet (« nettoyage des wc » plutôt que « wc ») ou retirez-le"
        )
    return None


def _colliding_phrase(phrase: _Phrase, others: list[_Phrase]) -> str | None:
    if not others:
        return None
    equal = [o for o in others if o.tokens == phrase.tokens]
    if equal:
        other = equal[0]
        return (
            f"{phrase.describe()} reconnaît les mêmes entrées que « {other.text} » (tâche "
            f"« {other.task_id} ») : chaque entrée compterait pour les deux tâches et "
            "partagerait ses heures entre elles ; gardez cette formulation pour une seule tâche"
        )
    shown = " ; ".join(f"« {o.text} » ({o.task_id})" for o in others[:SHOWN_COLLISIONS])
    more = len(others) - SHOWN_COLLISIONS
    if more > 0:
        shown += f" et {plural(more, 'autre')}"
    return (
        f"{phrase.describe()} se retrouve dans {shown} : une entrée écrite ainsi compterait "
        f"aussi pour « {phrase.task_id} » et partagerait ses heures ; allongez-le pour qu'il "
        "ne dise que sa tâche, ou retirez-le"
    )


def _sample(ids: list[str], size: int = 6) -> str:
    shown = ", ".join(ids[:size])
    return shown + (", …" if len(ids) > size else "")


def _choose(ident: str, known: Iterable[str], among: str, size: int = 8) -> str:
    """The fix for an unknown id: the closest known one if any, then the ids to choose from."""
    ids = sorted(known)
    guess = difflib.get_close_matches(ident, ids, n=1, cutoff=0.6)
    listing = f"{among} : {_sample(ids, size)}" if ids else f"{among} : (aucun pour l'instant)"
    if guess:
        return f"vouliez-vous écrire « {guess[0]} » ? Sinon, {listing}"
    return listing


# --- workspace settings and catalogues ----------------------------------------------------------


def check_settings(ws: Workspace) -> list[Issue]:
    if ws.settings is None:
        return []

    def at(*loc: Any, key: bool = False) -> Any:
        return ws.locate("workspace", "workspace", *loc, key=key)

    issues = [
        error(
            at("associations", i, "id"),
            "duplicate-id",
            f"l'association « {ident} » est définie deux fois : renommez l'une des deux",
        )
        for i, ident in _duplicates(a.id for a in ws.settings.associations)
    ]
    settings = ws.settings.settings
    low, high = settings.training_ratio
    if not 0 <= low <= high:
        issues.append(
            error(
                at("settings", "training_ratio"),
                "ratio",
                "training_ratio doit être [minimum, maximum] avec 0 ≤ minimum ≤ "
                "maximum, par exemple [0.10, 0.20]",
            )
        )
    if settings.training_budget_hours <= 0:
        issues.append(
            error(
                at("settings", "training_budget_hours"),
                "hours",
                "training_budget_hours doit être un nombre d'heures plus grand que 0",
            )
        )
    if settings.programme_target_hours is not None and settings.programme_target_hours <= 0:
        issues.append(
            error(
                at("settings", "programme_target_hours"),
                "hours",
                "programme_target_hours doit être un nombre d'heures plus grand que 0",
            )
        )
    period = settings.period
    if period is not None and period.end < period.start:
        issues.append(
            _end_before_start(
                at("settings", "period", "end"), "la période", period.start, period.end
            )
        )
    return issues


def _end_before_start(where: Any, what: str, start: dt.date, end: dt.date) -> Issue:
    return error(
        where,
        "end-before-start",
        f"{what} se termine le {fr_date(end)}, avant son début le {fr_date(start)} : "
        "corrigez l'une des deux dates",
    )


def check_catalogs(ws: Workspace) -> list[Issue]:
    issues: list[Issue] = []
    seen_modules: dict[str, str] = {}
    for catalog in ws.catalogs:
        body = catalog.body.id

        def at(*loc: Any, body: str = body) -> Any:
            return ws.locate("catalog", body, *loc)

        for m, module in enumerate(catalog.modules):
            if not module.id.startswith(f"{body}."):
                issues.append(
                    error(
                        at("modules", m, "id"),
                        "module-id",
                        f"l'identifiant du module « {module.id} » doit commencer par "
                        f"celui de l'organisme suivi d'un point, par exemple "
                        f"« {body}.{module.id.split('.')[-1]} »",
                    )
                )
            if module.id in seen_modules:
                issues.append(
                    error(
                        at("modules", m, "id"),
                        "duplicate-id",
                        f"le module « {module.id} » est déjà défini dans "
                        f"{seen_modules[module.id]} : renommez l'un des deux",
                    )
                )
            seen_modules.setdefault(module.id, at().path)
            if module.hours <= 0:
                issues.append(
                    _not_positive(
                        at("modules", m, "hours"), f"le module « {module.id} »", module.hours
                    )
                )
            if module.group and module.group.min > module.group.max:
                issues.append(
                    error(
                        at("modules", m, "group"),
                        "group",
                        f"le groupe du module « {module.id} » a un minimum "
                        f"({module.group.min}) plus grand que son maximum "
                        f"({module.group.max}) : corrigez-les",
                    )
                )
            for c, comp in enumerate(module.competencies):
                if comp not in ws.competency_index and not _refers_to_broken(ws, comp):
                    issues.append(
                        _unknown_competency(ws, at("modules", m, "competencies", c), comp)
                    )
    return issues


def _not_positive(where: Any, what: str, hours: float) -> Issue:
    return error(
        where,
        "hours",
        f"{what} compte {message_hours(hours)} : écrivez un nombre d'heures plus grand que 0",
    )


def _refers_to_broken(ws: Workspace, full_id: str) -> bool:
    return ws.is_broken("referentiel", full_id.split(".", 1)[0])


def _unknown_competency(ws: Workspace, where: Any, comp: str) -> Issue:
    """Name the closest level that exists: the block's competencies, the référentiel's blocks,
    or the référentiels."""
    ref_id, _, rest = comp.partition(".")
    ref = ws.referentiels.get(ref_id)
    if ref is None:
        hint = f"le référentiel « {ref_id} » n'existe pas : " + _choose(
            ref_id, ws.referentiels, "choisissez parmi les référentiels", size=12
        )
    else:
        block_id = rest.partition(".")[0]
        block = next((b for b in ref.blocks if b.id == block_id), None)
        if block is None:
            blocks = [ref.full_id(b) for b in ref.blocks]
            hint = f"les blocs de « {ref_id} » sont {', '.join(blocks)}"
        else:
            comps = [ref.full_id(block, c) for c in block.competencies]
            hint = f"le bloc « {ref.full_id(block)} » contient {', '.join(comps)}"
        hint += f" (détail : « portfolio referentiels {ref_id} »)"
    return error(
        where,
        "unknown-competency",
        f"compétence inconnue « {comp} » : écrivez référentiel.bloc.compétence ; {hint}",
    )


# --- workers ------------------------------------------------------------------------------------

WorkerCheck = Callable[[Workspace, str, Worker, dt.date], list[Issue]]


def check_identity(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    issues = []
    at = _worker_at(ws, stem)
    if worker.id != stem:
        issues.append(
            error(
                at("id"),
                "worker-id",
                f"l'identifiant « {worker.id} » doit être égal au nom du fichier "
                f"« {stem} » : renommez le fichier en {worker.id}.yaml ou corrigez "
                "l'identifiant",
            )
        )
    known = {a.id for a in ws.settings.associations} if ws.settings else set()
    if ws.settings and worker.association not in known:
        issues.append(
            error(
                at("association"),
                "unknown-association",
                f"association inconnue « {worker.association} » : "
                + _choose(worker.association, known, "choisissez parmi celles de workspace.yaml"),
            )
        )
    for t, target in enumerate(worker.targets):
        if target not in ws.referentiels and not ws.is_broken("referentiel", target):
            issues.append(
                error(
                    at("targets", t),
                    "unknown-target",
                    f"référentiel visé inconnu « {target} » : "
                    + _choose(target, ws.referentiels, "choisissez parmi les référentiels", size=12)
                    + " (« portfolio referentiels » les décrit)",
                )
            )
    if worker.consent is None:
        issues.append(
            warning(
                at("id"),
                "consent",
                "aucun consentement enregistré pour le traitement de ses données personnelles : "
                "recueillez-le, puis ajoutez consent: {given: true, date: AAAA-MM-JJ}",
            )
        )
    elif not worker.consent.given:
        issues.append(
            warning(
                at("consent", "given"),
                "consent",
                "consentement au traitement de ses données non donné (given: false) : "
                "recueillez-le avant de produire ses documents, puis écrivez given: true et "
                "la date",
            )
        )
    if worker.pass_iae and worker.pass_iae.end < worker.pass_iae.start:
        issues.append(
            _end_before_start(
                at("pass_iae", "end"), "le PASS IAE", worker.pass_iae.start, worker.pass_iae.end
            )
        )
    return issues


def _worker_at(ws: Workspace, stem: str) -> Callable[..., Any]:
    def at(*loc: Any, key: bool = False) -> Any:
        return ws.locate("worker", stem, *loc, key=key)

    return at


def check_placements(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    at = _worker_at(ws, stem)
    issues = [
        error(
            at("placements", i, "id"),
            "duplicate-id",
            f"la mise à disposition « {ident} » est définie deux fois : renommez l'une des deux",
        )
        for i, ident in _duplicates(p.id for p in worker.placements)
    ]
    for p, placement in enumerate(worker.placements):
        what = f"la mise à disposition « {placement.id} »"
        if placement.end < placement.start:
            issues.append(
                _end_before_start(at("placements", p, "end"), what, placement.start, placement.end)
            )
        if placement.hours <= 0:
            issues.append(_not_positive(at("placements", p, "hours"), f"{what}", placement.hours))
        explicit = 0.0
        for e, entry in enumerate(placement.tasks):
            if entry.hours is not None:
                explicit += entry.hours
                if entry.hours <= 0:
                    issues.append(
                        _not_positive(
                            at("placements", p, "tasks", e, "hours"),
                            f"la tâche « {entry.task} »",
                            entry.hours,
                        )
                    )
        if explicit > placement.hours > 0:
            issues.append(
                error(
                    at("placements", p, "tasks"),
                    "task-hours",
                    f"les heures des tâches de {what} ({message_hours(explicit)}) dépassent "
                    f"ses heures ({message_hours(placement.hours)}) : corrigez les heures "
                    "des tâches ou de la mise à disposition",
                )
            )
        if _outside_pass_iae(placement, worker.pass_iae):
            issues.append(
                warning(
                    at("placements", p, "start"),
                    "pass-iae",
                    f"{what} ({fr_date(placement.start)} – "
                    f"{fr_date(placement.end)}) sort de la période du PASS IAE "
                    f"({fr_date(worker.pass_iae.start)} – {fr_date(worker.pass_iae.end)}) : une "
                    "AI ne peut pas proposer de mission sans PASS IAE valide ; "
                    "vérifiez les dates ou faites prolonger le PASS",
                )
            )
    return issues + _overlaps(at, worker.placements)


def _outside_pass_iae(placement: Placement, pass_iae: Period | None) -> bool:
    """Only judged when both periods are well formed: an inverted one is already an error."""
    if pass_iae is None or pass_iae.end < pass_iae.start or placement.end < placement.start:
        return False
    return placement.start < pass_iae.start or placement.end > pass_iae.end


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def client_key(name: str) -> str:
    """SPEC §8, "the same client": names equal once lower-cased, without accents or ligatures,
    every run of other characters than letters and digits made one space (and none at the
    ends): « Commune de Gleizé » and « commune de gleize » are one client, whatever kind each
    placement records. The one answer to "same client?": the overlap and company-cap rules ask
    it here, so `log` and `import`, judged by these rules, refuse what `check` reports.
    Remembered: the rules ask it three times a placement, and clients come back."""
    return _NOT_LETTER_OR_DIGIT.sub(" ", fold(name)).strip()


def _overlaps(at: Callable[..., Any], placements: list[Placement]) -> list[Issue]:
    """Each placement against the earlier ones at the same client only: comparing every pair
    took minutes for a (hostile) file of 20,000 placements."""
    issues = []
    seen: dict[str, list[Placement]] = {}
    for j, later in enumerate(placements):
        same_client = seen.setdefault(client_key(later.client.name), [])
        same_client.append(later)
        for earlier in same_client[:-1]:
            if later.start <= earlier.end and earlier.start <= later.end:
                spelling = (
                    f" (écrit « {earlier.client.name} » dans « {earlier.id} »)"
                    if earlier.client.name != later.client.name
                    else ""
                )
                issues.append(
                    error(
                        at("placements", j, "start"),
                        "overlap",
                        f"la mise à disposition « {later.id} » chevauche « "
                        f"{earlier.id} » chez le même client {later.client.name}{spelling} "
                        f"(du {fr_date(earlier.start)} au {fr_date(earlier.end)}) : "
                        "fusionnez-les ou corrigez les dates",
                    )
                )
                break
    return issues


def check_task_entries(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """SPEC §5.2: an entry that resolves to no task is a warning with suggestions."""
    at = _worker_at(ws, stem)
    vocab = workspace_vocabulary(ws, ws.assessed_referentiels(worker))
    issues = []
    for p, placement in enumerate(worker.placements):
        for e, entry in enumerate(placement.tasks):
            if vocab.resolve(entry.task):
                continue
            suggestions = vocab.suggest(entry.task)
            hint = (
                "si c'est l'une de ces tâches, écrivez son identifiant (entre parenthèses) : "
                + " ; ".join(suggestions)
                if suggestions
                else "écrivez l'identifiant d'une tâche (voir « portfolio referentiels ID »)"
            )
            issues.append(
                warning(
                    at("placements", p, "tasks", e),
                    "unresolved-task",
                    f"tâche « {entry.task} » non reconnue dans la mise à disposition "
                    f"« {placement.id} » : ses heures comptent comme travail mais ne prouvent "
                    f"aucune compétence ; {hint}",
                )
            )
    return issues


def check_references(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    at = _worker_at(ws, stem)
    issues = []
    placements = {p.id for p in worker.placements}
    assessed = {ref.id for ref in ws.assessed_referentiels(worker)}
    for o, obs in enumerate(worker.observations):
        if obs.competency not in ws.competency_index and not _refers_to_broken(ws, obs.competency):
            issues.append(
                _unknown_competency(ws, at("observations", o, "competency"), obs.competency)
            )
        elif obs.competency.split(".", 1)[0] not in assessed:
            issues.append(
                warning(
                    at("observations", o, "competency"),
                    "observation-not-assessed",
                    f"l'observation porte sur « {obs.competency} », d'un référentiel que ce "
                    "salarié ne vise pas : elle ne compte pas ; ajoutez ce référentiel à ses "
                    "« targets » ou corrigez la compétence",
                )
            )
        if obs.placement is not None and obs.placement not in placements:
            issues.append(
                error(
                    at("observations", o, "placement"),
                    "unknown-placement",
                    f"mise à disposition inconnue « {obs.placement} » : "
                    + _choose(obs.placement, placements, "choisissez parmi celles de ce salarié"),
                )
            )
    for t, training in enumerate(worker.trainings):
        if training.module not in ws.module_index and not ws.is_broken(
            "catalog", training.module.split(".", 1)[0]
        ):
            issues.append(
                error(
                    at("trainings", t, "module"),
                    "unknown-module",
                    f"module inconnu « {training.module} » : "
                    + _choose(
                        training.module,
                        ws.module_index,
                        "choisissez parmi les modules des catalogues (dossier catalog/)",
                    ),
                )
            )
        if training.end is not None and training.end < training.start:
            issues.append(
                _end_before_start(
                    at("trainings", t, "end"),
                    f"la formation « {training.module} »",
                    training.start,
                    training.end,
                )
            )
        if training.hours <= 0:
            issues.append(
                _not_positive(
                    at("trainings", t, "hours"),
                    f"la formation « {training.module} »",
                    training.hours,
                )
            )
    return issues


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_company_cap(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """Code du travail L5132-9: at most 480 h with companies over 24 months from the first.

    A client is a company when any of its placements says so (SPEC §8 "same client"): a
    placement written with another kind by mistake still counts towards the cap.
    """
    companies = {
        client_key(p.client.name) for p in worker.placements if p.client.kind == "entreprise"
    }
    if not companies:
        return []
    company = sorted(
        (
            (p.start, i, p)
            for i, p in enumerate(worker.placements)
            if client_key(p.client.name) in companies and p.end >= p.start
        ),
        key=lambda item: (item[0], item[1]),
    )
    if not company:
        return []
    window_start = company[0][0]
    window_end = _add_months(window_start, COMPANY_CAP_MONTHS) - dt.timedelta(days=1)
    total = 0.0
    for _, index, placement in company:
        if placement.start > window_end:
            break
        total += placement.hours * prorata(placement.start, placement.end, window_end)
        if total > COMPANY_CAP_HOURS:
            return [
                warning(
                    _worker_at(ws, stem)("placements", index, "hours"),
                    "company-cap",
                    f"plus de {message_hours(COMPANY_CAP_HOURS)} de mise à disposition en "
                    "entreprise "
                    f"en {COMPANY_CAP_MONTHS} mois ({message_hours(total)} entre le "
                    f"{fr_date(window_start)} et le {fr_date(window_end)}) : l'article "
                    "L5132-9 du Code du travail plafonne ces heures ; orientez vers des "
                    "particuliers, collectivités ou associations, ou vérifiez qu'une "
                    "dérogation préfectorale existe",
                )
            ]
    return []


Position = Literal["en-dessous", "au-dessus"]


def ratio_position(
    work: float, training: float, band: tuple[float, float]
) -> tuple[float | None, Position | None]:
    """SPEC §8 training ratio: training hours / work hours and where it falls against the wanted
    band. Training without any work hours is above the band; no hours at all is not judged."""
    low, high = band
    if work == 0:
        return None, ("au-dessus" if training > 0 else None)
    ratio = training / work
    if ratio < low:
        return ratio, "en-dessous"
    if ratio > high:
        return ratio, "au-dessus"
    return ratio, None


def check_training_ratio(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """The wanted band of training hours / work hours (workspace.yaml `training_ratio`)."""
    if ws.settings is None:
        return []
    low, high = ws.settings.settings.training_ratio
    if not 0 <= low <= high:
        return []  # an error of workspace.yaml already (check_settings)
    work = sum(
        p.hours * prorata(p.start, p.end, as_of)
        for p in worker.placements
        if p.end >= p.start and p.hours > 0
    )
    training = training_hours(worker, ws.modules, as_of)
    ratio, position = ratio_position(work, training, (low, high))
    if position is None:
        return []
    band = ws.memo(
        ("training-ratio-band", low, high),
        lambda: (
            f"fourchette voulue de {message_percent(low)} à {message_percent(high)} des heures "
            "de travail"
        ),
    )
    if ratio is None:
        message = (
            f"au {fr_date(as_of)}, {message_hours(training)} de formation et aucune heure de "
            f"travail ({band}) : enregistrez ses mises à disposition"
        )
    else:
        advice = (
            "proposez-lui des modules de formation (« portfolio plan »)"
            if position == "en-dessous"
            else "vérifiez les heures de formation, ou proposez-lui plus de mises à disposition"
        )
        message = (
            f"au {fr_date(as_of)}, {message_hours(training)} de formation pour "
            f"{message_hours(work)} de travail, soit "
            f"{message_percent(ratio, (low, high))}, hors de la "
            f"{band} : {advice}"
        )
    return [warning(_worker_at(ws, stem)("id"), "training-ratio", message)]


HOURS_PER_DAY = 24


def check_daily_hours(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """SPEC §8: more hours than 24 per day of the placement's dates is an error, not a warning
    (a million-row timesheet made placements of 20,000 h)."""
    at = _worker_at(ws, stem)
    issues = []
    for p, placement in enumerate(worker.placements):
        if placement.end < placement.start:
            continue  # an error of its own (check_placements)
        days = (placement.end - placement.start).days + 1
        if placement.hours > HOURS_PER_DAY * days:
            issues.append(
                error(
                    at("placements", p, "hours"),
                    "daily-hours",
                    f"la mise à disposition « {placement.id} » compte "
                    f"{message_hours(placement.hours)} en {plural(days, 'jour')} "
                    f"({_dates(placement.start, placement.end)}), soit plus de "
                    f"{message_hours(HOURS_PER_DAY)} par jour : corrigez ses heures ou ses dates",
                )
            )
    return issues


def _dates(start: dt.date, end: dt.date) -> str:
    """« le 01/10/2002 » for one day, « du 01/10/2002 au 03/10/2002 » otherwise."""
    if start == end:
        return f"le {fr_date(start)}"
    return f"du {fr_date(start)} au {fr_date(end)}"


# --- stored text --------------------------------------------------------------------------------

SHORT_TEXT_CHARACTERS = 200
LONG_TEXT_CHARACTERS = 2_000
LONG_TEXT_FIELDS = frozenset({"note", "description"})
"""Free-text fields of paragraphs; every other text is a name, a title or a sentence
(docs/formats.md, « Longueur des textes »)."""

TextPath = tuple[str | int, ...]


_NO_TEXT = frozenset({int, float, bool, type(None), dt.date})
"""Types of the loaded values that hold no text."""


def _plain_texts(model: BaseModel) -> bool:
    """Whether every text of a loaded file is short and free of control characters: a quick
    pass, so that the located walk (`_texts`, five times slower) runs only for a file with a
    problem. The exact types of a loaded file are tested first, and the texts searched in one
    go: this runs for each of 180,000 workers."""
    texts: list[str] = []
    pending: list[object] = [model]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is str:
            texts.append(value)  # type: ignore[arg-type]
        elif kind in _NO_TEXT:
            continue
        elif kind is list or kind is tuple:
            pending.extend(value)  # type: ignore[call-overload]
        elif isinstance(value, BaseModel):
            pending.extend(value.__dict__.values())  # its fields, twice as quick as iter()
        elif isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list | tuple):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
    longest = max(map(len, texts), default=0)
    return longest <= SHORT_TEXT_CHARACTERS and not CONTROL_CHARACTERS.search(" ".join(texts))


def _texts(value: object, loc: TextPath) -> Iterator[tuple[TextPath, str]]:
    """Every text of a loaded file, with its place (for `Workspace.locate`)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name, item in value.__dict__.items():
            yield from _texts(item, (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, str(key)))


def _text_issues(model: BaseModel, at: Callable[..., Any]) -> list[Issue]:
    """SPEC §8, stored text: no control character (a tab and a line break only in a note), and
    a bounded length: an ESC sequence stored from a timesheet cell drove the terminal of every
    later `grid`, and a 4.8 MB note made a 1,168-page portfolio in 255 s."""
    if _plain_texts(model):
        return []
    issues = []
    for loc, text in _texts(model, ()):
        name = next(str(part) for part in reversed(loc) if isinstance(part, str))
        last = loc[-1]
        what = f"l'élément n°{last + 1} de « {name} »" if isinstance(last, int) else f"« {name} »"
        long = name in LONG_TEXT_FIELDS
        limit = LONG_TEXT_CHARACTERS if long else SHORT_TEXT_CHARACTERS
        if len(text) > limit:
            issues.append(
                error(
                    at(*loc),
                    "text-length",
                    f"{what} compte {fr_number(len(text), 0, thousands=' ')} caractères, plus "
                    f"que les {fr_number(limit, 0, thousands=' ')} permis : raccourcissez ce "
                    "texte (les documents le reprennent en entier)",
                )
            )
        control = next(
            (
                found.group()
                for found in CONTROL_CHARACTERS.finditer(text)
                if not (long and found.group() in "\t\n")
            ),
            None,
        )
        if control is not None:
            allowed = (
                "seuls la tabulation et le retour à la ligne sont permis dans ce texte"
                if long
                else "ce texte tient sur une ligne"
            )
            issues.append(
                error(
                    at(*loc),
                    "control-character",
                    f"{what} contient un caractère de contrôle invisible (U+{ord(control):04X}), "
                    f"qui peut commander le terminal ou le document qui l'affiche : "
                    f"supprimez-le ; {allowed}",
                )
            )
    return issues


def check_worker_texts(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """Every text of a worker file (`_text_issues`).

    Reading the file measured its scalars (`SourceMap.longest_text`), and each text of the
    worker is one of them, stripped or respelt, or a number turned into text (24 characters at
    most, or its own digits), or a short default. So when no scalar is longer than
    SHORT_TEXT_CHARACTERS, the lowest limit, nor holds a control character, no text breaks a
    rule: the walk over the worker's texts, a tenth of checking 180,000 workers, is left for
    the files that may."""
    source = ws.sources.get(("worker", stem))
    if (
        source is not None
        and not source.control_in_text
        and source.longest_text is not None
        and source.longest_text <= SHORT_TEXT_CHARACTERS
    ):
        return []
    return _text_issues(worker, _worker_at(ws, stem))


def check_shared_texts(ws: Workspace) -> list[Issue]:
    """Every text of workspace.yaml, the catalogues and the référentiels (`_text_issues`)."""
    issues: list[Issue] = []
    if ws.settings is not None:
        issues += _text_issues(ws.settings, lambda *loc: ws.locate("workspace", "workspace", *loc))
    for catalog in ws.catalogs:
        body = catalog.body.id
        issues += _text_issues(catalog, lambda *loc, body=body: ws.locate("catalog", body, *loc))
    for ref in ws.referentiels.values():
        issues += _text_issues(
            ref, lambda *loc, ident=ref.id: ws.locate("referentiel", ident, *loc)
        )
    return issues


WORKER_CHECKS: tuple[WorkerCheck, ...] = (
    check_identity,
    check_placements,
    check_daily_hours,
    check_task_entries,
    check_references,
    check_company_cap,
    check_training_ratio,
    check_worker_texts,
)


def check_worker(ws: Workspace, stem: str, worker: Worker, as_of: dt.date) -> list[Issue]:
    """The rules about one worker file."""
    return [issue for rule in WORKER_CHECKS for issue in rule(ws, stem, worker, as_of)]


def check_shared(ws: Workspace) -> list[Issue]:
    """The rules about what every worker shares: settings, catalogues, référentiels."""
    issues = (
        check_settings(ws) + check_catalogs(ws) + check_shared_texts(ws) + check_task_phrases(ws)
    )
    for ref in ws.referentiels.values():
        issues += check_referentiel(ws, ref) + check_block_codes(ws, ref)
    return issues


def check_workspace(
    ws: Workspace, as_of: dt.date, workers: Iterable[str] | None = None
) -> list[Issue]:
    """Every rule of SPEC §8 over a loaded workspace: the shared files', then those of each of
    `workers` (file stems; by default every loaded worker). Load issues are the caller's."""
    issues = check_shared(ws)
    for stem in ws.workers if workers is None else workers:
        issues += check_worker(ws, stem, ws.workers[stem], as_of)
    return sort_issues(issues)
