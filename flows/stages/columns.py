"""Transform and protect on Arrow columns: the chunked path's stages without per-row objects.

`transform_columns` and `protect_columns` give what `transform.transform` and `protect.protect`
give for the same rows (cells, problems, masked cells, counts), on a `ColumnTable`: each
column is dictionary-encoded, the conversion, text hygiene and personal-data detectors run
once per DISTINCT value in Python, and the results are spread back over the rows by Arrow
(`take`). Rows are visited one by one only where something was found (a cleaned or flagged
value, a formula). Small-count suppression, which weighs every cell against declared sums,
runs on rows (`protect.protect` on `ColumnTable.to_table()`), as does the case-level check of
a table without any number field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.model.tables import ColumnTable
from flows.specs.datasets import ResourceSpec
from flows.stages.protect import (
    FORMULA_START,
    MEMO_SIZE,
    Protection,
    flag_values,
    formula_problem,
    protect,
    report_flagged,
    scanned_columns,
    warn_case_level,
)
from flows.stages.transform import converter, hygiene_problem, map_header
from flows.validation.text import FIRST, Finding, clean, clean_column, needs_care

Memo = dict[tuple[str, str], dict[str, Any]]
"""Per (stage, field) what was worked out per distinct value, kept across the chunks of one
resource (each up to MEMO_SIZE values): chunks of key figures repeat their values."""


def transform_columns(raw: ColumnTable, resource: ResourceSpec, dataset: str, file: str,
                      memo: Memo | None = None) -> ColumnTable:
    """`transform.transform` on columns: one column per schema field, in schema order, cells
    as canonical text; problems as the row path reports them."""
    import pyarrow as pa

    schema_fields = resource.schema.get("fields", [])
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    table = ColumnTable([f["name"] for f in schema_fields], [], raw.row_numbers)
    positions = map_header(raw.fields, resource, table, context)
    size = raw.num_rows
    for schema_field in schema_fields:
        position = positions.get(schema_field["name"])
        if position is None:
            table.columns.append(pa.array([""] * size, pa.string()))
            continue
        seen = {} if memo is None else memo.setdefault(("transform", schema_field["name"]), {})
        table.columns.append(_convert(raw.columns[position], schema_field, resource, table,
                                      context, seen))
    return table


def _convert(column: Any, schema_field: dict[str, Any], resource: ResourceSpec,
             table: ColumnTable, context: dict[str, Any],
             seen: dict[str, tuple[str, tuple[str, set[str]] | None]]) -> Any:
    """One source column cleaned (text hygiene) and converted, per distinct value; what the
    hygiene rule found is reported per class with its first rows, as `transform._clean` does."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    source = resource.source
    encoded = pc.dictionary_encode(column)
    distinct = encoded.dictionary.to_pylist()
    convert = converter(schema_field, source)
    cleaned: dict[int, tuple[str, set[str]]] = {}
    converted = []
    for index, value in enumerate(distinct):
        known = seen.get(value)
        if known is None:
            fixed = clean(value, source.max_cell_length) \
                if needs_care(value, source.max_cell_length) else None
            known = (convert(fixed[0] if fixed else value), fixed)
            if len(seen) < MEMO_SIZE:
                seen[value] = known
        converted.append(known[0])
        if known[1] is not None:
            cleaned[index] = known[1]
    if cleaned:
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        findings: dict[str, Finding] = {}
        chars = {i: clean_column([distinct[i]], source.max_cell_length)[1] for i in cleaned}
        for row in np.flatnonzero(np.isin(indices, list(cleaned))):
            value = int(indices[row])
            for name in cleaned[value][1]:
                finding = findings.setdefault(name, Finding())
                finding.count += 1
                if len(finding.rows) < FIRST:
                    finding.rows.append(int(row))
                if name != "too-long":
                    finding.chars |= chars[value][name].chars
        for kind, finding in findings.items():
            rows = [int(table.row_numbers[i]) for i in finding.rows]
            table.problems.append(hygiene_problem(kind, finding, rows, schema_field["name"],
                                                  source, context))
    return pa.array(converted, pa.string()).take(encoded.indices)


