"""Combine: the checked tables of the members of a harmonised key figure as one table, with the
member's AGS as first column, and the suppression audit over it.

Each member's table has passed protect on its own (small counts hidden, secondary suppression
against the sums it publishes). The combined table takes the members' published cells as they
are, so every cell a member hides stays hidden. Then the audit runs over the combined table as
an attacker reads it, next to the member tables: every hidden cell of every member, the sums the
shared protect rules declare (per member: the AGS is the first key of every group) and what
every reader knows of counts. Cells cannot be hidden here in addition, since the member tables
publish them anyway: a hidden cell the combination narrows below the declared width makes the
combined table unpublishable (`suppression-impossible`), it is never published half-protected.
"""

from __future__ import annotations

import dataclasses

from flows.model.tables import Table
from flows.problems import Problem
from flows.protection import suppression
from flows.specs.datasets import ResourceSpec
from flows.stages.disclosure import Protected
from flows.stages.protect import Protection, not_protected, sum_groups


def combine(resource: ResourceSpec, parts: list[tuple[str, Protected]], file: str) -> Protected:
    """The members' protected tables of one resource below each other, the AGS first.

    Args:
        resource: the combined dataset's resource (its schema starts with `ags`).
        parts: (AGS, the member's protected resource) in the order of the declaration.
        file: how the combined table is named in messages.

    Returns:
        The combined resource as protected: the hidden cells of every member with their true
        values (in memory only) for the audit.
    """
    fields = [str(f["name"]) for f in resource.schema.get("fields", [])]
    table = Table(fields=fields)
    combined = Protection(table)
    for ags, item in parts:
        mine = item.protection
        positions = [fields.index(name) for name in mine.table.fields]
        offset = len(table.rows)
        for row in mine.table.rows:
            cells = [""] * len(fields)
            cells[0] = ags
            for value, position in zip(row, positions, strict=True):
                cells[position] = value
            table.rows.append(cells)
            table.row_numbers.append(len(table.rows) + 1)  # the line in the published CSV
        for (r, c), value in mine.originals.items():
            combined.originals[offset + r, positions[c]] = value
        combined.primary |= {(offset + r, positions[c]) for r, c in mine.primary}
        combined.suppressed += mine.suppressed
        combined.secondary += mine.secondary
    table.missing_fields = [f for f in fields if not any(
        f in item.protection.table.fields for _, item in parts) and f != "ags"]
    return Protected(resource, combined, file)


def audit_combined(item: Protected, dataset: str) -> list[Problem]:
    """Audit the combined table's hidden cells (see module docstring); the audit's figures go
    into the resource's protection figures.

    Returns:
        The problem when a hidden cell can be narrowed below the declared width (or the audit
        does not finish in time); none otherwise.
    """
    rules, protection = item.resource.protect, item.protection
    table = protection.table
    if not rules.small_count_fields or not protection.originals:
        return []
    columns = {name: i for i, name in enumerate(table.fields)}
    cells = [(r, columns[name]) for name in rules.small_count_fields for r in
             range(len(table.rows))]
    position = {cell: i for i, cell in enumerate(cells)}
    values = [protection.originals[cell] if cell in protection.originals else _count(
        table.rows[cell[0]][cell[1]]) for cell in cells]
    per_member = dataclasses.replace(rules, groups=tuple(
        {**group, "by": ["ags", *group["by"]]} for group in rules.groups))
    # a member's count column without a single 0 tells the reader its rows exist only with a
    # case, as in the member's own audit
    zero_columns = {(table.rows[r][0], c) for (r, c), v in zip(cells, values, strict=True)
                    if v == 0}
    knowledge = suppression.Knowledge(
        values, sum_groups(table, per_member, columns, position), rules.k,
        {position[cell] for cell in protection.primary if cell in position}, rules.zeros,
        {i for i, (r, c) in enumerate(cells) if (table.rows[r][0], c) not in zero_columns},
        hideable=set())
    hidden = {position[cell] for cell in protection.originals if cell in position}
    try:
        _, audited = suppression.secondary(knowledge, hidden, rules.min_width)
    except (suppression.SuppressionImpossibleError, suppression.AuditUndecidedError) as exc:
        r, c = cells[exc.cell]
        return [not_protected(exc, table.row_numbers[r], table.fields[c], rules,
                              {"dataset": dataset, "resource": item.resource.name,
                               "file": item.file})]
    protection.audit = {"audit_hidden_cells": len(audited.intervals)}
    if (narrowest := audited.narrowest()) is not None:
        protection.audit["audit_narrowest_width"] = narrowest
    return []


def _count(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
