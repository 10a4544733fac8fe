"""Key figures beside a field of action: a sum or a row count of another dataset's last
publication, optionally as a share of a larger set of rows and per year (the last two years).

Example (progress.yaml): the share of online applications among all cases,
`{sum: anzahl, where: {kanal: online}, share_of: {}, per_year: monat}` → "2024: 28,1 %",
"2025: 31,4 %". Suppressed cells (".") and empty cells count as no value.
"""

from __future__ import annotations

from flows.model.progress import FigureValue
from flows.model.tables import Table
from flows.specs.progress import KeyFigureSpec
from flows.stages.report_text import format_value

YEARS_SHOWN = 2


def key_figure(spec: KeyFigureSpec, table: Table | None, source: str) -> FigureValue:
    """The figure of `spec` computed from `table` (the linked resource as published).

    Args:
        spec: the declared key figure.
        table: the linked resource's published table, or None if it is not published yet.
        source: how the reader sees the linked dataset (its title).

    Returns:
        The figure with its formatted values (none when `table` is None or lacks a field).
    """
    empty = FigureValue(spec.field_of_action, spec.title, source)
    needed = [spec.sum, spec.per_year, *spec.where, *(spec.share_of or {})]
    if table is None or any(name and name not in table.fields for name in needed):
        return empty
    at = {name: i for i, name in enumerate(table.fields)}
    parts: dict[str, list[float]] = {}
    for row in table.rows:
        period = row[at[spec.per_year]][:4] if spec.per_year else ""
        if spec.per_year and not period:
            continue
        value = _value(row, at, spec.sum)
        sums = parts.setdefault(period, [0.0, 0.0])
        if _matches(row, at, spec.where):
            sums[0] += value
        if spec.share_of is not None and _matches(row, at, spec.share_of):
            sums[1] += value
    values = []
    for period in sorted(parts)[-YEARS_SHOWN:] if spec.per_year else sorted(parts):
        part, whole = parts[period]
        if spec.share_of is not None:
            text = f"{format_value(round(100 * part / whole, 1))} %" if whole else "–"
        else:
            text = format_value(int(part) if part.is_integer() else round(part, 2))
        values.append((period, text))
    return FigureValue(spec.field_of_action, spec.title, source, tuple(values))


def _value(row: list[str], at: dict[str, int], field: str | None) -> float:
    if field is None:
        return 1.0
    try:
        return float(row[at[field]])
    except ValueError:  # empty or suppressed (".")
        return 0.0


def _matches(row: list[str], at: dict[str, int], where: dict[str, str]) -> bool:
    return all(row[at[name]] == value for name, value in where.items())
