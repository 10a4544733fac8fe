"""Protect: no personal data leaves the house.

Runs after transform (the table holds only declared fields: undeclared columns were dropped and
reported there) and before validate, on exactly the table that will be published:

1. Personal-data detection on column names and cell values (see `flows.protection.detectors`).
   A finding is an error that blocks publication; its record names row and field but only
   describes the value (kind and length), never shows it. A dataset may declare a reviewed
   exception per field.
2. Small-count suppression: sensitive counts from 1 to k−1 become the declared marker (".", as in
   German official statistics), plus secondary suppression where cells sum to published totals.
3. Formula injection: text cells starting with = + - @ get a leading apostrophe, so spreadsheets
   show them as text instead of running them. Numbers are left alone.

The same steps on Arrow columns (the chunked path) are in flows/stages/columns.py; they share
the detection, reporting and message helpers here.

Longer than 300 lines: the three steps share the `Protection` record, and its helpers are
shared with the columnar steps; splitting them would scatter one rule over several modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows import problems
from flows.model.tables import Table
from flows.problems import Problem
from flows.protection import columns, detectors, suppression
from flows.protection.describing import quote
from flows.specs.datasets import ProtectSpec, ResourceSpec

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_FINDINGS_PER_FIELD = 50
MEMO_SIZE = 65_536
"""Distinct values per column whose detector findings a chunked run remembers."""
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
CANONICAL = {"date": re.compile(r"\d{4}-\d{2}-\d{2}"), "year": re.compile(r"\d{4}"),
             "yearmonth": re.compile(r"\d{4}-\d{2}"), "boolean": re.compile(
                 r"true|false|ja|nein|yes|no|0|1", re.IGNORECASE)}
"""The forms the transform writes for typed fields: values of these forms hold no text."""


@dataclass
class Protection:
    """What protect did to one resource."""

    table: Table
    problems: list[Problem] = field(default_factory=list)
    masked: set[tuple[int, str]] = field(default_factory=set)
    """(source row, field) of every flagged cell: later stages must not show these values."""
    suppressed: int = 0
    secondary: int = 0
    neutralised: int = 0
    originals: dict[tuple[int, int], int] = field(default_factory=dict)
    """(row index, column index) → value of every hidden count, for the audit across the
    dataset's resources (flows/stages/disclosure.py); kept in memory only."""
    primary: set[tuple[int, int]] = field(default_factory=set)
    """The hidden counts that are small (primary suppression), as (row index, column index)."""
    audit: dict[str, int] = field(default_factory=dict)
    """The suppression audit: hidden cells and the narrowest interval an attacker can compute
    for one of them (absent without hidden cells)."""

    def stats(self) -> dict[str, int]:
        """The counts for the dataset result: suppressed cells, neutralised formulas, findings,
        and the audit's figures."""
        return {"suppressed_primary": self.suppressed, "suppressed_secondary": self.secondary,
                "formulas_neutralised": self.neutralised,
                "personal_data_findings": sum(p.code.startswith("personal-data")
                                              for p in self.problems), **self.audit}


def protect(table: Table, resource: ResourceSpec, dataset: str, file: str,
            today: date | None = None) -> Protection:
    """Detect personal data, suppress small counts and neutralise formulas in `table`.

    Args:
        table: the normalised table (changed in place and returned in the result).
        resource: the declared resource with its schema and protect rules.
        dataset: dataset name, for problem records.
        file: source file as shown to the user.
        today: the reference date for birth dates found by value (default: today).

    Returns:
        The protected table with its problems, the cells that must not be shown (`masked`)
        and the counts of what was changed.
    """
    rules = resource.protect
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    result = Protection(table)
    specs = {f["name"]: f for f in resource.schema.get("fields", [])}
    for column in scanned_columns(table.fields, resource, result, context):
        _scan_column(result, column, today or date.today(), context)
    if not result.problems:
        warn_case_level(result, list(specs.values()), table.rows, context)
    if rules.small_count_fields:
        _suppress(result, rules, context)
    _neutralise(result, {n: s.get("type", "string") for n, s in specs.items()}, context)
    return result


@dataclass(frozen=True)
class Column:
    """One column as the detectors see it."""

    index: int
    name: str
    kind: str
    """Its Table Schema type."""
    allowed: set[str]
    """Kinds of findings not reported here (declared exceptions, "phone" for official keys)."""
    birth: bool
    """Its label names a birth date: any value with a digit is one."""


