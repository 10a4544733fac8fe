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
`DatasetResult.plausibility` (see flows/stages/report.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows import problems
from flows.catalog import ResourceSpec
from flows.problems import Problem
from flows.stages.report import format_change, format_value
from flows.stages.transform import Table

MAX_SUM_ENTRIES = 200
"""Changed group sums kept per resource (exceeding ones first)."""
MAX_PROBLEMS_PER_KIND = 20


@dataclass
class Comparison:
    """What the comparison found, as contract entries and as warnings."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: Comparison) -> None:
        self.entries += other.entries
        self.problems += other.problems


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
    spec = resource.plausibility
    threshold = spec.max_change_percent
    missing = set(resource.schema.get("missingValues", [""]))
    common = [f for f in new.fields if f in old.fields]
    nrows, orows = _records(new, common), _records(old, common)
    entries = [_numeric(resource.name, "row-count", "Anzahl Zeilen", len(orows), len(nrows),
                        threshold)]
    categories = spec.categories if spec.categories is not None else _default_categories(
        resource.schema, spec.groups)
    for name in [c for c in categories if c in common]:
        entries += _categories(resource.name, name, orows, nrows)
    period = spec.period if spec.period in common else None
    measures = [m for m in spec.measures if m in common]
    if period:
        entries += _periods(resource.name, period, measures, orows, nrows, missing, threshold)
    if measures:
        groups = [g for g in spec.groups if g in common]
        entries += _group_sums(resource.name, groups, period, measures, orows, nrows, missing,
                               threshold)
    return Comparison(entries, _warnings(entries, dataset, resource.name))


def _records(table: Table, names: list[str]) -> list[dict[str, str]]:
    index = [table.fields.index(n) for n in names]
    return [{n: row[i] for n, i in zip(names, index, strict=True)} for row in table.rows]


def _default_categories(schema: dict[str, Any], groups: tuple[str, ...]) -> list[str]:
    enums = [f["name"] for f in schema.get("fields", []) if (f.get("constraints") or {}).get("enum")]
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


def _categories(resource: str, name: str, orows: list[dict[str, str]],
                nrows: list[dict[str, str]]) -> list[dict[str, Any]]:
    before, after = _counts(orows, name), _counts(nrows, name)
    shown = _title(name)
    entries = [_entry(resource, "category-removed", f"{shown}={value} fehlt", before[value], None)
               for value in sorted(set(before) - set(after))]
    entries += [_entry(resource, "category-added", f"{shown}={value} ist neu", None, after[value])
                for value in sorted(set(after) - set(before))]
    return entries


def _counts(rows: list[dict[str, str]], name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row[name] != "":
            counts[row[name]] = counts.get(row[name], 0) + 1
    return counts


def _periods(resource: str, period: str, measures: list[str], orows: list[dict[str, str]],
             nrows: list[dict[str, str]], missing: set[str], threshold: float
             ) -> list[dict[str, Any]]:
    before, after = _by(orows, [period]), _by(nrows, [period])
    label = _title(period)
    entries = []
    for key in sorted(before):
        name = f"{label} {key[0]}"
        if key not in after:
            entries.append(_entry(resource, "period-missing", f"{name} fehlt",
                                  len(before[key]), None, -100.0, threshold, 100 > threshold))
            continue
        if sorted(map(_row_key, before[key])) == sorted(map(_row_key, after[key])):
            continue
        changed = False
        for measure in measures:
            old, new = _sum(before[key], measure, missing), _sum(after[key], measure, missing)
            if old != new:
                changed = True
                entries.append(_numeric(resource, "period-rewritten",
                                        f"Summe {measure}, {name} nachträglich geändert",
                                        old, new, threshold))
        if not changed:  # rows differ, sums do not (or nothing is summed)
            entries.append(_numeric(resource, "period-rewritten",
                                    f"Zeilen für {name} nachträglich geändert",
                                    len(before[key]), len(after[key]), threshold))
    return entries


def _group_sums(resource: str, groups: list[str], period: str | None, measures: list[str],
                orows: list[dict[str, str]], nrows: list[dict[str, str]], missing: set[str],
                threshold: float) -> list[dict[str, Any]]:
    keys = groups + ([period] if period else [])
    before, after = _by(orows, keys), _by(nrows, keys)
    both = {k[-1] for k in before} & {k[-1] for k in after} if period else None
    entries = []
    for key in sorted(set(before) | set(after)):
        if both is not None and key[-1] not in both:
            continue  # a new period is growth, a missing one is reported as period-missing
        where = [f"{_title(g)}={v}" for g, v in zip(groups, key, strict=False)]
        if period:
            where.append(f"{_title(period)} {key[-1]}")
        for measure in measures:
            old = _sum(before.get(key, []), measure, missing)
            new = _sum(after.get(key, []), measure, missing)
            if old != new:
                suffix = f" für {', '.join(where)}" if where else " (gesamt)"
                entries.append(_numeric(resource, "group-sum", f"Summe {measure}{suffix}",
                                        old, new, threshold))
    entries.sort(key=lambda e: (not e["exceeds"], -abs(e["change_percent"] or 1e9)))
    return entries[:MAX_SUM_ENTRIES]


def _by(rows: list[dict[str, str]], names: list[str]) -> dict[tuple[str, ...], list[dict]]:
    grouped: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(tuple(row[n] for n in names), []).append(row)
    return grouped


def _row_key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[k] for k in sorted(row))


def _sum(rows: list[dict[str, str]], measure: str, missing: set[str]) -> float:
    total = sum(float(r[measure]) for r in rows if r[measure] not in missing)
    return round(total, 6)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


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
