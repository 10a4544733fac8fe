"""Aggregate: turn case-level records into key figures, as declared in dataset.yaml.

    aggregate:
      period: {field: Eingang, to: month, as: monat}   # day → month (first day) or → year
      group_by: [monat, Leistung]
      measures:
        - {as: anzahl, fn: count}
        - {as: kosten_summe, fn: sum, field: Kosten}
        - {as: dauer_mittel, fn: mean, field: Dauer}

Runs right after collect, before protect and validate, so raw records never reach a report or a
target. Source cells are read with the source's declared formats (decimal comma, date format);
the output is canonical text (ISO dates, decimal point) with one column per group key and
measure, in that order.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flows import problems
from flows.model.tables import RawTable
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.stages.transform import _number_text

CANONICAL = {"decimal": ".", "thousands": "", "date_format": "%Y-%m-%d", "period_formats": {},
             "columns": {},
             "missing_values": ("",)}


def aggregate(raw: RawTable, resource: ResourceSpec, dataset: str, file: str) -> RawTable:
    """Group `raw` as `resource.aggregate` declares; returns the key-figure table, whose
    `problems` are the aggregation's own (those of `raw` stay with `raw`).

    Rows whose period or measure cell cannot be read are reported (row and field, no value) and
    left out of the figures, so one bad record does not silently shift a sum.

    Args:
        raw: the collected case-level records.
        resource: the resource whose `aggregate` declaration is applied (must be set).
        dataset: dataset name, for problem records.
        file: source file as shown to the user.

    Returns:
        One row per group, sorted by its key, with the group keys and then the measures as
        canonical text (read it with `canonical(resource)`). If a needed source column is
        missing, the table has no rows and a `missing-label` problem.
    """
    spec = resource.aggregate
    assert spec is not None
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    position = {label: i for i, label in enumerate(raw.header)}
    needed = [spec.period["field"]] if spec.period else []
    needed += [g for g in spec.group_by if not spec.period or g != spec.period["as"]]
    needed += [m["field"] for m in spec.measures if m.get("field")]
    missing = [name for name in needed if name not in position]
    out = RawTable(header=[*spec.group_by, *(m["as"] for m in spec.measures)],
                   provenance=dict(raw.provenance))
    if missing:
        out.problems.append(problems.make(
            "missing-label",
            f"Für die Aggregation fehlen die Spalten {', '.join(missing)} in der Quelle.",
            field=missing[0], **context))
        return out
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for record, number in zip(raw.rows, raw.row_numbers, strict=True):
        values = dict(zip(raw.header, record, strict=False))
        if spec.period:
            bucket = _bucket(values[spec.period["field"]], spec.period["to"], resource.source)
            if bucket is None:
                out.problems.append(problems.make(
                    "type-error", f"Datensatz {number}: das Datum in '{spec.period['field']}' ist "
                    "nicht lesbar; der Datensatz fehlt in den Kennzahlen.",
                    row=number, field=spec.period["field"], **context))
                continue
            values[spec.period["as"]] = bucket
        key = tuple(_text(values[g]) for g in spec.group_by)
        groups.setdefault(key, []).append([values.get(m.get("field", "")) for m in spec.measures])
        # numbers are checked when measured, so the row is known if one is unreadable
        for m in spec.measures:
            if m.get("field") and m["fn"] != "count" and _number(
                    values[m["field"]], resource.source) is None and _text(values[m["field"]]):
                out.problems.append(problems.make(
                    "type-error", f"Datensatz {number}: '{m['field']}' ist keine Zahl.",
                    row=number, field=m["field"], **context))
    for index, (key, cells) in enumerate(sorted(groups.items()), start=1):
        figures = [_measure(m, [c[i] for c in cells], resource.source)
                   for i, m in enumerate(spec.measures)]
        out.rows.append([*key, *figures])
        out.row_numbers.append(index)
    out.provenance["aggregated_from"] = len(raw.rows)
    out.provenance["rows"] = len(out.rows)
    return out


def canonical(resource: ResourceSpec) -> ResourceSpec:
    """The resource as the transform must see aggregated output: canonical formats, no mapping."""
    source: SourceSpec = dataclasses.replace(resource.source, **CANONICAL)
    return dataclasses.replace(resource, source=source)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _bucket(value: Any, to: str, source: SourceSpec) -> str | None:
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        try:  # ISO date-times such as OParl's "2025-03-04T17:00:00+01:00"
            day = datetime.fromisoformat(text).date() if "T" in text else None
        except ValueError:
            day = None
        for form in () if day else (source.date_format, "%Y-%m-%d", "%Y-%m", "%Y"):
            try:
                day = datetime.strptime(text, form).date()
                break
            except ValueError:
                continue
    if day is None:
        return None
    return day.replace(day=1).isoformat() if to == "month" else str(day.year)


def _number(value: Any, source: SourceSpec) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = _text(value)
    if not text or text in source.missing_values:
        return None
    try:
        return Decimal(_number_text(text, source))
    except InvalidOperation:
        return None


def _measure(spec: dict[str, Any], cells: list[Any], source: SourceSpec) -> str:
    if spec["fn"] == "count":
        return str(len(cells))
    numbers = [n for n in (_number(c, source) for c in cells) if n is not None]
    if not numbers:
        return ""
    if spec["fn"] == "sum":
        return _plain(sum(numbers, Decimal(0)))
    if spec["fn"] == "mean":
        return _plain(round(sum(numbers, Decimal(0)) / len(numbers), int(spec.get("digits", 2))))
    if spec["fn"] == "min":
        return _plain(min(numbers))
    return _plain(max(numbers))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
