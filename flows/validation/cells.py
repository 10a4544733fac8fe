"""Cells of one column, checked at once: type, missing values and constraints of a Table Schema
field, with exactly frictionless's semantics (see `flows/columnar.py`).

Every type has a vectorised fast path for the canonical spelling (`2024-01-31`, `-12`, `3.5`);
the few cells that do not take it are read once per distinct value by frictionless's own value
reader, so odd spellings (`+5`, ` 7 `, `2024-1-5`) are judged exactly as frictionless judges them.
Parsed values are kept as plain numbers (dates as days since 1970, year-months as y*100+m,
decimals as float64 where that is exact), so comparisons and key hashes stay vectorised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from flows.validation import kernels as pc
from flows.validation.arrays import (
    as_numpy,
    bool_array,
    int_array,
    is_true,
    text_array,
    text_scalar,
)

EPOCH = date(1970, 1, 1).toordinal()
FAST = {
    "integer": r"^-?[0-9]{1,18}$",
    "number": r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$",
    "date": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "year": r"^[0-9]{4}$",
    "yearmonth": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


class UnsupportedError(Exception):
    """A feature or value the columnar validator does not judge itself (German reason)."""


@dataclass
class FieldPlan:
    """What to check for one field, prepared once per resource."""

    name: str
    type: str
    reader: Any
    """frictionless's value reader of this field (the reference for odd spellings)."""
    missing: list[str]
    constraints: list[tuple[str, Any, str]] = field(default_factory=list)
    """(name, prepared value, frictionless note) in frictionless's order."""
    type_note: str = ""
    unique: bool = False
    true_values: list[str] = field(default_factory=list)
    false_values: list[str] = field(default_factory=list)
    decimal_char: str = "."


@dataclass
class Column:
    """One column of a chunk after reading: verdicts per entry (numpy), and which entry each
    row is. Entries are the chunk's distinct values when it was encoded (`index` maps rows to
    them), else its rows (`index` is None), so a clean column costs nothing per row."""

    missing: np.ndarray
    type_error: np.ndarray
    values: Any
    """Parsed entries: numpy array (numbers, days, booleans) or an Arrow string array."""
    failures: list[tuple[str, np.ndarray]]
    """(frictionless note, mask) per constraint, in frictionless's order."""
    index: np.ndarray | None = None

    @property
    def none(self) -> np.ndarray:
        """Entries frictionless reads as None (missing or not of the type)."""
        return self.missing | self.type_error

    @property
    def problem(self) -> np.ndarray:
        """Entries with a type or constraint error."""
        found = self.type_error
        for _, mask in self.failures:
            found = found | mask
        return found

    def rows(self, mask: np.ndarray) -> np.ndarray:
        """An entry-level array spread to the rows."""
        return mask if self.index is None else mask[self.index]

    def at(self, mask: np.ndarray, row: int) -> Any:
        """An entry-level array's value for one row (position in the chunk)."""
        return mask[row if self.index is None else self.index[row]]


def normalise(kind: str, value: Any) -> Any:
    """A value read by frictionless as the plain number this module compares and hashes."""
    if value is None or value is True or value is False:
        return value
    if kind == "date":
        return value.toordinal() - EPOCH
    if kind == "yearmonth":
        return value[0] * 100 + value[1]
    if kind == "number":
        exact = Decimal(value) if not isinstance(value, Decimal) else value
        digits = len(exact.normalize().as_tuple().digits) if exact.is_finite() else 0
        if not exact.is_finite() or digits > 15 or abs(exact) > Decimal("1e300") or (
                exact != 0 and abs(exact) < Decimal("1e-300")):
            raise UnsupportedError(f"Zahl '{value}' ist nicht exakt als Gleitkommazahl prüfbar")
        return float(exact) + 0.0
    if isinstance(value, int) and not -(2 ** 63) < value < 2 ** 63:
        raise UnsupportedError(f"Ganzzahl '{value}' ist größer als 64 Bit")
    return value


def read_column(plan: FieldPlan, cells: pa.Array) -> Column:
    """Type-check and constraint-check one column chunk of strings.

    Key-figure columns repeat few values (months, districts, channels): those are checked once
    per distinct value; the rows keep only their entry's index.
    """
    if pa.types.is_dictionary(cells.type):  # the CSV reader encoded it already
        encoded = cells
    elif plain(plan):
        return _read_cells(plan, cells)
    else:
        encoded = pc.dictionary_encode(cells, null_encoding="encode")
        if len(encoded.dictionary) * 4 > len(cells):
            return _read_cells(plan, cells)
    column = _read_cells(plan, encoded.dictionary)
    column.index = as_numpy(encoded.indices)
    return column


def plain(plan: FieldPlan) -> bool:
    """A text field whose cells are only checked for a value: it gains nothing from
    encoding."""
    return plan.type == "string" and all(c[0] == "required" for c in plan.constraints)


def _read_cells(plan: FieldPlan, cells: pa.Array) -> Column:
    n = len(cells)
    if plan.missing == [""] and cells.type == pa.string():  # empty: from the offsets
        offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32, count=n + 1,
                                offset=cells.offset * 4)
        missing = offsets[1:] == offsets[:-1]
        if cells.null_count:
            missing |= is_true(pc.is_null(cells))
    else:
        missing = is_true(pc.or_kleene(pc.is_null(cells),
                                       pc.is_in(cells, text_array(plan.missing))))
    present = ~missing
    if plan.type == "string":
        values: Any = cells
        type_error = np.zeros(n, dtype=bool)
    elif plan.type == "boolean":
        values = is_true(pc.is_in(cells, text_array(plan.true_values)))
        known = values | is_true(pc.is_in(cells, text_array(plan.false_values)))
        type_error = present & ~known
    else:
        values, type_error = _read_typed(plan, cells, present)
    checked = present & ~type_error
    failures = []
    for name, value, note in plan.constraints:
        if name == "required":
            failures.append((note, missing.copy()))
            continue
        failures.append((note, checked & ~_holds(plan, name, value, values, checked)))
    return Column(missing, type_error, values, failures)


