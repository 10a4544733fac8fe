"""Large CSV resources, chunk by chunk: collect → transform → protect → write → validate.

A resource whose CSV source is larger than KENNZAHLEN_STREAM_BYTES (default 16 MiB) goes
through the same stages as any other, but in chunks of CHUNK_ROWS rows: each chunk is
transformed, protected, written to the published CSV and JSON and fed to the columnar
validator, then dropped. Memory stays flat however long the file is; what is kept of the rows
is their source row numbers, for messages, as runs of consecutive numbers (`RowNumbers`). The
findings, messages and files are those of the in-memory path (tests/pipeline/test_streaming.py
compares both).

The chunks are Arrow columns from read to write where the columns path covers the file
(flows/adapters/sources/arrow_csv.py reads it, flows/stages/columns.py transforms and protects
per distinct value, flows/stages/column_files.py writes the CSV and JSON): no Python object per
row. Where it does not (quotes in the file, a ragged row …), the rows path starts over: the
csv module's rows through `transform`, `protect` and `RowWriter`, the JSON written from the
CSV once it is valid. The columns path writes the JSON alongside and deletes it when the
resource is not valid (the rows path writes none then).

What needs the whole table stays in memory, and the report says why (`streaming-not-possible`):
aggregation, secondary suppression over declared sums (`protect.small_counts.groups`), business
rules (Great Expectations) and schemas the columnar validator does not cover. The validation
cache is not used: the findings are computed while the files are written.

Nothing unprotected touches disk: each chunk is protected before it is written, cells and
columns protect flagged are written blank (the dataset is blocked anyway), and the files live in
a folder only this user can read, which the next run removes if a killed run left it
(`private_spool`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.sources.arrow_csv import read_column_chunks
from flows.adapters.sources.delimited import read_chunks
from flows.errors import ConfigError
from flows.model.results import Validation
from flows.model.tables import ColumnTable, NotColumnarError, RowNumbers, Table, WrittenTable
from flows.problems import Problem
from flows.run import locks, throughput
from flows.specs.datasets import ResourceSpec
from flows.stages.column_files import ColumnWriter
from flows.stages.columns import Memo, protect_columns, redacted, transform_columns, widen
from flows.stages.protect import MAX_FINDINGS_PER_FIELD, Protection, findings_summary, protect
from flows.stages.publish import RowWriter, json_from_csv
from flows.stages.transform import transform
from flows.stages.validate import ChunkValidator, columnar_covers

CHUNK_ROWS = 100_000
SPOOL_ROOT = "kennzahlen-spool"
DEFAULT_STREAM_BYTES = 16 << 20
PERIOD_TYPES = ("date", "year", "yearmonth")


def stream_bytes() -> int:
    """KENNZAHLEN_STREAM_BYTES: from this source size on, a CSV resource is read in chunks."""
    raw = os.environ.get("KENNZAHLEN_STREAM_BYTES", "").strip()
    if not raw:
        return DEFAULT_STREAM_BYTES
    if raw.isdigit():
        return int(raw)
    raise ConfigError(f"KENNZAHLEN_STREAM_BYTES muss eine Anzahl Bytes sein, nicht {raw!r}.")


def decide(resource: ResourceSpec) -> tuple[bool, str | None]:
    """Whether `resource` is read in chunks; if it is large but cannot be, the reason."""
    source = resource.source
    if source.kind != "csv" or source.path is None or not source.path.is_file():
        return False, None
    if source.path.stat().st_size < stream_bytes():
        return False, None
    blockers = []
    if resource.aggregate is not None:
        blockers.append("sie wird aggregiert (aggregate)")
    if resource.protect.groups:
        blockers.append("Summen sind gegen Rückrechnung zu schützen (small_counts.groups)")
    if resource.rules:
        blockers.append("für sie gelten Geschäftsregeln (rules.yaml)")
    uncovered = columnar_covers(resource)
    if uncovered:
        blockers.append(f"die schnelle Prüfung deckt ihr Schema nicht ab ({uncovered})")
    return (False, "; ".join(blockers)) if blockers else (True, None)


def not_streamed(resource: ResourceSpec, reason: str, dataset: str, file: str) -> Problem:
    size = resource.source.path.stat().st_size if resource.source.path else 0
    return problems.make(
        "streaming-not-possible",
        f"Die Datei ist groß ({size / (1 << 20):.0f} MB) und wird trotzdem ganz im Speicher "
        f"verarbeitet, weil {reason}.", severity="info",
        dataset=dataset, resource=resource.name, file=file)


@dataclass
class Streamed:
    """A resource after the chunked stages: its written files and what the stages found."""

    table: WrittenTable | None
    """None when nothing could be read (the problems say why)."""
    validation: Validation | None
    problems: list[Problem] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    protection: dict[str, int] = field(default_factory=dict)


def process(resource: ResourceSpec, dataset: str, file: str, folder: Path) -> Streamed:
    """Collect, transform, protect, write (into `folder`) and validate one resource in chunks.

    The problems come in stage order (all of collect's, then transform's …), as on the
    in-memory path; per-chunk repeats of table-level problems are dropped. The columns path
    (Arrow columns from read to write) is taken where it covers the file
    (flows/adapters/sources/arrow_csv.py); where it does not, the rows path starts over."""
    try:
        return _process(resource, dataset, file, folder, columnar=True)
    except NotColumnarError:
        shutil.rmtree(folder, ignore_errors=True)
    return _process(resource, dataset, file, folder, columnar=False)


def _process(resource: ResourceSpec, dataset: str, file: str, folder: Path,
             columnar: bool) -> Streamed:
    context = {"dataset": dataset, "resource": resource.name, "file": file}
    stages: dict[str, list[Problem]] = {"collect": [], "transform": [], "protect": []}
    counts = {"suppressed_primary": 0, "suppressed_secondary": 0, "formulas_neutralised": 0}
    masked: set[tuple[int, str]] = set()
    row_numbers = RowNumbers()
    provenance: dict[str, Any] = {}
    writer: RowWriter | ColumnWriter | None = None
    checker = ChunkValidator(resource, dataset, file)
    kinds = {f["name"]: f.get("type") for f in resource.schema.get("fields", [])}
    extremes: dict[str, list[str]] = {}
    memo: Memo = {}
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    chunks = read_column_chunks(resource.source, context, CHUNK_ROWS) if columnar else \
        read_chunks(resource.source, context, CHUNK_ROWS)
    for raw in chunks:
        provenance = provenance or raw.provenance
        stages["collect"] += raw.problems
        if isinstance(raw, ColumnTable):
            table: Table | ColumnTable = transform_columns(raw, resource, dataset, file, memo)
            protection = protect_columns(table, resource, dataset, file, memo=memo)
            if writer is None:
                if not table.fields:
                    raise NotColumnarError("a schema without fields")
                writer = ColumnWriter(folder / Path(resource.path).name, table.fields,
                                      resource.schema)
            writer.write(redacted(table, protection))
            row_numbers.extend(table.row_numbers)
            widen(extremes, table, kinds, PERIOD_TYPES)
        elif raw.header:
            table = transform(raw, resource, dataset, file)
            protection = protect(table, resource, dataset, file)
            if writer is None:
                writer = RowWriter(folder / Path(resource.path).name, table.fields,
                                   resource.schema, with_json=False)
            writer.write(_redacted(table, protection))
            row_numbers.extend(table.row_numbers)
            _widen(extremes, table.fields, table.rows, kinds)
        else:
            continue
        stages["transform"] += table.problems
        stages["protect"] += protection.problems
        _count(counts, protection)
        masked |= protection.masked
        checker.feed(table)
        throughput.rows_read(dataset, resource.name, len(row_numbers), started)
    provenance["rows"] = len(row_numbers)
    throughput.rows_read(dataset, resource.name, len(row_numbers), started, finished=True)
    found = _unique(stages["collect"]) + _unique(stages["transform"])
    found += _personal_data_counted(_unique(stages["protect"]), masked, context)
    counts["personal_data_findings"] = sum(p.code.startswith("personal-data") for p in found)
    if writer is None:
        return Streamed(None, None, found, provenance, counts)
    writer.close()
    validation = checker.finish(row_numbers, masked)
    if validation.valid and not any(p.severity == "error" for p in found):
        if not isinstance(writer, ColumnWriter) or not writer.typed:
            json_from_csv(writer.csv_path, resource.schema, CHUNK_ROWS)
    else:
        writer.json_path.unlink(missing_ok=True)
    return Streamed(WrittenTable(writer.fields, writer.csv_path, writer.json_path, extremes),
                    validation, found, provenance, counts)


def _count(counts: dict[str, int], protection: Protection) -> None:
    """Add one chunk's protection counts (the audits: the narrowest of all)."""
    for key, value in protection.stats().items():
        if key == "audit_narrowest_width":
            counts[key] = min(counts.get(key, value), value)
        elif key in counts or key.startswith("audit_"):
            counts[key] = counts.get(key, 0) + value


