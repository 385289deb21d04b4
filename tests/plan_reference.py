"""The search that chose plans before the integer program (SPEC §7), kept as a test oracle.

A depth-first branch and bound over the modules in id order, exact but slow at large budgets
(its time grows about sixfold per doubling of the budget). The tests compare the current
`portfolio.plan.optimal_selection` with it on catalogues of hundreds of modules at small
budgets, where it is fast; `benchmarks/bench_plan_hard.py` times it against the current one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from fractions import Fraction

from portfolio.model.workspace import Module


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
    """Exact search for the best set of SPEC §7 over modules given as bit masks of the needed
    competencies they target and as integer hours, indexed in id order.

    Depth first, each node a set, and its children that set plus one later module, smallest
    first. Sets of the same size are therefore met in the order of criterion (4): two of them
    part at the smallest module in only one of them, and the set holding it comes first, which
    is also the set with the smaller sorted list of ids. So the search keeps the first set it
    meets with a strictly better value (cover, hours, count), prunes every node that cannot do
    strictly better, and ends with the optimum.
    """

    def __init__(self, masks: list[int], units: list[int], limit: int) -> None:
        self.masks = masks
        self.units = units
        self.limit = limit
        self.suffix_union = [0] * (len(masks) + 1)
        for index in reversed(range(len(masks))):
            self.suffix_union[index] = self.suffix_union[index + 1] | masks[index]
        widest = max((mask.bit_count() for mask in masks), default=1)
        self.price_scale = math.lcm(*range(1, widest + 1))
        """Makes every price (hours per competency added) an integer: gains are ≤ `widest`."""
        self.best_key = (0, 0, 0)
        self.best: list[int] = []
        self.seed_key = self._greedy_key()

    def solve(self) -> list[int]:
        self._visit(0, 0, 0, [])
        return self.best

    def _key(self, covered: int, hours: int, count: int) -> tuple[int, int, int]:
        """Larger is better: (1) cover, then (2) fewer hours, then (3) fewer modules."""
        return (covered.bit_count(), -hours, -count)

    def _price(self, units: int, gain: int) -> int:
        return units * self.price_scale // gain

    def _greedy_key(self) -> tuple[int, int, int]:
        """The value of a good set found quickly, so that pruning starts at once."""
        covered = hours = count = 0
        while True:
            best = None
            for mask, units in zip(self.masks, self.units, strict=True):
                gain = (mask & ~covered).bit_count()
                if gain and hours + units <= self.limit:
                    price = self._price(units, gain)
                    if best is None or price < best[0]:
                        best = (price, mask, units)
            if best is None:
                return self._key(covered, hours, count)
            covered, hours, count = covered | best[1], hours + best[2], count + 1

    def _visit(self, start: int, covered: int, hours: int, chosen: list[int]) -> None:
        key = self._key(covered, hours, len(chosen))
        if key > self.best_key:
            self.best_key, self.best = key, list(chosen)
        if not self._may_improve(start, covered, hours, len(chosen)):
            return
        masks, units, suffix_union = self.masks, self.units, self.suffix_union
        for index in range(start, len(masks)):
            # The children from `index` on add modules from `index` on: once these cannot reach
            # the target, neither can those of any later child.
            if (covered | suffix_union[index]).bit_count() < self._target()[0][0]:
                break
            if index > start and not self._may_improve(index, covered, hours, len(chosen)):
                break
            # A module that adds nothing to the modules before it is never in the optimum:
            # dropping it keeps the cover with no more hours and one module fewer.
            if masks[index] & ~covered and hours + units[index] <= self.limit:
                chosen.append(index)
                self._visit(index + 1, covered | masks[index], hours + units[index], chosen)
                chosen.pop()

    def _target(self) -> tuple[tuple[int, int, int], bool]:
        """The value a node must beat (strictly), or reach while the search has not yet met the
        greedy set's value."""
        if self.best_key >= self.seed_key:
            return self.best_key, True
        return self.seed_key, False

    def _may_improve(self, start: int, covered: int, hours: int, count: int) -> bool:
        """Whether adding modules from `start` on may reach the target value.

        Each module that still fits shares its hours equally among the competencies it would
        add, and each competency gets the lowest such price: any set of modules pays at least
        the prices of the competencies it adds. Hence it adds at most as many competencies as
        the cheapest prices fit in the hours left, and pays at least the sum of the cheapest
        prices of the competencies it adds.
        """
        target, strict = self._target()
        room = self.limit - hours
        scale = self.price_scale
        useful = []
        for mask, units in zip(self.masks[start:], self.units[start:], strict=True):
            if units <= room:
                new = mask & ~covered
                if new:
                    gain = new.bit_count()
                    useful.append((units * scale // gain, gain, new))
        if not useful:
            return False
        useful.sort()
        have = covered.bit_count()
        beyond = target[0] - have  # adding more than this many competencies beats the target
        missing = beyond
        allowance = room * scale
        reach = cost = priced = 0
        for price, _, new in useful:
            fresh_mask = new & ~priced
            if not fresh_mask:
                continue
            priced |= fresh_mask
            fresh = fresh_mask.bit_count()
            # These competencies cost `price` each, the cheapest so far: add up the prices of
            # the first `missing` ones, and count those that fit in the hours left.
            if missing > 0:
                cost += (fresh if fresh < missing else missing) * price
                missing -= fresh
            if allowance >= price:
                fit = fresh if price == 0 else allowance // price
                fit = fresh if fit > fresh else fit
                reach, allowance = reach + fit, allowance - fit * price
                if reach > beyond:
                    return True
            elif missing <= 0:
                break
        if reach < beyond:
            return False
        # Only sets covering exactly target[0] remain: compare their (hours, count) bounds. They
        # add at least one module to this node's set.
        least = (
            hours + -(-cost // scale),
            count + max(1, _fewest([gain for _, gain, _ in useful], beyond)),
        )
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
