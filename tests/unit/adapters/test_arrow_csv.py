"""Arrow's reading of a CSV source gives the row reader's cells, row numbers, chunks and
problems, or declines (`NotColumnarError`) for what it does not cover."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.adapters.sources.arrow_csv import read_column_chunks
from flows.adapters.sources.delimited import read_chunks
from flows.model.tables import NotColumnarError
from flows.specs.datasets import SourceSpec

CONTEXT = {"dataset": "d", "resource": "r", "file": "f.csv"}


def _source(tmp_path: Path, data: bytes, **changes: object) -> SourceSpec:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return SourceSpec(kind="csv", path=path, **changes)  # type: ignore[arg-type]


def _chunks_alike(source: SourceSpec, rows: int) -> int:
    """Compare both readers chunk by chunk; the number of chunks."""
    old = list(read_chunks(source, CONTEXT, rows))
    new = list(read_column_chunks(source, CONTEXT, rows))
    assert len(new) == len(old)
    for ours, theirs in zip(new, old, strict=True):
        assert ours.fields == theirs.header
        assert ours.to_table().rows == theirs.rows
        assert list(ours.row_numbers) == theirs.row_numbers
        assert [p.message for p in ours.problems] == [p.message for p in theirs.problems]
        assert {k: v for k, v in ours.provenance.items() if k != "fetched_at"} == \
            {k: v for k, v in theirs.provenance.items() if k != "fetched_at"}
    return len(new)


@pytest.mark.parametrize(("data", "changes"), [
    (b"a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n", {}),
    (b"a,b\r\n1,2\r\n3,4\r\n5,6", {}),
    (b"\xef\xbb\xbfa;b\n x ; y \n;\n  ;\t\nz;\n\n\n", {"delimiter": ";"}),
    ("Straße;Größe\nÄrger;5,5\nMüll;7\n".encode("cp1252"),
     {"delimiter": ";", "encoding": "cp1252"}),
    (b"a,b\n,\n,\n", {}),
    (b"a\n1\n", {}),
    (b"a;b\n", {"delimiter": ";"}),
    (b"a;b,c\n1;2,3\n", {}),
])
def test_the_same_rows_in_the_same_chunks(tmp_path: Path, data: bytes,
                                          changes: dict[str, object]) -> None:
    source = _source(tmp_path, data, **changes)
    assert _chunks_alike(source, 2) >= 1
    assert _chunks_alike(source, 1000) >= 1


@pytest.mark.parametrize(("data", "changes"), [
    (b'a,b\n"1,5",2\n', {}),  # a quote anywhere
    (b"a,b\n1,2\n\n3,4\n", {}),  # an empty line inside the data
    (b"a,b\n1,2\n3\n", {}),  # a ragged row
    (b"a,b\n1,2,3\n", {}),
    (b"a;b\n1;2\n;;\n", {"delimiter": ";"}),  # a blank row wider than the header
    (b"a,b\r1,2\r", {}),  # old Mac line ends
    (b"\n\na,b\n1,2\n", {}),  # the header not on line 1
    (b"titel\na,b\n1,2\n", {"header_row": 2}),
    (b"a,b\n1,\xfc\n", {}),  # not UTF-8
    ("a,b\n1,2\n".encode("utf-16"), {"encoding": "utf-16"}),
    (b"", {}),
])
def test_what_the_rows_path_reads_is_declined(tmp_path: Path, data: bytes,
                                              changes: dict[str, object]) -> None:
    with pytest.raises(NotColumnarError):
        list(read_column_chunks(_source(tmp_path, data, **changes), CONTEXT, 2))
