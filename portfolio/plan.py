"""Gaps → an optimal training plan (SPEC §7).

The choice of modules is a budgeted maximum coverage problem with three tie-breakers. It is
solved exactly by a depth-first branch and bound over the modules in id order, which visits
sets of equal size in the order of criterion (4); see `optimal_selection`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from fractions import Fraction

from portfolio.assess import assess_worker
from portfolio.model.evidence import Assessment, Plan
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module, Settings, Worker

ACQUIRED = "acquis"
"""The training result that closes a competency for planning (SPEC §7)."""

_RATIO_SHIFT = 128
"""Competencies per hour are ordered by `(gain << _RATIO_SHIFT) // units`: two different
ratios g1/u1 ≠ g2/u2 differ by at least 1/(u1·u2), and scaled hours stay far below 2**60, so
the shifted integers keep their exact order (a float could swap two ratios and break a bound)."""


def acquired_modules(worker: Worker, as_of: dt.date) -> set[str]:
    """Modules the worker has completed with `acquis`, counted by end date (SPEC §5.4, §7)."""
    return {t.module for t in worker.trainings if t.result == ACQUIRED and t.end_date <= as_of}


def needed_competencies(
    assessment: Assessment, worker: Worker, modules: Mapping[str, Module], as_of: dt.date
) -> list[str]:
    """SPEC §7: assessed competencies not `acquise` and with no `acquis` training at `as_of`.

    A competency already trained with success but short of work hours or of an observation is
    left to the work placements, not to another course.
    """
    trained = {
        competency
        for module_id in acquired_modules(worker, as_of)
        if module_id in modules
        for competency in modules[module_id].competencies
    }
    return sorted(
        comp.id
        for ref in assessment.referentiels
        for block in ref.blocks
        for comp in block.competencies
        if comp.status != "acquise" and comp.id not in trained
    )


def candidate_modules(
    needed: Collection[str], modules: Mapping[str, Module], worker: Worker, as_of: dt.date
) -> list[Module]:
    """SPEC §7: catalogue modules that target a needed competency and that the worker has not
    completed with `acquis` at `as_of`; sorted by id."""
    wanted = set(needed)
    done = acquired_modules(worker, as_of)
    return [
        module
        for module_id, module in sorted(modules.items())
        if module_id not in done and wanted.intersection(module.competencies)
    ]


def optimal_selection(
    needed: Collection[str], candidates: Sequence[Module], budget: float
) -> list[str]:
    """The module ids (sorted) of the one set that SPEC §7 asks for.

    Among sets whose hours fit the budget it (1) covers the most needed competencies, then has
    (2) the fewest hours, (3) the fewest modules, (4) the smallest sorted list of ids. These four
    criteria order all sets totally, so the answer is unique and does not depend on the order of
    `candidates`. Hours are compared exactly as decimal numbers (7.1 + 0.2 equals 7.3), not as
    binary floats.
    """
    if any(not math.isfinite(m.hours) or m.hours < 0 for m in candidates):
        raise ValueError("module hours must be finite and not negative")
    if not math.isfinite(budget):
        raise ValueError("the budget must be finite")
    bits = {comp: 1 << index for index, comp in enumerate(sorted(set(needed)))}
    exact = [_decimal(m.hours) for m in candidates]
    exact_budget = _decimal(budget)
    scale = math.lcm(exact_budget.denominator, *(h.denominator for h in exact))
    limit = exact_budget.numerator * (scale // exact_budget.denominator)
    items = [
        (module.id, mask, units)
        for module, hours in zip(candidates, exact, strict=True)
        if (mask := _mask(module.competencies, bits))
        and (units := hours.numerator * (scale // hours.denominator)) <= limit
    ]
    kept = sorted(_undominated(items))
    chosen = _BranchAndBound([m for _, m, _ in kept], [u for _, _, u in kept], limit).solve()
    return [kept[index][0] for index in chosen]


def plan_worker(ws: Workspace, worker: Worker, as_of: dt.date, budget: float | None = None) -> Plan:
    """The training plan of one worker at `as_of` (SPEC §7), shaped as `plan --json` (§9)."""
    settings = ws.settings.settings if ws.settings is not None else Settings()
    budget = settings.training_budget_hours if budget is None else budget
    modules = {module_id: module for module_id, (module, _) in ws.module_index.items()}
    assessment, _ = assess_worker(worker, ws.assessed_referentiels(worker), modules, as_of)
    needed = needed_competencies(assessment, worker, modules, as_of)
    candidates = candidate_modules(needed, modules, worker, as_of)
    chosen = optimal_selection(needed, candidates, budget)
    covered = {c for module_id in chosen for c in modules[module_id].competencies}
    targeted = {c for module in modules.values() for c in module.competencies}
    uncovered = [c for c in needed if c not in covered]
    return Plan(
        worker=worker.id,
        budget=float(budget),
        modules=chosen,
        hours=round(float(sum(_decimal(modules[m].hours) for m in chosen)), 2),
        covers=[c for c in needed if c in covered],
        uncovered=uncovered,
        no_module=[c for c in uncovered if c not in targeted],
    )


def _decimal(hours: float) -> Fraction:
    """The hours as the user wrote them: YAML `7.1` is the decimal 71/10, not its binary float."""
    return Fraction(repr(float(hours)))


def _mask(competencies: Iterable[str], bits: Mapping[str, int]) -> int:
    mask = 0
    for comp in competencies:
        mask |= bits.get(comp, 0)
    return mask


def _undominated(items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop every module that another one dominates: it is never in the optimum.

    A dominates B when A targets every needed competency B targets and (A has fewer hours, or
    as many hours and a smaller id). If the optimum held B but not A, swapping B for A would
    cover as much with fewer hours, or tie on (1)–(3) and win on (4); if it held both, dropping B
    would cover as much with no more hours and fewer modules. Visiting modules by (hours, id)
    puts every possible dominator of B before B, and a dominator that is itself dominated passes
    its dominance on to the module that dominates it.
    """
    kept: list[tuple[str, int, int]] = []
    for item in sorted(items, key=lambda i: (i[2], i[0])):
        if not any(item[1] & ~other[1] == 0 for other in kept):
            kept.append(item)
    return kept