def _read_typed(plan: FieldPlan, cells: pa.Array, present: np.ndarray) -> tuple[Any, np.ndarray]:
    text = cells
    if plan.type == "number" and plan.decimal_char != ".":
        # frictionless: a "." is an error when another decimal character is declared
        text = pc.if_else(pc.match_substring(cells, "."), text_scalar("x"), pc.replace_substring(
            cells, plan.decimal_char, "."))
    fast = present & is_true(pc.match_substring_regex(text, FAST[plan.type]))
    if plan.type == "number":
        fast &= is_true(pc.less_equal(pc.count_substring_regex(text, "[0-9]"),
                                          int_array(np.array([15]))[0]))
    if plan.type == "date":
        fast &= ~is_true(pc.starts_with(text, "0000"))
        fast &= _real_day(text, fast)
    filled = pc.if_else(bool_array(fast), text, text_scalar(FILLER[plan.type]))
    values = _cast_fast(plan.type, filled)
    type_error = np.zeros(len(cells), dtype=bool)
    slow = np.flatnonzero(present & ~fast)
    if len(slow):
        odd = pc.take(cells, int_array(slow))
        judged = {v: plan.reader(v) for v in pc.unique(odd).to_pylist()}
        for position, cell in zip(slow, odd.to_pylist(), strict=True):
            value = judged[cell]
            if value is None:
                type_error[position] = True
            else:
                values[position] = normalise(plan.type, value)
    return values, type_error


FILLER = {"integer": "0", "number": "0", "date": "1970-01-01", "year": "0000",
          "yearmonth": "0000-01"}


def _cast_fast(kind: str, filled: pa.Array) -> np.ndarray:
    if kind == "integer" or kind == "year":
        return as_numpy(pc.cast(filled, pa.int64())).copy()
    if kind == "number":
        return as_numpy(pc.cast(filled, pa.float64())) + 0.0
    if kind == "date":
        days = pc.cast(pc.cast(filled, pa.date32()), pa.int32())
        return as_numpy(days).astype(np.int64)
    year = as_numpy(pc.cast(pc.utf8_slice_codeunits(filled, 0, 4), pa.int64()))
    month = as_numpy(pc.cast(pc.utf8_slice_codeunits(filled, 5, 7), pa.int64()))
    return year * 100 + month


def _real_day(text: pa.Array, fast: np.ndarray) -> np.ndarray:
    """Canonically spelled dates that exist (no 31 April, 29 February only in leap years)."""
    filled = pc.if_else(bool_array(fast), text, text_scalar("1970-01-01"))
    part = [as_numpy(pc.cast(pc.utf8_slice_codeunits(filled, a, b), pa.int64()))
            for a, b in ((0, 4), (5, 7), (8, 10))]
    year, month, day = part
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    length = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month] + (
        leap & (month == 2))
    return day <= length


def _holds(plan: FieldPlan, name: str, value: Any, values: Any, checked: np.ndarray) -> np.ndarray:
    """Where the constraint holds (only meaningful for `checked` cells)."""
    if plan.type == "string":
        if name in ("minLength", "maxLength"):
            length = as_numpy(pc.utf8_length(values))
            return length >= value if name == "minLength" else length <= value
        if name == "pattern":
            return _per_distinct(values, checked, lambda cell: bool(value.match(cell)))
        if name == "enum":
            return is_true(pc.is_in(values, text_array(value)))
    if name == "enum":
        return np.isin(values, np.array(value, dtype=values.dtype))
    compare = {"minimum": np.greater_equal, "maximum": np.less_equal,
               "exclusiveMinimum": np.greater, "exclusiveMaximum": np.less}[name]
    return compare(values, value)


def _per_distinct(values: pa.Array, where: np.ndarray, test: Any) -> np.ndarray:
    """Apply a Python test once per distinct value (e.g. Python's own `re` for patterns)."""
    encoded = pc.dictionary_encode(values)
    verdicts = np.array([test(v) if v is not None else True
                         for v in encoded.dictionary.to_pylist()] or [True])
    indices = as_numpy(encoded.indices)
    return verdicts[np.nan_to_num(indices).astype(np.int64)] | ~where


def prepare_constraint(kind: str, name: str, raw: Any, reader: Any) -> Any:
    """The constraint's value as frictionless reads it, in this module's representation."""
    if name == "pattern":
        return re.compile(f"^{raw}$")
    if name in ("minLength", "maxLength") or name == "required":
        return raw
    if name == "enum":
        members = [reader(member) for member in raw]
        if kind == "string":
            return [m for m in members if isinstance(m, str)]
        return [normalise(kind, m) for m in members if m is not None]
    bound = reader(raw)
    if bound is None or kind not in ("integer", "number", "date", "year", "yearmonth"):
        raise UnsupportedError(f"Grenze {name}={raw!r} ist für den Typ {kind} nicht lesbar")
    return normalise(kind, bound)
