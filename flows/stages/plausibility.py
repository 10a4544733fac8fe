"""Plausibility: compare a resource with its last published version.

Both sides are the published CSV (canonical text, suppressed cells as the marker), so the
comparison sees what readers see. It reports, per resource:

- `row-count`: always, with old and new number of rows;
- `category-added` / `category-removed`: values of the category fields (declared, or the enum
  fields and groups of the schema) that appeared or disappeared;
- `period-missing` / `period-rewritten` (with a declared `period` field): periods published
  before that are gone, or whose figures (sums of the measures, else their rows) changed;
- `group-sum` (with declared measures): per group (and period present on both sides) the sums
  that changed.

Numeric entries carry `change_percent` and the declared `threshold`; `exceeds` is true only
beyond it (or for a change from zero). Entries become warnings, never errors: the approval step
decides what a large change means. The entries follow the contract of
`DatasetResult.plausibility` (see flows/stages/report.py). Labels use the words staff use: field
titles from the schema and German periods ("Anzahl der Fälle, Meldebescheinigung, März 2025");
where a value was suppressed (".") on one side only, the sums are shown but not judged, since a
hidden value is not 0.

Longer than 300 lines: the one-pass profile, the four kinds of comparison and their wording
share the profile's structure; a fifth kind should move the wording to a module of its own.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from flows import problems
from flows.adapters.local.layout import period_label
from flows.model.results import Comparison
from flows.model.tables import Table
from flows.problems import Problem
from flows.protection.describing import show
from flows.specs.datasets import ResourceSpec
from flows.stages.report_text import format_change, format_value

MAX_SUM_ENTRIES = 200
"""Changed group sums kept per resource (exceeding ones first)."""
MAX_PROBLEMS_PER_KIND = 20


def compare(new: Table, old: Table, resource: ResourceSpec, dataset: str) -> Comparison:
    """Compare the new version of a resource with the last published one.

    Args:
        new: the table about to be published (fields and canonical text cells).
        old: the last published table, read back from the target.
        resource: the resource with its schema and plausibility declaration.
        dataset: dataset name, for problem records.

    Returns:
        The entries (row count first) and a warning for every notable one.
    """
    return compare_rows(new.fields, new.rows, old.fields, old.rows, resource, dataset)


def compare_csv(new: Path, old: IO[str], resource: ResourceSpec, dataset: str) -> Comparison:
    """`compare` for two published CSV files, read row by row: memory grows with the number of
    categories, periods and groups, not with the rows (a resource of millions of rows)."""
    with new.open(encoding="utf-8", newline="") as handle:
        new_rows, old_rows = csv.reader(handle), csv.reader(old)
        new_fields, old_fields = _header(new_rows), _header(old_rows)
        return compare_rows(new_fields, new_rows, old_fields, old_rows, resource, dataset)


def compare_same(resource: ResourceSpec, rows: int, dataset: str) -> Comparison:
    """What `compare_csv` finds when both sides are the same file of `rows` rows: only the row
    count, unchanged (a version recognised as unchanged without reading it again)."""
    entries = [_numeric(resource.name, "row-count", "Anzahl Zeilen", rows, rows,
                        resource.plausibility.max_change_percent)]
    return Comparison(entries, _warnings(entries, dataset, resource.name))


def compare_rows(new_fields: list[str], new_rows: Iterable[Sequence[str]], old_fields: list[str],
                 old_rows: Iterable[Sequence[str]], resource: ResourceSpec,
                 dataset: str) -> Comparison:
    """`compare` on rows given as iterables (each is read once)."""
    spec = resource.plausibility
    threshold = spec.max_change_percent
    common = [f for f in new_fields if f in old_fields]
    categories = spec.categories if spec.categories is not None else _default_categories(
        resource.schema, spec.groups)
    period = spec.period if spec.period in common else None
    measures = [m for m in spec.measures if m in common]
    wanted = _Wanted(common, [c for c in categories if c in common], period, measures,
                     [g for g in spec.groups if g in common] if measures else None,
                     set(resource.schema.get("missingValues", [""])))
    after, before = _profile(new_fields, new_rows, wanted), _profile(old_fields, old_rows, wanted)
    words = _Words(resource.schema, {*before.periods, *after.periods,
                                     *(k[-1] for k in (*before.sums, *after.sums) if period)})
    entries = [_numeric(resource.name, "row-count", "Anzahl Zeilen", before.rows, after.rows,
                        threshold)]
    for name in wanted.categories:
        entries += _categories(resource.name, words.title(name), before.categories[name],
                               after.categories[name])
    if period:
        entries += _periods(resource.name, words, measures, before, after, threshold)
    if wanted.groups is not None:
        entries += _group_sums(resource.name, wanted.groups, period, measures, before, after,
                               threshold, words)
    return Comparison(entries, _warnings(entries, dataset, resource.name))


def _header(rows: Iterator[list[str]]) -> list[str]:
    return [name.lstrip("\ufeff") for name in next(rows, [])]


@dataclass(frozen=True)
class _Wanted:
    """What the comparison needs of each row."""

    common: list[str]
    """Fields on both sides; a period's rows are compared on these."""
    categories: list[str]
    period: str | None
    measures: list[str]
    groups: list[str] | None
    """Fields that group the sums (None: no sums are compared)."""
    missing: set[str]


