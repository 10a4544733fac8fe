"""Small-count suppression with secondary suppression, as pure functions over cell indices.

Primary suppression hides every sensitive count from 1 to k−1 (from 0 if zeros are declared
sensitive). Where cells sum to a published figure (a group with a total, in the table, in a
sibling resource or published elsewhere), a reader could recompute a hidden cell from the total,
the visible cells and what every reader knows about counts. Secondary suppression therefore hides
further cells until the audit (`flows.protection.audit`: each hidden cell's feasible range, by
mixed-integer programming) leaves every hidden cell at least `min_width` wide.

Which cell to hide next: one next to the narrowest hidden cell, from the sum that pins it, and
not the smallest one. A small extra cell adds little slack: if two hidden 1s sit next to a hidden
3 (k = 3) whose sum 5 is known, the 3 cannot be below 3, so both 1s are exact. The rule takes the
smallest visible member that is at least k + min_width (it can give way by min_width and still be
no small count), else the largest; totals and zeros only when nothing else is left. The audit
decides, so the rule only needs to be good, not perfect: the loop goes on until the audit passes.

`determined` is the older, purely linear test (Gaussian elimination over fractions): kept as a
fast cross-check; the audit is strictly stronger.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from fractions import Fraction

from flows.protection.audit import Auditor, AuditResult, Group, Knowledge, UndecidedError

__all__ = ["AuditUndecidedError", "Group", "Knowledge", "SuppressionImpossibleError",
           "determined", "primary", "required_width", "secondary"]


class SuppressionImpossibleError(ValueError):
    """A hidden cell cannot be protected: nothing linked to it is left to hide."""

    def __init__(self, cell: int) -> None:
        super().__init__(f"cell={cell}")
        self.cell = cell


class AuditUndecidedError(ValueError):
    """The solver ran out of time on a hidden cell: the pattern is not known to be safe."""

    def __init__(self, cell: int) -> None:
        super().__init__(f"cell={cell}")
        self.cell = cell


def primary(values: list[int | None], sensitive: Iterable[int], k: int,
            zeros: bool = False) -> set[int]:
    """Indices of sensitive cells with a value from 1 (0 with `zeros`) to k−1."""
    low = 0 if zeros else 1
    return {i for i in sensitive if (v := values[i]) is not None and low <= v < k}


def required_width(knowledge: Knowledge, cell: int, min_width: int) -> int:
    """The width a hidden cell must keep: `min_width`, but never more than a small count's own
    range (a hidden count below k = 3 can only be 1 or 2)."""
    if cell in knowledge.primary:
        return min(min_width, knowledge.k - 1 - (0 if knowledge.zeros else 1))
    return min_width


def secondary(knowledge: Knowledge, hidden: set[int], min_width: int = 1,
              auditor: Auditor | None = None) -> tuple[set[int], AuditResult]:
    """The extra cells to hide so that the audit leaves every hidden cell `min_width` wide, and
    the audit of the final pattern.

    Raises:
        SuppressionImpossibleError: a too narrow cell has nothing left to hide next to it.
        AuditUndecidedError: the solver could not decide a cell in time.
    """
    auditor = auditor or Auditor(knowledge)
    hidden = set(hidden)
    extra: set[int] = set()
    by_cell: dict[int, list[Group]] = {}
    for group in knowledge.groups:
        for cell in group.cells():
            by_cell.setdefault(cell, []).append(group)
    need = functools.partial(required_width, knowledge, min_width=min_width)
    try:
        while (found := auditor.exposed(hidden, need)) is not None:
            choice = _choose(found[0], knowledge, hidden, by_cell, min_width)
            if choice is None:
                raise SuppressionImpossibleError(found[0])
            hidden.add(choice)
            extra.add(choice)
    except UndecidedError as exc:
        raise AuditUndecidedError(exc.cell) from exc
    result = auditor.audit(hidden)
    if result.undecided:
        raise AuditUndecidedError(min(result.undecided))
    return extra, result


def _choose(cell: int, knowledge: Knowledge, hidden: set[int],
            by_cell: dict[int, list[Group]], min_width: int) -> int | None:
    """A visible cell to hide next to `cell`: from its sums with the fewest unknown cells first,
    then, if those are all hidden, one step further through the hidden cells."""
    values = knowledge.values
    target = knowledge.k + max(min_width, 1)

    def unknown(group: Group) -> int:
        return sum(1 for c in group.cells() if c in hidden or values[c] is None)

    frontier, seen = [cell], {cell}
    while frontier:
        groups = sorted({g for c in frontier for g in by_cell.get(c, [])},
                        key=lambda g: (unknown(g), g.members, g.total or -1))
        for group in groups:
            candidates = [c for c in group.cells() if c not in hidden and values[c] is not None
                          and (knowledge.hideable is None or c in knowledge.hideable)]
            if candidates:
                return min(candidates, key=lambda c: _rank(c, group, values, target))
        frontier = [c for g in groups for c in g.cells() if c not in seen]
        seen.update(frontier)
    return None


def _rank(cell: int, group: Group, values: list[int | None], target: int) -> tuple[int, ...]:
    value = values[cell] or 0
    big_enough = value >= target
    return (cell == group.total, value == 0, not big_enough,
            value if big_enough else -value, cell)


def determined(unknowns: set[int], groups: list[Group]) -> set[int]:
    """Unknown cells whose value follows from the groups' published sums."""
    equations = []
    for group in groups:
        coefficients = {c: 1 for c in group.members if c in unknowns}
        if group.total is not None and group.total in unknowns:
            coefficients[group.total] = -1
        if coefficients:
            equations.append(coefficients)
    found: set[int] = set()
    for component in _components(equations):
        found |= _determined_in(component)
    return found


def _components(equations: list[dict[int, int]]) -> list[list[dict[int, int]]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for equation in equations:
        cells = list(equation)
        for other in cells[1:]:
            parent[root(other)] = root(cells[0])
        root(cells[0])
    grouped: dict[int, list[dict[int, int]]] = {}
    for equation in equations:
        grouped.setdefault(root(next(iter(equation))), []).append(equation)
    return list(grouped.values())


def _determined_in(equations: list[dict[int, int]]) -> set[int]:
    variables = sorted({v for e in equations for v in e})
    column = {v: j for j, v in enumerate(variables)}
    rows = [[Fraction(0)] * len(variables) for _ in equations]
    for row, equation in zip(rows, equations, strict=True):
        for variable, coefficient in equation.items():
            row[column[variable]] = Fraction(coefficient)
    pivots: list[tuple[int, int]] = []
    r = 0
    for j in range(len(variables)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][j] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][j]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][j] != 0:
                factor = rows[i][j]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, j))
        r += 1
    return {variables[j] for i, j in pivots
            if all(x == 0 for c, x in enumerate(rows[i]) if c != j)}
