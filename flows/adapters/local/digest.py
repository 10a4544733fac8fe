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
from itertools import islice
from pathlib import Path
from typing import Any

PREVIEW_ROWS = 20
SMALL_TABLE = 50
"""Tables up to this many rows are shown whole."""
CATEGORIES = 20
"""Bars drawn at most in a chart per category (the largest; the table says how many)."""
MEASURE_TYPES = ("integer", "number")
PERIOD_TYPES = ("date", "yearmonth", "year")
LARGE = 4 << 20
"""From this size on (bytes), the sums are taken on Arrow columns (`_on_columns`)."""
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
    if plan and path.stat().st_size >= LARGE and (found := _on_columns(path, fields, plan,
                                                                       markers)):
        return found
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


def _on_columns(path: Path, fields: list[dict[str, Any]], plan: dict[str, Any],
                markers: set[str]) -> TableDigest | None:
    """`digest` of a large CSV with Arrow reading the key and measure columns in batches: the
    same figures (each distinct cell is read by `float` once; `numpy.add.at` adds in row order,
    as the loop does), or None where the loop must decide (a column missing, a broken file)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    result = TableDigest(fields)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        result.preview = list(islice(reader, SMALL_TABLE))
    key, measure = plan["key"], plan["measure"]
    if key not in header or (measure and measure not in header) or len(set(header)) < len(
            header):
        return None
    wanted = [key, measure] if measure else [key]
    totals, counts, suppressed = np.zeros(0), np.zeros(0, dtype=np.int64), 0
    order: dict[str, int] = {}
    try:
        batches = pacsv.open_csv(path, read_options=pacsv.ReadOptions(
            column_names=header, skip_rows=1), parse_options=pacsv.ParseOptions(
            newlines_in_values=True), convert_options=pacsv.ConvertOptions(
            include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
            strings_can_be_null=False, quoted_strings_can_be_null=False))
        for batch in batches:
            result.rows += batch.num_rows
            keys = pc.dictionary_encode(batch.column(key))
            slots = np.array([order.setdefault(k, len(order))
                              for k in keys.dictionary.to_pylist()], dtype=np.int64)
            totals = np.concatenate([totals, np.zeros(len(order) - len(totals))])
            counts = np.concatenate([counts, np.zeros(len(order) - len(counts), np.int64)])
            rows = slots[keys.indices.to_numpy(zero_copy_only=False)]
            if not measure:
                np.add.at(totals, rows, 1.0)
                continue
            cells = pc.dictionary_encode(batch.column(measure))
            value, marker, ok = _read_numbers(cells.dictionary.to_pylist(), markers)
            codes = cells.indices.to_numpy(zero_copy_only=False)
            suppressed += int(marker[codes].sum())
            chosen = ok[codes]
            np.add.at(totals, rows[chosen], value[codes][chosen])
            np.add.at(counts, rows[chosen], 1)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if result.rows > SMALL_TABLE:
        result.preview = result.preview[:PREVIEW_ROWS]
    sums = {k: [float(totals[i]), int(counts[i])] for k, i in order.items()}
    result.series = _series(plan, sums, suppressed)
    return result


def _read_numbers(cells: list[str], markers: set[str]) -> tuple[Any, Any, Any]:
    """Per distinct cell: its number, whether it is a suppression marker, whether it counts."""
    import numpy as np

    value, marker, ok = np.zeros(len(cells)), np.zeros(len(cells), bool), np.zeros(len(cells),
                                                                                    bool)
    for i, cell in enumerate(cells):
        if cell in markers:
            marker[i] = True
        elif cell:
            try:
                value[i], ok[i] = float(cell), True
            except ValueError:
                continue
    return value, marker, ok


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
