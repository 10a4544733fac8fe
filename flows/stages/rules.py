"""Rules: the business rules of `rules.yaml`, run with Great Expectations 1.x.

They run after validation on the protected, schema-typed table (numbers as numbers, dates as
dates, a suppressed "." as null), in an ephemeral GX context. A rule is either a GX expectation
by name with its kwargs, or one of two rules that need a derived table, which is computed here
with pandas and then checked by a GX expectation as well:

- `every_period`: one row per month (or year) from the first to the last in the data, with the
  number of rows it has; `expect_column_values_to_be_between(min_value=1)` finds the gaps.
- `sum_equals_total`: per group the sum of the rows and the stated total row side by side;
  `expect_column_pair_values_to_be_equal` finds the groups that do not add up. Groups with a
  suppressed cell cannot be checked and are left out.

Results become `Problem` records (`rule-violated` with the rule's severity, `rule-invalid` for a
rule that GX cannot run) naming the source row and field where GX reports rows. GX is imported
only when a resource has rules: the import takes seconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows import problems
from flows.model.tables import Table
from flows.problems import Problem
from flows.protection.describing import scrub_quoted, show
from flows.specs.datasets import ResourceSpec
from flows.specs.rules import RuleSpec
from flows.stages.transform import typed_records

MAX_ROWS_PER_RULE = 20
SUM_COLUMN = "summe_der_zeilen"
TOTAL_COLUMN = "ausgewiesene_summe"
ROWS_COLUMN = "zeilen"
PERIOD_COLUMN = "zeitraum"


@dataclass
class _Check:
    """One rule ready to run: the frame it looks at and the expectation."""

    rule: RuleSpec
    frame: Any
    expectation: Any
    source_rows: list[int | None]
    """Source row number of each frame row (None where a derived row has none)."""


def check_rules(table: Table, resource: ResourceSpec, dataset: str, file: str,
                masked: set[tuple[int, str]] | None = None) -> list[Problem]:
    """Run the resource's business rules on `table` and report what they find.

    Args:
        table: the protected table, valid against its schema.
        resource: the resource with its rules and schema.
        dataset: dataset name, for problem records.
        file: source file as shown to the user.
        masked: (source row, field) cells holding personal data: never shown in messages.

    Returns:
        One problem per violating row (up to MAX_ROWS_PER_RULE per rule, then a count), per
        failed table-level rule, and per rule that cannot run.
    """
    if not resource.rules:
        return []
    gx = _import_gx()
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    frame = typed_frame(table, resource.schema)
    found: list[Problem] = []
    checks: list[_Check] = []
    for rule in resource.rules:
        try:
            checks.append(_plan(rule, frame, table))
        except _RuleInvalidError as exc:
            found.append(_invalid(rule, resource.name, str(exc), context))
    ephemeral = gx.get_context(mode="ephemeral", project_config=_gx_config())
    for index, check in enumerate(checks):
        source = ephemeral.data_sources.add_pandas(f"regel-{index}")
        batch = source.add_dataframe_asset(name="tabelle").add_batch_definition_whole_dataframe(
            "alles").get_batch(batch_parameters={"dataframe": check.frame})
        outcome = batch.validate(check.expectation, result_format="COMPLETE")
        failure = _exception(outcome.exception_info or {})
        if failure is not None:
            found.append(_invalid(check.rule, resource.name,
                                  f"Great Expectations meldet: {scrub_quoted(failure)}",
                                  context))
        elif not outcome.success:
            found += _violations(check, outcome.result, resource.name, masked or set(), context)
    return found


def typed_frame(table: Table, schema: dict[str, Any]) -> Any:
    """The table as a pandas DataFrame with schema types: nullable integers and floats, dates
    as `datetime.date`, no value and suppressed values as null."""
    import pandas as pd

    records = typed_records(table, schema)
    kinds = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    columns: dict[str, Any] = {}
    for name in table.fields:
        values = [record[name] for record in records]
        kind = kinds.get(name, "string")
        if kind == "integer":
            columns[name] = pd.array(values, dtype="Int64")
        elif kind == "number":
            columns[name] = pd.array([None if v is None else float(v) for v in values],
                                     dtype="Float64")
        elif kind == "date":
            columns[name] = pd.Series([date.fromisoformat(v) if v else None for v in values],
                                      dtype=object)
        else:
            columns[name] = values
    return pd.DataFrame(columns, index=range(len(table.rows)))


class _RuleInvalidError(Exception):
    """A rule that cannot be turned into an expectation (message German)."""


def _plan(rule: RuleSpec, frame: Any, table: Table) -> _Check:
    if rule.kind == "every_period":
        return _every_period(rule, frame)
    if rule.kind == "sum_equals_total":
        return _sum_equals_total(rule, frame, table)
    return _Check(rule, frame, _expectation(rule.expectation, rule.options),
                  list(table.row_numbers))


def _expectation(name: str, kwargs: dict[str, Any]) -> Any:
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    try:
        return ExpectationConfiguration(type=name, kwargs=kwargs).to_domain_obj()
    except ExpectationNotFoundError:
        raise _RuleInvalidError(
            f"Die Erwartung '{name}' gibt es in Great Expectations 1.x nicht (Schreibweise "
            "prüfen, z. B. expect_column_values_to_be_between).") from None
    except (TypeError, ValueError) as exc:
        details = exc.errors() if hasattr(exc, "errors") else None
        reason = ("; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in details)
                  if details else str(exc))
        raise _RuleInvalidError(f"Die Angaben unter kwargs passen nicht zu '{name}' ({reason}).") \
            from None


def _every_period(rule: RuleSpec, frame: Any) -> _Check:
    import pandas as pd

    name, unit = rule.options["field"], rule.options.get("unit", "month")
    seen: dict[tuple[int, int], int] = {}
    for value in frame[name]:
        if isinstance(value, date):
            key = (value.year, value.month if unit == "month" else 1)
            seen[key] = seen.get(key, 0) + 1
    labels, counts = [], []
    if seen:
        (year, month), last = min(seen), max(seen)
        while (year, month) <= last:
            labels.append(f"{year:04d}-{month:02d}" if unit == "month" else f"{year:04d}")
            counts.append(seen.get((year, month), 0))
            year, month = (year + month // 12, month % 12 + 1) if unit == "month" else (year + 1, 1)
    derived = pd.DataFrame({PERIOD_COLUMN: labels, ROWS_COLUMN: pd.array(counts, dtype="Int64")})
    return _Check(rule, derived, _expectation("expect_column_values_to_be_between",
                                              {"column": ROWS_COLUMN, "min_value": 1}),
                  [None] * len(labels))


def _sum_equals_total(rule: RuleSpec, frame: Any, table: Table) -> _Check:
    import pandas as pd

    opts = rule.options
    by, year_of, measure = list(opts.get("by") or []), opts.get("year_of"), opts["measure"]
    position = {name: i for i, name in enumerate(table.fields)}
    selector = {k: _text(v) for k, v in opts["total"].items()}
    parts: dict[tuple[str, ...], list[Any]] = {}
    totals: dict[tuple[str, ...], tuple[Any, int]] = {}
    for i, row in enumerate(table.rows):
        key = tuple(row[position[b]] for b in by)
        if year_of:
            key += (row[position[year_of]][:4],)
        value = frame.at[i, measure]
        value = None if pd.isna(value) else float(value)
        if all(row[position[k]] == v for k, v in selector.items()):
            totals[key] = (value, table.row_numbers[i])
        else:
            parts.setdefault(key, []).append(value)
    keys = [k for k in sorted(set(parts) | set(totals))
            if None not in parts.get(k, []) and totals.get(k, (0, 0))[0] is not None]
    columns: dict[str, Any] = {b: [k[j] for k in keys] for j, b in enumerate(by)}
    if year_of:
        columns["jahr"] = [k[-1] for k in keys]
    columns[SUM_COLUMN] = [round(sum(parts.get(k, [])), 6) for k in keys]
    columns[TOTAL_COLUMN] = [totals[k][0] if k in totals else None for k in keys]
    derived = pd.DataFrame(columns).astype({SUM_COLUMN: "float64", TOTAL_COLUMN: "float64"})
    return _Check(rule, derived, _expectation("expect_column_pair_values_to_be_equal",
                                              {"column_A": SUM_COLUMN, "column_B": TOTAL_COLUMN}),
                  [totals[k][1] if k in totals else None for k in keys])


def _violations(check: _Check, result: dict[str, Any], resource: str,
                masked: set[tuple[int, str]], context: dict[str, Any]) -> list[Problem]:
    rule = check.rule
    base = {"severity": rule.severity, "details": {"rule": rule.number,
                                                   "description": rule.description}, **context}
    indexes = result.get("unexpected_index_list")
    if indexes is None:
        observed = result.get("observed_value")
        seen = f" (festgestellt: {scrub_quoted(str(observed), protected=True)})" \
            if observed is not None else ""
        return [problems.make("rule-violated", f"Regel {rule.quoted} ist nicht "
                              f"erfüllt{seen}.", **base)]
    found = [_row_problem(check, index, masked, base) for index in indexes[:MAX_ROWS_PER_RULE]]
    if len(indexes) > MAX_ROWS_PER_RULE:
        found.append(problems.make(
            "rule-violated", f"Regel {rule.quoted}: insgesamt {len(indexes)} Zeilen "
            f"verletzen sie (die ersten {MAX_ROWS_PER_RULE} sind einzeln gemeldet).", **base))
    return found


def _row_problem(check: _Check, index: int, masked: set[tuple[int, str]],
                 base: dict[str, Any]) -> Problem:
    rule, frame = check.rule, check.frame
    row = check.source_rows[index] if index < len(check.source_rows) else None
    where = f"Zeile {row}" if row else "Tabelle"
    if rule.kind == "every_period":
        return problems.make("rule-violated", f"Der Zeitraum {frame.at[index, PERIOD_COLUMN]} "
                             f"fehlt (Regel {rule.quoted}).",
                             field=rule.options["field"], **base)
    if rule.kind == "sum_equals_total":
        group = ", ".join(f"{c}={_shown(frame.at[index, c])}" for c in frame.columns
                          if c not in (SUM_COLUMN, TOTAL_COLUMN)) or "alle Zeilen"
        total = frame.at[index, TOTAL_COLUMN]
        stated = "fehlt" if total != total else _text(total)  # NaN: no total row
        return problems.make(
            "rule-violated", f"{where}: Für {group} ergeben die Zeilen "
            f"{_text(frame.at[index, SUM_COLUMN])}, die ausgewiesene Summe ist {stated} "
            f"(Regel {rule.quoted}).", row=row, field=rule.options["measure"], **base)
    names = rule.fields()
    shown = ", ".join(
        f"{n}=«verborgen»" if (row, n) in masked else f"{n}={_shown(frame.at[index, n])}"
        for n in names)
    return problems.make("rule-violated", f"{where}: {shown} verletzt die Regel "
                         f"{rule.quoted}.", row=row, field=", ".join(names) or None, **base)


def _invalid(rule: RuleSpec, resource: str, reason: str, context: dict[str, Any]) -> Problem:
    return problems.make("rule-invalid", f"{rule.where(resource)}: {reason}",
                         details={"rule": rule.number, "description": rule.description},
                         **{**context, "file": rule.file})


def _exception(info: dict[str, Any]) -> str | None:
    """The message of an exception GX caught while running; its result holds it either flat or
    per metric."""
    for item in (info, *info.values()):
        if isinstance(item, dict) and item.get("raised_exception"):
            return str(item.get("exception_message") or "unbekannter Fehler")
    return None


def _shown(value: Any) -> str:
    """A cell of the protected table as a message shows it (described where not safe)."""
    return show(_text(value), protected=True)


def _text(value: Any) -> str:
    if value is None or value != value:  # None or NaN
        return "(leer)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _import_gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage statistics from city hall
    import great_expectations as gx

    return gx


def _gx_config() -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    return DataContextConfig(analytics_enabled=False,
                             progress_bars=ProgressBarsConfig(globally=False),
                             store_backend_defaults=InMemoryStoreBackendDefaults())
