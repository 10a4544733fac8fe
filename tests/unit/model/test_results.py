"""Bounded reports: a few cases per code and field are listed, the rest are counted."""

from __future__ import annotations

from flows import problems
from flows.model import results
from flows.model.results import DatasetResult, bounded


def _many(code: str, fields: int, per_field: int) -> list[problems.Problem]:
    return [problems.make(code, f"{code} {f} {i}", field=f"f{f}", row=i)
            for f in range(fields) for i in range(per_field)]


def test_cases_per_code_and_field_are_bounded_and_counted() -> None:
    found = _many("type-error", 2, 30) + _many("missing-cell", 1, 3)
    listed, omitted = bounded(found)
    assert len(listed) == 2 * results.CASES_PER_FIELD + 3
    assert [p.row for p in listed if p.field == "f1"][:2] == [0, 1]  # the first ones, in order
    assert omitted == [{"code": "type-error", "listed": 40, "total": 60,
                        "fields": {"f0": 30, "f1": 30}}]


def test_a_report_of_ten_thousand_columns_stays_small() -> None:
    result = DatasetResult(name="breit", problems=_many("extra-label", 10_000, 1))
    report = result.to_dict()
    assert len(report["problems"]) == results.CASES_PER_CODE
    (entry,) = report["problems_omitted"]
    assert entry["total"] == 10_000 and len(entry["fields"]) == results.CASES_PER_FIELD
    assert report["problem_counts"] == {"extra-label": 10_000}
