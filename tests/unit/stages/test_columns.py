"""Transform and protect on columns give what they give on rows: cells, problems, masks."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from flows.model.tables import ColumnTable, RawTable
from flows.specs.datasets import ProtectSpec, ResourceSpec, SourceSpec
from flows.stages.columns import protect_columns, redacted, transform_columns, widen
from flows.stages.protect import protect
from flows.stages.transform import transform
from tests.helpers import FIXTURES

TODAY = date(2026, 3, 1)
FIELDS = [{"name": "datum", "type": "date"}, {"name": "leistung", "type": "string"},
          {"name": "anzahl", "type": "integer"}, {"name": "betrag", "type": "number"},
          {"name": "bemerkung", "type": "string"}, {"name": "fehlt", "type": "string"}]
HEADER = ["Datum", "leistung", "anzahl", "betrag", "bemerkung", "unbekannt", "leistung"]
CELLS = [
    ["01.03.2026", "Wohngeld", "12", "1.234,50", "", "x", "y"],
    ["02.03.2026", "Wohn\u200bgeld", "–", "7,5", "=SUMME(A1)", "x", "y"],
    ["32.03.2026", "Wohngeld\u202e", "3", "abc", "Erika Mustermann", "x", "y"],
    ["03.03.2026", "  Elterngeld ", "0", "8", "+49 176 12345678", "x", "y"],
    ["04.03.2026", "Elterngeld", "1", "", "erika.mustermann@example.org", "x", "y"],
    ["05.03.2026", "Elterngeld", "2", "1", "-", "x", "y"],
    ["06.03.2026", "Elterngeld", "5", "2", "Hinweis", "x", "y"],
]


def _resource(protect_spec: ProtectSpec | None = None, fields: list[dict] = FIELDS
              ) -> ResourceSpec:
    source = SourceSpec(kind="csv", path=FIXTURES, delimiter=";", decimal=",", thousands=".",
                        date_format="%d.%m.%Y", missing_values=("", "–"),
                        columns={"Datum": "datum"}, max_cell_length=12)
    return ResourceSpec("r", "r.csv", "s", {"fields": fields, "missingValues": ["", "."]},
                        source, protect_spec or ProtectSpec())


def _raw(header: list[str], rows: list[list[str]], first: int = 2
         ) -> tuple[RawTable, ColumnTable]:
    numbers = list(range(first, first + len(rows)))
    columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(len(header))]
    return (RawTable(list(header), [list(r) for r in rows], numbers),
            ColumnTable(list(header), columns, np.array(numbers, dtype=np.int64)))


def _as_rows(table: ColumnTable) -> list[list[str]]:
    return table.to_table().rows


def _problems(found: list[Any]) -> list[tuple[Any, ...]]:
    return [(p.code, p.severity, p.row, p.field, p.message, p.details) for p in found]


def test_transform_on_columns_is_transform_on_rows() -> None:
    rows, columns = _raw(HEADER, CELLS * 3)
    expected = transform(rows, _resource(), "d", "f.csv")
    got = transform_columns(columns, _resource(), "d", "f.csv")
    assert got.fields == expected.fields
    assert _as_rows(got) == expected.rows
    assert got.missing_fields == expected.missing_fields == ["fehlt"]
    assert _problems(got.problems) == _problems(expected.problems)
    codes = {p.code for p in got.problems}
    assert {"text-cleaned", "text-bidi-control", "cell-too-long", "extra-label",
            "duplicate-label", "missing-label"} <= codes


def test_protect_on_columns_is_protect_on_rows() -> None:
    rows, columns = _raw(HEADER, CELLS * 30)
    resource = _resource()
    old = protect(transform(rows, resource, "d", "f.csv"), resource, "d", "f.csv", TODAY)
    new = protect_columns(transform_columns(columns, resource, "d", "f.csv"), resource, "d",
                          "f.csv", TODAY)
    assert _problems(new.problems) == _problems(old.problems)
    assert new.masked == old.masked and new.masked
    assert new.stats() == old.stats()
    assert new.neutralised == old.neutralised > 0
    assert _as_rows(new.table) == old.table.rows  # type: ignore[arg-type]


def test_small_counts_are_suppressed_on_rows_and_written_back() -> None:
    fields = [{"name": "leistung", "type": "string"}, {"name": "anzahl", "type": "integer"}]
    cells = [[f"L{i % 4}", str(i % 6)] for i in range(30)]
    rows, columns = _raw(["leistung", "anzahl"], cells)
    resource = _resource(ProtectSpec(small_count_fields=("anzahl",), k=3), fields)
    old = protect(transform(rows, resource, "d", "f.csv"), resource, "d", "f.csv", TODAY)
    new = protect_columns(transform_columns(columns, resource, "d", "f.csv"), resource, "d",
                          "f.csv", TODAY)
    assert new.suppressed == old.suppressed > 0
    assert _as_rows(new.table) == old.table.rows  # type: ignore[arg-type]
    assert "." in new.table.columns[1].to_pylist()  # type: ignore[attr-defined]


def test_a_table_of_cases_is_warned_about_on_columns_too() -> None:
    fields = [{"name": "tag", "type": "date"}, {"name": "art", "type": "string"}]
    cells = [[f"2025-0{m}-{d:02d}", f"Art {d}"] for m in range(1, 4) for d in range(2, 12)]
    rows, columns = _raw(["tag", "art"], cells)
    resource = _resource(fields=fields)
    old = protect(transform(rows, resource, "d", "f.csv"), resource, "d", "f.csv", TODAY)
    new = protect_columns(transform_columns(columns, resource, "d", "f.csv"), resource, "d",
                          "f.csv", TODAY)
    assert [p.code for p in new.problems] == [p.code for p in old.problems] == ["case-level-data"]


def test_redacted_blanks_flagged_cells_and_columns() -> None:
    _, columns = _raw(["name", "wert"], [["Erika Mustermann", "1"], ["x", "2"]])
    fields = [{"name": "name", "type": "string"}, {"name": "wert", "type": "string"}]
    protection = protect_columns(columns, _resource(fields=fields), "d", "f.csv", TODAY)
    assert {p.code for p in protection.problems} >= {"personal-data-column"}
    out = redacted(columns, protection)
    assert _as_rows(out) == [["", "1"], ["", "2"]]
    protection.problems.clear()
    protection.masked = {(3, "wert")}
    assert _as_rows(redacted(columns, protection)) == [["Erika Mustermann", "1"], ["x", ""]]


def test_widen_keeps_the_smallest_and_largest_period() -> None:
    extremes: dict[str, list[str]] = {}
    for rows in ([["2025-03"], [""], ["2024-12"]], [["2026-01"]]):
        widen(extremes, _raw(["monat"], rows)[1], {"monat": "yearmonth"}, ("yearmonth",))
    assert extremes == {"monat": ["2024-12", "2026-01"]}
