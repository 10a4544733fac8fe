"""Collect: read a resource's source into a `RawTable` of labelled rows.

The stage dispatches to the source adapters in flows/adapters/sources/: delimited (CSV, read in
chunks and concatenated), spreadsheets (XLSX, ODS), sql, web (JSON over HTTP) and oparl. A
missing file, wrong encoding, ragged rows and the like become `Problem` records naming file and
row; collecting never raises for bad input. Provenance gets kind, file, fetch time and rows.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.sources import delimited, spreadsheets
from flows.adapters.sources.rows import too_wide
from flows.adapters.sources.sniff import sniff_workbook
from flows.model.secrets import Secrets
from flows.model.tables import RawTable
from flows.specs.datasets import ResourceSpec


def collect(resource: ResourceSpec, dataset: str, base: Path,
            secrets: Secrets | None = None) -> RawTable:
    """Read one resource's source.

    Args:
        resource: the declared resource, with its source.
        dataset: dataset name, for problem records.
        base: folder that file names in problems are shown relative to.
        secrets: credentials of database and web sources (default: the environment only).

    Returns:
        The table; on unreadable input an empty table whose `problems` say why.
    """
    source = resource.source
    shown = source.display_path(base)
    context = {"dataset": dataset, "resource": resource.name, "file": shown}
    if source.kind in ("sql", "json", "oparl") and source.path is None:
        table = _read_remote(resource, context, base, secrets or Secrets())
    elif source.path is None or not source.path.is_file():
        return RawTable(header=[], problems=[problems.make(
            "source-missing",
            f"Die Quelldatei {shown} wurde nicht gefunden.",
            **context,
        )])
    elif source.kind in ("xlsx", "ods") and (wrong := _not_spreadsheet(source.path, source.kind,
                                                                        context)):
        return RawTable(header=[], problems=[wrong])
    elif source.kind == "xlsx":
        table = spreadsheets.read_xlsx(source, context)
    elif source.kind == "ods":
        table = spreadsheets.read_ods(source, context)
    elif source.kind in ("json", "oparl"):
        table = _read_remote(resource, context, base, secrets or Secrets())
    else:
        table = delimited.read(source, context)
    if wide := too_wide(table.header, source.max_columns, context):
        return RawTable(header=[], provenance=table.provenance, problems=[wide])
    table.provenance = {
        "kind": source.kind,
        "file": shown,
        **table.provenance,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(table.rows),
    }
    return table


def _not_spreadsheet(path: Path, kind: str, context: dict[str, Any]) -> problems.Problem | None:
    """A file declared as a workbook of `kind` that its first bytes show to be something else."""
    found = sniff_workbook(path)
    if found is None or found.kind == kind or found.damaged:  # the reader says more
        return None
    return problems.make("source-format", found.message(f"{kind.upper()}-Arbeitsmappe"),
                         **context)


def _read_remote(resource: ResourceSpec, context: dict[str, Any], base: Path,
                 secrets: Secrets) -> RawTable:
    kind = resource.source.kind
    if kind == "oparl":
        from flows.adapters.sources import oparl

        out = Path(os.environ.get("KENNZAHLEN_OUT") or base / "out")
        found_all = oparl.read(resource.source, context, cache_dir=out / "cache")
    elif kind == "sql":
        from flows.adapters.sources import sql

        found_all = sql.read(resource.source, context, secrets)
    else:
        from flows.adapters.sources import web

        found_all = web.read(resource.source, context, secrets)
    header, rows, provenance, found = found_all
    return RawTable(header=[str(h) for h in header], rows=rows,
                    row_numbers=list(range(1, len(rows) + 1)), provenance=provenance,
                    problems=found)
