"""The CSV and JSON written from columns are byte for byte those written from rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.model.tables import ColumnTable, Table
from flows.stages.column_files import ColumnWriter
from flows.stages.publish import RowWriter

SCHEMA = {"fields": [{"name": "text", "type": "string"}, {"name": "anzahl", "type": "integer"},
                     {"name": "wert", "type": "number"}, {"name": "ja", "type": "boolean"},
                     {"name": "tag", "type": "date"}, {"name": "Größe \"x\"", "type": "string"}],
          "missingValues": ["", "."]}
TRICKY = ["", "a,b", 'er sagte "ja"', "zwei\nZeilen", "wagen\rrücklauf", "\r\n", " führend",
          "Ü\u00e4ß€", "\u2028", "\\", "\t", "'=SUMME(A1)", ".", "–", "x" * 300, "\x00"]


def _rows_and_columns(fields: list[str], rows: list[list[str]]) -> tuple[Table, ColumnTable]:
    numbers = list(range(2, len(rows) + 2))
    columns = [pa.array([row[i] for row in rows], pa.string()) for i in range(len(fields))]
    return (Table(fields, [list(r) for r in rows], numbers),
            ColumnTable(fields, columns, np.array(numbers, dtype=np.int64)))


def _both(tmp_path: Path, schema: dict, chunks: list[list[list[str]]]) -> tuple[Path, Path]:
    """The files of both writers for the same rows, fed in the same chunks."""
    fields = [f["name"] for f in schema["fields"]]
    (tmp_path / "rows").mkdir(exist_ok=True)
    (tmp_path / "columns").mkdir(exist_ok=True)
    old = RowWriter(tmp_path / "rows" / "t.csv", fields, schema)
    new = ColumnWriter(tmp_path / "columns" / "t.csv", fields, schema)
    for rows in chunks:
        table, columns = _rows_and_columns(fields, rows)
        old.write(table)
        new.write(columns)
    old.close()
    new.close()
    assert new.typed
    return tmp_path / "rows", tmp_path / "columns"


def _assert_same_bytes(folders: tuple[Path, Path]) -> None:
    old, new = folders
    for name in ("t.csv", "t.json"):
        assert (new / name).read_bytes() == (old / name).read_bytes(), name


def test_tricky_texts_numbers_and_markers_are_written_alike(tmp_path: Path) -> None:
    numbers = ["007", "-0", "+5", "12", ".", ""]
    values = ["22.30", "1e5", "-0.0", "3", "1.5E-7", "12345678901234567890.5", "."]
    flags = ["true", "False", "1", "ja", "nein", ""]
    rows = [[TRICKY[i % len(TRICKY)], numbers[i % len(numbers)], values[i % len(values)],
             flags[i % len(flags)], "2026-01-0" + str(i % 9 + 1), TRICKY[(i * 7) % len(TRICKY)]]
            for i in range(60)]
    _assert_same_bytes(_both(tmp_path, SCHEMA, [rows[:25], [], rows[25:59], rows[59:]]))


def test_a_table_of_one_field_with_empty_cells(tmp_path: Path) -> None:
    """The csv module writes a row of one empty cell as "" (so it is not a blank line)."""
    schema = {"fields": [{"name": "a", "type": "string"}]}
    _assert_same_bytes(_both(tmp_path, schema, [[[""], ["x"], [""]], [[","]]]))


def test_no_rows_at_all(tmp_path: Path) -> None:
    _assert_same_bytes(_both(tmp_path, SCHEMA, []))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(max_size=6), min_size=2, max_size=2), max_size=12))
def test_any_text_is_written_alike(tmp_path_factory: pytest.TempPathFactory,
                                   rows: list[list[str]]) -> None:
    schema = {"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]}
    _assert_same_bytes(_both(tmp_path_factory.mktemp("any"), schema, [rows]))


def test_a_cell_that_cannot_be_typed_stops_the_json(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "anzahl", "type": "integer"}]}
    writer = ColumnWriter(tmp_path / "t.csv", ["anzahl"], schema)
    writer.write(_rows_and_columns(["anzahl"], [["1"], ["zwei"]])[1])
    writer.close()
    assert not writer.typed
    assert (tmp_path / "t.csv").read_bytes() == b"anzahl\r\n1\r\nzwei\r\n"


def test_other_fields_are_refused(tmp_path: Path) -> None:
    writer = ColumnWriter(tmp_path / "t.csv", ["a"], {"fields": [{"name": "a"}]})
    with pytest.raises(ValueError, match="fields"):
        writer.write(_rows_and_columns(["b"], [["1"]])[1])
    writer.close()
