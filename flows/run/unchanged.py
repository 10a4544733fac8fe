"""Unchanged sources: a dataset whose inputs are byte for byte those of its last good publication
is recognised before anything is parsed, and its result is taken over instead of running again.

The fingerprint is a SHA-256 over everything the published version can depend on: every file of
`datapackages/<slug>/` (declaration, rules, sources kept there), `datapackages/catalog.yaml`,
every file of `schemas/`, the source files wherever they lie (their bytes, not their times),
the `KENNZAHLEN_*` settings, where the DCAT-AP.de reference copy lies (and its files' sizes and
times), the code of kennzahlen and the versions of every installed package. It comes in two
parts: the declaration's hash is taken over the files' bytes without parsing them; only when it
differs from the remembered one is the declaration loaded to find the source files (the record
keeps their names). Only datasets whose
sources are all files (csv, xlsx, ods, a saved JSON answer, a SQLite file) have one; a database
server, a web API and the incremental council system are always read, and so is a measures plan
with a progress report (`progress.yaml`): its report shows other datasets' last publications.

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
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata as installed
from pathlib import Path
from typing import Any

import yaml

from flows.errors import PipelineError
from flows.metadata import reference
from flows.model.bundle import PublishOutcome, Target
from flows.model.results import DatasetResult
from flows.problems import Problem
from flows.run import cache
from flows.run.prepare import Prepared
from flows.specs import catalog, harmonised
from flows.specs.datasets import SourceSpec
from flows.specs.progress import PROGRESS_FILE
from flows.stages.plausibility import compare_same

FORMAT = "1"
"""Raise when what a record holds or means changes: every older record is then a miss."""

FILE_KINDS = frozenset({"csv", "xlsx", "ods"})
"""Sources read from a declared file (`json` too when it has a `path`)."""

ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b")
"""What may name an environment variable in dataset.yaml (`$DIR`, `url_env: GEWERBE_DB_URL`)."""
WHERE_AND_HOW = frozenset({
    "KENNZAHLEN_OUT", "KENNZAHLEN_PROJECT", "KENNZAHLEN_CONCURRENCY", "KENNZAHLEN_FANOUT",
    "KENNZAHLEN_FANOUT_TIMEOUT", "KENNZAHLEN_FANOUT_POLL", "KENNZAHLEN_LOCK_WAIT",
    "KENNZAHLEN_LEASE_SECONDS", "KENNZAHLEN_PORTAL_WRITES", "KENNZAHLEN_HEARTBEAT_WINDOW"})
"""Settings that say where and how a run works, not what it publishes: a nightly run that fans
out and its dataset runs on other workers differ in them (flows/distributed.py)."""

CODE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".ttl", ".rdf", ".txt", ".csv")


@dataclass(frozen=True)
class Inputs:
    """What a dataset's version depends on, now."""

    declaration: str
    """The hash of everything but the source files (module docstring)."""
    sources: tuple[str, ...]
    """The source files, as the declaration names them."""
    fingerprint: str
    """The hash of the declaration and of the source files' bytes."""


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
              rejected: set[str]) -> tuple[Inputs | None, DatasetResult | None]:
        """What `name`'s version depends on now (None: a source that is not a file, a broken
        declaration, a missing file; the full run reports it) and, if that is what was
        remembered and every target shows that version, the result to take over (`rejected`:
        content hashes a person rejected). The declaration is parsed only when it changed."""
        if (self.project / "datapackages" / name / PROGRESS_FILE).is_file():
            return None, None  # its report shows other datasets' last publications
        try:
            declaration = declaration_digest(self.project, name)
            record = self._read(name)
            if record and record["declaration"] == declaration:
                sources = tuple(record["sources"])
                inputs = Inputs(declaration, sources, fingerprint(declaration, sources))
                if inputs.fingerprint != record["fingerprint"]:
                    return inputs, None
                return inputs, self._reuse(name, record, targets, rejected)
            spec = catalog.load(self.project, name, check=False)
            found = [source_files(r.source) for r in spec.resources]
            if any(not files for files in found):
                return None, None
            sources = tuple(str(path) for files in found for path in files)
            return Inputs(declaration, sources, fingerprint(declaration, sources)), None
        except (PipelineError, OSError, KeyError, TypeError):
            return None, None

    def _reuse(self, name: str, record: dict[str, Any], targets: list[Target],
               rejected: set[str]) -> DatasetResult | None:
        digest, locations = record["content_hash"], record["locations"]
        if not targets or digest in rejected:
            return None
        for target in targets:
            try:
                if target.label not in locations or target.current_hash(name) != digest:
                    return None
            except PipelineError:
                return None
        kept = record["result"]
        result = DatasetResult(
            name=name, title=kept["title"], status="unchanged",
            problems=[Problem(**p) for p in kept["problems"]],
            outcomes=[PublishOutcome(t.label, "unchanged", locations[t.label]) for t in targets],
            rows=kept["rows"], provenance=kept["provenance"], protection=kept["protection"],
            metadata_quality=kept["metadata_quality"], plausibility=kept["plausibility"],
            content_hash=digest)
        checked = datetime.now(UTC).isoformat(timespec="seconds")
        for provenance in result.provenance.values():  # read then; only fingerprinted now
            provenance["unchanged_at"] = checked
        return result

    def remember(self, prepared: Prepared, inputs: Inputs | None, found: list[Problem]) -> None:
        """Keep the result of `prepared` for `inputs` if it is a good publication (`found`: the
        problems found before the comparison with the last publication); forget any other."""
        result, spec, bundle = prepared.result, prepared.spec, prepared.bundle
        good = (result.status in ("published", "unchanged") and not result.errors
                and result.outcomes and spec is not None and bundle is not None
                and all(o.status in ("published", "unchanged") for o in result.outcomes))
        if inputs is None or not good:
            self.forget(result.name)
            return
        assert spec is not None and bundle is not None
        # what the next run's comparison finds: this version against itself
        same = [compare_same(r, result.rows.get(r.name, 0), spec.name) for r in spec.resources]
        record = {
            "format": FORMAT, "declaration": inputs.declaration, "sources": inputs.sources,
            "fingerprint": inputs.fingerprint, "content_hash": bundle.content_hash,
            "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "locations": {o.target: o.location for o in result.outcomes},
            "result": {"title": result.title, "rows": result.rows,
                       "provenance": result.provenance, "protection": result.protection,
                       "metadata_quality": result.metadata_quality,
                       "plausibility": [e for c in same for e in c.entries],
                       "problems": [asdict(p) for p in found]
                       + [asdict(p) for c in same for p in c.problems]},
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = self.folder / f"{result.name}.json"
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


def declaration_digest(project: Path, name: str) -> str:
    """The SHA-256 over everything but the source files, without parsing anything: the files
    of the dataset's folder, catalog.yaml, schemas/, the settings, the environment variables
    its dataset.yaml names (a path's `$DIR`, a `url_env`), the reference copy, the code and the
    installed packages.

    Raises:
        OSError: a file cannot be read.
    """
    origin = harmonised.find(project / "datapackages", name)  # a member's part: its folder
    folder = origin.folder if origin else project / "datapackages" / name
    internal = folder / "dataset.yaml"
    named = set(ENV_NAME.findall(internal.read_text(encoding="utf-8"))) if internal.is_file() \
        else set()
    settings = {"format": FORMAT, "code": code_digest(), "packages": packages_digest(),
                "reference": reference_digest(project),
                "env": sorted((k, v) for k, v in os.environ.items()
                              if (k.startswith("KENNZAHLEN_") and k not in WHERE_AND_HOW)
                              or k in named)}
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for path in [*_files(folder), *_catalog_files(project), *_files(project / "schemas")]:
        digest.update(f"\n{path.relative_to(project)}\n{_file_sha256(path)}".encode())
    return digest.hexdigest()


def _catalog_files(project: Path) -> list[Path]:
    """catalog.yaml and the population table it names (its inhabitants are drawn into the
    comparison pages)."""
    catalog = project / "datapackages" / "catalog.yaml"
    if not catalog.is_file():
        return []
    try:
        declared = (yaml.safe_load(catalog.read_text(encoding="utf-8")) or {}).get("population")
    except (yaml.YAMLError, AttributeError):
        declared = None  # loading the catalog names the mistake
    table = declared.get("path") if isinstance(declared, dict) else None
    extra = project / "datapackages" / table if isinstance(table, str) else None
    return [catalog, *([extra] if extra is not None and extra.is_file() else [])]


def fingerprint(declaration: str, sources: tuple[str, ...]) -> str:
    """The hash of the declaration and of the bytes of the source files (with the journal a
    SQLite database may keep committed rows in).

    Raises:
        OSError: a source file cannot be read.
    """
    digest = hashlib.sha256(declaration.encode())
    for source in sources:
        digest.update(f"\n{source}\n{_file_sha256(Path(source))}".encode())
        for journal in (Path(f"{source}-wal"), Path(f"{source}-journal")):
            if journal.exists():
                digest.update(f"\n{journal}\n{_file_sha256(journal)}".encode())
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
    return [Path(url.removeprefix("sqlite:///"))]


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
    listing = []
    for item in reference.FILES:
        path = folder / item.path
        if path.is_file():
            listing.append((item.path, path.stat().st_size, path.stat().st_mtime_ns))
    return hashlib.sha256(json.dumps([str(folder), listing]).encode()).hexdigest()
