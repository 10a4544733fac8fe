"""Rows fitted to their header: the ragged-row check shared by the file readers."""

from __future__ import annotations

from typing import Any

from flows import problems
from flows.model.tables import RawTable


def fit_row(record: list[Any], table: RawTable, line: int,
            context: dict[str, Any]) -> list[Any]:
    """Pad or cut a ragged row to the header's width, reporting it on `table`."""
    width = len(table.header)
    if len(record) > width and any(str(c).strip() for c in record[width:]):
        table.problems.append(problems.make(
            "extra-cell",
            f"Zeile {line} hat {len(record)} Zellen, die Kopfzeile aber nur {width} Spalten.",
            row=line, **context,
        ))
    elif len(record) < width:
        table.problems.append(problems.make(
            "missing-cell",
            f"Zeile {line} hat nur {len(record)} Zellen, die Kopfzeile aber {width} Spalten.",
            row=line, field=table.header[len(record)], **context,
        ))
    return (list(record) + [""] * width)[:width]


def too_wide(header: list[str], limit: int, context: dict[str, Any]) -> problems.Problem | None:
    """The problem of a header with more than `limit` columns (None if it fits): such a file is
    not read further, so one wrong delimiter or a turned export cannot flood the report."""
    if len(header) <= limit:
        return None
    return problems.make(
        "too-many-columns",
        f"Die Kopfzeile hat {len(header)} Spalten, erlaubt sind höchstens {limit} "
        "(source.max_columns); die Datei wird nicht weiter gelesen.", **context)
