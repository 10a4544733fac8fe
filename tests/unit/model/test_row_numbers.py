"""Row numbers kept as runs give every row's number, as a plain list would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.model.tables import RowNumbers


@given(st.lists(st.lists(st.integers(min_value=2, max_value=60), max_size=30), max_size=6))
def test_runs_give_the_numbers_a_list_gives(chunks: list[list[int]]) -> None:
    numbers, plain = RowNumbers(), []
    for chunk in chunks:
        numbers.extend(np.array(chunk, dtype=np.int64) if len(chunk) % 2 else chunk)
        plain += chunk
    assert len(numbers) == len(plain)
    assert [numbers[i] for i in range(len(plain))] == plain
    assert numbers[1:4] == plain[1:4]
    if plain:
        assert numbers[-1] == plain[-1]


def test_a_file_without_gaps_is_one_run() -> None:
    numbers = RowNumbers()
    for start in range(2, 1_000_002, 100_000):
        numbers.extend(np.arange(start, start + 100_000))
    numbers.extend([1_000_002, 1_000_004])
    assert len(numbers._starts) == 2 and len(numbers) == 1_000_002
    assert numbers[999_999] == 1_000_001 and numbers[1_000_001] == 1_000_004
    with pytest.raises(IndexError):
        numbers[1_000_002]
