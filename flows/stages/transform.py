"""Transform: shape a `RawTable` to the Table Schema and write its cells canonically.

Source columns are mapped to schema fields (by the declared `columns` map, else by label);
undeclared columns are dropped and reported. Cells are rewritten from the export's locale to the
canonical Table Schema forms (decimal point, no thousands separator, ISO dates), so the published
CSV is machine-readable. A cell that does not fit the declared source format is left as it was:
validation then reports it with row and field instead of the transform guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flows import problems
from flows.model.tables import ColumnTable, RawTable, Table
from flows.protection.describing import is_safe, quote
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.validation import dates
from flows.validation.text import CLASS_NAMES, Finding, clean_column, clean_label

MEMO_SIZE = 65_536
"""Distinct source texts per column whose conversion is remembered (dates, channels and
departments repeat on every row; a column of free text stops adding once this is reached)."""


def transform(raw: RawTable, resource: ResourceSpec, dataset: str, file: str) -> Table:
    """Map `raw` onto the resource's schema fields and normalise every cell.

    Args:
        raw: the collected rows.
        resource: the declared resource (schema and source format).
        dataset: dataset name, for problem records.
        file: the source file as shown to the user.

    Returns:
        A table with one column per schema field, in schema order, and canonical text cells;
        a field the source lacks stays empty and is listed in `missing_fields`. Unknown,
        duplicate and missing columns are reported in its `problems`.

    Raises:
        ValueError: `raw` does not have one source row number per row.
    """
    schema_fields = resource.schema.get("fields", [])
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    table = Table(fields=[f["name"] for f in schema_fields])
    positions = map_header(raw.header, resource, table, context)
    if len(raw.rows) != len(raw.row_numbers):
        raise ValueError("every row needs its source row number")
    # column by column: a remembered conversion is a dict lookup, not a call
    columns = [[""] * len(raw.rows) if pos is None else
               convert_column(_clean(raw, pos, f["name"], resource.source, table, context),
                              converter(f, resource.source))
               for f, pos in ((f, positions.get(f["name"])) for f in schema_fields)]
    table.rows = [list(row) for row in zip(*columns, strict=True)] if columns else \
        [[] for _ in raw.rows]
    table.row_numbers = list(raw.row_numbers)
    return table


def map_header(header: list[str], resource: ResourceSpec, table: Table | ColumnTable,
               context: dict[str, Any]) -> dict[str, int]:
    """Schema field → position of its column in `header`; unknown, duplicate and missing
    columns are reported in `table.problems`, missing fields listed in `table.missing_fields`."""
    names = table.fields
    mapping = resource.source.columns
    positions: dict[str, int] = {}
    for index, label in enumerate(header):
        label = clean_label(label)
        name = mapping.get(label, label)
        if name in positions:
            table.problems.append(problems.make(
                "duplicate-label", f"Die Spalte {quote(label)} kommt mehrfach vor.",
                row=resource.source.header_row, field=name, **context,
            ))
            continue
        if name not in names:
            table.problems.append(problems.make(
                "extra-label",
                f"Die Spalte {quote(label)} ist im Table Schema nicht deklariert und wird nicht "
                "veröffentlicht.",
                severity="warning", field=label if is_safe(label) else None, **context,
            ))
            continue
        positions[name] = index
    for name in names:
        if name not in positions:
            expected = next((k for k, v in mapping.items() if v == name), name)
            table.missing_fields.append(name)
            table.problems.append(problems.make(
                "missing-label",
                f"Die Quelldatei hat keine Spalte '{expected}' (Schemafeld '{name}').",
                row=resource.source.header_row, field=name, **context,
            ))
    return positions


def _clean(raw: RawTable, pos: int, name: str, source: SourceSpec, table: Table,
           context: dict[str, Any]) -> list[Any]:
    """Column `pos` of `raw` after the text-hygiene rule (flows/validation/text.py); what was
    removed, rejected or cut is reported per class in `table.problems`."""
    values, findings = clean_column([record[pos] for record in raw.rows], source.max_cell_length)
    for kind, finding in findings.items():
        rows = [raw.row_numbers[i] for i in finding.rows]
        table.problems.append(hygiene_problem(kind, finding, rows, name, source, context))
    return values


def hygiene_problem(kind: str, finding: Finding, rows: list[int], name: str,
                    source: SourceSpec, context: dict[str, Any]) -> problems.Problem:
    listed = ", ".join(str(r) for r in rows) + (" …" if finding.count > len(rows) else "")
    cells = "1 Zelle" if finding.count == 1 else f"{finding.count} Zellen"
    where = f"Feld '{name}', {cells} (Zeile {listed})"
    details = {"cells": finding.count, "rows": rows}
    if kind == "too-long":
        return problems.make(
            "cell-too-long",
            f"{where}: länger als {source.max_cell_length} Zeichen (max_cell_length); "
            "nur der Anfang wurde geprüft.", row=rows[0], field=name, details=details,
            **context)
    chars = " ".join(f"U+{ord(c):04X}" for c in sorted(finding.chars))
    if kind == "bidi":
        return problems.make(
            "text-bidi-control",
            f"{where}: enthält {CLASS_NAMES[kind]} ({chars}), die die Anzeige umordnen.",
            row=rows[0], field=name, details=details, **context)
    return problems.make(
        "text-cleaned", f"{where}: {CLASS_NAMES[kind]} ({chars}) entfernt.",
        severity="warning", row=rows[0], field=name, details=details, **context)


def convert_column(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` applied to every value, remembering its result for up to MEMO_SIZE distinct
    texts (the result must depend on the text alone)."""
    seen: dict[str, Any] = {}

    def first(value: Any) -> Any:
        found = convert(value)
        if type(value) is str and len(seen) < MEMO_SIZE:
            seen[value] = found
        return found

    return [seen[v] if type(v) is str and v in seen else first(v) for v in values]


