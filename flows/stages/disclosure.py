"""Disclosure control across the resources of one dataset: sums that one resource publishes of
another resource's counts.

Protect works on one table. An attacker reads the whole dataset: a sibling resource may publish
the totals of a protected table (cases per service next to cases per service and month), whether
or not `dataset.yaml` says so. After every resource held in memory is protected, this stage finds
such sums the way an attacker would, from the data: a resource S that has a protected count
field F of a resource R, and whose text fields all occur in R, publishes R's sums if each of its
rows holds the sum of R's F over the rows with the same text values. Then both tables are
audited together (flows/protection/audit.py) and secondary suppression hides further cells —
in R, or in S if S declares small counts for F too — until no hidden cell is narrower than
declared. The protection figures of the resources are updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows import problems
from flows.problems import Problem
from flows.protection import suppression
from flows.specs.datasets import ResourceSpec
from flows.stages.protect import Protection, not_protected, sum_groups

NUMERIC = {"integer", "number"}


@dataclass
class Protected:
    """One resource held in memory, after protect."""

    resource: ResourceSpec
    protection: Protection
    file: str


@dataclass
class _Joint:
    """The cells of several resources numbered as one table of counts."""

    cells: list[tuple[int, int, int]]  # (resource number, row index, column index)
    values: list[int | None]
    index: dict[tuple[int, int, int], int]

    def add(self, item: Protected, number: int, column: int) -> None:
        table = item.protection.table
        for r, row in enumerate(table.rows):
            key = (number, r, column)
            if key not in self.index:
                self.index[key] = len(self.cells)
                self.cells.append(key)
                original = item.protection.originals.get((r, column))
                self.values.append(original if original is not None else _count(row[column]))


def protect_dataset(items: list[Protected], dataset: str) -> list[Problem]:
    """Audit and protect counts that a sibling resource publishes sums of.

    Args:
        items: the dataset's protected resources held in memory (changed in place).
        dataset: dataset name, for problem records.

    Returns:
        The problems (a hidden count that cannot be protected or audited in time).
    """
    joint = _Joint([], [], {})
    groups: list[suppression.Group] = []
    for number, item in enumerate(items):
        for name in item.resource.protect.small_count_fields:
            joint.add(item, number, item.protection.table.fields.index(name))
    links = [(r, s, name) for r, item in enumerate(items)
             for name in item.resource.protect.small_count_fields
             for s in range(len(items)) if s != r and _publishes_sums(items[s], item, name)]
    if not links:
        return []
    involved = {n for r, s, _ in links for n in (r, s)}
    for r, s, name in links:
        joint.add(items[s], s, items[s].protection.table.fields.index(name))
        groups += _link_groups(items[r], r, items[s], s, name, joint)
    for number in involved:
        item = items[number]
        columns = {f: i for i, f in enumerate(item.protection.table.fields)}
        position = {(r, c): i for (n, r, c), i in joint.index.items() if n == number}
        if item.resource.protect.small_count_fields:
            groups += sum_groups(item.protection.table, item.resource.protect, columns, position)
    return _protect_jointly(items, sorted(involved), joint, groups, dataset)


def _protect_jointly(items: list[Protected], involved: list[int], joint: _Joint,
                     groups: list[suppression.Group], dataset: str) -> list[Problem]:
    rules = [items[n].resource.protect for n in involved if
             items[n].resource.protect.small_count_fields]
    first = rules[0]
    if len({(r.k, r.zeros) for r in rules}) > 1:  # one rule for all: what a reader assumes
        item = next(items[n] for n in involved if items[n].resource.protect.small_count_fields)
        return [problems.make(
            "suppression-audit-undecided",
            "Eine Ressource veröffentlicht die Summen einer anderen, aber beide sperren kleine "
            "Werte nach verschiedenen Regeln (k oder zeros). In dataset.yaml für beide dieselbe "
            "Regel angeben; bis dahin wird nicht veröffentlicht.", dataset=dataset,
            resource=item.resource.name, file=item.file)]
    declared = {n: set(items[n].resource.protect.small_count_fields) for n in involved}
    hideable = {i for i, (n, r, c) in enumerate(joint.cells)
                if items[n].protection.table.fields[c] in declared[n]}
    zero_columns = {(n, c) for (n, _, c), v in zip(joint.cells, joint.values, strict=True)
                    if v == 0}
    primary = {joint.index[n, r, c] for n in involved
               for r, c in items[n].protection.primary if (n, r, c) in joint.index}
    hidden = {joint.index[n, r, c] for n in involved
              for r, c in items[n].protection.originals if (n, r, c) in joint.index}
    knowledge = suppression.Knowledge(
        joint.values, groups, max(r.k for r in rules), primary, any(r.zeros for r in rules),
        {i for i, (n, _, c) in enumerate(joint.cells) if (n, c) not in zero_columns},
        sensitive=hideable, hideable=hideable)
    try:
        extra, audited = suppression.secondary(knowledge, hidden,
                                               max(r.min_width for r in rules))
    except (suppression.SuppressionImpossibleError, suppression.AuditUndecidedError) as exc:
        n, r, c = joint.cells[exc.cell]
        item = items[n]
        context: dict[str, Any] = {"dataset": dataset, "resource": item.resource.name,
                                   "file": item.file}
        return [not_protected(exc, item.protection.table.row_numbers[r],
                              item.protection.table.fields[c], first, context)]
    for i in extra:
        n, r, c = joint.cells[i]
        protection = items[n].protection
        protection.table.rows[r][c] = items[n].resource.protect.marker
        protection.originals[r, c] = joint.values[i] or 0
        protection.secondary += 1
    for n in involved:
        widths = [interval.width for i, interval in audited.intervals.items()
                  if joint.cells[i][0] == n]
        audit = {"audit_hidden_cells": len(widths)}
        if known := [w for w in widths if w is not None]:
            audit["audit_narrowest_width"] = min(known)
        items[n].protection.audit = audit
    return []


def _publishes_sums(sums: Protected, counts: Protected, name: str) -> bool:
    """Whether every row of `sums` holds the sum of `counts`' field `name` over the rows of
    `counts` with the same text values (checked on the true values, as an attacker would on a
    complete table)."""
    table, other = sums.protection.table, counts.protection.table
    if name not in table.fields or not table.rows:
        return False
    kinds = {f["name"]: f.get("type", "string") for f in sums.resource.schema.get("fields", [])}
    keys = [f for f in table.fields if f != name and kinds.get(f) not in NUMERIC]
    if not set(keys) <= set(other.fields):
        return False
    totals = _sums(counts, name, keys)
    column = table.fields.index(name)
    seen: set[tuple[str, ...]] = set()
    for r, row in enumerate(table.rows):
        key = tuple(row[table.fields.index(k)] for k in keys)
        value = sums.protection.originals.get((r, column), _count(row[column]))
        if key in seen or value is None or value != totals.get(key, 0):
            return False
        seen.add(key)
    return True


def _sums(item: Protected, name: str, keys: list[str]) -> dict[tuple[str, ...], int]:
    table = item.protection.table
    column = table.fields.index(name)
    found: dict[tuple[str, ...], int] = {}
    for r, row in enumerate(table.rows):
        key = tuple(row[table.fields.index(k)] for k in keys)
        value = item.protection.originals.get((r, column), _count(row[column]))
        found[key] = found.get(key, 0) + (value or 0)
    return found


def _link_groups(counts: Protected, r_number: int, sums: Protected, s_number: int, name: str,
                 joint: _Joint) -> list[suppression.Group]:
    table, other = sums.protection.table, counts.protection.table
    kinds = {f["name"]: f.get("type", "string") for f in sums.resource.schema.get("fields", [])}
    keys = [f for f in table.fields if f != name and kinds.get(f) not in NUMERIC]
    s_column, r_column = table.fields.index(name), other.fields.index(name)
    members: dict[tuple[str, ...], list[int]] = {}
    for r, row in enumerate(other.rows):
        key = tuple(row[other.fields.index(k)] for k in keys)
        members.setdefault(key, []).append(joint.index[r_number, r, r_column])
    return [suppression.Group(tuple(members.get(tuple(row[table.fields.index(k)] for k in keys),
                                                [])), joint.index[s_number, r, s_column])
            for r, row in enumerate(table.rows)]


def _count(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