@dataclass
class _Profile:
    """One side of the comparison, gathered in one pass over the rows."""

    rows: int = 0
    categories: dict[str, dict[str, int]] = field(default_factory=dict)
    periods: dict[str, list[Any]] = field(default_factory=dict)
    """period → [rows, order-independent digest of its rows, {measure: sum},
    {measure: suppressed cells}]"""
    sums: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    """groups (+ period) → {measure: sum}"""
    hidden: dict[tuple[tuple[str, ...], str], int] = field(default_factory=dict)
    """(groups (+ period), measure) → suppressed cells (a "." is hidden, not 0)"""


def _profile(fields: list[str], rows: Iterable[Sequence[str]], wanted: _Wanted) -> _Profile:
    at = {name: fields.index(name) for name in wanted.common}
    key_at = [at[name] for name in sorted(wanted.common)]
    category_at = [(at[c], {}) for c in wanted.categories]
    measure_at = [(m, at[m]) for m in wanted.measures]
    group_at = [at[g] for g in wanted.groups or []] + (
        [at[wanted.period]] if wanted.period and wanted.groups is not None else [])
    found = _Profile(categories={c: counts for c, (_, counts) in
                                 zip(wanted.categories, category_at, strict=True)})
    missing = wanted.missing
    for row in rows:
        found.rows += 1
        for index, counts in category_at:
            if row[index] != "":
                counts[row[index]] = counts.get(row[index], 0) + 1
        figures = [(m, float(row[i])) for m, i in measure_at if row[i] not in missing]
        hidden = [m for m, i in measure_at if row[i] in missing and row[i] != ""]
        if wanted.period:
            entry = found.periods.setdefault(row[at[wanted.period]],
                                             [0, 0, dict.fromkeys(wanted.measures, 0.0), {}])
            entry[0] += 1
            # a multiset digest: equal for the same rows in any order
            entry[1] = (entry[1] + hash(tuple(row[i] for i in key_at))) & DIGEST_MASK
            for measure, value in figures:
                entry[2][measure] += value
            for measure in hidden:
                entry[3][measure] = entry[3].get(measure, 0) + 1
        if wanted.groups is not None:
            sums = found.sums.setdefault(tuple(row[i] for i in group_at),
                                         dict.fromkeys(wanted.measures, 0.0))
            for measure, value in figures:
                sums[measure] += value
            for measure in hidden:
                slot = (tuple(row[i] for i in group_at), measure)
                found.hidden[slot] = found.hidden.get(slot, 0) + 1
    return found


DIGEST_MASK = (1 << 64) - 1


def _default_categories(schema: dict[str, Any], groups: tuple[str, ...]) -> list[str]:
    enums = [f["name"] for f in schema.get("fields", [])
             if (f.get("constraints") or {}).get("enum")]
    return list(dict.fromkeys([*enums, *groups]))


def _entry(resource: str, kind: str, label: str, old: Any, new: Any,
           change: float | None = None, threshold: float | None = None,
           exceeds: bool = False) -> dict[str, Any]:
    return {"resource": resource, "kind": kind, "label": label, "old": old, "new": new,
            "change_percent": None if change is None else round(change, 1),
            "threshold": threshold, "exceeds": exceeds}


def _numeric(resource: str, kind: str, label: str, old: float, new: float,
             threshold: float) -> dict[str, Any]:
    if old:
        change: float | None = (new - old) / abs(old) * 100
        exceeds = abs(change) > threshold
    else:
        change, exceeds = (None, new != 0) if new else (0.0, False)
    return _entry(resource, kind, label, _plain(old), _plain(new), change, threshold, exceeds)


class _Words:
    """Labels in the words staff use: field titles from the schema, periods as German dates
    ('März 2025' when every period is the first of a month, else '15.03.2025')."""

    def __init__(self, schema: dict[str, Any], periods: set[str]) -> None:
        self.titles = {f["name"]: str(f["title"]) for f in schema.get("fields", [])
                       if f.get("title")}
        self.monthly = bool(periods) and all(MONTH_START.fullmatch(p) for p in periods)

    def title(self, name: str) -> str:
        return self.titles.get(name) or name[:1].upper() + name[1:]

    def period(self, value: str) -> str:
        return period_label(value, "month" if self.monthly else "")


MONTH_START = re.compile(r"\d{4}-\d{2}-01")


def _categories(resource: str, shown: str, before: dict[str, int],
                after: dict[str, int]) -> list[dict[str, Any]]:
    def label(value: str) -> str:
        return f"{shown} „{show(value, protected=True)}“"

    entries = [_entry(resource, "category-removed", f"{label(value)} fehlt", before[value], None)
               for value in sorted(set(before) - set(after))]
    entries += [_entry(resource, "category-added", f"{label(value)} ist neu", None, after[value])
                for value in sorted(set(after) - set(before))]
    return entries