class _BranchAndBound:
    """Exact search for the best set of SPEC §7 over modules given as bit masks and integer
    hours, indexed in id order.

    Depth first, each node a set, and its children the set plus one later module, smallest
    first. Sets of the same size are therefore visited in the order of criterion (4): two of
    them part at the smallest module in only one of them, and the set holding it comes first,
    which is also the set with the smaller sorted list of ids. So the search keeps the first set
    it meets with a strictly better (cover, hours, count) and returns the optimum once no
    unexplored node can do strictly better.
    """

    def __init__(self, masks: list[int], units: list[int], limit: int) -> None:
        self.masks = masks
        self.units = units
        self.limit = limit
        self.suffix_union = [0] * (len(masks) + 1)
        for index in reversed(range(len(masks))):
            self.suffix_union[index] = self.suffix_union[index + 1] | masks[index]
        self.bits = [[1 << b for b in range(mask.bit_length()) if mask >> b & 1] for mask in masks]
        self.price_scale = math.lcm(1, *range(1, max(map(len, self.bits), default=1) + 1))
        self.best_key = (0, 0, 0)
        self.best: list[int] = []
        self.seed_key = self._greedy_key()

    def solve(self) -> list[int]:
        self._visit(self._active(range(len(self.masks)), 0, 0), 0, 0, [])
        return self.best

    def _key(self, covered: int, hours: int, count: int) -> tuple[int, int, int]:
        """Larger is better: (1) cover, then (2) fewer hours, then (3) fewer modules."""
        return (covered.bit_count(), -hours, -count)

    def _greedy_key(self) -> tuple[int, int, int]:
        """The value of a good set found quickly, to prune from the start; any set would do."""
        covered = hours = count = 0
        while True:
            best = None
            for mask, units in zip(self.masks, self.units, strict=True):
                gain = (mask & ~covered).bit_count()
                if gain and hours + units <= self.limit:
                    ratio = (gain << _RATIO_SHIFT) // units if units else math.inf
                    if best is None or ratio > best[0]:
                        best = (ratio, mask, units)
            if best is None:
                return self._key(covered, hours, count)
            covered, hours, count = covered | best[1], hours + best[2], count + 1

    def _active(self, indices, covered: int, hours: int) -> list[int]:
        room = self.limit - hours
        fits = [
            (self.units[i], i, self.masks[i] & ~covered)
            for i in indices
            if self.units[i] <= room and self.masks[i] & ~covered
        ]
        fits.sort()
        kept = []
        for units, index, new in fits:
            if not any(new & ~other == 0 for other in kept):
                kept.append(new)
            else:
                continue
        keep = {index for units, index, new in fits if True}
        # rebuild: kept masks with their indices
        kept_idx = []
        kept_masks = []
        for units, index, new in fits:
            if not any(new & ~other == 0 for other in kept_masks):
                kept_masks.append(new)
                kept_idx.append(index)
        return sorted(kept_idx)

    def _visit(self, active: list[int], covered: int, hours: int, chosen: list[int]) -> None:
        key = self._key(covered, hours, len(chosen))
        if key > self.best_key:
            self.best_key, self.best = key, list(chosen)
        if not self._may_improve(active, covered, hours, len(chosen)):
            return
        target_cover = max(self.best_key, self.seed_key)[0]
        union = [0] * (len(active) + 1)
        for p in reversed(range(len(active))):
            union[p] = union[p + 1] | self.masks[active[p]]
        for p, index in enumerate(active):
            if (covered | union[p]).bit_count() < target_cover:
                break
            mask, units = self.masks[index], self.units[index]
            if mask & ~covered and hours + units <= self.limit:
                chosen.append(index)
                child = self._active(active[p + 1 :], covered | mask, hours + units)
                self._visit(child, covered | mask, hours + units, chosen)
                chosen.pop()
                target_cover = max(self.best_key, self.seed_key)[0]

    def _may_improve(self, active: list[int], covered: int, hours: int, count: int) -> bool:
        """Whether adding modules from `start` on may reach a set better than the best found,
        or at least as good as the greedy set while the search has not yet met that value.

        Each module that still fits shares its hours equally among the competencies it would
        add, and each competency gets the lowest such price: any set of modules pays at least
        the prices of the competencies it adds. Hence at most as many competencies as the
        cheapest prices fit in the hours left, and at least their sum to add a given number.
        """
        if self.best_key >= self.seed_key:
            target, strict = self.best_key, True
        else:
            target, strict = self.seed_key, False
        room = self.limit - hours
        prices: dict[int, int] = {}
        gains = []
        for index in active:
            units = self.units[index]
            if units <= room:
                new = [bit for bit in self.bits[index] if not bit & covered]
                if new:
                    gains.append(len(new))
                    price = units * self.price_scale // len(new)
                    for bit in new:
                        if price < prices.get(bit, price + 1):
                            prices[bit] = price
        if not prices:
            return False
        ordered = sorted(prices.values())
        allowance = room * self.price_scale
        reach = 0
        for price in ordered:
            if price > allowance:
                break
            allowance -= price
            reach += 1
        have = covered.bit_count()
        if have + reach != target[0]:
            return have + reach > target[0]
        # Only sets covering exactly target[0] remain: compare their (hours, count) bounds.
        missing = target[0] - have
        cost = -(-sum(ordered[:missing]) // self.price_scale)
        least = (hours + cost, count + _fewest(gains, missing))
        wanted = (-target[1], -target[2])
        return least < wanted if strict else least <= wanted


def _fewest(gains: list[int], missing: int) -> int:
    """The fewest modules whose gains add up to `missing`."""
    count = 0
    for gain in sorted(gains, reverse=True):
        if missing <= 0:
            break
        count, missing = count + 1, missing - gain
    return count