def converter(schema_field: dict[str, Any], source: SourceSpec):  # noqa: ANN202
    ftype = schema_field.get("type", "string")
    missing = set(source.missing_values)

    def text(value: Any) -> str | None:
        if value is None:
            return ""
        if isinstance(value, str):
            value = value.strip()
            return "" if value in missing else None
        return None

    def number(value: Any) -> str:
        blank = text(value)
        if blank is not None:
            return blank
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            if ftype == "integer" and isinstance(value, float) and value.is_integer():
                return str(int(value))
            return repr(value)
        return _number_text(str(value).strip(), source)

    def day(value: Any) -> str:
        blank = text(value)
        if blank is not None:
            return blank
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raw = str(value).strip()
        try:
            return datetime.strptime(raw, source.date_format).date().isoformat()
        except ValueError:
            return raw

    def plain(value: Any) -> str:
        blank = text(value)
        if blank is not None:
            return blank
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value).strip()

    def period(value: Any) -> str:
        blank = text(value)
        if blank is not None:
            return blank
        return dates.parse(value, ftype, fmt) or plain(value)

    fmt = source.format_for(ftype)
    if ftype in ("yearmonth", "year") and fmt:
        return period
    if ftype in ("number", "integer"):
        return number
    if ftype == "date":
        return day
    return plain


def _number_text(raw: str, source: SourceSpec) -> str:
    """'8.183,74' → '8183.74' when the declared separators say so; unchanged if it doesn't fit."""
    if not _number_pattern(source.decimal, source.thousands).fullmatch(raw):
        return raw
    if source.thousands:
        raw = raw.replace(source.thousands, "")
    return raw.replace(source.decimal, ".")


@lru_cache(maxsize=16)
def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    dec = re.escape(decimal)
    if thousands:
        sep = re.escape(thousands)
        return re.compile(rf"[-+]?(\d{{1,3}}({sep}\d{{3}})+|\d+)({dec}\d+)?")
    return re.compile(rf"[-+]?\d+({dec}\d+)?")


def typed_records(table: Table, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows as JSON-ready records: numbers as numbers; no value and suppressed values
    (the schema's missingValues, e.g. ".") as null."""
    columns = [(name, typer(f.get("type", "string"), schema))
               for name, f in zip(table.fields, schema.get("fields", []), strict=True)]
    return [{name: typed(cell) for (name, typed), cell in zip(columns, row, strict=True)}
            for row in table.rows]


def typer(kind: str, schema: dict[str, Any]) -> Callable[[str], Any]:
    """The JSON value of a canonical cell of a field of type `kind`: None for no value and the
    schema's missingValues."""
    missing = set(schema.get("missingValues", [""])) | {""}
    typed = _TYPED.get(kind, str)
    return lambda cell: None if cell in missing else typed(cell)


def _number(cell: str) -> int | float:
    value = float(cell)
    return int(value) if value.is_integer() and "." not in cell else value


def _boolean(cell: str) -> bool:
    return cell.lower() in ("true", "1", "yes", "ja")


_TYPED: dict[str, Callable[[str], Any]] = {"integer": int, "number": _number,
                                           "boolean": _boolean}
