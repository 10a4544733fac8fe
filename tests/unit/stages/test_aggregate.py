from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.model.tables import RawTable
from flows.specs.datasets import AggregateSpec, ResourceSpec, SourceSpec
from flows.stages.aggregate import aggregate


def _resource(spec: AggregateSpec, **source: object) -> ResourceSpec:
    return ResourceSpec("r", "r.csv", "s", {"fields": []},
                        SourceSpec(kind="csv", path=Path("x"), **source), aggregate=spec)


CASES = RawTable(
    header=["Eingang", "Leistung", "Kosten", "Name"],
    rows=[["03.01.2026", "Wohngeld", "10,50", "Erika"], ["17.01.2026", "Wohngeld", "4,50", "Max"],
          ["20.01.2026", "Elterngeld", "7", "Anna"],
          [date(2026, 2, 2), "Wohngeld", "1.000,00", "X"]],
    row_numbers=[2, 3, 4, 5])


def test_count_sum_mean_per_month() -> None:
    spec = AggregateSpec(group_by=("monat", "Leistung"), period={"field": "Eingang", "to": "month",
                                                                   "as": "monat"},
                         measures=({"as": "anzahl", "fn": "count"},
                                   {"as": "kosten", "fn": "sum", "field": "Kosten"},
                                   {"as": "mittel", "fn": "mean", "field": "Kosten"}))
    res = _resource(spec, decimal=",", thousands=".", date_format="%d.%m.%Y")
    out = aggregate(CASES, res, "d", "f")
    assert out.header == ["monat", "Leistung", "anzahl", "kosten", "mittel"]
    assert out.rows == [["2026-01-01", "Elterngeld", "1", "7", "7"],
                        ["2026-01-01", "Wohngeld", "2", "15", "7.5"],
                        ["2026-02-01", "Wohngeld", "1", "1000", "1000"]]
    assert out.provenance["aggregated_from"] == 4
    assert all("Erika" not in str(row) for row in out.rows)  # no raw record survives


def test_month_to_year_bucketing() -> None:
    raw = RawTable(header=["Monat", "Anzahl"], rows=[["2025-01", "3"], ["2025-07", "4"],
                                                     ["2026-01", "5"]], row_numbers=[2, 3, 4])
    spec = AggregateSpec(group_by=("jahr",), period={"field": "Monat", "to": "year", "as": "jahr"},
                         measures=({"as": "summe", "fn": "sum", "field": "Anzahl"},))
    out = aggregate(raw, _resource(spec), "d", "f")
    assert out.rows == [["2025", "7"], ["2026", "5"]]


def test_unreadable_dates_and_numbers_are_reported_by_row_not_summed_silently() -> None:
    raw = RawTable(header=["Eingang", "Kosten"], rows=[["03.01.2026", "5"], ["irgendwann", "6"],
                                                       ["04.01.2026", "viel"]],
                   row_numbers=[2, 3, 4])
    spec = AggregateSpec(group_by=("monat",), period={"field": "Eingang", "to": "month",
                                                      "as": "monat"},
                         measures=({"as": "kosten", "fn": "sum", "field": "Kosten"},))
    out = aggregate(raw, _resource(spec, date_format="%d.%m.%Y"), "d", "f")
    assert {(p.code, p.row, p.field) for p in out.problems} == {
        ("type-error", 3, "Eingang"), ("type-error", 4, "Kosten")}
    assert out.rows == [["2026-01-01", "5"]]


def test_missing_source_column_is_named() -> None:
    spec = AggregateSpec(group_by=("Amt",), measures=({"as": "n", "fn": "count"},))
    out = aggregate(CASES, _resource(spec), "d", "f")
    (problem,) = out.problems
    assert problem.code == "missing-label" and "Amt" in problem.message
