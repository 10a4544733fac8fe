"""Duplicate keys across chunks, for the unique and primary-key checks.

Every row's key becomes two hashes: per column, each distinct value gets two 64-bit codes
(strings: BLAKE2b; numbers, days and booleans: their exact bits through splitmix64's bijective
finaliser), and a row's codes are folded in place into a first and a second 64-bit hash. The
common case, no key twice, is answered by sorting: a chunk's first hashes are sorted (numpy's
vectorised sort) and looked up in the sorted runs of all earlier ones (a few runs of doubling
size, merged as they grow). Only when a hash repeats are rows and previous rows matched, in
row order; a pair whose second hashes (32 of their bits) differ is a collision and raises
`UnsupportedError` (frictionless then decides). Memory: 24 bytes per key.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np

from flows.validation import kernels as pc
from flows.validation.arrays import as_numpy
from flows.validation.cells import Column, FieldPlan, UnsupportedError

if TYPE_CHECKING:
    from flows.validation.plan import Plan


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_PAIR = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)
_NONE = np.uint64(0x6A09E667F3BCC908)
COLLISION = "zwei verschiedene Schlüssel haben denselben Hashwert"


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection on 64-bit integers that spreads every bit."""
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def _entry_codes(p: FieldPlan, column: Column) -> tuple[np.ndarray, np.ndarray | None]:
    """Two codes per entry of the column (one pair for None), and the rows' entries."""
    index = column.index
    none = column.none
    if p.type == "string":
        values = column.values
        if index is None and len(values) > 1:  # one digest per distinct value
            encoded = pc.dictionary_encode(values, null_encoding="encode")
            values, index = encoded.dictionary, as_numpy(encoded.indices)
            none = none[_first_rows(index, len(values))]
        digests = [hashlib.blake2b((v or "").encode(), digest_size=16).digest()
                   for v in values.to_pylist()]
        codes = np.frombuffer(b"".join(digests), dtype=np.uint64).reshape(-1, 2).copy()
    else:
        bits = np.asarray(column.values).astype(
            np.float64 if p.type == "number" else np.int64).view(np.uint64)
        codes = np.stack([_mix(bits ^ _M1), _mix(bits ^ _M2)], axis=1)
    codes[none] = _NONE
    return codes, index


def _first_rows(index: np.ndarray, entries: int) -> np.ndarray:
    """For each entry a row that has it."""
    found = np.zeros(entries, dtype=np.int64)
    found[index] = np.arange(len(index))
    return found


