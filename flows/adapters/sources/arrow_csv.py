"""Delimited text sources read by Arrow into columns: the fast path of the chunked stages.

`read_column_chunks` gives what `delimited.read_chunks` gives (the same cells, row numbers,
chunks and problems) as Arrow string columns, parsed by Arrow's CSV reader in C++ instead of
Python's csv module row by row. It covers the common export: the header on line 1, no quote
character anywhere in the file (so no quoted delimiters or line breaks), lines ending in LF or
CRLF, an encoding in which these are single ASCII bytes (UTF-8, Windows-1252, Latin-1/9, ASCII).
Anything else raises `NotColumnarError` — up front where it can be seen (quotes, a lone CR,
another encoding, a problem with the encoding or the header), else when met (a ragged row, an
empty line inside the data, a cell longer than the csv module reads) — and the caller reads the
file with `delimited.read_chunks`, which reports what is wrong.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.adapters.sources.delimited import BLOCK, _header, check_encoding, header_problems
from flows.model.tables import ColumnTable, NotColumnarError
from flows.specs.datasets import SourceSpec

SINGLE_BYTE_NEWLINES = {"utf-8-sig", "utf-8", "cp1252", "iso8859-1", "iso8859-15", "ascii"}
"""Codecs (by `codecs.lookup` name) in which quote, CR and LF are the ASCII bytes."""
ARROW_BLOCK = 4 << 20


def read_column_chunks(source: SourceSpec, context: dict[str, Any], rows: int
                       ) -> Iterator[ColumnTable]:
    """The rows of a CSV source in column tables of at most `rows` rows, as
    `delimited.read_chunks(source, context, rows)` gives them (the last one, possibly empty,
    carries the file-level problems; provenance is on the first).

    Raises:
        NotColumnarError: the file is not one this reader covers (see the module docstring).
    """
    import numpy as np
    import pyarrow as pa

    assert source.path is not None, "read_column_chunks reads files"
    provenance = {"kind": source.kind, "file": context["file"],
                  "fetched_at": datetime.now(UTC).isoformat(timespec="seconds")}
    codec, problem = check_encoding(source.path, source.encoding, context)
    name = codecs.lookup(codec).name
    if problem or name not in SINGLE_BYTE_NEWLINES or source.header_row != 1 \
            or len(source.delimiter) != 1 or source.delimiter in "\"\r\n":
        raise NotColumnarError("encoding, header row or delimiter")
    records = _records_expected(source.path)
    with source.path.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
        header = _header(reader, source.header_row)
        if reader.line_num != 1 or len(header) > source.max_columns or not header:
            raise NotColumnarError("header")
    width, seen = len(header), 0
    pending: list[Any] = []
    pending_numbers: list[Any] = []
    buffered = 0
    first = True
    for batch in _batches(source, width, "utf8" if name.startswith("utf-8") else name):
        numbers = np.arange(seen + 2, seen + 2 + batch.num_rows, dtype=np.int64)
        seen += batch.num_rows
        columns = batch.columns
        keep = _not_blank(columns)
        if keep is not None:
            columns = [c.filter(pa.array(keep)) for c in columns]
            numbers = numbers[keep]
        pending.append(pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(width)]))
        pending_numbers.append(numbers)
        buffered += len(numbers)
        while buffered >= rows:
            joined = pa.concat_tables(pending)
            all_numbers = np.concatenate(pending_numbers)
            chunk = ColumnTable(list(header), [c.combine_chunks() for c in
                                               joined.slice(0, rows).columns],
                                all_numbers[:rows], provenance=provenance if first else {})
            first = False
            yield chunk
            pending, pending_numbers = [joined.slice(rows)], [all_numbers[rows:]]
            buffered -= rows
    if seen != records:
        raise NotColumnarError("an empty line inside the data")
    joined = pa.concat_tables(pending) if pending else None
    last = ColumnTable(list(header),
                       [c.combine_chunks() for c in joined.columns] if joined is not None else
                       [pa.array([], pa.string()) for _ in header],
                       np.concatenate(pending_numbers) if pending_numbers else
                       np.zeros(0, dtype=np.int64), provenance=provenance if first else {})
    last.problems += header_problems(header, source, context)
    yield last


def _batches(source: SourceSpec, width: int, encoding: str) -> Iterator[Any]:
    """The data records (line 2 on) as record batches of string columns; a ragged row, or a
    cell longer than the csv module would read, raises `NotColumnarError`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    ragged: list[Any] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    reader = pacsv.open_csv(
        source.path, read_options=pacsv.ReadOptions(
            block_size=ARROW_BLOCK, skip_rows=1, column_names=names, encoding=encoding),
        parse_options=pacsv.ParseOptions(delimiter=source.delimiter, quote_char=False,
                                         ignore_empty_lines=True, invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             strings_can_be_null=False))
    limit = csv.field_size_limit()
    try:
        for batch in reader:
            if ragged:
                raise NotColumnarError("a ragged row")
            for column in batch.columns:
                longest = pc.max(pc.binary_length(column)).as_py()
                if longest is not None and longest > limit:
                    raise NotColumnarError("a cell longer than the csv module reads")
            yield batch
    except pa.ArrowInvalid as exc:
        raise NotColumnarError(str(exc)) from exc
    if ragged:
        raise NotColumnarError("a ragged row")


def _not_blank(columns: list[Any]) -> Any:
    """The rows to keep (a numpy mask), None if all are: a row whose every cell is blank
    (`delimited.blank`) is skipped, as the row reader skips it. Each distinct value is judged
    once, and the next column only where the ones before are blank."""
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = None
    for column in columns:
        empty = [v for v in pc.unique(column).to_pylist() if not v.strip()]
        if not empty:
            return None
        mask = pc.is_in(column, value_set=pa.array(empty, pa.string())).to_numpy(
            zero_copy_only=False)
        blank = mask if blank is None else blank & mask
        if not blank.any():
            return None
    return None if blank is None else ~blank


def _records_expected(path: Path) -> int:
    """Records after the header if no line is empty (but the last ones): newlines less the
    empty lines at the end. Raises `NotColumnarError` for a quote character or a lone CR."""
    newlines = 0
    carry = b""
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if b'"' in block:
                raise NotColumnarError("quotes")
            data = carry + block
            if data.count(b"\r") != data.count(b"\r\n") + data.endswith(b"\r"):
                raise NotColumnarError("a lone CR")
            newlines += block.count(b"\n")
            carry = b"\r" if block.endswith(b"\r") else b""
            tail = (tail + block)[-64:]
    if carry:
        raise NotColumnarError("a lone CR at the end")
    stripped = tail.rstrip(b"\r\n")
    if len(stripped) == 0 and len(tail) == 64:
        raise NotColumnarError("many empty lines at the end")
    trailing = tail[len(stripped):].count(b"\n")
    return newlines - trailing