def scanned_columns(fields: list[str], resource: ResourceSpec, result: Protection,
                    context: dict[str, Any]) -> list[Column]:
    """The columns as the detectors see them; a column name that suggests personal data is
    reported on `result` (unless declared an exception)."""
    specs = {f["name"]: f for f in resource.schema.get("fields", [])}
    keys = columns.official_keys(resource.schema)
    found = []
    for index, name in enumerate(fields):
        allowed = resource.protect.allowed_kinds(name)
        label = f"{name} {specs.get(name, {}).get('title', '')}"
        if detectors.label_suggests_personal_data(label) and "label" not in allowed:
            result.problems.append(problems.make(
                "personal-data-column",
                f"Der Spaltenname {quote(name)} deutet auf personenbezogene Daten hin.",
                field=name, **context))
        found.append(Column(index, name, specs.get(name, {}).get("type", "string"),
                            allowed | ({"phone"} if name in keys else set()),
                            detectors.label_suggests_birth_date(label)))
    return found


def _scan_column(result: Protection, column: Column, today: date,
                 context: dict[str, Any]) -> None:
    """Flag every cell of `column` that holds personal data, whatever the column's type (see
    `flag_values`)."""
    rows = result.table.rows
    flagged = flag_values({row[column.index] for row in rows}, column, today)
    if flagged:
        report_flagged(result, column.name, (
            (number, found) for row, number in zip(rows, result.table.row_numbers, strict=True)
            if (found := flagged.get(row[column.index]))), context)


def flag_values(values: set[str], column: Column, today: date,
                scanned: dict[str, list[detectors.Finding]] | None = None
                ) -> dict[str, list[detectors.Finding]]:
    """The findings of each of a column's distinct `values` that holds personal data.

    Typed values the transform could read (a number, an ISO date) cannot hide a name or an
    e-mail address: only a number with a leading zero is checked (for a phone number); every
    other value, text or not, goes through all detectors. Key-figure tables repeat their values
    (months, services, channels), so each distinct value is scanned once; `scanned` keeps the
    detectors' findings per value for the next chunk of the same column (up to MEMO_SIZE)."""
    wanted = set(detectors.KIND_DE) - column.allowed
    if not wanted:
        return {}
    flagged: dict[str, list[detectors.Finding]] = {}
    memo = {} if scanned is None else scanned
    for value in values:
        if not value:
            continue
        found = memo.get(value)
        if found is None:
            found = [f for f in detectors.scan(value, is_birth_field=column.birth,
                                               kinds=_kinds(column.kind, value, wanted))
                     if f.kind in wanted]
            if len(memo) < MEMO_SIZE:
                memo[value] = found
        if found:
            flagged[value] = list(found)
    if "birth-date" in wanted and columns.holds_birth_dates(values, today):
        for value in values:
            if columns.as_date(value) is not None:
                flagged.setdefault(value, []).append(detectors.Finding("birth-date", len(value)))
    return flagged


def _kinds(kind: str, value: str, wanted: set[str]) -> set[str]:
    """What a value of a field of type `kind` can hide: a number only a tax ID (or, with a
    leading zero, a phone number), a canonical date or year nothing (birth dates are judged by
    column), any other value everything."""
    if kind in ("integer", "number") and NUMBER.fullmatch(value):
        leading_zero = value.lstrip("+-").startswith("0") and len(value) > 5
        return wanted & ({"tax-id", "phone"} if leading_zero else {"tax-id"})
    if kind in CANONICAL and CANONICAL[kind].fullmatch(value):
        return set()
    return wanted


def report_flagged(result: Protection, name: str,
                   hits: Iterable[tuple[int, list[detectors.Finding]]],
                   context: dict[str, Any]) -> None:
    """Mask the flagged cells of field `name` (`hits`: source row and findings, in row order)
    and report the first MAX_FINDINGS_PER_FIELD of them, then their count."""
    reported = 0
    for number, found in hits:
        result.masked.add((number, name))
        if reported < MAX_FINDINGS_PER_FIELD:
            reported += 1
            what = ", ".join(sorted({detectors.KIND_DE[f.kind] for f in found}))
            result.problems.append(problems.make(
                "personal-data",
                f"Zeile {number}, Feld '{name}': enthält vermutlich {what} "
                f"({found[0].masked()}).",
                row=number, field=name, details={"kinds": sorted({f.kind for f in found})},
                **context))
    if reported == MAX_FINDINGS_PER_FIELD:
        total = sum(1 for r, f in result.masked if f == name)
        result.problems.append(findings_summary(name, total, context))


def warn_case_level(result: Protection, fields: list[dict[str, Any]],
                    rows: Sequence[Sequence[str]], context: dict[str, Any]) -> None:
    """Warn when the table (`rows`, in the order of `result.table.fields`) looks like one row
    per case."""
    table = result.table
    why = columns.case_level([f for f in fields if f["name"] in table.fields], rows)
    if why:
        result.problems.append(problems.make(
            "case-level-data",
            f"Die Tabelle sieht aus wie eine Zeile je Fall ({why}). Einzelfälle lassen sich "
            "oft Personen zuordnen, auch ohne Namen.", severity="warning", **context))


def findings_summary(name: str, total: int, context: dict[str, Any]) -> Problem:
    """The problem that counts a field's personal-data findings beyond the first ones."""
    return problems.make(
        "personal-data",
        f"Feld '{name}': insgesamt {total} Zeilen mit vermutlich personenbezogenen Daten "
        f"(die ersten {MAX_FINDINGS_PER_FIELD} sind einzeln gemeldet).",
        field=name, **context)


