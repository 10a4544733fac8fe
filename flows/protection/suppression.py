"""Small-count suppression with secondary suppression, as pure functions over cell indices.

Primary suppression hides every sensitive count from 1 to k−1. Where cells sum to a published
figure (a group with a total, in the table or published elsewhere), a reader could recompute a
lone hidden cell from the total and the visible cells. Secondary suppression therefore hides
further cells until no hidden cell is determined by the published sums. "Determined" is decided
exactly: each group is a linear equation over the hidden cells, and a hidden cell is determined
iff its unit vector lies in the row space (checked by Gaussian elimination over fractions, per
connected component). This also catches patterns a per-group count misses, e.g. a hidden cell
that bridges two otherwise safe blocks of a two-way table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Group:
    """Cells whose sum is published: `members` sum to the cell `total`, or to a figure published
    elsewhere when `total` is None."""

    members: tuple[int, ...]
    total: int | None = None

    def cells(self) -> tuple[int, ...]:
        return self.members + ((self.total,) if self.total is not None else ())


class SuppressionImpossibleError(ValueError):
    """A hidden cell cannot be protected: its group has no other cell left to hide."""

    def __init__(self, cell: int) -> None:
        super().__init__(f"cell={cell}")
        self.cell = cell


def primary(values: list[int | None], sensitive: Iterable[int], k: int) -> set[int]:
    """Indices of sensitive cells with a value from 1 to k−1."""
    return {i for i in sensitive if values[i] is not None and 1 <= values[i] < k}  # type: ignore[operator]


def secondary(values: list[int | None], hidden: set[int], groups: list[Group]) -> set[int]:
    """The extra cells to hide so that no hidden cell is determined by the groups' sums.

    Raises:
        SuppressionImpossibleError: a determined cell's groups offer nothing more to hide.
    """
    hidden = set(hidden)
    extra: set[int] = set()
    by_cell: dict[int, list[Group]] = {}
    for group in groups:
        for cell in group.cells():
            by_cell.setdefault(cell, []).append(group)
    while True:
        exposed = determined(hidden | _unknown(values), groups)
        exposed &= hidden
        if not exposed:
            return extra
        lone = [g for g in groups if len(_unknown_cells(g, values, hidden)) == 1
                and _unknown_cells(g, values, hidden) <= hidden]
        if lone:  # a group that gives its only hidden cell away: hide another cell there
            choice = _complement(min(_unknown_cells(lone[0], values, hidden)), values, hidden,
                                 lone[:1])
        else:
            cell = min(exposed)
            choice = _complement(cell, values, hidden, by_cell.get(cell, []))
        if choice is None:
            raise SuppressionImpossibleError(cell)
        hidden.add(choice)
        extra.add(choice)


def _unknown_cells(group: Group, values: list[int | None], hidden: set[int]) -> set[int]:
    return {c for c in group.cells() if c in hidden or values[c] is None}


def _unknown(values: list[int | None]) -> set[int]:
    return {i for i, v in enumerate(values) if v is None}


def _complement(cell: int, values: list[int | None], hidden: set[int],
                groups: list[Group]) -> int | None:
    """A visible cell to hide next: from the group with the fewest hidden cells (the one that
    gives `cell` away), its smallest member, preferring non-zero values over zeros and members
    over the total."""
    for group in sorted(groups, key=lambda g: len(_unknown_cells(g, values, hidden))):
        candidates = [c for c in group.cells() if c not in hidden and values[c] is not None]
        if candidates:
            return min(candidates, key=lambda c: (c == group.total, values[c] == 0, values[c], c))
    return None


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
