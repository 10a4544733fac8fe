"""The published CSV and JSON of one resource, written from Arrow columns (the chunked path).

The bytes are those `publish.RowWriter` and `publish.JsonWriter` write for the same rows: each
column's DISTINCT values are written once by the same code (Python's csv module for the CSV
cell, `transform.typer` and `json` for the JSON value), Arrow spreads the texts over the rows
(`take`) and joins each row's texts into one line; the lines go to disk as one buffer. The JSON
is written in the same pass; a cell that cannot be typed (the data is invalid then) stops it,
and `typed` says so.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import IO, Any

from flows.model.tables import ColumnTable
from flows.stages.transform import typer

MEMO_SIZE = 65_536
"""Distinct values per column whose texts are remembered across chunks."""


class ColumnWriter:
    """The published CSV and its JSON next to it, written a `ColumnTable` at a time."""

    def __init__(self, csv_path: Path, fields: list[str], schema: dict[str, Any]) -> None:
        self.csv_path, self.json_path = csv_path, csv_path.with_suffix(".json")
        self.fields = fields
        self.typed = True
        """False once a cell could not be typed for the JSON (which is then incomplete)."""
        self._buffer = io.StringIO()
        self._cells = csv.writer(self._buffer, lineterminator="\r\n")
        self._csv = csv_path.open("wb")
        self._csv.write(self._csv_line(fields).encode("utf-8"))
        self._json = self.json_path.open("wb")
        self._json.write(b"[\n")
        self._first = True
        encode = json.JSONEncoder(ensure_ascii=False).encode
        self._encode = encode
        self._typers = [typer(f.get("type", "string"), schema) for f in schema.get("fields", [])]
        self._keys = [encode(name) + ": " for name in fields]
        self._memo: list[dict[str, tuple[str, str | None]]] = [{} for _ in fields]

    def _csv_line(self, cells: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._cells.writerow(cells)
        return self._buffer.getvalue()

    def _csv_cell(self, value: str) -> str:
        """The cell as the csv module writes it in a row of more than one field."""
        return self._csv_line([value, ""])[:-3]

    def write(self, table: ColumnTable) -> None:
        """Append the rows of `table`, whose fields must be the constructor's, in order.

        Raises:
            ValueError: `table` has other fields, or none.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        if table.fields != self.fields or not self.fields:
            raise ValueError("the table's fields are not the writer's")
        if not table.num_rows:
            return
        csv_parts, json_parts = [], []
        for i, column in enumerate(table.columns):
            encoded = pc.dictionary_encode(column)
            texts = [self._texts(i, v) for v in encoded.dictionary.to_pylist()]
            csv_parts.append(pa.array([t[0] for t in texts], pa.string()).take(encoded.indices))
            self.typed = self.typed and all(t[1] is not None for t in texts)
            if self.typed:
                json_parts.append(pa.array([t[1] for t in texts], pa.string()).take(
                    encoded.indices))
        _write(self._csv, pc.binary_join_element_wise(*csv_parts, ","))
        if self.typed:
            lines = pc.binary_join_element_wise(*json_parts, ", ")
            _write(self._json, lines, skip=2 if self._first else 0)
            self._first = False

    def _texts(self, i: int, value: str) -> tuple[str, str | None]:
        """A cell of column `i`: its CSV text (the last column ending the line) and its part of
        the JSON line, `"name": value` (the first column opening the record after the previous
        record's ",\\n", the last one closing it; None if it cannot be typed). Remembered per
        column for up to MEMO_SIZE distinct values."""
        known = self._memo[i].get(value)
        if known is not None:
            return known
        last = len(self.fields) - 1
        cell = self._csv_cell(value)
        if last == 0:  # a row of one empty field is written as ""
            cell = cell or '""'
        if i == last:
            cell += "\r\n"
        try:
            typed: str | None = (",\n{" if i == 0 else "") + self._keys[i] + self._encode(
                self._typers[i](value)) + ("}" if i == last else "")
        except ValueError:
            typed = None
        if len(self._memo[i]) < MEMO_SIZE:
            self._memo[i][value] = (cell, typed)
        return cell, typed

    def close(self) -> None:
        """Close both files (the JSON array is ended)."""
        self._csv.close()
        self._json.write(b"\n]\n")
        self._json.close()


def _write(handle: IO[bytes], lines: Any, skip: int = 0) -> None:
    """Write the texts of a string array, one after the other, from its data buffer."""
    import numpy as np

    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    handle.write(memoryview(lines.buffers()[2])[start + skip:end])