def _redacted(table: Table, protection: Protection) -> Table:
    """`table` as it may touch disk: every cell protect flagged, and every column whose name
    it flagged, blanked (the dataset is blocked then; the spool file holds nothing personal
    even if the run is killed before it is cleaned up)."""
    columns = {name for name in table.fields
               if any(p.code == "personal-data-column" and p.field == name
                      for p in protection.problems)}
    if not protection.masked and not columns:
        return table
    blank = {table.fields.index(name) for name in columns}
    cells: dict[int, set[int]] = {}
    for number, name in protection.masked:
        cells.setdefault(number, set()).add(table.fields.index(name))
    rows = [[("" if i in blank or i in cells.get(number, ()) else cell)
             for i, cell in enumerate(row)]
            for row, number in zip(table.rows, table.row_numbers, strict=True)]
    return Table(table.fields, rows, table.row_numbers)


@contextmanager
def private_spool(workdir: Path | None) -> Iterator[Path]:
    """A folder for the chunked files of one run, readable only by this user: inside `workdir`
    if given, else in SPOOL_ROOT under the temporary folder; the folders of earlier runs whose
    process is gone (killed before it could clean up) are removed first."""
    if workdir is not None:
        with tempfile.TemporaryDirectory(prefix="kennzahlen-stream-", dir=workdir) as spool:
            yield Path(spool)
        return
    root = Path(tempfile.gettempdir()) / f"{SPOOL_ROOT}-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    if root.is_symlink() or root.stat().st_uid != os.getuid():
        raise ConfigError(f"Der Ordner {root} gehört nicht diesem Benutzer; bitte entfernen.")
    root.chmod(0o700)
    for stale in root.iterdir():
        pid = stale.name.split("-", 1)[0]
        if not pid.isdigit() or not locks.alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{os.getpid()}-", dir=root) as spool:
        yield Path(spool)


