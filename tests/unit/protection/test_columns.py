"""Column- and table-level detectors: birth dates by value, official keys, case-level tables."""

from __future__ import annotations

from datetime import date, timedelta

from flows.protection import columns

TODAY = date(2026, 12, 3)


def test_a_column_of_birth_dates_is_recognised_by_its_values_in_any_spelling() -> None:
    births = ["1964-08-12", "03.04.1971", "17/11/1995", "2001-02-07", "1951-09-07"]
    assert columns.holds_birth_dates(births, TODAY)


def test_recent_dates_and_monthly_series_are_not_birth_dates() -> None:
    recent = [(TODAY - timedelta(days=40 * i)).isoformat() for i in range(10)]
    monthly = [f"{year}-{month:02d}-01" for year in range(1990, 1995) for month in range(1, 13)]
    assert not columns.holds_birth_dates(recent, TODAY)
    assert not columns.holds_birth_dates(monthly, TODAY)
    assert not columns.holds_birth_dates(["1964-08-12", "2025-01-03", "2025-02-04"], TODAY)


def test_official_keys_by_declaration_and_by_name() -> None:
    schema = {"fields": [{"name": "ags"}, {"name": "kreis", "constraints": {"pattern": r"\d{5}"}},
                         {"name": "vorgang"}, {"name": "telefon_nr"}, {"name": "plz"}],
              "primaryKey": ["vorgang"]}
    assert columns.official_keys(schema) == {"ags", "kreis", "vorgang", "plz"}


def test_case_level_tables_are_told_apart_from_key_figures() -> None:
    fields = [{"name": "eingang", "type": "date"}, {"name": "leistung", "type": "string"}]
    cases = [[(date(2026, 1, 2) + timedelta(days=i)).isoformat(), f"L{i % 3}"]
             for i in range(30)]
    assert "eingang" in (columns.case_level(fields, cases) or "")
    counted = [*fields, {"name": "anzahl", "type": "integer"}]
    assert columns.case_level(counted, [[*row, "4"] for row in cases]) is None
    months = [[f"2026-{m:02d}-01", f"L{i}"] for m in range(1, 13) for i in range(3)]
    assert columns.case_level(fields, months) is None
    assert columns.case_level(fields, cases[:5]) is None
