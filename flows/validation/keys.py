"""Duplicate keys across chunks with flat memory, for the unique and primary-key checks.

Every row's key becomes two 64-bit hashes (strings: BLAKE2b once per distinct value; numbers,
days and booleans: their exact bits through splitmix64's bijective finaliser). The keys seen so
far are kept as sorted numpy arrays, about 20 bytes per distinct key; a chunk's keys are
sorted and looked up with `searchsorted`. Candidates inside a chunk
are compared value by value, candidates from earlier chunks by the second hash; any
disagreement raises `UnsupportedError`, and frictionless decides instead.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from flows.validation.cells import Column, FieldPlan, UnsupportedError, as_numpy

if TYPE_CHECKING:
    from flows.validation.plan import Plan


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_NONE = np.uint64(0x6A09E667F3BCC908)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection on 64-bit integers that spreads every bit."""
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def _column_hashes(p: FieldPlan, column: Column, none: np.ndarray) -> tuple[np.ndarray, ...]:
    if p.type == "string":
        encoded = column.encoded if column.encoded is not None else pc.dictionary_encode(
            column.values, null_encoding="encode")
        digests = [hashlib.blake2b((v or "").encode(), digest_size=16).digest()
                   for v in encoded.dictionary.to_pylist()]
        table = np.frombuffer(b"".join(digests) or bytes(16), dtype=np.uint64).reshape(-1, 2)
        index = np.nan_to_num(as_numpy(encoded.indices)).astype(np.int64)
        h1, h2 = table[index, 0].copy(), table[index, 1].copy()
    else:
        bits = np.asarray(column.values).astype(
            np.float64 if p.type == "number" else np.int64).view(np.uint64)
        h1, h2 = _mix(bits ^ _M1), _mix(bits ^ _M2)
    h1[none] = _NONE
    h2[none] = _NONE
    return h1, h2


class Seen:
    """Keys seen so far: sorted 64-bit hashes, a second hash, and the row each was last seen."""

    def __init__(self) -> None:
        self.h1 = np.empty(0, dtype=np.uint64)
        self.h2 = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.uint32)

    def previous(self, plan: Plan, names: list[str], columns: dict[str, Column],
                 active: np.ndarray, rows: np.ndarray, batch: dict[str, pa.Array]) -> np.ndarray:
        """For every active row the row number of the same key's previous occurrence (0: none)."""
        with np.errstate(over="ignore"):
            h1 = np.zeros(len(rows), dtype=np.uint64)
            h2 = np.zeros(len(rows), dtype=np.uint64)
            for name in names:
                p = next(f for f in plan.fields if f.name == name)
                column = columns[name]
                c1, c2 = _column_hashes(p, column, column.missing | column.type_error)
                h1, h2 = _mix(h1 ^ c1), _mix(h2 ^ c2 ^ _M1)
        result = np.zeros(len(rows), dtype=np.int64)
        idx = np.flatnonzero(active)
        if not len(idx):
            return result
        keys = h1[idx]
        order = np.argsort(keys)  # unstable, several times faster than a stable sort
        a = keys[order]
        same = a[1:] == a[:-1]
        if same.any():  # equal keys back in row order: only the (few) repeated ones move
            tied = np.concatenate([same, [False]]) | np.concatenate([[False], same])
            order[tied] = order[tied][np.lexsort((order[tied], a[tied]))]
        b, r, local = h2[idx][order], rows[idx][order], idx[order]
        found = np.zeros(len(a), dtype=np.int64)
        found[1:][same] = r[:-1][same]
        if np.any(b[1:][same] != b[:-1][same]):
            raise UnsupportedError("zwei verschiedene Schlüssel haben denselben Hashwert")
        for j in np.flatnonzero(same) + 1:  # repeats inside this chunk: compare the values
            if _key(names, columns, batch, local[j]) != _key(names, columns, batch, local[j - 1]):
                raise UnsupportedError("zwei verschiedene Schlüssel haben denselben Hashwert")
        first = np.flatnonzero(np.concatenate([[True], ~same]))
        last = np.flatnonzero(np.concatenate([~same, [True]]))
        distinct = a[first]  # sorted: searchsorted stays cache-friendly
        pos = np.searchsorted(self.h1, distinct)
        known = pos < len(self.h1)
        known[known] = self.h1[pos[known]] == distinct[known]
        if np.any(self.h2[pos[known]] != b[first[known]]):
            raise UnsupportedError("zwei verschiedene Schlüssel haben denselben Hashwert")
        found[first[known]] = self.rows[pos[known]]
        self.rows[pos[known]] = r[last[known]]
        fresh = ~known
        slots = pos[fresh] + np.arange(np.count_nonzero(fresh))
        self.h1, self.h2, self.rows = _insert(
            slots, (self.h1, distinct[fresh]), (self.h2, b[first[fresh]]),
            (self.rows, r[last[fresh]].astype(np.uint32)))
        result[local] = found
        return result


def _insert(slots: np.ndarray, *pairs: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """For each (old, new): `old` with `new` placed at the (ascending) positions `slots` of the
    result (one mask for all)."""
    size = len(pairs[0][0]) + len(slots)
    keep = np.ones(size, dtype=bool)
    keep[slots] = False
    found = []
    for old, new in pairs:
        out = np.empty(size, dtype=old.dtype)
        out[slots] = new
        out[keep] = old
        found.append(out)
    return found


def _key(names: list[str], columns: dict[str, Column], batch: dict[str, pa.Array],
         i: int) -> tuple[Any, ...]:
    """The key's values as frictionless compares them (None for no value)."""
    values = []
    for name in names:
        column = columns[name]
        if column.missing[i] or column.type_error[i]:
            values.append(None)
        elif isinstance(column.values, np.ndarray):
            values.append(column.values[i].item())
        else:
            values.append(column.values[i].as_py())
    return tuple(values)
