"""The CKAN DataStore copy of a dataset's tables: the rows behind CKAN's table preview
(`datatables_view`) and its data API (`datastore_search`).

After the files are switched in, each CSV resource gets a DataStore table typed from its Table
Schema, with the schema's titles and descriptions as CKAN's data dictionary (label, notes) and
its primary key. A resource whose DataStore already holds as many rows as the file is left alone,
so republishing only the changed file writes only its table; an unchanged dataset does not get
here at all (the target stops after one read). The rows go in batches; a suppressed value (the
schema's missing-value markers) becomes an empty value, and the field's notes say so. Finally a
table view is created if the resource has none.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ckanapi

from flows.adapters.ckan.upload import live_resource
from flows.model.bundle import Bundle

ActionCall = Callable[..., Any]
"""`call(action, dataset, files=None, **data)`, as `CkanTarget.call`."""

BATCH = 5000
"""Rows per `datastore_create`/`datastore_upsert` call."""
TYPES = {"integer": "int", "number": "numeric", "date": "date", "datetime": "timestamp",
         "boolean": "bool", "year": "int", "string": "text"}
"""Table Schema types → DataStore (PostgreSQL) column types; any other type is text."""
VIEW = "datatables_view"
SUPPRESSED_NOTE = ("Ein gesperrter Wert (in der CSV-Datei „.“) erscheint hier als leerer Wert: "
                   "kleine Fallzahlen werden zum Schutz personenbezogener Daten nicht "
                   "veröffentlicht.")


def fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The DataStore fields of a Table Schema, with its data dictionary (label, notes)."""
    markers = [m for m in schema.get("missingValues") or [""] if m]
    result = []
    for spec in schema.get("fields") or []:
        notes = str(spec.get("description") or "")
        if markers and spec.get("type") in ("integer", "number"):
            notes = f"{notes} {SUPPRESSED_NOTE}".strip()
        result.append({"id": spec["name"], "type": TYPES.get(spec.get("type", "string"), "text"),
                       "info": {"label": str(spec.get("title") or spec["name"]),
                                "notes": notes, "type_override": ""}})
    return result


def records(path: Path, schema: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """The CSV's rows as DataStore records in batches; missing-value markers become None."""
    markers = set(schema.get("missingValues") or [""])
    with path.open(encoding="utf-8", newline="") as handle:
        batch: list[dict[str, Any]] = []
        for row in csv.DictReader(handle):
            batch.append({k: (None if v in markers else v) for k, v in row.items()})
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _stored_rows(call: ActionCall, slug: str, resource_id: str) -> int | None:
    try:
        return int(call("datastore_search", slug, resource_id=resource_id, limit=0)["total"])
    except ckanapi.NotFound:
        return None


def push(call: ActionCall, package: dict[str, Any], bundle: Bundle) -> list[str]:
    """Fill the DataStore of every CSV resource of `bundle` in the dataset `package`.

    Args:
        call: one CKAN action call (`CkanTarget.call`).
        package: the dataset as the portal shows it after the switch.
        bundle: the published bundle (files and descriptor with the Table Schemas).

    Returns:
        The names of the resources whose DataStore table was (re)written.

    Raises:
        TransientError: the portal failed transiently.
        TerminalError: the portal refused a call (e.g. the DataStore is not enabled).
    """
    slug = bundle.dataset.name
    schemas = {Path(r["path"]).name: r.get("schema") or {}
               for r in bundle.descriptor.get("resources", [])}
    written = []
    for item in bundle.files:
        resource = live_resource(package, item.name)
        schema = schemas.get(item.path.name)
        if resource is None or schema is None or item.format.upper() != "CSV":
            continue
        if resource.get("datastore_active") and \
                _stored_rows(call, slug, resource["id"]) == _rows(item.path):
            _ensure_view(call, slug, resource["id"])
            continue
        _write(call, slug, resource["id"], item.path, schema)
        _ensure_view(call, slug, resource["id"])
        written.append(item.name)
    return written


def _write(call: ActionCall, slug: str, resource_id: str, path: Path,
           schema: dict[str, Any]) -> None:
    if _stored_rows(call, slug, resource_id) is not None:
        call("datastore_delete", slug, resource_id=resource_id, force=True)
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    batches = records(path, schema)
    call("datastore_create", slug, resource_id=resource_id, force=True, fields=fields(schema),
         primary_key=key, records=next(batches, []))
    for batch in batches:
        call("datastore_upsert", slug, resource_id=resource_id, force=True, method="insert",
             records=batch)


def _ensure_view(call: ActionCall, slug: str, resource_id: str) -> None:
    views = call("resource_view_list", slug, id=resource_id)
    if not any(v.get("view_type") == VIEW for v in views):
        call("resource_view_create", slug, resource_id=resource_id, view_type=VIEW,
             title="Tabelle")
