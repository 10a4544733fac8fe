"""Custom frictionless checks: protection is applied as a transform and checked again as a rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from frictionless import Check, errors


class SmallCountUnprotectedError(errors.CellError):
    type = "small-count-unprotected"
    title = "Small Count Unprotected"
    description = "A sensitive count between 1 and k-1 would be published."
    template = "Row {rowNumber}, field {fieldName}: small count not suppressed ({note})"


@attrs.define(kw_only=True, repr=False)
class small_count_unprotected(Check):  # noqa: N801 - frictionless names checks by their code
    """Fails every cell of a sensitive count field whose value lies in 1..k−1."""

    type = "small-count-unprotected"
    Errors = [SmallCountUnprotectedError]

    field_names: list[str]
    k: int

    def validate_row(self, row: Any) -> Iterable[Any]:
        for name in self.field_names:
            cell = row[name]
            if isinstance(cell, int) and not isinstance(cell, bool) and 1 <= cell < self.k:
                yield SmallCountUnprotectedError.from_row(row, note=f"k={self.k}",
                                                          field_name=name)

    metadata_profile_patch = {
        "required": ["fieldNames", "k"],
        "properties": {"fieldNames": {"type": "array"}, "k": {"type": "integer"}},
    }
