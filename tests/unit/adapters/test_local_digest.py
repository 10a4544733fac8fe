"""A large table's digest, taken on Arrow columns, is the one the row loop takes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flows.adapters.local import digest

SCHEMA = {"fields": [{"name": "monat", "type": "yearmonth"}, {"name": "art", "type": "string"},
                     {"name": "anzahl", "type": "integer"},
                     {"name": "quote", "type": "number", "title": "Anteil"}],
          "primaryKey": ["monat", "art"], "missingValues": ["", "."]}


def _write(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([f["name"] for f in SCHEMA["fields"]])
        for i in range(rows):
            writer.writerow([f"20{10 + i % 13}-{i % 12 + 1:02d}",
                             ["a", 'mit "Zitat"', "zwei\nZeilen", "x,y"][i % 4] + str(i % 7),
                             ["", ".", str(i % 50), "kaputt"][i % 4] if i % 3 else str(i),
                             f"{(i % 997) / 10:.1f}" if i % 5 else "."])


@pytest.mark.parametrize(("temporal", "schema"), [
    ("monat", SCHEMA),  # summed per period
    (None, {**SCHEMA, "fields": [SCHEMA["fields"][1], SCHEMA["fields"][3]]}),  # averaged
    (None, {"fields": [SCHEMA["fields"][0], {"name": "art", "type": "string",
                                            "constraints": {"enum": ["a"]}}]}),  # counted
])
def test_the_columns_give_the_loops_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            temporal: str | None, schema: dict) -> None:
    path = tmp_path / "t.csv"
    _write(path, 20_000)
    monkeypatch.setattr(digest, "LARGE", 1)
    fast = digest.digest(path, schema, temporal)
    plan = digest._plan(schema["fields"], schema, temporal)
    assert plan and digest._on_columns(path, schema["fields"], plan, {"."}) == fast
    monkeypatch.setattr(digest, "LARGE", 1 << 60)
    slow = digest.digest(path, schema, temporal)
    assert fast == slow
    assert fast.series is not None and fast.series.points and fast.rows == 20_000


def test_a_file_the_columns_cannot_read_is_left_to_the_loop(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    path = tmp_path / "t.csv"
    path.write_text("monat,art,anzahl,quote\n2020-01,a,1,2\n2020-02,b\n", encoding="utf-8")
    monkeypatch.setattr(digest, "LARGE", 1)
    assert digest._on_columns(path, SCHEMA["fields"], digest._plan(
        SCHEMA["fields"], SCHEMA, "monat") or {}, {"."}) is None
    assert digest.digest(path, SCHEMA, "monat").rows == 2
