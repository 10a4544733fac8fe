"""Tables as they travel between the stages: raw rows as read, rows shaped to the schema, and
resources already written to disk while they were read (large files)."""

from __future__ import annotations

import csv
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, overload

from flows.problems import Problem


@dataclass
class RawTable:
    """Rows as read, each with the row number the user sees in the source file."""

    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class Table:
    """Rows in schema field order, cells as canonical text ('' = no value)."""

    fields: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenTable:
    """A resource whose CSV and JSON were written while it was read (flows/streaming.py);
    `build_bundle` moves them into the bundle instead of writing them."""

    fields: list[str]
    csv_path: Path
    json_path: Path
    extremes: dict[str, list[str]]
    """Per date, year and yearmonth field its smallest and largest value (for metadata)."""


def read_table(handle: IO[str]) -> Table:
    """Read a published CSV (as `build_bundle` writes it) back into a `Table`."""
    reader = csv.reader(handle)
    header = next(reader, [])
    table = Table(fields=[name.lstrip("\ufeff") for name in header])
    for number, row in enumerate(reader, start=2):
        table.rows.append(row)
        table.row_numbers.append(number)
    return table


class NotColumnarError(Exception):
    """The columnar path does not cover this input (an unusual file or declaration); the caller
    takes the row path, which does (flows/run/streaming.py)."""


@dataclass
class ColumnTable:
    """Rows held as columns: one Arrow string array per field (cells as text, '' = no value),
    and the source row number of each row (a numpy int64 array). The columnar counterpart of
    `RawTable` (as read: `fields` is the header) and `Table` (as transformed)."""

    fields: list[str]
    columns: list[Any]
    row_numbers: Any
    missing_fields: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)

    def column(self, name: str) -> Any:
        return self.columns[self.fields.index(name)]

    def to_table(self) -> Table:
        """The same rows as a `Table` of Python lists (for what only the row path covers)."""
        lists = [column.to_pylist() for column in self.columns]
        rows = [list(row) for row in zip(*lists, strict=True)] if lists else \
            [[] for _ in range(self.num_rows)]
        return Table(list(self.fields), rows, [int(n) for n in self.row_numbers],
                     list(self.missing_fields), list(self.problems))


class RowNumbers(Sequence[int]):
    """The source row numbers of a streamed table, kept as runs of consecutive numbers: a file
    without blank or multi-line rows is one run, so 10M rows cost bytes, not 80 MB."""

    def __init__(self) -> None:
        self._starts = array("q")
        """Index of each run's first row."""
        self._firsts = array("q")
        """Source row number of each run's first row."""
        self._size = 0

    def extend(self, numbers: Iterable[int]) -> None:
        """Append row numbers (a numpy array or any iterable of ints)."""
        import numpy as np

        values = np.asarray(numbers if not isinstance(numbers, Iterator) else list(numbers),
                            dtype=np.int64)
        if not len(values):
            return
        breaks = np.flatnonzero(np.diff(values) != 1) + 1
        for begin in [0, *breaks.tolist()]:
            index, first = self._size + begin, int(values[begin])
            if self._firsts and index == self._size and \
                    self._firsts[-1] + (index - self._starts[-1]) == first:
                continue  # continues the last run
            self._starts.append(index)
            self._firsts.append(first)
        self._size += len(values)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        run = bisect_right(self._starts, index) - 1
        return self._firsts[run] + (index - self._starts[run])
