"""Columnar Table Schema validation: frictionless's findings, computed a chunk at a time.

frictionless reads a table row by row in Python (about 45 s for a million key-figure rows). This
module checks whole columns of Arrow chunks instead and reports the **same** findings in the same
order: code, row number (header = row 1), field, cell and note, and it stops at the same error
limit. Covered: the types string, integer, number, boolean, date, year and yearmonth in their
default formats; missingValues (schema and field), decimalChar, trueValues/falseValues; the
constraints required, unique, minimum, maximum, enum, pattern, minLength, maxLength; primaryKey;
blank rows; and the check `small-count-unprotected` (see `flows/columnar_plan.py`). Anything
else raises `UnsupportedError` before the first finding, so the caller can fall back to
frictionless for that resource.

Order within a row follows frictionless's lazy row processing: cells read for the unique and
primary-key checks report first, a blank row replaces the row's cell errors, unique and
primary-key errors follow, the small-count check comes last. Duplicate keys are found by
sorting hashes of the keys (`flows/validation/keys.py`, about 24 bytes per key); a hash collision
raises `UnsupportedError` (frictionless then decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from flows.validation import kernels as pc
from flows.validation.cells import Column, UnsupportedError, plain, read_column
from flows.validation.findings import Finding, row_findings
from flows.validation.keys import Seen
from flows.validation.plan import Plan, make_plan

VERSION = "1"
"""Changes whenever a finding could change; part of the validation cache key."""
ERROR_LIMIT = 1000
__all__ = ["ERROR_LIMIT", "VERSION", "Finding", "Outcome", "Plan", "UnsupportedError", "make_plan",
           "validate_csv", "validate_columns", "ChunkedValidation"]


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    limit_reached: bool = False
    rows: int = 0


def validate_columns(plan: Plan, columns: dict[str, Any], limit: int = ERROR_LIMIT) -> Outcome:
    """Validate an in-memory table given as text columns (lists of texts or Arrow arrays)."""
    run = _Run(plan, limit)
    run.feed({p.name: _text(columns[p.name]) for p in plan.fields}, first_row=2)
    return run.outcome


class ChunkedValidation:
    """Validate a table that arrives chunk by chunk as text columns (flows/streaming.py): the
    findings are those of `validate_columns` on the whole table (keys are checked across
    chunks, as in `validate_csv`)."""

    def __init__(self, plan: Plan, limit: int = ERROR_LIMIT) -> None:
        self._run = _Run(plan, limit)
        self._row = 2
        self._open = True

    def feed(self, columns: dict[str, Any]) -> None:
        """Check the next rows, given per field as a list of texts or an Arrow string (or
        dictionary of strings) array; nothing more is checked once the error limit is
        reached."""
        size = len(next(iter(columns.values()))) if columns else 0
        if self._open and size:
            batch = {p.name: _text(columns[p.name]) for p in self._run.plan.fields}
            self._open = self._run.feed(batch, first_row=self._row)
        self._row += size

    @property
    def outcome(self) -> Outcome:
        return self._run.outcome


def _text(values: Any) -> pa.Array:
    """One column's cells as an Arrow array of text."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values if isinstance(values, pa.Array) else pa.array(values, pa.string())


def validate_csv(path: Path, schema: dict[str, Any], small_counts: Iterable[str] = (), k: int = 3,
                 limit: int = ERROR_LIMIT, block_size: int = 4 << 20,
                 chunk_rows: int = 1 << 18) -> Outcome:
    """Validate a UTF-8 CSV file streaming (all columns read as text, chunk by chunk).

    A reader thread parses the next chunk while this one is checked (Arrow parses without the
    GIL), and starts while the checks are prepared. Arrow reads ahead by blocks, so blocks are
    small (memory stays flat) and are joined to chunks of `chunk_rows` rows for the checks.
    The reader hands over plain text; columns checked per distinct value are encoded here,
    which shares the work between the two threads (the reader's own dictionary conversion
    made it the slower one).

    Raises:
        UnsupportedError: the schema is not covered, the header differs from the schema's
            fields, a row is ragged or the file is not UTF-8.
    """
    import csv

    from pyarrow import csv as pacsv

    names = [f.get("name") for f in schema.get("fields", [])]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise UnsupportedError("die Datei ist nicht als UTF-8-CSV lesbar") from exc
    if header != names:
        raise UnsupportedError("die Kopfzeile weicht von den Feldern des Schemas ab")
    ragged: list[Any] = []
    plan = make_plan(schema, small_counts, k)
    keyed = set(plan.primary_key) | {p.name for p in plan.fields if p.unique}
    encoded = {p.name for p in plan.fields if not plain(p) or p.name in keyed}

    def on_invalid(row: Any) -> str:
        ragged.append(row)
        return "skip"

    batches = _Prefetch(chunk_rows, lambda: pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=block_size),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             strings_can_be_null=False,
                                             quoted_strings_can_be_null=False)))
    try:
        run = _Run(plan, limit)
        row = 2
        for batch in batches:
            if ragged:
                raise UnsupportedError("eine Zeile hat mehr oder weniger Zellen als die Kopfzeile")
            columns = {n: pc.dictionary_encode(batch.column(n)) if n in encoded
                       else batch.column(n) for n in names}
            if not run.feed(columns, first_row=row):
                break
            row += batch.num_rows
    except pa.ArrowInvalid as exc:
        raise UnsupportedError("die Datei ist nicht als UTF-8-CSV lesbar") from exc
    finally:
        batches.close()
    return run.outcome


