"""Publish: turn validated tables into a `Bundle` of files and hand it to targets.

A bundle is a staging folder with, per resource, a UTF-8 CSV and a JSON file, plus the
`datapackage.json` that describes them (with byte sizes and sha256 hashes). Its `content_hash`
covers data and metadata, so a target can tell "unchanged" without uploading anything.
`publish()` refuses a bundle whose validation found errors: the flow cannot publish bad data by
accident.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows.errors import TerminalError
from flows.model.bundle import Bundle, BundleFile, PublishOutcome, Target, content_hash, file_sha256
from flows.model.results import Validation
from flows.model.tables import Table, WrittenTable
from flows.specs.datasets import DatasetSpec
from flows.stages.transform import convert_column, typer

CHUNK = 1 << 20


class InvalidBundleError(TerminalError):
    """A caller tried to publish data whose validation failed."""


def publish(bundle: Bundle, validations: list[Validation], target: Target) -> PublishOutcome:
    """Publish `bundle` to `target`, refusing it unless every validation passed.

    Args:
        bundle: the built bundle.
        validations: the validations of all its resources.
        target: where the bundle goes.

    Returns:
        What the target did (`published` or `unchanged`, and where).

    Raises:
        InvalidBundleError: `validations` is empty or one of them found an error.
    """
    if not validations or not all(v.valid for v in validations):
        raise InvalidBundleError(
            f"Datensatz '{bundle.dataset.name}' ist nicht gültig und wird nicht veröffentlicht.",
            dataset=bundle.dataset.name,
        )
    return target.publish(bundle)


class JsonWriter:
    """The published JSON of one resource, rows at a time: one record per line (readable, and
    diffs stay small), numbers as numbers, no value and suppressed values as null. Each line is
    what `json.dumps` gives for the row's `typed_records` record, built column by column."""

    def __init__(self, path: Path, schema: dict[str, Any]) -> None:
        self.path = path
        self._handle = path.open("w", encoding="utf-8")
        self._handle.write("[\n")
        self._first = True
        self._encode = json.JSONEncoder(ensure_ascii=False).encode
        self._cells = [self._cell(typer(f.get("type", "string"), schema))
                       for f in schema.get("fields", [])]

    def _cell(self, typed: Callable[[str], Any]) -> Callable[[str], str]:
        return lambda cell: self._encode(typed(cell))

    def write(self, table: Table) -> None:
        """Append the rows of `table`, whose fields must be the schema's, in order.

        Raises:
            ValueError: `table` has another number of fields than the schema.
        """
        if not table.rows:
            return
        if len(table.fields) != len(self._cells):
            raise ValueError("the table's fields are not the schema's")
        keys = [self._encode(name).replace("{", "{{").replace("}", "}}") + ": {}"
                for name in table.fields]
        template = "{{" + ", ".join(keys) + "}}"
        columns = [convert_column([row[i] for row in table.rows], cell)
                   for i, cell in enumerate(self._cells)]
        lines = [template.format(*values) for values in zip(*columns, strict=True)] \
            if columns else ["{}"] * len(table.rows)
        self._handle.write(("" if self._first else ",\n") + ",\n".join(lines))
        self._first = False

    def close(self) -> None:
        """End the JSON array and close the file."""
        self._handle.write("\n]\n")
        self._handle.close()


class RowWriter:
    """The published CSV (and, unless `with_json` is false, the JSON) of one resource, rows at
    a time."""

    def __init__(self, csv_path: Path, fields: list[str], schema: dict[str, Any],
                 with_json: bool = True) -> None:
        self.csv_path, self.json_path = csv_path, csv_path.with_suffix(".json")
        self.fields = fields
        self._csv = csv_path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._csv, lineterminator="\r\n")
        self._writer.writerow(fields)
        self._json = JsonWriter(self.json_path, schema) if with_json else None

    def write(self, table: Table) -> None:
        """Append the rows of `table` (fields as given to the constructor)."""
        self._writer.writerows(table.rows)
        if self._json:
            self._json.write(table)

    def close(self) -> None:
        """Close the CSV and the JSON file."""
        self._csv.close()
        if self._json:
            self._json.close()


def json_from_csv(csv_path: Path, schema: dict[str, Any], rows: int = 100_000) -> Path:
    """Write the JSON next to a published CSV, reading it `rows` rows at a time (for a large
    resource, once its validation passed: only valid cells can be typed)."""
    writer = JsonWriter(csv_path.with_suffix(".json"), schema)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        chunk = Table(fields=next(reader, []))
        for row in reader:
            chunk.rows.append(row)
            if len(chunk.rows) >= rows:
                writer.write(chunk)
                chunk.rows = []
        writer.write(chunk)
    writer.close()
    return writer.path


def build_bundle(spec: DatasetSpec, tables: dict[str, Table | WrittenTable], directory: Path,
                 derived: dict[str, Any] | None = None) -> Bundle:
    """Write the data files and `datapackage.json` of `spec` into `directory`; `derived`
    metadata (e.g. the period the data covers) joins the descriptor's `dcat:` block.

    Args:
        spec: the dataset with its resources and public descriptor.
        tables: each resource's validated table by resource name; a `WrittenTable` (already
            written as CSV and JSON) is moved into `directory`, not copied.
        directory: the staging folder (created if needed).
        derived: metadata computed from the data; empty values are left out.

    Returns:
        The bundle: a CSV and a JSON file per resource, the descriptor with the CSVs' byte
        sizes and sha256 hashes, and the content hash over data and metadata.
    """
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = spec.public_descriptor()
    if derived:
        descriptor.setdefault("dcat", {}).update({k: v for k, v in derived.items() if v})
    files: list[BundleFile] = []
    for declared, resource in zip(descriptor["resources"], spec.resources, strict=True):
        table = tables[resource.name]
        csv_path = directory / resource.path
        json_path = csv_path.with_suffix(".json")
        if isinstance(table, WrittenTable):
            shutil.move(table.csv_path, csv_path)
            shutil.move(table.json_path, json_path)
        else:
            writer = RowWriter(csv_path, table.fields, resource.schema)
            writer.write(table)
            writer.close()
        csv_hash = file_sha256(csv_path)
        declared.update({
            "path": resource.path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_path.stat().st_size,
            "hash": f"sha256:{csv_hash}",
        })
        title = declared.get("title") or resource.name
        description = declared.get("description") or ""
        files.append(BundleFile(resource.name, csv_path, "CSV", "text/csv", csv_hash,
                                csv_path.stat().st_size, title, description))
        files.append(BundleFile(f"{resource.name}-json", json_path, "JSON", "application/json",
                                file_sha256(json_path), json_path.stat().st_size,
                                f"{title} (JSON)", description))
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return Bundle(spec, directory, descriptor, tuple(files), content_hash(spec, descriptor, files))


