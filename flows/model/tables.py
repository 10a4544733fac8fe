"""Tables as they travel between the stages: raw rows as read, rows shaped to the schema, and
resources already written to disk while they were read (large files)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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