def _suppress(result: Protection, rules: ProtectSpec, context: dict[str, Any]) -> None:
    table = result.table
    columns = {name: i for i, name in enumerate(table.fields)}
    cells: list[tuple[int, int]] = []  # (row index, column index) of each count cell
    for name in rules.small_count_fields:
        cells += [(r, columns[name]) for r in range(len(table.rows))]
    position = {cell: i for i, cell in enumerate(cells)}
    values = [_as_count(table.rows[r][c]) for r, c in cells]
    hidden = suppression.primary(values, range(len(cells)), rules.k, rules.zeros)
    # a count column without a single 0 tells the reader that rows exist only with a case
    zero_columns = {c for (_, c), v in zip(cells, values, strict=True) if v == 0}
    knowledge = suppression.Knowledge(
        values, sum_groups(table, rules, columns, position), rules.k, hidden, rules.zeros,
        {i for i, (_, c) in enumerate(cells) if c not in zero_columns})
    extra: set[int] = set()
    try:
        extra, audited = suppression.secondary(knowledge, hidden, rules.min_width)
        result.audit = {"audit_hidden_cells": len(audited.intervals)}
        if (narrowest := audited.narrowest()) is not None:
            result.audit["audit_narrowest_width"] = narrowest
    except (suppression.SuppressionImpossibleError, suppression.AuditUndecidedError) as exc:
        r, c = cells[exc.cell]
        result.problems.append(not_protected(exc, table.row_numbers[r], table.fields[c],
                                             rules, context))
    result.primary = {cells[i] for i in hidden}
    for i in hidden | extra:
        r, c = cells[i]
        result.originals[r, c] = values[i] or 0
        table.rows[r][c] = rules.marker
    result.suppressed, result.secondary = len(hidden), len(extra)


def not_protected(exc: ValueError, row: int, name: str, rules: ProtectSpec,
                  context: dict[str, Any]) -> Problem:
    """The problem for a hidden count that could not be protected or audited in time."""
    where = f"Zeile {row}, Feld '{name}'"
    if isinstance(exc, suppression.AuditUndecidedError):
        return problems.make(
            "suppression-audit-undecided",
            f"{where}: Die Prüfung der Geheimhaltung ist nicht rechtzeitig fertig geworden; "
            "ob sich der gesperrte Wert zurückrechnen lässt, ist offen. Deshalb wird nicht "
            "veröffentlicht.", row=row, field=name, **context)
    return problems.make(
        "suppression-impossible",
        f"{where}: ein gesperrter Wert ließe sich aus den veröffentlichten Summen auf weniger als "
        f"{rules.min_width + 1} mögliche Werte eingrenzen, und es gibt keine weitere Zelle zum "
        "Sperren.", row=row, field=name, **context)


def sum_groups(table: Table, rules: ProtectSpec, columns: dict[str, int],
               position: dict[tuple[int, int], int]) -> list[suppression.Group]:
    """The published sums `rules.groups` declares, over the cell numbers in `position`."""
    groups: list[suppression.Group] = []
    for name in rules.small_count_fields:
        col = columns[name]
        for spec in rules.groups:
            keyed: dict[tuple[str, ...], list[int]] = {}
            totals: dict[tuple[str, ...], int] = {}
            for r, row in enumerate(table.rows):
                key = tuple(row[columns[b]] for b in spec["by"])
                selector = spec.get("total") or {}
                if selector and all(row[columns[k]] == v for k, v in selector.items()):
                    totals[key] = position[(r, col)]
                else:
                    keyed.setdefault(key, []).append(position[(r, col)])
            for key, members in keyed.items():
                groups.append(suppression.Group(tuple(members), totals.get(key)))
    return groups


def _as_count(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _neutralise(result: Protection, kinds: dict[str, str], context: dict[str, Any]) -> None:
    table = result.table
    text_columns = [i for i, name in enumerate(table.fields) if kinds.get(name) == "string"
                    and any(v.startswith(FORMULA_START) for v in {row[i] for row in table.rows})]
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        for i in text_columns:
            if row[i].startswith(FORMULA_START):
                row[i] = "'" + row[i]
                result.neutralised += 1
                result.problems.append(formula_problem(number, table.fields[i], row[i][1],
                                                       context))


def formula_problem(number: int, name: str, first: str, context: dict[str, Any]) -> Problem:
    """The warning for a text cell of field `name` that starts with `first` (= + - @ …)."""
    return problems.make(
        "formula-neutralised",
        f"Zeile {number}, Feld '{name}': Der Text beginnt mit '{first}' und wird mit "
        "vorangestelltem Apostroph veröffentlicht, damit Tabellenprogramme ihn nicht als Formel "
        "ausführen.", severity="warning", row=number, field=name, **context)
