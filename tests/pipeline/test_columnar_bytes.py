"""A generated key-figure table (benchmarks/generate_keyfigures.py), streamed on the columns path
and on the rows path: the same published bytes, problems and findings.

Cases: the generator's UTF-8 export as it is, with broken cells (`--errors`), and rewritten as a
German export (`;`, Windows-1252, decimal comma, TT.MM.JJJJ, umlauts, a formula, a name)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flows.model.tables import NotColumnarError
from flows.run import streaming
from flows.specs.datasets import ProtectSpec, ResourceSpec, SourceSpec

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30_000
EXCEPTIONS = ({"field": "ags", "kinds": ["phone"], "reason": "Gemeindeschlüssel"},
              {"field": "datum", "kinds": ["birth-date"], "reason": "Tag der Fallzahlen"})


def _generated(folder: Path, errors: float) -> tuple[Path, dict[str, Any]]:
    import json

    path = folder / "kf.csv"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_keyfigures.py"),
                    str(ROWS), str(path), "--errors", str(errors)], check=True)
    return path, json.loads(path.with_suffix(".schema.json").read_text())


def _german(path: Path) -> Path:
    """The same table as a German office exports it."""
    german = path.with_name("kf-de.csv")
    with path.open(encoding="utf-8", newline="") as source, \
            german.open("w", encoding="cp1252", newline="") as target:
        rows = csv.reader(source)
        writer = csv.writer(target, delimiter=";", lineterminator="\r\n")
        writer.writerow(next(rows))
        for number, row in enumerate(rows):
            day = row[0].split("-")
            row[0] = f"{day[2]}.{day[1]}.{day[0]}" if len(day) == 3 else row[0]
            row[3] = row[3].replace("Amt", "Bürgeramt Süd" if number % 5 else "Ämter")
            row[7] = row[7].replace(".", ",")
            if number == 12_345:
                row[3] = "=SUMME(A1)"
            if number == 23_456:
                row[3] = "Erika Mustermann"
            writer.writerow(row)
    return german


def _resource(path: Path, schema: dict[str, Any], **source: Any) -> ResourceSpec:
    return ResourceSpec("fallzahlen", "fallzahlen.csv", "kf", schema,
                        SourceSpec(kind="csv", path=path, **source),
                        ProtectSpec(exceptions=EXCEPTIONS))


def _both_paths(resource: ResourceSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> tuple[streaming.Streamed, streaming.Streamed]:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 7_000)
    read = streaming.read_column_chunks
    chunks: list[int] = []

    def counted(*args: Any) -> Any:
        for chunk in read(*args):
            chunks.append(chunk.num_rows)
            yield chunk

    monkeypatch.setattr(streaming, "read_column_chunks", counted)
    columns = streaming.process(resource, "kf", "kf.csv", tmp_path / "columns")
    assert sum(chunks) == ROWS and len(chunks) == 5, "the columns path was not taken"

    def refuse(*args: Any) -> Any:
        raise NotColumnarError("rows path asked for")

    monkeypatch.setattr(streaming, "read_column_chunks", refuse)
    rows = streaming.process(resource, "kf", "kf.csv", tmp_path / "rows")
    return columns, rows


def _same(columns: streaming.Streamed, rows: streaming.Streamed) -> None:
    def problems(done: streaming.Streamed) -> list[tuple[Any, ...]]:
        found = done.problems + (done.validation.problems if done.validation else [])
        return [(p.code, p.severity, p.row, p.field, p.message) for p in found]

    assert problems(columns) == problems(rows)
    assert columns.protection == rows.protection
    assert {k: v for k, v in columns.provenance.items() if k != "fetched_at"} == \
        {k: v for k, v in rows.provenance.items() if k != "fetched_at"}
    assert columns.table is not None and rows.table is not None
    assert columns.table.extremes == rows.table.extremes
    assert columns.table.csv_path.read_bytes() == rows.table.csv_path.read_bytes()
    assert columns.table.json_path.exists() == rows.table.json_path.exists()
    if rows.table.json_path.exists():
        assert columns.table.json_path.read_bytes() == rows.table.json_path.read_bytes()


@pytest.mark.parametrize("errors", [0.0, 0.01])
def test_the_generated_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              errors: float) -> None:
    path, schema = _generated(tmp_path, errors)
    columns, rows = _both_paths(_resource(path, schema), tmp_path, monkeypatch)
    _same(columns, rows)
    assert columns.validation is not None
    assert columns.validation.valid == (errors == 0.0)
    assert columns.validation.rows == ROWS


def test_the_generated_table_as_a_german_export(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path, schema = _generated(tmp_path, 0.0)
    resource = _resource(_german(path), schema, delimiter=";", encoding="cp1252", decimal=",",
                         date_format="%d.%m.%Y")
    columns, rows = _both_paths(resource, tmp_path, monkeypatch)
    _same(columns, rows)
    codes = {p.code for p in columns.problems}
    assert {"formula-neutralised", "personal-data"} <= codes
    written = columns.table.csv_path.read_bytes()  # type: ignore[union-attr]
    assert b",'=SUMME(A1)," in written and b"Erika" not in written
