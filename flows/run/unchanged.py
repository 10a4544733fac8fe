"""Unchanged sources: a dataset whose inputs are byte for byte those of its last good publication
is recognised before anything is parsed, and its result is taken over instead of running again.

The fingerprint is a SHA-256 over everything the published version can depend on: every file of
`datapackages/<slug>/` (declaration, rules, sources kept there), `datapackages/catalog.yaml`,
every file of `schemas/`, the source files wherever they lie (their bytes, not their times),
the `KENNZAHLEN_*` settings, where the DCAT-AP.de reference copy lies (and its files' sizes and
times), the code of kennzahlen and the versions of every installed package. Only datasets whose
sources are all files (csv, xlsx, ods, a saved JSON answer, a SQLite file) have one; a database
server, a web API and the incremental council system are always read.

A result is remembered only after a run in which the dataset was published or found unchanged
on every target, without an error. It is taken over only when every target of this run still
shows exactly that version (its content hash) and no decision rejected it; anything else (a
changed byte, an unreadable target, another target) means a full run. The record lives in
`<out>/cache/unchanged/<slug>.json`; `KENNZAHLEN_VALIDATION_CACHE=off` switches it off with the
validation cache. A result taken over keeps when its sources were read (`fetched_at`) and says
when they were found unchanged (`unchanged_at` in its provenance).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata as installed
from pathlib import Path
from typing import Any

from flows.errors import PipelineError
from flows.metadata import reference
from flows.model.bundle import PublishOutcome, Target
from flows.model.results import DatasetResult
from flows.problems import Problem
from flows.run import cache
from flows.specs import catalog
from flows.specs.datasets import DatasetSpec, SourceSpec
from flows.stages.plausibility import compare_same

FORMAT = "1"
"""Raise when what a record holds or means changes: every older record is then a miss."""

FILE_KINDS = frozenset({"csv", "xlsx", "ods"})
"""Sources read from a declared file (`json` too when it has a `path`)."""

CODE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".ttl", ".rdf", ".txt", ".csv")


class Unchanged:
    """The records of one project's datasets (see module docstring)."""

    def __init__(self, project: Path, folder: Path) -> None:
        self.project, self.folder = project, folder

    @classmethod
    def for_project(cls, project: Path) -> Unchanged | None:
        """The records of `project`, or None when the caches are switched off."""
        where = cache.folder(project)
        return None if where is None else cls(project, where.parent / "unchanged")

    def check(self, name: str, targets: list[Target],
              rejected: set[str]) -> tuple[str | None, DatasetResult | None]:
        """The fingerprint of `name`'s inputs now (None: a source that is not a file, a broken
        declaration, a missing file; the full run reports it) and, if it is the remembered one
        and every target shows that version now, the result to take over (`rejected`: content
        hashes a person rejected)."""
        try:
            spec = catalog.load(self.project, name, check=False)
            print_ = fingerprint(self.project, spec)
        except (PipelineError, OSError):
            return None, None
        record = self._read(name) if print_ and targets else None
        if not record or record.get("fingerprint") != print_:
            return print_, None
        digest, locations = record["content_hash"], record["locations"]
        if digest in rejected:
            return print_, None
        for target in targets:
            try:
                if target.label not in locations or target.current_hash(name) != digest:
                    return print_, None
            except PipelineError:
                return print_, None
        result = _result(name, record, [PublishOutcome(t.label, "unchanged", locations[t.label])
                                        for t in targets])
        if result is None:
            return print_, None
        for resource in spec.resources:
            same = compare_same(resource, result.rows.get(resource.name, 0), name)
            result.plausibility.extend(same.entries)
            result.problems.extend(same.problems)
        checked = datetime.now(UTC).isoformat(timespec="seconds")
        for provenance in result.provenance.values():  # read then; only fingerprinted now
            provenance["unchanged_at"] = checked
        return print_, result

    def remember(self, name: str, print_: str | None, result: DatasetResult,
                 found: list[Problem], content_hash: str) -> None:
        """Keep `result` for `print_` if it is a good publication (`found`: the problems found
        before the comparison with the last publication, which the next run repeats)."""
        good = (result.status in ("published", "unchanged") and not result.errors
                and result.outcomes
                and all(o.status in ("published", "unchanged") for o in result.outcomes))
        if not print_ or not good:
            self.forget(name)
            return
        record = {
            "format": FORMAT, "fingerprint": print_, "content_hash": content_hash,
            "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "locations": {o.target: o.location for o in result.outcomes},
            "result": {"title": result.title, "rows": result.rows,
                       "provenance": result.provenance, "protection": result.protection,
                       "metadata_quality": result.metadata_quality,
                       "problems": [asdict(p) for p in found]},
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = self.folder / f"{name}.json"
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
        partial.replace(entry)

    def forget(self, name: str) -> None:
        (self.folder / f"{name}.json").unlink(missing_ok=True)

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            record = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and record.get("format") == FORMAT else None


def _result(name: str, record: dict[str, Any],
            outcomes: list[PublishOutcome]) -> DatasetResult | None:
    """The remembered result of `name`, every target unchanged (None: a damaged record)."""
    kept = record["result"]
    try:
        return DatasetResult(
            name=name, title=kept["title"], status="unchanged",
            problems=[Problem(**p) for p in kept["problems"]], outcomes=outcomes,
            rows=kept["rows"], provenance=kept["provenance"], protection=kept["protection"],
            metadata_quality=kept["metadata_quality"])
    except (KeyError, TypeError):
        return None


def fingerprint(project: Path, spec: DatasetSpec) -> str | None:
    """The SHA-256 over the inputs of `spec` (module docstring), or None when a resource's
    source is not a file.

    Raises:
        OSError: a file cannot be read.
    """
    sources = [source_files(r.source) for r in spec.resources]
    if any(not found for found in sources):
        return None
    digest = hashlib.sha256()
    settings = {"format": FORMAT, "code": code_digest(), "packages": packages_digest(),
                "reference": reference_digest(project),
                "env": sorted((k, v) for k, v in os.environ.items()
                              if k.startswith("KENNZAHLEN_"))}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    files = [*_files(spec.folder), project / "datapackages" / "catalog.yaml",
             *_files(project / "schemas"), *(path for found in sources for path in found)]
    for path in files:
        digest.update(f"\n{path}\n{_file_sha256(path)}".encode())
    return digest.hexdigest()


def source_files(source: SourceSpec) -> list[Path]:
    """The files a source reads everything from, or [] when it reads a database server, a web
    API or keeps state between runs (an incremental council system)."""
    if source.kind in FILE_KINDS or source.kind == "json":
        return [source.path] if source.path is not None else []
    options = source.options
    url = str(options.get("url") or "")
    if (source.kind != "sql" or not url.startswith("sqlite:///") or options.get("password_env")
            or options.get("password_block")
            or (options.get("url_env") and os.environ.get(options["url_env"]))):
        return []
    database = Path(url.removeprefix("sqlite:///"))
    # a database in WAL or rollback mode may keep committed rows beside the file
    return [database, *(p for p in (Path(f"{database}-wal"), Path(f"{database}-journal"))
                        if p.exists())]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@functools.cache
def code_digest() -> str:
    """The hash of kennzahlen's own files (code and package data): any change of the code that
    writes a version invalidates every record."""
    root = Path(__file__).resolve().parents[1]  # the flows package
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES):
        digest.update(f"\n{path.relative_to(root)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def packages_digest() -> str:
    """The hash of every installed package's name and version."""
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in installed.distributions())
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def reference_digest(project: Path) -> str:
    """Where the DCAT-AP.de reference copy lies, and its files' sizes and times."""
    folder = reference.find(project)
    if folder is None:
        return ""
    listing = [(str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
               for p in _files(folder)]
    return hashlib.sha256(json.dumps([str(folder), listing]).encode()).hexdigest()
