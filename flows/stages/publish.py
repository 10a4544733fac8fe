"""Publish: turn validated tables into a `Bundle` of files and hand it to targets.

A bundle is a staging folder with, per resource, a UTF-8 CSV and a JSON file, plus the
`datapackage.json` that describes them (with byte sizes and sha256 hashes). Its `content_hash`
covers data and metadata, so a target can tell "unchanged" without uploading anything.
`publish()` refuses a bundle whose validation found errors: the flow cannot publish bad data by
accident.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from flows.errors import TerminalError
from flows.specs.catalog import DatasetSpec, ResourceSpec
from flows.stages.transform import Table, convert_column, typer
from flows.stages.validate import Validation

CHUNK = 1 << 20


@dataclass(frozen=True)
class BundleFile:
    """One published file (a CKAN resource / a download)."""

    name: str
    """Resource name on the portal, unique within the dataset."""
    path: Path
    format: str
    mediatype: str
    sha256: str
    bytes: int
    title: str
    description: str


@dataclass(frozen=True)
class Bundle:
    dataset: DatasetSpec
    directory: Path
    descriptor: dict[str, Any]
    files: tuple[BundleFile, ...]
    content_hash: str
    quality: dict[str, Any] | None = None
    """MQA score of the metadata (set by the describe stage; not part of the content hash)."""


@dataclass(frozen=True)
class PublishOutcome:
    target: str
    status: str
    """`published` or `unchanged`."""
    location: str = ""
    removed_leftovers: int = 0
    """Uploads an interrupted earlier run left behind, found and removed by this one."""


class Target(Protocol):
    """Where bundles go: the local catalog folder or a CKAN portal."""

    label: str

    def publish(self, bundle: Bundle) -> PublishOutcome: ...

    def last_published(self, dataset: str, resource: ResourceSpec,
                       read: Callable[[IO[str]], Any] = ...) -> Any:
        """The resource's CSV as the target serves it now, given to `read` (default
        `read_table`: a `Table`), or None if it was never published.

        Raises:
            PipelineError: the target cannot be read (transient or terminal).
        """

    def current_hash(self, slug: str) -> str | None:
        """The content hash of the version the target shows now, or None if there is none.

        Raises:
            PipelineError: the target cannot be read (transient or terminal).
        """

    def finish(self) -> None:
        """Called once after all datasets of a run (e.g. to write an index page)."""


class InvalidBundleError(TerminalError):
    """A caller tried to publish data whose validation failed."""


def publish(bundle: Bundle, validations: list[Validation], target: Target) -> PublishOutcome:
    """Publish `bundle` to `target`, refusing it unless every validation passed."""
    if not validations or not all(v.valid for v in validations):
        raise InvalidBundleError(
            f"Datensatz '{bundle.dataset.name}' ist nicht gültig und wird nicht veröffentlicht.",
            dataset=bundle.dataset.name,
        )
    return target.publish(bundle)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class WrittenTable:
    """A resource whose CSV and JSON were written while it was read (flows/streaming.py);
    `build_bundle` moves them into the bundle instead of writing them."""

    fields: list[str]
    csv_path: Path
    json_path: Path
    extremes: dict[str, list[str]]
    """Per date, year and yearmonth field its smallest and largest value (for metadata)."""


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
        self._writer.writerows(table.rows)
        if self._json:
            self._json.write(table)

    def close(self) -> None:
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
    metadata (e.g. the period the data covers) joins the descriptor's `dcat:` block."""
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


def content_hash(spec: DatasetSpec, descriptor: dict[str, Any],
                 files: list[BundleFile] | tuple[BundleFile, ...]) -> str:
    """The hash that identifies a published version: descriptor, organisation, file hashes.

    Args:
        spec: the dataset (its organisation is part of what is published to CKAN).
        descriptor: the public descriptor as written to `datapackage.json`.
        files: the data files with their sha256.

    Returns:
        The sha256 hex digest.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(descriptor, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{spec.owner_org}\n{spec.organization_title}".encode())
    for item in files:
        digest.update(f"{item.name}:{item.sha256}\n".encode())
    return digest.hexdigest()


def read_table(handle: IO[str]) -> Table:
    """Read a published CSV (as `build_bundle` writes it) back into a `Table`."""
    reader = csv.reader(handle)
    header = next(reader, [])
    table = Table(fields=[name.lstrip("\ufeff") for name in header])
    for number, row in enumerate(reader, start=2):
        table.rows.append(row)
        table.row_numbers.append(number)
    return table
