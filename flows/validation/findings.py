"""The findings of one row in frictionless's order, replayed from the row's verdicts.

frictionless processes a row lazily: cells read for the unique and primary-key checks report
first, a blank row replaces the row's cell errors, unique and primary-key errors follow, the
small-count check comes last. `row_findings` replays that for a row the columnar checks flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from flows.validation.cells import Column, FieldPlan
    from flows.validation.plan import Plan


@dataclass(frozen=True)
class Finding:
    """One error as frictionless reports it (`row` counts the header as row 1)."""

    code: str
    row: int
    field: str | None
    cell: str | None
    note: str
    message: str = ""



def row_findings(plan: Plan, columns: dict[str, Column], batch: dict[str, pa.Array], i: int,
                  row: int, blank: bool, dup: dict[str, int], key_none: bool, key_dup: int,
                  small: list[str]) -> list[Finding]:
    """Replay frictionless's lazy processing of one row to get its errors in its order."""
    found: list[Finding] = []
    done: set[str] = set()
    state = {"full": False}

    def cell(name: str) -> str:
        value = batch[name][i].as_py()
        return "None" if value is None else str(value)

    def cell_errors(p: FieldPlan) -> list[Finding]:
        column = columns[p.name]
        if column.at(column.type_error, i):
            return [Finding("type-error", row, p.name, cell(p.name), p.type_note)]
        return [Finding("constraint-error", row, p.name, cell(p.name), note)
                for note, mask in column.failures if column.at(mask, i)]

    def access(name: str) -> None:
        if not state["full"] and name not in done:
            done.add(name)
            found.extend(cell_errors(next(p for p in plan.fields if p.name == name)))

    def process() -> None:
        if state["full"]:
            return
        for p in plan.fields:
            if p.name not in done:
                found.extend(cell_errors(p))
        state["full"] = True
        if blank:
            found[:] = [Finding("blank-row", row, None, None, "",
                                f'Row at position "{row}" is completely blank')]

    for name, previous in dup.items():
        access(name)
        if previous:
            process()
            found.append(Finding("unique-error", row, name, cell(name),
                                 f"the same as in the row at position {previous}"))
    for name in plan.primary_key:
        access(name)
    if key_none:
        process()
        found.append(Finding("primary-key", row, None, None,
                             'cells composing the primary keys are all "None"'))
    elif key_dup:
        process()
        found.append(Finding("primary-key", row, None, None,
                             f"the same as in the row at position {key_dup}"))
    process()
    found.extend(Finding("small-count-unprotected", row, name, cell(name), f"k={plan.k}")
                 for name in small)
    return found
