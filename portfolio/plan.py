"""Gaps → an optimal training plan (SPEC §7).

The choice of modules is a budgeted maximum coverage problem with three tie-breakers. Small or
easy instances are solved by a depth-first branch and bound over the modules in id order, which
visits sets of equal size in the order of criterion (4); when it needs more than a thousand
nodes (large budgets over large catalogues), an integer program solved by HiGHS takes over:
one solve for criteria (1)–(3) at once, then a few for criterion (4). See `optimal_selection`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import sys
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction

from portfolio.assess import assess
from portfolio.model.evidence import Assessment, Plan
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module, Settings, Worker

ACQUIRED = "acquis"
"""The training result that closes a competency for planning (SPEC §7)."""

FAST_NODES = 1000
"""Nodes of the branch and bound before the integer program takes over (about 30 ms). Most
plans at budgets of a few dozen hours need fewer, and the integer program costs about 50 ms
whatever the budget; beyond, the search's time grows about sixfold per doubling of the budget."""

TIE_NODES = 3000
"""Nodes of the branch and bound that looks, in id order, for the first set of the optimal value
found by the integer program (criterion 4), before the integer program decides it instead."""

TIE_DEPTH = 10
"""Optimal sets of more modules than this leave criterion (4) to the integer program at once:
the search's depth makes it slower than a few solves (measured: up to 8 modules, median
10 ms against 30 ms; beyond 15, 5,000 nodes and 200 ms were often not enough)."""

