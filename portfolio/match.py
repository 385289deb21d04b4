"""Placements → evidence per competency (SPEC §5).

Task entries are resolved against the task vocabulary of the référentiels a worker is assessed
on; hours are split as §5.3 says and pro-rated when a placement straddles the assessment date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

from portfolio.model.evidence import PlacementEvidence, ResolvedEntry, WorkerEvidence
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Placement, Worker

# SPEC §5.1 requires at least the first line; the rest are other words counselors put around tasks.
STOP_WORDS = frozenset(
    "a au aux avec d de des du en et l la le les par pour sur un une "
    "ou dans chez ce cet cette ces son sa ses leur leurs y s n qu que qui".split()
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_stemmer = snowballstemmer.stemmer("french")

Tokens = tuple[str, ...]


@lru_cache(maxsize=65536)
def normalise(text: str) -> Tokens:
    """SPEC §5.1: lower case, fold accents, keep letters and digits, drop stop words, stem."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    words = [w for w in _NON_ALNUM.sub(" ", folded).split() if w not in STOP_WORDS]
    return tuple(_stemmer.stemWords(words))


def _contains(haystack: Tokens, needle: Tokens) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


@dataclass(frozen=True)
class Vocabulary:
    """The tasks an entry may resolve to, indexed for fast lookup by id and by first token."""

    by_id: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[tuple[Tokens, str], ...]]
    labels: dict[str, str]
    order: dict[str, int]
    choices: dict[str, str]

    def resolve(self, text: str) -> tuple[str, ...]:
        """Full ids of every task the entry resolves to (SPEC §5.1), in vocabulary order."""
        key = text.strip()
        if key in self.by_id:
            return self.by_id[key]
        tokens = normalise(key)
        found: dict[str, None] = {}
        for start, token in enumerate(tokens):
            for phrase, task in self.phrases.get(token, ()):
                if tokens[start : start + len(phrase)] == phrase:
                    found[task] = None
        return tuple(sorted(found, key=self.order.__getitem__))

    def suggest(self, text: str, limit: int = 3) -> tuple[str, ...]:
        """The closest task labels, to help fix an entry that resolved to nothing (§5.2)."""
        query = " ".join(normalise(text))
        if not query:
            return ()
        hits = process.extract(query, self.choices, scorer=fuzz.WRatio, limit=limit * 3)
        seen: dict[str, None] = {}
        for _, score, key in hits:
            task = key.split("|", 1)[0]
            if score >= 50:
                seen.setdefault(task, None)
        return tuple(f"{self.labels[t]} ({t})" for t in list(seen)[:limit])


def _build_vocabulary(referentiels: tuple[Referentiel, ...]) -> Vocabulary:
    by_id: dict[str, list[str]] = defaultdict(list)
    phrases: dict[str, list[tuple[Tokens, str]]] = defaultdict(list)
    labels: dict[str, str] = {}
    choices: dict[str, str] = {}
    for ref in referentiels:
        for task in ref.tasks:
            full = f"{ref.id}.{task.id}"
            labels[full] = task.label
            by_id[task.id].append(full)
            by_id[full].append(full)
            for n, text in enumerate([task.label, *task.synonyms]):
                tokens = normalise(text)
                if tokens:
                    phrases[tokens[0]].append((tokens, full))
                    choices[f"{full}|{n}"] = " ".join(tokens)
    return Vocabulary(
        by_id={k: tuple(v) for k, v in by_id.items()},
        phrases={k: tuple(v) for k, v in phrases.items()},
        labels=labels,
        order={task: n for n, task in enumerate(labels)},
        choices=choices,
    )


_vocabularies: dict[tuple[int, ...], Vocabulary] = {}


def vocabulary(referentiels: list[Referentiel]) -> Vocabulary:
    """The vocabulary of a set of référentiels, built once per distinct set."""
    key = tuple(id(r) for r in referentiels)
    if key not in _vocabularies:
        _vocabularies[key] = _build_vocabulary(tuple(referentiels))
    return _vocabularies[key]


def days_inclusive(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def prorata(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """SPEC §5.4: the share of a period that lies on or before the assessment date."""
    if start > as_of:
        return 0.0
    if end <= as_of:
        return 1.0
    return days_inclusive(start, as_of) / days_inclusive(start, end)


def entry_hours(placement: Placement) -> list[float]:
    """SPEC §5.3: explicit hours, then the rest of the placement split among the others."""
    entries = placement.tasks
    explicit = sum(e.hours for e in entries if e.hours is not None)
    implicit = [e for e in entries if e.hours is None]
    rest = max(placement.hours - explicit, 0.0)
    share = rest / len(implicit) if implicit else 0.0
    return [e.hours if e.hours is not None else share for e in entries]


def match_worker(worker: Worker, referentiels: list[Referentiel], as_of: dt.date) -> WorkerEvidence:
    """Turn a worker's placements into hours per task and per competency at `as_of`."""
    vocab = vocabulary(referentiels)
    evidenced = {
        f"{r.id}.{t.id}": [f"{r.id}.{e}" for e in t.evidences]
        for r in referentiels
        for t in r.tasks
    }
    placement_hours: dict[str, float] = {}
    entries: list[ResolvedEntry] = []
    per_task: dict[tuple[str, str], float] = {}
    for placement in worker.placements:
        factor = prorata(placement.start, placement.end, as_of)
        if factor == 0.0:
            continue
        placement_hours[placement.id] = placement.hours * factor
        for index, (entry, hours) in enumerate(
            zip(placement.tasks, entry_hours(placement), strict=True)
        ):
            tasks = vocab.resolve(entry.task)
            hours *= factor
            suggestions = () if tasks else vocab.suggest(entry.task)
            entries.append(
                ResolvedEntry(
                    placement=placement.id,
                    index=index,
                    text=entry.task,
                    hours=hours,
                    tasks=tasks,
                    suggestions=suggestions,
                )
            )
            for task in tasks:
                key = (placement.id, task)
                per_task[key] = per_task.get(key, 0.0) + hours / len(tasks)
    by_competency: dict[str, list[PlacementEvidence]] = defaultdict(list)
    for (placement_id, task), hours in per_task.items():
        for competency in evidenced[task]:
            by_competency[competency].append(
                PlacementEvidence(ref=placement_id, task=task, hours=hours)
            )
    return WorkerEvidence(
        worker=worker.id,
        as_of=as_of,
        work_hours=sum(placement_hours.values()),
        placement_hours=placement_hours,
        entries=tuple(entries),
        by_competency={k: tuple(v) for k, v in by_competency.items()},
    )
