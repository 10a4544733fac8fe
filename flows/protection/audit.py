"""The attacker's view of a suppression pattern: for each hidden cell, the smallest and largest
value consistent with everything published (the audit of τ-ARGUS and R's sdcTable).

Linear algebra alone (`suppression.determined`) only asks whether a hidden cell follows from the
published sums as a *linear* combination. An attacker knows more: counts are whole numbers and
never negative; a hidden small count lies in [1, k−1] ([0, k−1] if zeros are hidden too); a cell
hidden to protect another one is not small (0 or ≥ k); in a table without a single zero the rows
exist only because they count a case (≥ 1). Three hidden cells that sum to 3 under the last rule
are each exactly 1, although no linear combination says so.

So each hidden cell's range is computed exactly: minimise and maximise it as a mixed-integer
program (HiGHS, `scipy.optimize.milp`), per component of cells linked by published sums, cached
by the component's hidden cells, so the suppression loop re-solves only what a new hidden cell
changed. A program that runs out of time leaves its cell *undecided*: not safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np

from flows.protection.knowledge import AuditResult, Group, Interval, Knowledge

__all__ = ["AuditResult", "Auditor", "Group", "Interval", "Knowledge", "UndecidedError", "audit"]

SOLVE_SECONDS = 5.0
"""Time limit of one program (one bound of one cell)."""
BUDGET_SECONDS = 120.0
"""Time limit of all programs for one table; what is left then is undecided (not safe)."""


class Auditor:
    """Audits suppression patterns of one table, reusing the solved bounds of unchanged
    components; gives up (undecided) once `budget_seconds` are spent."""

    def __init__(self, knowledge: Knowledge, solve_seconds: float = SOLVE_SECONDS,
                 budget_seconds: float | None = None) -> None:
        self.knowledge = knowledge
        self.solve_seconds = solve_seconds
        budget = BUDGET_SECONDS if budget_seconds is None else budget_seconds
        self.deadline = time.monotonic() + budget
        self.big = sum(abs(v) for v in knowledge.values if v is not None) + knowledge.k + 1
        self._programs: dict[frozenset[int], _Program] = {}
        self._safe: dict[int, frozenset[int]] = {}  # cell → a pattern under which it was safe
        self._by_cell: dict[int, list[Group]] = {}
        for group in knowledge.groups:
            for cell in group.cells():
                self._by_cell.setdefault(cell, []).append(group)

    def audit(self, hidden: set[int]) -> AuditResult:
        """The exact interval of every hidden cell under the pattern `hidden`."""
        intervals: dict[int, Interval] = {}
        undecided: set[int] = set()
        for component in self.components(hidden):
            program = self._program(component, hidden)
            for cell in sorted(component & hidden):
                interval = program.interval(cell)
                if interval is None:
                    undecided.add(cell)
                else:
                    intervals[cell] = interval
        return AuditResult(intervals, undecided)

    def exposed(self, hidden: set[int], need: Callable[[int], int]) -> tuple[int, int] | None:
        """The first hidden cell (with its width) that an attacker narrows below `need(cell)`,
        solving only as much as that takes; None if there is none.

        Raises:
            UndecidedError: the solver could not settle a cell in time.
        """
        pattern = frozenset(hidden)
        for component in self.components(hidden):
            program = self._program(component, hidden)
            for cell in sorted(component & hidden):
                if cell in self._safe and self._safe[cell] <= pattern:
                    continue  # hiding more cells only widens the ranges: still safe
                width = program.width_below(cell, need(cell))
                if width is not None:
                    return cell, width
                self._safe[cell] = pattern
        return None

    def components(self, hidden: set[int]) -> list[frozenset[int]]:
        """Unknown cells (hidden or without a value) grouped by the published sums linking them."""
        unknown = set(hidden) | {i for i, v in enumerate(self.knowledge.values) if v is None}
        seen: set[int] = set()
        found: list[frozenset[int]] = []
        for start in sorted(hidden):
            if start in seen:
                continue
            part, todo = {start}, [start]
            while todo:
                cell = todo.pop()
                for group in self._by_cell.get(cell, []):
                    for other in group.cells():
                        if other in unknown and other not in part:
                            part.add(other)
                            todo.append(other)
            seen |= part
            found.append(frozenset(part))
        return found

    def _program(self, component: frozenset[int], hidden: set[int]) -> _Program:
        key = component & frozenset(hidden)
        if key not in self._programs:
            self._programs[key] = _Program(self, component, hidden)
        return self._programs[key]


class UndecidedError(RuntimeError):
    """The solver could not settle a hidden cell's bound in time."""
    def __init__(self, cell: int) -> None:
        super().__init__(f"cell={cell}")
        self.cell = cell