def protect_columns(table: ColumnTable, resource: ResourceSpec, dataset: str, file: str,
                    today: date | None = None, memo: Memo | None = None) -> Protection:
    """`protect.protect` on columns: `table` is changed in place and is the result's table."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rules = resource.protect
    if rules.small_count_fields:
        return _on_rows(table, resource, dataset, file, today)
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    result = Protection(table)  # type: ignore[arg-type]
    for column in scanned_columns(table.fields, resource, result, context):
        values = table.columns[column.index]
        flagged = flag_values(set(pc.unique(values).to_pylist()), column,
                              today or date.today(),
                              None if memo is None else memo.setdefault(("protect", column.name),
                                                                        {}))
        if flagged:
            mask = pc.is_in(values, value_set=pa.array(list(flagged), pa.string()))
            rows = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
            report_flagged(result, column.name, (
                (int(table.row_numbers[r]), flagged[values[int(r)].as_py()]) for r in rows),
                context)
    specs = {f["name"]: f for f in resource.schema.get("fields", [])}
    if not result.problems and table.num_rows >= 20 and not any(
            specs.get(n, {}).get("type") in ("integer", "number") for n in table.fields):
        warn_case_level(result, list(specs.values()), table.to_table().rows, context)
    _neutralise(result, table, specs, context)
    return result


def _on_rows(table: ColumnTable, resource: ResourceSpec, dataset: str, file: str,
             today: date | None) -> Protection:
    """`protect.protect` on the rows of `table`, whose columns then hold the protected cells."""
    import pyarrow as pa

    rows = table.to_table()
    result = protect(rows, resource, dataset, file, today)
    table.columns = [pa.array([row[i] for row in rows.rows], pa.string())
                     for i in range(len(table.fields))]
    result.table = table  # type: ignore[assignment]
    return result


def _neutralise(result: Protection, table: ColumnTable, specs: dict[str, Any],
                context: dict[str, Any]) -> None:
    """Text cells starting with = + - @ … get a leading apostrophe; one warning per cell, in
    row order (and field order within a row)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    masks: dict[int, Any] = {}
    for i, name in enumerate(table.fields):
        if specs.get(name, {}).get("type", "string") != "string":
            continue
        encoded = pc.dictionary_encode(table.columns[i])
        distinct = encoded.dictionary.to_pylist()
        starts = [v.startswith(FORMULA_START) for v in distinct]
        if not any(starts):
            continue
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        masks[i] = np.asarray(starts)[indices]
        table.columns[i] = pa.array(["'" + v if s else v for v, s in zip(
            distinct, starts, strict=True)], pa.string()).take(encoded.indices)
    if not masks:
        return
    for row in np.flatnonzero(np.logical_or.reduce(list(masks.values()))):
        for i, mask in masks.items():
            if mask[row]:
                result.neutralised += 1
                result.problems.append(formula_problem(
                    int(table.row_numbers[row]), table.fields[i],
                    table.columns[i][int(row)].as_py()[1], context))


def redacted(table: ColumnTable, protection: Protection) -> ColumnTable:
    """`table` as it may touch disk: every cell protect flagged, and every column whose name
    it flagged, blanked (the dataset is blocked then)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    names = {p.field for p in protection.problems if p.code == "personal-data-column"}
    if not protection.masked and not names:
        return table
    columns = []
    for name, column in zip(table.fields, table.columns, strict=True):
        rows = [number for number, field in protection.masked if field == name]
        if name in names:
            column = pa.array([""] * len(column), pa.string())
        elif rows:
            mask = np.isin(table.row_numbers, rows)
            column = pc.if_else(pa.array(mask), "", column)
        columns.append(column)
    return ColumnTable(table.fields, columns, table.row_numbers, table.missing_fields)


def widen(extremes: dict[str, list[str]], table: ColumnTable, kinds: dict[str, Any],
          period_types: tuple[str, ...]) -> None:
    """Smallest and largest value of each period field (ISO text sorts like time; UTF-8 bytes
    sort as the code points do)."""
    import pyarrow.compute as pc

    for name, column in zip(table.fields, table.columns, strict=True):
        if kinds.get(name) not in period_types:
            continue
        values = column.filter(pc.not_equal(column, ""))
        if len(values):
            found = pc.min_max(values)
            low, high = found["min"].as_py(), found["max"].as_py()
            seen = extremes.setdefault(name, [low, high])
            seen[0], seen[1] = min(seen[0], low), max(seen[1], high)