class _Prefetch:
    """Reads the next record batch in a thread while the current one is checked."""

    def __init__(self, rows: int, open_reader: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.rows = rows
        self.reader_rows = 0
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.reader: Any = None
        self.pending = self.pool.submit(self._first, open_reader)

    def _first(self, open_reader: Any) -> Any:
        self.reader = open_reader()
        return self._next()

    def _next(self) -> Any:
        parts, rows = [], 0
        # the first chunk is one block, so checking starts early
        while rows < (self.rows if self.reader_rows else 1):
            try:
                parts.append(self.reader.read_next_batch())
            except StopIteration:
                break
            rows += parts[-1].num_rows
        if not parts:
            return None
        self.reader_rows += rows
        joined = pa.Table.from_batches(parts).combine_chunks().to_batches()
        return joined[0] if joined else parts[0]

    def __iter__(self) -> Iterator[Any]:
        while (batch := self.pending.result()) is not None:
            self.pending = self.pool.submit(self._next)
            yield batch

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Run:
    """The state of one validation across chunks."""

    def __init__(self, plan: Plan, limit: int) -> None:
        self.plan = plan
        self.limit = limit
        self.outcome = Outcome()
        self.unique = {p.name: Seen() for p in plan.fields if p.unique}
        self.primary = Seen() if plan.primary_key else None

    def feed(self, batch: dict[str, pa.Array], first_row: int) -> bool:
        """Check one chunk; False once the error limit is reached.

        Verdicts are per distinct value; a row mask is built only for what occurs at all, so a
        chunk without findings costs the key check and little else."""
        plan = self.plan
        columns = {p.name: read_column(p, batch[p.name]) for p in plan.fields}
        size = len(next(iter(batch.values()))) if batch else 0
        self.outcome.rows += size
        blank = _every([columns[p.name].missing for p in plan.fields], columns, plan, size)
        dup = {name: seen.previous(plan, [name], columns, ~columns[name].rows(columns[name].none),
                                   first_row) for name, seen in self.unique.items()}
        key_none = (_every([columns[n].none for n in plan.primary_key], columns, plan, size,
                           plan.primary_key) if self.primary else None)
        key_dup = (self.primary.previous(plan, plan.primary_key, columns,
                                         np.ones(size, dtype=bool) if key_none is None
                                         else ~key_none, first_row)
                   if self.primary else None)
        small = {}
        for name in plan.small_counts:
            column = columns[name]
            mask = ~column.none & (column.values >= 1) & (column.values < plan.k)
            if mask.any():
                small[name] = column.rows(mask)
        flagged = np.zeros(size, dtype=bool)
        for mask in [blank, key_none, *small.values()]:
            if mask is not None:
                flagged |= mask
        for found in [key_dup, *dup.values()]:
            if found is not None:
                flagged |= found > 0
        for column in columns.values():
            problem = column.problem
            if problem.any():
                flagged |= column.rows(problem)
        for index in np.flatnonzero(flagged):
            i = int(index)
            found = row_findings(plan, columns, batch, i, first_row + i,
                                  blank is not None and bool(blank[i]),
                                  {n: 0 if d is None else int(d[i]) for n, d in dup.items()},
                                  key_none is not None and bool(key_none[i]),
                                  0 if key_dup is None else int(key_dup[i]),
                                  [n for n, m in small.items() if m[i]])
            self.outcome.findings.extend(found)
            if len(self.outcome.findings) >= self.limit:
                del self.outcome.findings[self.limit:]
                self.outcome.limit_reached = True
                return False
        return True


def _every(masks: list[np.ndarray], columns: dict[str, Column], plan: Plan, size: int,
           names: list[str] | None = None) -> np.ndarray | None:
    """Rows where every column's entry mask holds (None: no row, seen from the entries)."""
    names = [p.name for p in plan.fields] if names is None else names
    if not masks or not all(m.any() for m in masks):
        return None
    found = np.ones(size, dtype=bool)
    for name, mask in zip(names, masks, strict=True):
        found &= columns[name].rows(mask)
    return found
