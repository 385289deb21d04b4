"""Placements → evidence per competency (SPEC §5).

Task entries are resolved against the task vocabulary of the référentiels a worker is assessed
on; hours are split as §5.3 says and pro-rated when a placement straddles the assessment date.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

import snowballstemmer
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from portfolio.french import fold
from portfolio.model.evidence import PlacementEvidence, ResolvedEntry, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Placement, Worker

# SPEC §5.1 pins exactly these 37 words, so that an assessment never depends on the
# implementation: articles and prepositions, the words counselors put around tasks ("aide chez
# une dame", "ménage dans les bureaux") and the elided pronouns of "s'habiller".
STOP_WORDS = frozenset(
    "a au aux avec d de des du en et l la le les par pour sur un une "
    "ou dans chez ce cet cette ces son sa ses leur leurs y s n qu que qui".split()
)

# Every character that is neither a letter nor a digit (Unicode-aware: `\w` minus `_`).
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_stemmers = threading.local()
"""One stemmer per thread: a snowball stemmer keeps the word it works on in itself, so two
threads sharing one (the web server's) get each other's endings, or an IndexError."""

TYPO_EDITS = ((4, 0), (8, 1))
"""Edits allowed between two words of at most this many letters (a letter added, dropped,
replaced, or two letters swapped); longer words allow 2. Short stems must be exact: « vitr »
(vitres) is not « vita » (vitae)."""
LONG_WORD_EDITS = 2
STEM_PREFIX = 5
"""A word that starts with a stem this long is close to it: a typo may stop the stemmer
(« aspirateure » keeps its ending, « aspirateur » becomes « aspir »)."""

Tokens = tuple[str, ...]


@lru_cache(maxsize=65536)
def normalise(text: str) -> Tokens:
    """SPEC §5.1, in its order: lower case, fold accents, keep letters and digits, drop stop
    words, stem each word."""
    words = _NOT_LETTER_OR_DIGIT.sub(" ", fold(text)).split()
    return tuple(_stem(w) for w in words if w not in STOP_WORDS)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Stemming is the slowest step of a new text, and texts differ far more than their words
    # do. `snowballstemmer` hands the work to PyStemmer (the same Snowball algorithm, compiled),
    # a dependency: the pure-Python stemmer took 5 % of `assess --all`.
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = snowballstemmer.stemmer("french")
    return str(stemmer.stemWord(word))


def _allowed_edits(a: str, b: str) -> int:
    longest = max(len(a), len(b))
    for size, edits in TYPO_EDITS:
        if longest <= size:
            return edits
    return LONG_WORD_EDITS


def _close(a: str, b: str) -> bool:
    """Whether two normalised words are a typo apart: « repasag » and « repassag ». The first
    letter must agree, as it does in nearly every typo: « lavage » is not « pavage »."""
    if a[:1] != b[:1]:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= STEM_PREFIX and long.startswith(short):
        return True
    return OSA.distance(a, b) <= _allowed_edits(a, b)


REMEMBERED = 50_000
"""Entries each memo of a vocabulary keeps; past them it starts again, so that memory stays flat
whatever a federation's files hold (180,000 generated workers write 44,000 different entries)."""

K = TypeVar("K")
V = TypeVar("V")


def _remember(memo: dict[K, V], key: K, value: V) -> None:
    if len(memo) >= REMEMBERED:
        memo.clear()
    memo[key] = value


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The tasks an entry may resolve to, indexed for fast lookup by id and by first token.

    Workers with the same targets share one vocabulary, so resolutions and suggestions are
    memoised per vocabulary: counselors write the same few hundred entries again and again.
    """

    by_id: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[tuple[Tokens, str], ...]]
    labels: dict[str, str]
    order: dict[str, int]
    all_phrases: tuple[tuple[Tokens, str], ...]
    """Every normalised label and synonym with its task, in vocabulary order."""
    with_word: dict[str, tuple[int, ...]]
    """Normalised word → the indices in `all_phrases` of the phrases that contain it."""
    by_initial: dict[str, tuple[str, ...]]
    """The words of `with_word` by first letter, which a typo keeps (`_close`)."""
    competencies: dict[str, tuple[str, ...]]
    """Full task id → full ids of the competencies it evidences (SPEC §5.3)."""
    _resolved: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _suggested: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _near: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def resolve(self, text: str) -> tuple[str, ...]:
        """Full ids of every task the entry resolves to (SPEC §5.1), in vocabulary order."""
        found = self._resolved.get(text)
        if found is None:
            found = self._resolve(text)
            _remember(self._resolved, text, found)
        return found

    def _resolve(self, text: str) -> tuple[str, ...]:
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
        """The closest tasks as « label (full id) », to help fix an entry that resolved to
        nothing (SPEC §5.2)."""
        key = f"{limit}|{text}"
        found = self._suggested.get(key)
        if found is None:
            found = self._suggest(text, limit)
            _remember(self._suggested, key, found)
        return found

    def _suggest(self, text: str, limit: int) -> tuple[str, ...]:
        """Tasks with a phrase the entry would resolve to but for typos: every word of the
        phrase is one typo away from a word of the entry, or every word of the entry from a word
        of the phrase. Nothing rather than noise: « lavage voiture » shares a word with « lavage
        des vitres », not a meaning, and gets no suggestion."""
        query = normalise(text)
        if not query:
            return ()
        close = {token: self._close_words(token) for token in query}
        near = set().union(*close.values())
        candidates = sorted({index for word in near for index in self.with_word[word]})
        ranked = []
        for index in candidates:
            tokens, task = self.all_phrases[index]
            # `_close` is symmetric, and a phrase's words are words of the vocabulary.
            if all(any(p in close[q] for q in query) for p in tokens) or all(
                not close[q].isdisjoint(tokens) for q in query
            ):
                score = fuzz.ratio(" ".join(query), " ".join(tokens))
                ranked.append((-score, self.order[task], task))
        tasks = dict.fromkeys(task for _, _, task in sorted(ranked))
        return tuple(f"{self.labels[t]} ({t})" for t in list(tasks)[:limit])

    def _close_words(self, token: str) -> frozenset[str]:
        """The words of the vocabulary a typo away from a normalised word (`_close`),
        remembered: most words of an unknown entry come back in many other entries."""
        found = self._near.get(token)
        if found is None:
            found = frozenset(w for w in self.by_initial.get(token[:1], ()) if _close(token, w))
            _remember(self._near, token, found)
        return found


def vocabulary(referentiels: Sequence[Referentiel]) -> Vocabulary:
    by_id: dict[str, list[str]] = defaultdict(list)
    phrases: dict[str, list[tuple[Tokens, str]]] = defaultdict(list)
    labels: dict[str, str] = {}
    all_phrases: list[tuple[Tokens, str]] = []
    with_word: dict[str, list[int]] = defaultdict(list)
    competencies: dict[str, tuple[str, ...]] = {}
    for ref in referentiels:
        for task in ref.tasks:
            full = f"{ref.id}.{task.id}"
            labels[full] = task.label
            competencies[full] = tuple(f"{ref.id}.{target}" for target in task.evidences)
            by_id[task.id].append(full)
            by_id[full].append(full)
            for text in [task.label, *task.synonyms]:
                tokens = normalise(text)
                if tokens:
                    phrases[tokens[0]].append((tokens, full))
                    for word in dict.fromkeys(tokens):
                        with_word[word].append(len(all_phrases))
                    all_phrases.append((tokens, full))
    return Vocabulary(
        by_id={k: tuple(dict.fromkeys(v)) for k, v in by_id.items()},
        phrases={k: tuple(v) for k, v in phrases.items()},
        labels=labels,
        order={task: n for n, task in enumerate(labels)},
        all_phrases=tuple(all_phrases),
        with_word={word: tuple(indices) for word, indices in with_word.items()},
        by_initial={
            initial: tuple(w for w in with_word if w[:1] == initial)
            for initial in {w[:1] for w in with_word}
        },
        competencies=competencies,
    )


def workspace_vocabulary(ws: Workspace, referentiels: Sequence[Referentiel]) -> Vocabulary:
    """The vocabulary of some of the workspace's référentiels, built once per workspace."""
    key = ("vocabulary", *(r.id for r in referentiels))
    return ws.memo(key, lambda: vocabulary(referentiels))


def days_inclusive(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def prorata(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """SPEC §5.4: the share of a period that lies on or before the assessment date, counting
    days with both ends included."""
    if start > as_of:
        return 0.0
    if end <= as_of:
        return 1.0
    return days_inclusive(start, as_of) / days_inclusive(start, end)


def entry_hours(placement: Placement) -> list[float]:
    """SPEC §5.3: entries with `hours` take them; the rest of the placement is split equally
    among the entries without (and evidences nothing when every entry has hours)."""
    entries = placement.tasks
    explicit = sum(e.hours for e in entries if e.hours is not None)
    implicit = sum(e.hours is None for e in entries)
    share = max(placement.hours - explicit, 0.0) / implicit if implicit else 0.0
    return [e.hours if e.hours is not None else share for e in entries]


def match_worker(
    worker: Worker,
    referentiels: Sequence[Referentiel],
    as_of: dt.date,
    *,
    vocab: Vocabulary | None = None,
) -> WorkerEvidence:
    """Turn a worker's placements into hours per task and per competency at `as_of` (SPEC §5).

    Every placement counts in the total work hours, whether its entries resolve or not. Pass the
    référentiels' `vocab` when it is already built (`workspace_vocabulary`).
    """
    vocab = vocab or vocabulary(referentiels)
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
            entries.append(
                ResolvedEntry(
                    placement=placement.id,
                    index=index,
                    text=entry.task,
                    hours=hours,
                    tasks=tasks,
                    suggestions=() if tasks else vocab.suggest(entry.task),
                )
            )
            if hours <= 0:
                continue
            for task in tasks:
                key = (placement.id, task)
                per_task[key] = per_task.get(key, 0.0) + hours / len(tasks)
    by_competency: dict[str, list[PlacementEvidence]] = defaultdict(list)
    for (placement_id, task), hours in per_task.items():
        item = PlacementEvidence(ref=placement_id, task=task, hours=hours)
        for competency in vocab.competencies[task]:
            by_competency[competency].append(item)  # frozen: shared by the task's competencies
    return WorkerEvidence(
        worker=worker.id,
        as_of=as_of,
        work_hours=sum(placement_hours.values()),
        placement_hours=placement_hours,
        entries=tuple(entries),
        by_competency={k: tuple(v) for k, v in by_competency.items()},
    )
