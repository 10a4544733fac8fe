"""Validation cache: a table that has not changed is not validated again.

The key is a SHA-256 over everything a finding can depend on: the table's cells and source row
numbers, the Table Schema, the protection settings, the cells that hold personal data, the names
shown in messages, and the versions of the validators. A hit returns the stored problems; a
changed cell, schema or setting gives another key. One entry per resource (the latest) lives in
`<out>/cache/validation/` (`KENNZAHLEN_OUT`, as in `flows/settings.py`);
`KENNZAHLEN_VALIDATION_CACHE=off` switches the cache off. A damaged entry counts as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from flows.model.results import Validation
from flows.model.tables import Table
from flows.problems import Problem
from flows.specs.datasets import ResourceSpec
from flows.stages import validate as validate_stage

FORMAT = "1"


def folder(project: Path) -> Path | None:
    """Where entries are kept for this project, or None when the cache is switched off."""
    if os.environ.get("KENNZAHLEN_VALIDATION_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    out = Path(os.environ.get("KENNZAHLEN_OUT") or project / "out")
    return out.resolve() / "cache" / "validation"


def key(table: Table, resource: ResourceSpec, dataset: str, file: str,
        masked: set[tuple[int, str]] | None) -> str:
    """The content hash of one validation's inputs (streamed: no copy of the table is built)."""
    from flows.validation import columnar

    digest = hashlib.sha256()
    settings = {
        "format": FORMAT, "columnar": columnar.VERSION, "frictionless": version("frictionless"),
        "limit": validate_stage.ERROR_LIMIT, "schema": resource.schema,
        "protect": [list(resource.protect.small_count_fields), resource.protect.k],
        "fields": table.fields, "missing": table.missing_fields, "dataset": dataset,
        "resource": resource.name, "file": file, "masked": sorted(masked or ()),
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        # length-prefixed cells: no separator inside a cell can make two tables look alike
        digest.update(f"\n{number}".encode())
        for cell in row:
            data = cell.encode()
            digest.update(b"%d:" % len(data) + data)
    return digest.hexdigest()


def validate_cached(project: Path, table: Table, resource: ResourceSpec, dataset: str,
                    file: str, masked: set[tuple[int, str]] | None = None) -> Validation:
    """`validate` unless the same inputs were validated before (then `cached` is True)."""
    where = folder(project)
    if where is None:
        return validate_stage.validate(table, resource, dataset, file, masked=masked)
    prefix = f"{dataset}.{resource.name}."
    entry = where / f"{prefix}{key(table, resource, dataset, file, masked)}.json"
    try:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        return Validation(resource=stored["resource"], rows=stored["rows"], cached=True,
                          problems=[Problem(**p) for p in stored["problems"]])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    validation = validate_stage.validate(table, resource, dataset, file, masked=masked)
    where.mkdir(parents=True, exist_ok=True)
    partial = entry.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"resource": validation.resource, "rows": validation.rows,
                                   "problems": [asdict(p) for p in validation.problems]},
                                  ensure_ascii=False), encoding="utf-8")
    partial.replace(entry)
    for older in where.glob(f"{prefix}*.json"):  # one entry per resource: the latest
        if older != entry:
            older.unlink(missing_ok=True)
    return validation
