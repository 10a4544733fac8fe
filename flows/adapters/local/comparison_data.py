"""The figures of a comparison page: per member and period the sum of a measure over all other
dimensions of a combined table (e.g. over services and channels), and per category of one
breakdown dimension (e.g. per service, over the channels), absolute and per 1,000 inhabitants.

Suppression survives every combination: a sum that includes a suppressed cell (a missing-value
marker of the schema other than the empty cell, e.g. "." from protect.small_counts) is itself
suppressed, never counted as 0 and never shown as the sum of the rest, because the rest and the
total together would reveal the hidden value. A figure per 1,000 inhabitants of a suppressed sum
is suppressed too. An empty cell means "no value": it adds nothing; a sum without any value is
"no value" as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flows.adapters.local.digest import AVERAGED, MEASURE_TYPES
from flows.model.tables import Table
from flows.specs.population import Population

AGS_FIELD = "ags"
PER = 1000
AUTO = "*"
"""`compare(breakdown=AUTO)`: the default breakdown dimension."""
MAX_GROUPS = 30
"""Categories of the breakdown dimension compared one by one at most."""


class MemberLike(Protocol):
    """What the page needs of a member (flows/specs/members.py `Member` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def ags(self) -> str: ...


@dataclass(frozen=True)
class Cell:
    """One figure: a value, no value (None), or suppressed."""

    value: float | None = None
    suppressed: bool = False


@dataclass
class MeasureView:
    field: str
    title: str
    group: str | None = None
    """The category of the breakdown dimension; None: all together."""
    absolute: dict[tuple[str, str], Cell] = field(default_factory=dict)
    """Per (member id, period)."""
    per_thousand: dict[tuple[str, str], Cell] | None = None
    """Per (member id, period); None without a population table."""


@dataclass
class Comparison:
    periods: list[str]
    members: list[MemberLike]
    """The members found in the table, in the declared order."""
    measures: list[MeasureView]
    summed_over: list[str]
    """Titles of the dimensions each figure of all together sums over."""
    breakdown: str | None = None
    """Title of the dimension whose categories are compared one by one too (views with a
    group), or None."""
    inhabitants: dict[str, dict[int | None, int | None]] = field(default_factory=dict)
    """Per member id: the inhabitants used, per year of the periods."""
    unknown_rows: int = 0
    missing: list[MemberLike] = field(default_factory=list)
    """Members without a row in the table (left out of this version of the combined table)."""
    """Rows whose AGS belongs to no member (left out)."""


def default_measures(schema: dict[str, Any], period_field: str) -> list[str]:
    """The number fields that can be summed: not the AGS, the period or a key field, and not a
    mean or share (a sum of means says nothing)."""
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    return [f["name"] for f in schema.get("fields") or []
            if f.get("type") in MEASURE_TYPES and f["name"] not in (AGS_FIELD, period_field)
            and f["name"] not in key
            and not AVERAGED.search(f"{f['name']} {f.get('title', '')}")]


def default_breakdown(schema: dict[str, Any], period_field: str) -> str | None:
    """The dimension whose categories are compared one by one as well: the first text field of
    the primary key other than the AGS and the period (e.g. the service), or None."""
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    return next((f["name"] for f in schema.get("fields") or []
                 if f["name"] in key and f["name"] not in (AGS_FIELD, period_field)
                 and f.get("type", "string") == "string"), None)


def compare(table: Table, schema: dict[str, Any], members: Sequence[MemberLike],
            period_field: str, measures: Sequence[str] | None = None,
            population: Population | None = None, breakdown: str | None = AUTO) -> Comparison:
    """The figures of the page (see module docstring).

    Args:
        table: the combined table (its fields: the shared schema's plus `ags`).
        schema: the combined table's Table Schema (titles, types, missingValues).
        members: the members to compare (id, name, ags), in the order the page shows them.
        period_field: the field that gives the period (the dataset's dcat temporal_field).
        measures: the fields to sum; default `default_measures`.
        population: inhabitants per AGS for the figures per 1,000 inhabitants.
        breakdown: a dimension compared per category too (sums over the other dimensions);
            default `default_breakdown`, None for none. More than MAX_GROUPS categories: none.
    """
    by_name = {f["name"]: f for f in schema.get("fields") or []}
    names = list(measures) if measures is not None else default_measures(schema, period_field)
    split = default_breakdown(schema, period_field) if breakdown == AUTO else breakdown
    markers = {m for m in schema.get("missingValues") or [""] if m}
    at = {name: n for n, name in enumerate(table.fields)}
    for needed in (AGS_FIELD, period_field, *names, *([split] if split else [])):
        if needed not in at:
            raise ValueError(f"Die Tabelle hat keine Spalte {needed}.")
    member_of = {m.ags: m for m in members}
    sums: dict[tuple[str, str | None], dict[tuple[str, str], list[Any]]] = {}
    periods: set[str] = set()
    seen: set[str] = set()
    unknown = 0
    for row in table.rows:
        member = member_of.get(row[at[AGS_FIELD]])
        if member is None:
            unknown += 1
            continue
        period = row[at[period_field]]
        periods.add(period)
        seen.add(member.id)
        groups = (None, row[at[split]]) if split else (None,)
        for name in names:
            cell = row[at[name]]
            for group in groups:
                slot = sums.setdefault((name, group), {}).setdefault((member.id, period),
                                                                     [0.0, False, False])
                if cell in markers:
                    slot[1] = True  # suppressed: the whole sum is
                elif cell:
                    slot[0] += float(cell)
                    slot[2] = True  # has a value
    categories = sorted({g for _, g in sums if g is not None}, key=str.casefold)
    if len(categories) > MAX_GROUPS:
        split, categories = None, []
    shown = [m for m in members if m.id in seen]
    ordered = sorted(periods)
    inhabitants = _inhabitants(shown, ordered, population)
    views = []
    for name in names:
        for group in (None, *categories):
            view = MeasureView(name, str(by_name.get(name, {}).get("title") or name), group)
            for key, (total, suppressed, valued) in sums.get((name, group), {}).items():
                view.absolute[key] = Cell(None if suppressed or not valued else float(total),
                                          bool(suppressed))
            if population is not None:
                view.per_thousand = {
                    (member, period): _per_thousand(cell, inhabitants[member].get(_year(period)))
                    for (member, period), cell in view.absolute.items()}
            views.append(view)
    dims = [str(f.get("title") or f["name"]) for f in schema.get("fields") or []
            if f["name"] not in (AGS_FIELD, period_field) and f["name"] not in names
            and f.get("type", "string") not in MEASURE_TYPES]
    split_title = str(by_name[split].get("title") or split) if split else None
    return Comparison(ordered, shown, views, dims, split_title, inhabitants, unknown,
                      [m for m in members if m.id not in seen])


def _year(period: str) -> int | None:
    match = re.match(r"(\d{4})", period)
    return int(match.group(1)) if match else None


def _inhabitants(members: Sequence[MemberLike], periods: list[str],
                 population: Population | None) -> dict[str, dict[int | None, int | None]]:
    if population is None:
        return {}
    years = sorted({_year(p) for p in periods}, key=lambda y: (y is None, y or 0))
    return {m.id: {y: population.inhabitants(m.ags, y) for y in years} for m in members}


def _per_thousand(cell: Cell, inhabitants: int | None) -> Cell:
    if cell.suppressed:
        return Cell(None, True)
    if cell.value is None or not inhabitants:
        return Cell(None)
    return Cell(cell.value / inhabitants * PER)
