"""The suppression audit against an independent brute force: every integer assignment of the
hidden cells that an attacker cannot rule out, enumerated by a small search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.protection import audit, suppression
from flows.protection.audit import Group, Knowledge


def _domain(know: Knowledge, cell: int, hidden: set[int], big: int) -> range | list[int]:
    floor = 1 if cell in know.positive else 0
    if cell in know.primary:
        return range(0 if know.zeros else 1, know.k)
    if cell in hidden and know.not_small(cell):
        rest = list(range(know.k, big + 1))
        return rest if floor or know.zeros else [0, *rest]
    return range(floor, big + 1)


def brute_ranges(know: Knowledge, hidden: set[int]) -> dict[int, tuple[int, int | None]]:
    """(least, greatest or None when unbounded) of every hidden cell: for each candidate value,
    a depth-first search for one assignment of all unknown cells that meets every published sum
    (with the value ranges of the open cells as the only pruning)."""
    big = sum(v for v in know.values if v is not None) + know.k + 1
    unknown = sorted(hidden | {i for i, v in enumerate(know.values) if v is None})
    equations = []
    for group in know.groups:
        terms = [(c, 1) for c in group.members] + ([(group.total, -1)] if group.total is not None
                                                  else [])
        constant = 0 if group.total is not None else sum(know.values[c] or 0
                                                         for c in group.members)
        equations.append((terms, constant))
    domains = {c: list(_domain(know, c, hidden, big)) for c in unknown}

    def feasible(assigned: dict[int, int]) -> bool:
        forced: tuple[int, int] | None = None
        for terms, constant in equations:
            open_cells = [(c, a) for c, a in terms if c in domains and c not in assigned]
            known = sum(a * (assigned[c] if c in domains else know.values[c] or 0)
                        for c, a in terms if c not in domains or c in assigned)
            lowest = sum(min(a * domains[c][0], a * domains[c][-1]) for c, a in open_cells)
            highest = sum(max(a * domains[c][0], a * domains[c][-1]) for c, a in open_cells)
            if not lowest <= constant - known <= highest:
                return False
            if len(open_cells) == 1:
                forced = (open_cells[0][0], (constant - known) * open_cells[0][1])
        if forced is not None:
            return forced[1] in domains[forced[0]] and feasible({**assigned, forced[0]:
                                                                 forced[1]})
        free = [c for c in unknown if c not in assigned]
        if not free:
            return True
        return any(feasible({**assigned, free[0]: v}) for v in domains[free[0]])

    ranges: dict[int, tuple[int, int | None]] = {}
    for cell in hidden:
        truth = know.values[cell]
        low = next(v for v in domains[cell] if v == truth or feasible({cell: v}))
        high = next(v for v in reversed(domains[cell]) if v == truth or feasible({cell: v}))
        ranges[cell] = (low, None if high >= big else high)
    return ranges


def _two_way(values: list[list[int]]) -> tuple[list[int | None], list[Group], set[int]]:
    rows, cols = len(values), len(values[0])
    cells: list[int | None] = [v for row in values for v in row]
    inner = set(range(len(cells)))
    row_totals = list(range(len(cells), len(cells) + rows))
    cells += [sum(row) for row in values]
    col_totals = list(range(len(cells), len(cells) + cols))
    cells += [sum(values[r][c] for r in range(rows)) for c in range(cols)]
    groups = [Group(tuple(r * cols + c for c in range(cols)), row_totals[r]) for r in range(rows)]
    groups += [Group(tuple(r * cols + c for r in range(rows)), col_totals[c])
               for c in range(cols)]
    return cells, groups, inner


def tables(most_rows: int) -> st.SearchStrategy[list[list[int]]]:
    """Two-way tables of small counts (the brute force grows fast with the hidden cells)."""
    return st.integers(min_value=1, max_value=most_rows).flatmap(
        lambda r: st.integers(min_value=2, max_value=3).flatmap(
            lambda c: st.lists(st.lists(st.integers(min_value=0, max_value=7), min_size=c,
                                        max_size=c), min_size=r, max_size=r)))


@settings(max_examples=40, deadline=None)
@given(tables(2), st.sampled_from([3, 4]), st.booleans(), st.sampled_from([1, 2]))
def test_property_after_secondary_suppression_no_hidden_cell_is_narrower_than_declared(
        values: list[list[int]], k: int, positive: bool, min_width: int) -> None:
    cells, groups, inner = _two_way(values)
    if positive and any(v == 0 for v in cells):
        positive = False  # a published zero tells the reader that zero rows exist
    hidden = suppression.primary(cells, inner, k)
    know = Knowledge(cells, groups, k, hidden, positive=set(inner) if positive else set(),
                     sensitive=inner)
    try:
        extra, result = suppression.secondary(know, hidden, min_width)
    except suppression.SuppressionImpossibleError:
        return  # the stage reports it and publishes nothing
    truth = brute_ranges(know, hidden | extra)
    assert {c: (i.low, i.high) for c, i in result.intervals.items()} == truth
    for cell, (low, high) in truth.items():
        width = None if high is None else high - low
        assert width is None or width >= suppression.required_width(know, cell, min_width), cell


@settings(max_examples=40, deadline=None)
@given(tables(3), st.sampled_from([3, 4]), st.data())
def test_property_audit_intervals_equal_the_brute_force_for_any_pattern(
        values: list[list[int]], k: int, data: st.DataObject) -> None:
    cells, groups, inner = _two_way(values)
    hidden = suppression.primary(cells, inner, k)
    others = sorted(set(range(len(cells))) - hidden)
    extra = set(data.draw(st.lists(st.sampled_from(others), max_size=3))) if others else set()
    know = Knowledge(cells, groups, k, hidden, sensitive=inner)
    result = audit.audit(know, hidden | extra)
    assert not result.undecided
    assert {c: (i.low, i.high) for c, i in result.intervals.items()} == brute_ranges(
        know, hidden | extra)


def test_three_hidden_ones_of_a_known_sum_are_exact_and_get_protected() -> None:
    # issue 15: rows exist only with a case, so three hidden cells summing to 3 are each 1
    values: list[int | None] = [1, 1, 1, 20, 23]
    groups = [Group((0, 1, 2, 3), 4)]
    hidden = suppression.primary(values, range(4), 3)
    know = Knowledge(values, groups, 3, hidden, positive={0, 1, 2, 3}, sensitive={0, 1, 2, 3})
    assert hidden == {0, 1, 2}
    assert suppression.determined(hidden, groups) == set()  # linear algebra sees nothing
    exact = audit.audit(know, hidden)
    assert {i.width for i in exact.intervals.values()} == {0}
    extra, result = suppression.secondary(know, hidden)
    assert extra == {3}
    assert result.narrowest() == 1 and result.intervals[3] == audit.Interval(17, 20)


def test_a_secondary_cell_of_exactly_k_is_not_enough_and_a_bigger_one_is_chosen() -> None:
    # two hidden 1s and a visible 3 and 9 (k = 3): hiding the 3 leaves both 1s exact
    values: list[int | None] = [1, 1, 3, 9, 14]
    groups = [Group((0, 1, 2, 3), 4)]
    know = Knowledge(values, groups, 3, {0, 1}, positive={0, 1, 2, 3}, sensitive={0, 1, 2, 3})
    assert audit.audit(know, {0, 1, 2}).narrowest() == 0
    extra, result = suppression.secondary(know, {0, 1})
    assert extra == {3} and result.narrowest() == 1


def test_an_unsettled_audit_is_reported_as_undecided() -> None:
    values: list[int | None] = [1, 5, 6]
    know = Knowledge(values, [Group((0, 1), 2)], 3, {0}, sensitive={0, 1})
    auditor = audit.Auditor(know, budget_seconds=0)
    result = auditor.audit({0, 1})
    assert result.undecided == {0, 1} and not result.intervals


def test_zeros_declared_sensitive_widen_a_hidden_count_to_zero() -> None:
    values: list[int | None] = [0, 2, 9, 11]
    know = Knowledge(values, [Group((0, 1, 2), 3)], 3, {0, 1}, zeros=True,
                     sensitive={0, 1, 2})
    result = audit.audit(know, {0, 1, 2})
    assert result.intervals[0] == audit.Interval(0, 2)
    assert result.intervals[2] == audit.Interval(7, 11)