def _widen(extremes: dict[str, list[str]], fields: list[str], rows: list[list[str]],
           kinds: dict[str, Any]) -> None:
    """Smallest and largest value of each period field (ISO text sorts like time)."""
    for index, name in enumerate(fields):
        if kinds.get(name) not in PERIOD_TYPES:
            continue
        values = [row[index] for row in rows if row[index]]
        if values:
            low, high = min(values), max(values)
            seen = extremes.setdefault(name, [low, high])
            seen[0], seen[1] = min(seen[0], low), max(seen[1], high)


def _unique(found: list[Problem]) -> list[Problem]:
    """Each problem once: a chunk repeats the file's header problems (and each chunk of single
    cases says so: the first chunk's warning stands for the file)."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for problem in found:
        key = (problem.code, problem.row, problem.field, problem.message)
        if problem.code == "case-level-data":
            key = (problem.code,)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _personal_data_counted(found: list[Problem], masked: set[tuple[int, str]],
                           context: dict[str, Any]) -> list[Problem]:
    """Per field the first MAX_FINDINGS_PER_FIELD personal-data findings of the whole file and
    one count, as protect reports them for a table in memory (each chunk counted its own)."""
    per_field: dict[str | None, int] = {}
    kept = []
    for problem in found:
        if problem.code != "personal-data":
            kept.append(problem)
        elif problem.row is not None:
            per_field[problem.field] = per_field.get(problem.field, 0) + 1
            if per_field[problem.field] <= MAX_FINDINGS_PER_FIELD:
                kept.append(problem)
            if per_field[problem.field] == MAX_FINDINGS_PER_FIELD:
                kept.append(findings_summary(
                    problem.field or "", sum(1 for _, f in masked if f == problem.field),
                    context))
    return kept
