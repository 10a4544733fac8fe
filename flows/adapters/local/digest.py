"""What a dataset page shows of a table, read in one pass over its published CSV: the row count,
the first rows for the preview, and the series for the chart of the main measure.

The main measure is the first number field that is not part of the primary key; over the period
covered (the field named by `dcat.temporal_field`) it is summed per period, or averaged when the
field is a mean or share. Without a period the measure is shown per category (the first text field
of the key), and a table without any number is counted per category. Suppressed values (the
schema's missing-value markers other than the empty cell) are left out and counted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PREVIEW_ROWS = 20
SMALL_TABLE = 50
"""Tables up to this many rows are shown whole."""
CATEGORIES = 20
"""Bars drawn at most in a chart per category (the largest; the table says how many)."""
MEASURE_TYPES = ("integer", "number")
PERIOD_TYPES = ("date", "yearmonth", "year")
AVERAGED = re.compile(r"mittel|anteil|quote|durchschnitt|prozent|rate", re.IGNORECASE)


@dataclass
class Series:
    """The chart's data: one value per period or category."""

    kind: str
    """`period` or `category`."""
    x_title: str
    y_title: str
    aggregate: str
    """`Summe`, `Mittelwert` or `Anzahl der Zeilen`."""
    points: list[tuple[str, float]] = field(default_factory=list)
    suppressed: int = 0
    """Values left out because they are suppressed."""
    left_out: int = 0
    """Categories not drawn (beyond CATEGORIES)."""


@dataclass
class TableDigest:
    fields: list[dict[str, Any]]
    rows: int = 0
    preview: list[list[str]] = field(default_factory=list)
    series: Series | None = None

    @property
    def whole(self) -> bool:
        return self.rows == len(self.preview)


def digest(path: Path, schema: dict[str, Any], temporal_field: Any = None) -> TableDigest:
    """Read the CSV at `path` once (see module docstring).

    Args:
        path: the published CSV.
        schema: its Table Schema.
        temporal_field: the field that gives the period, or None when the data covers no
            period (or a single one: then the chart is drawn per category).
    """
    fields = schema.get("fields") or []
    plan = _plan(fields, schema, temporal_field)
    markers = {m for m in (schema.get("missingValues") or [""]) if m}
    result = TableDigest(fields)
    sums: dict[str, list[float]] = {}
    suppressed = 0
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        index = {name: n for n, name in enumerate(header)}
        key_at = index.get(plan["key"]) if plan else None
        value_at = index.get(plan["measure"] or "") if plan else None
        for row in reader:
            result.rows += 1
            if len(result.preview) < SMALL_TABLE:
                result.preview.append(row)
            if key_at is None or key_at >= len(row):
                continue
            slot = sums.setdefault(row[key_at], [0.0, 0])
            if value_at is None:
                slot[0] += 1
                continue
            cell = row[value_at] if value_at < len(row) else ""
            if cell in markers:
                suppressed += 1
            elif cell:
                try:
                    slot[0] += float(cell)
                    slot[1] += 1
                except ValueError:
                    continue
    if result.rows > SMALL_TABLE:
        result.preview = result.preview[:PREVIEW_ROWS]
    if plan:
        result.series = _series(plan, sums, suppressed)
    return result


def _plan(fields: list[dict[str, Any]], schema: dict[str, Any],
          temporal_field: Any) -> dict[str, Any] | None:
    by_name = {f["name"]: f for f in fields}
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    period = by_name.get(temporal_field) if isinstance(temporal_field, str) else None
    if period is not None and period.get("type") not in PERIOD_TYPES:
        period = None
    measure = next((f for f in fields if f.get("type") in MEASURE_TYPES
                    and f["name"] not in key and f is not period), None)
    texts = [f for f in fields if f.get("type", "string") == "string"]
    category = next((f for f in texts if f["name"] in key), texts[0] if texts else None)
    if measure is None:
        category = next((f for f in texts if f["name"] not in key and f.get("constraints", {})
                         .get("enum")), category)
    axis = period or category
    if axis is None:
        return None
    averaged = bool(measure and AVERAGED.search(f"{measure['name']} {measure.get('title', '')}"))
    return {"key": axis["name"], "kind": "period" if period else "category",
            "x_title": axis.get("title") or axis["name"],
            "measure": measure["name"] if measure else None,
            "y_title": (measure.get("title") or measure["name"]) if measure else "Anzahl",
            "aggregate": "Anzahl der Zeilen" if measure is None else
            ("Mittelwert" if averaged else "Summe")}


def _series(plan: dict[str, Any], sums: dict[str, list[float]], suppressed: int) -> Series | None:
    series = Series(plan["kind"], plan["x_title"], plan["y_title"], plan["aggregate"],
                    suppressed=suppressed)
    for key, (total, count) in sums.items():
        if plan["aggregate"] == "Mittelwert":
            if count:
                series.points.append((key, total / count))
        else:
            series.points.append((key, total))
    if series.kind == "period":
        series.points.sort()
        return series if len(series.points) > 1 else None
    if len(series.points) > CATEGORIES:
        series.points.sort(key=lambda p: -p[1])
        series.left_out = len(series.points) - CATEGORIES
        series.points = series.points[:CATEGORIES]
    return series if series.points else None