def key_hashes(plan: Plan, names: list[str], columns: dict[str, Column],
               rows: np.ndarray | None) -> np.ndarray:
    """The two hashes of the key of each row (all rows, or the positions `rows`), as the
    columns of an (n, 2) array; built in place, one gather per column."""
    h = part = None
    with np.errstate(over="ignore"):
        for name in names:
            p = next(f for f in plan.fields if f.name == name)
            codes, index = _entry_codes(p, columns[name])
            at = index if rows is None else (rows if index is None else index[rows])
            if h is None:
                h = codes.copy() if at is None else np.take(codes, at, axis=0)
                part = np.empty_like(h)
                continue
            if at is None:
                part[...] = codes
            else:
                np.take(codes, at, axis=0, out=part)
            h *= _PAIR
            h += part
    assert h is not None
    return h


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (numpy's `unique` hashes, which is slower for 64-bit keys)."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(values) else values


class _Chunk:
    """One chunk's key hashes in row order (the first row's number and, when not every row
    has a key, the positions of those that have)."""

    def __init__(self, hashes: np.ndarray, first_row: int, positions: np.ndarray | None) -> None:
        self.hashes, self.first_row, self.positions = hashes, first_row, positions

    @property
    def h1(self) -> np.ndarray:
        return self.hashes[:, 0]

    @property
    def second(self) -> np.ndarray:
        """The upper 32 bits of the second hash (a view)."""
        return self.hashes.view(np.uint32)[:, 3 if np.little_endian else 2]

    def rows(self, at: np.ndarray) -> np.ndarray:
        return (at if self.positions is None else self.positions[at]) + self.first_row


class Seen:
    """Keys seen so far: their first hashes in sorted runs, and per chunk the hashes in row
    order (for the rare repeated key)."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []
        self.chunks: list[_Chunk] = []

    def previous(self, plan: Plan, names: list[str], columns: dict[str, Column],
                 active: np.ndarray, first_row: int) -> np.ndarray | None:
        """For every active row the row number of the same key's previous occurrence (0: none);
        None when no active key occurred before."""
        size = len(active)
        idx = None if active.all() else np.flatnonzero(active)
        if idx is not None and not len(idx):
            return None
        chunk = _Chunk(key_hashes(plan, names, columns, idx), first_row, idx)
        ordered = np.sort(chunk.h1)
        inside = ordered[1:][ordered[1:] == ordered[:-1]]
        past = [ordered[hit] for run in self.runs
                if (hit := run[np.minimum(np.searchsorted(run, ordered), len(run) - 1)]
                    == ordered).any()]
        found = None
        if len(inside) or past:
            found = np.zeros(size, dtype=np.int64)
            found[slice(None) if idx is None else idx] = self._resolve(
                chunk, _distinct(np.concatenate([inside, *past])),
                _distinct(np.concatenate(past)) if past else None)
        self._add(ordered)
        self.chunks.append(chunk)
        return found

    def _add(self, ordered: np.ndarray) -> None:
        self.runs.append(ordered)
        while len(self.runs) > 1 and len(self.runs[-2]) <= len(self.runs[-1]):
            last = self.runs.pop()
            self.runs[-1] = np.sort(np.concatenate([self.runs[-1], last]))

    def _resolve(self, chunk: _Chunk, repeated: np.ndarray,
                 past: np.ndarray | None) -> np.ndarray:
        """Previous rows of the keys whose first hash is in `repeated` (sorted, distinct;
        `past`: those of them in earlier chunks)."""
        h1, h2 = chunk.h1, chunk.second
        pos = np.minimum(np.searchsorted(repeated, h1), len(repeated) - 1)
        sel = np.flatnonzero(repeated[pos] == h1)  # rows with a repeated key, in row order
        order = sel[np.argsort(h1[sel], kind="stable")]
        keys = h1[order]
        same = keys[1:] == keys[:-1]
        later, earlier = order[1:][same], order[:-1][same]
        if np.any(h2[later] != h2[earlier]):
            raise UnsupportedError(COLLISION)
        found = np.zeros(len(h1), dtype=np.int64)
        found[later] = chunk.rows(earlier)
        first = order[np.concatenate([[True], ~same])]  # sorted by key, each key once
        if past is None:
            return found
        first = first[past[np.minimum(np.searchsorted(past, h1[first]), len(past) - 1)]
                      == h1[first]]
        row, second = self._last(h1[first])
        known = row > 0
        if np.any(second[known] != h2[first][known]):
            raise UnsupportedError(COLLISION)
        found[first] = row
        return found

    def _last(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and second hash of each key's last occurrence in earlier chunks (row 0: none);
        `keys` sorted and distinct. Recent chunks first, as repeats are usually close."""
        row = np.zeros(len(keys), dtype=np.int64)
        second = np.zeros(len(keys), dtype=np.uint32)
        todo = np.ones(len(keys), dtype=bool)
        for chunk in reversed(self.chunks):
            if not todo.any():
                break
            h1 = chunk.h1
            pos = np.minimum(np.searchsorted(keys, h1), len(keys) - 1)
            match = np.flatnonzero(keys[pos] == h1)[::-1]  # last rows first
            if not len(match):
                continue
            match = match[np.argsort(pos[match], kind="stable")]
            which = pos[match]
            first = np.concatenate([[True], which[1:] != which[:-1]])
            which = which[first]
            new = todo[which]
            at = match[first][new]
            row[which[new]], second[which[new]] = chunk.rows(at), chunk.second[at]
            todo[which[new]] = False
        return row, second