def _periods(resource: str, words: _Words, measures: list[str], before: _Profile,
             after: _Profile, threshold: float) -> list[dict[str, Any]]:
    entries = []
    for key in sorted(before.periods):
        name = words.period(key)
        (old_rows, old_digest, old_sums, old_hidden) = before.periods[key]
        if key not in after.periods:
            entries.append(_entry(resource, "period-missing", f"Zeitraum {name} fehlt",
                                  old_rows, None, -100.0, threshold, 100 > threshold))
            continue
        (new_rows, new_digest, new_sums, new_hidden) = after.periods[key]
        if (old_rows, old_digest) == (new_rows, new_digest):
            continue
        changed = False
        for measure in measures:
            old, new = round(old_sums[measure], 6), round(new_sums[measure], 6)
            if old == new:
                continue
            changed = True
            label = f"{words.title(measure)}, {name} nachträglich geändert"
            if old_hidden.get(measure, 0) != new_hidden.get(measure, 0):
                entries.append(_entry(resource, "period-rewritten", f"{label} (gesperrte Werte "
                                      "unterschiedlich, nicht vergleichbar)", _plain(old),
                                      _plain(new), None, threshold, False))
                continue
            entries.append(_numeric(resource, "period-rewritten", label, old, new, threshold))
        if not changed:  # rows differ, sums do not (or nothing is summed)
            entries.append(_numeric(resource, "period-rewritten",
                                    f"Zeilen für {name} nachträglich geändert",
                                    old_rows, new_rows, threshold))
    return entries


def _group_sums(resource: str, groups: list[str], period: str | None, measures: list[str],
                before: _Profile, after: _Profile, threshold: float,
                words: _Words) -> list[dict[str, Any]]:
    both = {k[-1] for k in before.sums} & {k[-1] for k in after.sums} if period else None
    entries = []
    for key in sorted(set(before.sums) | set(after.sums)):
        if both is not None and key[-1] not in both:
            continue  # a new period is growth, a missing one is reported as period-missing
        where = [v for _, v in zip(groups, key, strict=False)]
        if period:
            where.append(words.period(key[-1]))
        for measure in measures:
            old = round(before.sums.get(key, {}).get(measure, 0.0), 6)
            new = round(after.sums.get(key, {}).get(measure, 0.0), 6)
            if old == new:
                continue
            label = f"{words.title(measure)}{', ' + ', '.join(where) if where else ' (gesamt)'}"
            if before.hidden.get((key, measure), 0) != after.hidden.get((key, measure), 0):
                # a value was suppressed on one side: the sums compare different cells, so the
                # change is shown but not judged (a "." is hidden, not 0)
                entries.append(_entry(resource, "group-sum", f"{label} (gesperrte Werte "
                                      "unterschiedlich, nicht vergleichbar)", _plain(old),
                                      _plain(new), None, threshold, False))
                continue
            entries.append(_numeric(resource, "group-sum", label, old, new, threshold))
    entries.sort(key=lambda e: (not e["exceeds"], -abs(e["change_percent"] or 1e9)))
    return entries[:MAX_SUM_ENTRIES]


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


KIND_CODES = {"row-count": "plausibility-row-count", "group-sum": "plausibility-sum",
              "category-added": "plausibility-category",
              "category-removed": "plausibility-category",
              "period-missing": "plausibility-period", "period-rewritten": "plausibility-period"}
ALWAYS_REPORTED = {"category-added", "category-removed", "period-missing", "period-rewritten"}


def _warnings(entries: list[dict[str, Any]], dataset: str, resource: str) -> list[Problem]:
    found: list[Problem] = []
    reported: dict[str, int] = {}
    for entry in entries:
        if not (entry["exceeds"] or entry["kind"] in ALWAYS_REPORTED):
            continue
        code = KIND_CODES[entry["kind"]]
        reported[code] = reported.get(code, 0) + 1
        if reported[code] <= MAX_PROBLEMS_PER_KIND:
            found.append(problems.make(code, f"{entry['label']}: {describe_change(entry)}.",
                                       severity="warning", dataset=dataset, resource=resource,
                                       details={k: entry[k] for k in ("kind", "old", "new")}))
    for code, count in reported.items():
        if count > MAX_PROBLEMS_PER_KIND:
            found.append(problems.make(
                code, f"Insgesamt {count} solche Abweichungen (die ersten "
                f"{MAX_PROBLEMS_PER_KIND} sind einzeln gemeldet).", severity="warning",
                dataset=dataset, resource=resource))
    return found


def describe_change(entry: dict[str, Any]) -> str:
    """'bisher 120, jetzt 240 (+100 %, Schwelle 50 %)' for staff."""
    text = f"bisher {format_value(entry['old'])}, jetzt {format_value(entry['new'])}"
    if entry["change_percent"] is not None:
        text += f" ({format_change(entry['change_percent'])}"
        if entry["threshold"] is not None:
            text += f", Schwelle {format_value(entry['threshold'])} %"
        text += ")"
    return text