TIE_BREAK_CHUNK = 24
"""Modules decided per solve of criterion (4): integer weights up to 2**23, exact in HiGHS."""


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
    if not kept:
        return []
    masks = [mask for _, mask, _ in kept]
    units = [units for _, _, units in kept]
    # Hours in units of their greatest common divisor: smaller numbers for the solver.
    step = math.gcd(*units)
    if step > 1:
        units, limit = [u // step for u in units], limit // step
    try:
        chosen = _BranchAndBound(masks, units, limit, FAST_NODES).solve()
    except _TooLong:
        chosen = _IntegerProgram(masks, units, limit).solve()
    return [kept[index][0] for index in chosen]


def plan_worker(
    ws: Workspace,
    worker: Worker,
    as_of: dt.date,
    budget: float | None = None,
    *,
    assessment: Assessment | None = None,
) -> Plan:
    """The training plan of one worker at `as_of` (SPEC §7), shaped as `plan --json` (§9).

    `budget` defaults to the workspace's `training_budget_hours`; pass the worker's
    `assessment` at `as_of` when it is already at hand, to spare computing it again.
    """
    settings = ws.settings.settings if ws.settings is not None else Settings()
    budget = settings.training_budget_hours if budget is None else budget
    modules = ws.modules
    if assessment is None:
        assessment, _ = assess(ws, worker, as_of)
    needed = needed_competencies(assessment, worker, modules, as_of)
    chosen = optimal_selection(needed, candidate_modules(needed, modules, worker, as_of), budget)
    covered = {comp for module_id in chosen for comp in modules[module_id].competencies}
    targeted = {comp for module in modules.values() for comp in module.competencies}
    uncovered = [comp for comp in needed if comp not in covered]
    return Plan(
        worker=worker.id,
        budget=float(budget),
        modules=chosen,
        hours=round(float(sum(_decimal(modules[m].hours) for m in chosen)), 2),
        covers=[comp for comp in needed if comp in covered],
        uncovered=uncovered,
        no_module=[comp for comp in uncovered if comp not in targeted],
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


class _TooLong(Exception):
    """The branch and bound used up its nodes: the integer program is faster from here."""


class _Reached(Exception):
    """The branch and bound met a set of the optimal value it was given: the answer."""


class _SolverFailed(Exception):
    """HiGHS gave no answer, or one that exact arithmetic refutes."""


class _BranchAndBound:
    """Exact search for the best set of SPEC §7 over modules given as bit masks of the needed
    competencies they target and as integer hours, indexed in id order.

    Depth first, each node a set, and its children that set plus one later module, smallest
    first. Sets of the same size are therefore met in the order of criterion (4): two of them
    part at the smallest module in only one of them, and the set holding it comes first, which
    is also the set with the smaller sorted list of ids. So the search keeps the first set it
    meets with a strictly better value (cover, hours, count), prunes every node that cannot do
    strictly better, and ends with the optimum. Given that optimal value (`optimum`, found by
    the integer program), it stops at the first set reaching it: all sets of the optimal value
    have the same size, so the first one met is the answer.
    """

    def __init__(
        self,
        masks: list[int],
        units: list[int],
        limit: int,
        node_limit: int | None = None,
        optimum: tuple[int, int, int] | None = None,
    ) -> None:
        self.masks = masks
        self.units = units
        self.limit = limit
        self.nodes_left = node_limit
        """Nodes the search may still visit before it raises `_TooLong`; None: no limit."""
        self.suffix_union = [0] * (len(masks) + 1)
        for index in reversed(range(len(masks))):
            self.suffix_union[index] = self.suffix_union[index + 1] | masks[index]
        widest = max((mask.bit_count() for mask in masks), default=1)
        self.price_scale = math.lcm(*range(1, widest + 1))
        """Makes every price (hours per competency added) an integer: gains are ≤ `widest`."""
        self.best_key = (0, 0, 0)
        self.best: list[int] = []
        self.optimum = optimum
        self.seed_key = self._greedy_key() if optimum is None else optimum

    def solve(self) -> list[int]:
        with contextlib.suppress(_Reached):
            self._visit(0, 0, 0, [], range(len(self.masks)))
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

    def _visit(
        self, start: int, covered: int, hours: int, chosen: list[int], pool: Sequence[int]
    ) -> None:
        """Visit the set `chosen` and its descendants; `pool` holds, in id order, the modules
        that fitted and added a competency at the parent: no other can at this node."""
        if self.nodes_left is not None:
            if not self.nodes_left:
                raise _TooLong
            self.nodes_left -= 1
        count = len(chosen)
        key = self._key(covered, hours, count)
        if key > self.best_key:
            self.best_key, self.best = key, list(chosen)
            if key == self.optimum:
                raise _Reached
        useful, options = self._options(pool, start, covered, self.limit - hours)
        if not self._may_improve(options, start, covered, hours, count):
            return
        masks, units, suffix_union = self.masks, self.units, self.suffix_union
        for index in useful:
            # The children from `index` on add modules from `index` on: once these cannot reach
            # the target, neither can those of any later child.
            if (covered | suffix_union[index]).bit_count() < self._target()[0][0]:
                break
            if index > start and not self._may_improve(options, index, covered, hours, count):
                break
            # A module that adds nothing to the modules before it is never in the optimum:
            # dropping it keeps the cover with no more hours and one module fewer (`useful`
            # holds only modules that add a competency and fit).
            chosen.append(index)
            self._visit(index + 1, covered | masks[index], hours + units[index], chosen, useful)
            chosen.pop()

    def _target(self) -> tuple[tuple[int, int, int], bool]:
        """The value a node must beat (strictly), or reach while the search has not yet met the
        greedy set's value."""
        if self.best_key >= self.seed_key:
            return self.best_key, True
        return self.seed_key, False

    def _options(
        self, pool: Sequence[int], start: int, covered: int, room: int
    ) -> tuple[list[int], list[tuple[int, int, int, int]]]:
        """The modules of `pool` from `start` on that fit in `room` and add a competency to
        `covered`: in id order, and as (price, gain, competencies added, index), cheapest first.
        A node computes them once for itself and for the bounds of all its children."""
        scale = self.price_scale
        useful = []
        options = []
        masks, units = self.masks, self.units
        for index in pool:
            if index < start:
                continue
            cost = units[index]
            if cost <= room:
                new = masks[index] & ~covered
                if new:
                    gain = new.bit_count()
                    useful.append(index)
                    options.append((cost * scale // gain, gain, new, index))
        options.sort()
        return useful, options

    def _may_improve(
        self,
        options: list[tuple[int, int, int, int]],
        start: int,
        covered: int,
        hours: int,
        count: int,
    ) -> bool:
        """Whether adding modules from `start` on (among `options`) may reach the target value.

        Each module that still fits shares its hours equally among the competencies it would
        add, and each competency gets the lowest such price: any set of modules pays at least
        the prices of the competencies it adds. Hence it adds at most as many competencies as
        the cheapest prices fit in the hours left, and pays at least the sum of the cheapest
        prices of the competencies it adds.
        """
        target, strict = self._target()
        scale = self.price_scale
        have = covered.bit_count()
        beyond = target[0] - have  # adding more than this many competencies beats the target
        missing = beyond
        allowance = (self.limit - hours) * scale
        reach = cost = priced = 0
        for price, _, new, index in options:
            if index < start:
                continue
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
        if not priced or reach < beyond:
            return False
        # Only sets covering exactly target[0] remain: compare their (hours, count) bounds. They
        # add at least one module to this node's set.
        gains = [gain for _, gain, _, index in options if index >= start]
        least = (
            hours + -(-cost // scale),
            count + max(1, _fewest(gains, beyond)),
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


class _IntegerProgram:
    """The same problem as `_BranchAndBound`, as a mixed-integer program for HiGHS (SciPy's
    `milp`): a binary x per module, a y in [0, 1] per competency with y ≤ the sum of the x of
    the modules targeting it, and the hours of the chosen modules ≤ the budget.

    Criteria (1)–(3) are one integer objective, minimised in one solve:
    `count + (n + 1) * hours - weight * cover`, where `weight = (n + 1) * limit + n + 1`. The
    count is at most n and the hours at most the limit, so fewer hours always beat fewer
    modules, and one more competency always beats any hours and count. For integer x the best
    y is 1 exactly on the covered competencies, so the optimum is the best set's value.

    Criterion (4) then picks, among the sets of that optimal value, the smallest sorted list of
    ids. All these sets have the same number of modules, and for two sets of the same size the
    smaller sorted list is the one holding the smallest module of their symmetric difference.
    So the modules are decided in id order: a solve under the constraint "value = optimum"
    maximises the sum of 2**23 x_0 + 2**22 x_1 + … + x_23 over the first 24 undecided modules,
    which selects exactly the pattern of those modules that the smallest list has; they are
    fixed to it, and the next 24 are decided the same way, until the set is complete.

    Every answer of HiGHS is checked in exact integer arithmetic (a set, its hours within the
    budget, its value as claimed); a refuted or missing answer falls back to the branch and
    bound without a node limit, which is exact but slow.
    """

    def __init__(self, masks: list[int], units: list[int], limit: int) -> None:
        self.masks = masks
        self.units = units
        self.limit = limit
        size = len(masks)
        union = 0
        for mask in masks:
            union |= mask
        self.competencies = [bit for bit in range(union.bit_length()) if union >> bit & 1]
        self.weight = (size + 1) * limit + size + 1
        self.costs = [(size + 1) * u + 1 for u in units] + [-self.weight] * len(self.competencies)

    def solve(self) -> list[int]:
        try:
            best = self._optimum()
            cover, hours, count = self._criteria(best)
            if count <= TIE_DEPTH:
                optimum = (cover, -hours, -count)
                search = _BranchAndBound(self.masks, self.units, self.limit, TIE_NODES, optimum)
                with contextlib.suppress(_TooLong):
                    return search.solve()
            return self._smallest_ids(best)
        except _SolverFailed:
            return _BranchAndBound(self.masks, self.units, self.limit).solve()

    def value(self, chosen: Collection[int]) -> int:
        """The exact objective of a set of modules (smaller is better)."""
        cover, hours, count = self._criteria(chosen)
        return count + (len(self.masks) + 1) * hours - self.weight * cover

    def _optimum(self) -> list[int]:
        """A set of the best value for criteria (1)–(3)."""
        return self._run(self.costs, {}, None)

    def _smallest_ids(self, best: list[int]) -> list[int]:
        """Among the sets of `best`'s value, the one with the smallest sorted list of ids."""
        target = self._criteria(best)
        fixed: dict[int, int] = {}
        current = set(best)
        size = len(self.masks)
        for start in range(0, size, TIE_BREAK_CHUNK):
            if sum(fixed.values()) == len(best):
                break
            chunk = range(start, min(size, start + TIE_BREAK_CHUNK))
            costs = [0] * len(self.costs)
            for index in chunk:
                costs[index] = -(1 << (chunk.stop - 1 - index))
            current = set(self._run(costs, fixed, target))
            for index in chunk:
                fixed[index] = int(index in current)
        for index in range(size):
            fixed.setdefault(index, 0)
        chosen = [index for index in range(size) if fixed[index]]
        if self._criteria(chosen) != target:
            raise _SolverFailed
        return chosen

    def _run(
        self, costs: list[int], fixed: Mapping[int, int], target: tuple[int, int, int] | None
    ) -> list[int]:
        """Solve with these objective costs, modules fixed to 0 or 1, and, given an optimum,
        the constraint that the set's value equals it; the answer checked exactly."""
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import csr_array

        size, count = len(self.masks), len(self.competencies)
        rows, columns, entries = [], [], []
        for row, bit in enumerate(self.competencies):
            rows.append(row)
            columns.append(size + row)
            entries.append(1.0)
            for index, mask in enumerate(self.masks):
                if mask >> bit & 1:
                    rows.append(row)
                    columns.append(index)
                    entries.append(-1.0)
        lower = [-np.inf] * count + [-np.inf]
        upper = [0.0] * count + [float(self.limit)]
        for index, units in enumerate(self.units):
            rows.append(count)
            columns.append(index)
            entries.append(float(units))
        if target is not None:
            # The best set's cover, hours and count: no set does better on (1)–(3), so a set
            # reaching them ties with it on all three.
            cover, hours, modules = target
            lower[count] = upper[count] = float(hours)
            for column in range(size + count):
                rows.append(count + 1)
                columns.append(column)
                entries.append(1.0 if column >= size else 0.0)
                rows.append(count + 2)
                columns.append(column)
                entries.append(1.0 if column < size else 0.0)
            lower += [cover - 0.5, modules - 0.5]
            upper += [np.inf, modules + 0.5]
        matrix = csr_array((entries, (rows, columns)), shape=(len(lower), size + count))
        low = np.zeros(size + count)
        high = np.ones(size + count)
        for index, value in fixed.items():
            low[index] = high[index] = value
        with _native_output_silenced():
            result = milp(
                np.array(costs, dtype=float),
                constraints=LinearConstraint(matrix, lower, upper),
                integrality=np.array([1] * size + [0] * count),
                bounds=Bounds(low, high),
                options={"mip_rel_gap": 0.0},
            )
        if result.status != 0 or result.x is None:
            raise _SolverFailed
        values = result.x[:size]
        if np.any(np.abs(values - np.round(values)) > 1e-6):
            raise _SolverFailed
        chosen = [index for index in range(size) if values[index] > 0.5]
        if sum(self.units[index] for index in chosen) > self.limit:
            raise _SolverFailed
        if any(int(index in chosen) != value for index, value in fixed.items()):
            raise _SolverFailed
        if target is None and self.value(chosen) != round(float(result.fun)):
            raise _SolverFailed
        if target is not None and self._criteria(chosen) != target:
            raise _SolverFailed
        return chosen

    def _criteria(self, chosen: Collection[int]) -> tuple[int, int, int]:
        """Cover, hours and count of a set of modules, exactly."""
        covered = 0
        for index in chosen:
            covered |= self.masks[index]
        return covered.bit_count(), sum(self.units[index] for index in chosen), len(chosen)


_FD1_LOCK = threading.Lock()


@contextlib.contextmanager
def _native_output_silenced() -> Iterator[None]:
    """Send the process's standard output to /dev/null for the duration of a HiGHS solve.

    HiGHS 1.x writes a debugging line ("HighsMipSolverData::transformNewIntegerFeasibleSolution
    tmpSolver.run();") straight to file descriptor 1 on some problems, whatever its options;
    `portfolio plan --json` must print JSON only. File descriptor 1 belongs to the whole process:
    the lock keeps two threads (the web server's) from saving each other's /dev/null as the
    descriptor to restore. Servers log to standard error, which stays untouched.
    """
    with _FD1_LOCK:
        if sys.stdout is not None:
            sys.stdout.flush()
        saved = os.dup(1)
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(sink)