class _Program:
    """One component as a mixed-integer program: x = unknown cells, then one binary per hidden
    non-small cell that may be 0 (x = 0, or k ≤ x ≤ big)."""

    def __init__(self, auditor: Auditor, component: frozenset[int], hidden: set[int]) -> None:
        know = auditor.knowledge
        self.auditor, self.cells = auditor, sorted(component)
        self.column = {c: j for j, c in enumerate(self.cells)}
        protecting = {c for c in self.cells if c in hidden and know.not_small(c)}
        switched = [c for c in self.cells
                    if c in protecting and know.floor(c) == 0 and not know.zeros]
        protecting -= set(switched)
        n = len(self.cells) + len(switched)
        low, high = np.zeros(n), np.full(n, float(auditor.big))
        for c, j in self.column.items():
            low[j] = know.floor(c)
            if c in know.primary:
                low[j] = 0 if know.zeros else 1
                high[j] = know.k - 1
            elif c in protecting:
                low[j] = know.k  # hidden to protect another cell: not small, and not 0
        rows, lows, highs = self._sums(component, hidden)
        _tighten(high, low, rows, lows)
        for b, c in enumerate(switched, start=len(self.cells)):
            high[b] = 1
            for coefficients, bound in (({self.column[c]: 1.0, b: -know.k}, (0.0, np.inf)),
                                        ({self.column[c]: 1.0, b: -auditor.big}, (-np.inf, 0.0))):
                rows.append(coefficients)
                lows.append(bound[0])
                highs.append(bound[1])
        matrix = np.zeros((len(rows), n))
        for i, coefficients in enumerate(rows):
            for j, a in coefficients.items():
                matrix[i, j] = a
        self.low, self.high = low, high
        self._bounds: dict[tuple[int, float], float | None] = {}
        from scipy.optimize import Bounds, LinearConstraint  # ~1 s: only when auditing

        self.bounds = Bounds(low, high)
        self.constraints = [LinearConstraint(matrix, lows, highs)] if rows else []
        self.n = n

    def _sums(self, component: frozenset[int], hidden: set[int]
              ) -> tuple[list[dict[int, float]], list[float], list[float]]:
        know = self.auditor.knowledge
        groups = {g for c in component for g in self.auditor._by_cell.get(c, [])}
        rows: list[dict[int, float]] = []
        rhs: list[float] = []
        for group in sorted(groups, key=lambda g: (g.members, g.total or -1)):
            coefficients: dict[int, float] = {}
            value = 0.0
            if group.total is None:  # the sum published elsewhere
                value = float(sum(v for c in group.members if (v := know.values[c]) is not None))
            for sign, cells in ((1.0, group.members),
                                (-1.0, () if group.total is None else (group.total,))):
                for c in cells:
                    if c in self.column:
                        coefficients[self.column[c]] = coefficients.get(self.column[c], 0) + sign
                    else:
                        value -= sign * float(know.values[c] or 0)
            if coefficients:
                rows.append(coefficients)
                rhs.append(value)
        return rows, rhs, list(rhs)

    def interval(self, cell: int) -> Interval | None:
        low, high = self._extreme(cell, 1.0), self._extreme(cell, -1.0)
        if low is None or high is None:
            return None
        return Interval(int(low), None if high >= self.auditor.big else int(high))

    def width_below(self, cell: int, need: int) -> int | None:
        """The cell's width if it is below `need`, else None (often after one bound only).

        Raises:
            UndecidedError: a bound could not be found in time.
        """
        value = self.auditor.knowledge.values[cell] or 0
        for first in (1.0, -1.0):
            bound = self._extreme(cell, first)
            if bound is None:
                raise UndecidedError(cell)
            if abs(value - bound) >= need:  # the true value is feasible too
                return None
        interval = self.interval(cell)
        assert interval is not None and interval.width is not None  # both bounds are known
        return interval.width if interval.width < need else None

    def _extreme(self, cell: int, sense: float) -> float | None:
        if (cell, sense) not in self._bounds:
            self._bounds[cell, sense] = self._solve(cell, sense)
        return self._bounds[cell, sense]

    def _solve(self, cell: int, sense: float) -> float | None:
        j, value = self.column[cell], self.auditor.knowledge.values[cell]
        known = self.low[j] if sense > 0 else self.high[j]
        if value == known or not self.constraints:  # the true value is feasible: bound reached
            return float(known)
        left = self.auditor.deadline - time.monotonic()
        if left <= 0:
            return None
        objective = np.zeros(self.n)
        objective[j] = sense
        from scipy.optimize import milp

        result = milp(objective, integrality=np.ones(self.n), bounds=self.bounds,
                      constraints=self.constraints,
                      options={"time_limit": min(self.auditor.solve_seconds, left)})
        if result.status != 0 or result.x is None:
            return None
        return float(round(result.x[j]))


def _tighten(high: np.ndarray, low: np.ndarray, rows: list[dict[int, float]],
             rhs: list[float]) -> None:
    """Upper bounds from sums of non-negative cells: a tight big-M keeps branch-and-bound small."""
    for _ in range(2):
        for coefficients, value in zip(rows, rhs, strict=True):
            if all(a == 1.0 for a in coefficients.values()):
                floor = sum(low[j] for j in coefficients)
                for j in coefficients:
                    high[j] = min(high[j], value - floor + low[j])


def audit(knowledge: Knowledge, hidden: Iterable[int]) -> AuditResult:
    """The interval of every hidden cell (see the module docstring)."""
    return Auditor(knowledge).audit(set(hidden))
