from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.model.tables import RawTable, Table
from flows.specs.datasets import SourceSpec
from flows.stages import transform as transform_module
from flows.stages.collect import collect
from flows.stages.transform import _number_text, transform, typed_records
from tests.helpers import FIXTURES, resource

GERMAN = SourceSpec(kind="csv", path=FIXTURES, decimal=",", thousands=".")


def test_german_export_becomes_canonical_text() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    table = transform(collect(res, "d", FIXTURES), res, "d", "kosten-valid.csv")
    assert table.fields[:3] == ["projekt", "beschreibung", "einmalige_kosten_eur"]
    assert table.rows[0] == ["Meldebehörde auf Tablets", "Tablets", "8183.74", "3890.10",
                             "2019-03-01", ""]
    # '–' is a declared missing value: an empty cell, not an error
    assert table.rows[2][2:4] == ["", ""]
    assert table.row_numbers == [2, 3, 4]


def test_cells_that_do_not_fit_the_declared_format_stay_as_they_were() -> None:
    assert _number_text("acht", GERMAN) == "acht"
    assert _number_text("8183.74", GERMAN) == "8183.74"  # ambiguous: left for validation to flag
    assert _number_text("1.2.3", GERMAN) == "1.2.3"
    assert _number_text("-500,5", GERMAN) == "-500.5"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_german_number_formatting_round_trips(value: Decimal) -> None:
    german = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert Decimal(_number_text(german, GERMAN)) == value


def test_undeclared_columns_are_dropped_and_reported_missing_ones_named() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    raw = RawTable(header=["Projekt", "Geheim", "Beginn"], rows=[["A", "x", "01.01.2020"]],
                   row_numbers=[2])
    table = transform(raw, res, "d", "f.csv")
    extra = [p for p in table.problems if p.code == "extra-label"]
    assert [p.field for p in extra] == ["Geheim"] and extra[0].severity == "warning"
    assert "x" not in table.rows[0]
    assert {p.field for p in table.problems if p.code == "missing-label"} == {
        "beschreibung", "einmalige_kosten_eur", "jaehrliche_kosten_eur", "anmerkung"}
    assert table.missing_fields == ["beschreibung", "einmalige_kosten_eur",
                                    "jaehrliche_kosten_eur", "anmerkung"]


def test_typed_records_for_json() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    table = transform(collect(res, "d", FIXTURES), res, "d", "f")
    records = typed_records(table, res.schema)
    assert records[0]["einmalige_kosten_eur"] == 8183.74
    assert records[2]["einmalige_kosten_eur"] is None
    assert records[0]["beginn"] == "2019-03-01"


def test_remembered_conversions_give_what_converting_each_cell_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    header = ["Projekt", "Einmalige Kosten (EUR)", "Beginn"]
    cells = [["A", "8.183,74", "01.03.2019"], [" A ", "8.183,74", "1.3.2019"],
             ["B", "acht", "31.02.2019"], ["A", "–", " 01.03.2019"], ["C", 12.0, "01.03.2019"]]
    raw = RawTable(header=header, rows=cells * 3, row_numbers=list(range(2, 17)))
    remembered = transform(raw, res, "d", "f.csv").rows
    monkeypatch.setattr(transform_module, "MEMO_SIZE", 0)  # nothing remembered
    assert transform(raw, res, "d", "f.csv").rows == remembered
    assert remembered[:5] == [
        ["A", "", "8183.74", "", "2019-03-01", ""], ["A", "", "8183.74", "", "2019-03-01", ""],
        ["B", "", "acht", "", "31.02.2019", ""], ["A", "", "", "", "2019-03-01", ""],
        ["C", "", "12.0", "", "2019-03-01", ""]]


def test_typed_records_type_each_declared_kind() -> None:
    table = Table(fields=["n", "x", "b", "s"], rows=[["3", "2.50", "ja", "."], ["", "4", "", ""]])
    schema = {"missingValues": ["", "."], "fields": [
        {"name": "n", "type": "integer"}, {"name": "x", "type": "number"},
        {"name": "b", "type": "boolean"}, {"name": "s", "type": "string"}]}
    assert typed_records(table, schema) == [{"n": 3, "x": 2.5, "b": True, "s": None},
                                            {"n": None, "x": 4, "b": None, "s": None}]
    assert isinstance(typed_records(table, schema)[1]["x"], int)


def _raw(header: list[str], *rows: list[str]) -> RawTable:
    return RawTable(header=header, rows=[list(r) for r in rows],
                    row_numbers=list(range(2, len(rows) + 2)))


def test_text_cells_are_cleaned_and_each_class_reported_once_per_field() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    labels = [next((k for k, v in res.source.columns.items() if v == f["name"]), f["name"])
              for f in res.schema["fields"]]
    raw = _raw([labels[0] + "\u200b", *labels[1:]],
               *([f"Projekt\x00 {i}", "Tablets\u200b", "1", "1", "01.03.2019", ""]
                 for i in range(8)),
               ["Bu\u0308rgerbu\u0308ro", "\u202eText", "1", "1", "01.03.2019", ""])
    table = transform(raw, res, "d", "f.csv")
    assert [row[0] for row in table.rows][:2] == ["Projekt 0", "Projekt 1"]
    assert table.rows[-1][:2] == ["Bürgerbüro", "\u202eText"]  # NFC; bidi stays, rejected
    found = {(p.code, p.field): p for p in table.problems}
    control = found[("text-cleaned", "projekt")]
    assert control.severity == "warning" and "U+0000" in control.message
    assert "8 Zellen (Zeile 2, 3, 4, 5, 6 …)" in control.message and control.row == 2
    assert "U+200B" in found[("text-cleaned", "beschreibung")].message
    bidi = found[("text-bidi-control", "beschreibung")]
    assert bidi.severity == "error" and bidi.row == 10 and "U+202E" in bidi.message
    assert not [p for p in table.problems if p.code in ("missing-label", "extra-label")]


def test_a_cell_longer_than_the_limit_is_an_error_and_cut() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv", max_cell_length=20)
    labels = [next((k for k, v in res.source.columns.items() if v == f["name"]), f["name"])
              for f in res.schema["fields"]]
    raw = _raw(labels, ["Projekt", "x" * 25, "1", "1", "01.03.2019", ""])
    table = transform(raw, res, "d", "f.csv")
    (long,) = [p for p in table.problems if p.code == "cell-too-long"]
    assert long.field == "beschreibung" and "länger als 20 Zeichen" in long.message
    assert table.rows[0][1] == "x" * 20


def test_months_and_years_are_read_in_their_declared_format() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    schema = {"fields": [{"name": "monat", "type": "yearmonth"}, {"name": "jahr", "type": "year"}]}
    source = SourceSpec(kind="csv", period_formats={"yearmonth": "%m.%Y", "year": "%y"})
    res = dataclasses.replace(res, schema=schema, source=source)
    table = transform(_raw(["monat", "jahr"], ["03.2025", "24"], ["13.2025", "x"], ["", ""]),
                      res, "d", "f.csv")
    assert table.rows == [["2025-03", "2024"], ["13.2025", "x"], ["", ""]]
