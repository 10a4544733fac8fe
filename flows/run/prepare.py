"""Prepare one dataset: load its declaration, then collect → aggregate → transform → protect →
validate → rules for every resource, build the bundle and describe it (DCAT-AP.de, MQA).

`prepare_held` prepares instead the version a person is asked to approve: the held files, checked
again against today's declaration, so an approval never publishes what is invalid now.
Nothing here raises for bad data: every finding ends up in the `DatasetResult`.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from flows import problems
from flows.errors import PipelineError
from flows.metadata import descriptor as metadata
from flows.metadata import reference
from flows.model.bundle import Bundle
from flows.model.results import DatasetResult, Validation
from flows.model.secrets import Secrets
from flows.model.tables import Table, WrittenTable, read_table
from flows.run import cache, harmonised, streaming
from flows.run.harmonised import MemberTables
from flows.specs import catalog
from flows.specs.datasets import DatasetSpec, ResourceSpec
from flows.stages.aggregate import aggregate, canonical
from flows.stages.collect import collect
from flows.stages.describe import describe
from flows.stages.disclosure import Protected, protect_dataset
from flows.stages.protect import protect
from flows.stages.publish import build_bundle
from flows.stages.rules import check_rules
from flows.stages.transform import transform
from flows.stages.validate import validate


@dataclass
class Prepared:
    """A dataset after validation: its result so far and, if valid, the bundle to publish."""

    result: DatasetResult
    spec: DatasetSpec | None = None
    bundle: Bundle | None = None
    validations: list[Validation] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


def prepare(project: Path, name: str, workdir: Path | None,
            secrets: Secrets | None = None) -> Prepared:
    """Load, collect, transform and validate one dataset; build its bundle in `workdir` if valid.

    With `workdir=None` the dataset is only checked (status `valid` or `invalid`). `secrets`
    holds the credentials of database and web sources.
    """
    prepared, spec = _load(project, name)
    if spec is None:
        return done(prepared)
    if workdir is not None:  # chunked resources are written next to their bundle
        workdir.mkdir(parents=True, exist_ok=True)
    with streaming.private_spool(workdir) as spool:
        return _prepare(prepared, spec, project, workdir, spool, secrets)


def _prepare(prepared: Prepared, spec: DatasetSpec, project: Path, workdir: Path | None,
             spool: Path, secrets: Secrets | None) -> Prepared:
    result, name = prepared.result, spec.name
    tables: dict[str, Table | WrittenTable] = {}
    if spec.parts:  # a harmonised key figure's combined table: its members' checked tables
        joined = harmonised.join(spec, project, lambda member: _member_tables(
            project, member, secrets), publishing=workdir is not None)
        prepared.spec = spec = joined.spec
        result.problems.extend(joined.problems)
        result.provenance.update(joined.provenance)
        protected = joined.items
    else:
        protected = _protect_all(prepared, spec, project, secrets, tables, spool)
    _check_all(prepared, spec, project, protected, tables)
    if result.errors:
        result.status = "invalid"
        return done(prepared)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-check-") as scratch:
        bundle = _bundle(spec, tables, (workdir or Path(scratch)) / name)
        described = describe(bundle, metadata.load_catalog(project), reference.find(project))
    result.problems.extend(described.problems)
    result.metadata_quality = described.quality
    if result.errors:
        result.status = "invalid"
        return done(prepared)
    result.status = "valid"
    if workdir is not None:
        prepared.bundle = dataclasses.replace(bundle, quality=described.quality)
    return done(prepared)


def _protect_all(prepared: Prepared, spec: DatasetSpec, project: Path,
                 secrets: Secrets | None, tables: dict[str, Table | WrittenTable],
                 spool: Path | None) -> list[Protected]:
    """Collect → aggregate → transform → protect every resource, and the protection across
    them; a large CSV resource is streamed into `tables` instead (never without a `spool`)."""
    result, name = prepared.result, spec.name
    protected: list[Protected] = []
    for resource in spec.resources:
        shown = resource.source.display_path(project)
        try:
            chunked, reason = streaming.decide(resource) if spool else (False, "")
        except PipelineError as exc:
            result.problems.append(problem_from(exc, name))
            continue
        if reason:
            result.problems.append(streaming.not_streamed(resource, reason, name, shown))
        if chunked and spool:
            _prepare_streamed(prepared, resource, shown, spool, tables)
        elif item := _protect_in_memory(prepared, resource, shown, project, secrets):
            protected.append(item)
    result.problems.extend(protect_dataset(protected, name))
    return protected


def _check_all(prepared: Prepared, spec: DatasetSpec, project: Path, protected: list[Protected],
               tables: dict[str, Table | WrittenTable]) -> None:
    """Validate and check the rules of every protected resource; an empty one is a problem."""
    result = prepared.result
    for item in protected:
        _check_in_memory(prepared, item, project, tables)
    for resource in spec.resources:
        if result.rows.get(resource.name) == 0 and not _unreadable(result, resource.name):
            result.problems.append(empty(resource, spec.name,
                                         resource.source.display_path(project)))


def _bundle(spec: DatasetSpec, tables: dict[str, Table | WrittenTable], directory: Path
            ) -> Bundle:
    return build_bundle(spec, tables, directory, derived={"temporal": metadata.temporal(
        spec.public_descriptor(), _columns(tables))})


def _member_tables(project: Path, name: str, secrets: Secrets | None) -> MemberTables:
    """One member's dataset of a harmonised key figure prepared in memory, as its own run
    prepares it (never streamed: the combined table's audit needs its hidden cells)."""
    prepared, spec = _load(project, name)
    if spec is None:
        return MemberTables(prepared.result)
    tables: dict[str, Table | WrittenTable] = {}
    protected = _protect_all(prepared, spec, project, secrets, tables, None)
    _check_all(prepared, spec, project, protected, tables)
    if prepared.result.errors:
        return MemberTables(prepared.result)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-member-") as scratch:
        digest = _bundle(spec, tables, Path(scratch) / name).content_hash
    return MemberTables(prepared.result, protected, digest)


def _protect_in_memory(prepared: Prepared, resource: ResourceSpec, shown: str, project: Path,
                       secrets: Secrets | None) -> Protected | None:
    """The first stages for one resource held in memory: collect → aggregate → transform →
    protect (None if nothing could be read)."""
    result, name = prepared.result, prepared.result.name
    raw = collect(resource, name, project, secrets)
    result.problems.extend(raw.problems)
    result.provenance[resource.name] = raw.provenance
    if not raw.header:
        return None
    if resource.aggregate is not None:
        raw = aggregate(raw, resource, name, shown)
        result.problems.extend(raw.problems)
        result.provenance[resource.name] = raw.provenance
        resource = canonical(resource)
    table = transform(raw, resource, name, shown)
    result.problems.extend(table.problems)
    protection = protect(table, resource, name, shown)
    result.problems.extend(protection.problems)
    return Protected(resource, protection, shown)


def _check_in_memory(prepared: Prepared, item: Protected, project: Path,
                     tables: dict[str, Table | WrittenTable]) -> None:
    """The last stages for one resource held in memory, after the dataset's protection:
    validate (cached) → rules."""
    result, name = prepared.result, prepared.result.name
    resource, protection, shown, table = (item.resource, item.protection, item.file,
                                          item.protection.table)
    result.protection[resource.name] = protection.stats()
    validation = cache.validate_cached(project, table, resource, name, shown,
                                       masked=protection.masked)
    result.problems.extend(validation.problems)
    if validation.valid and not any(p.severity == "error" for p in table.problems):
        result.problems.extend(check_rules(table, resource, name, shown,
                                           masked=protection.masked))
    result.rows[resource.name] = validation.rows
    prepared.validations.append(validation)
    tables[resource.name] = table


def _prepare_streamed(prepared: Prepared, resource: ResourceSpec, shown: str, spool: Path,
                      tables: dict[str, Table | WrittenTable]) -> None:
    """The stages for a large CSV resource, in chunks (flows/streaming.py)."""
    result = prepared.result
    done = streaming.process(resource, result.name, shown, spool / resource.name)
    result.problems.extend(done.problems)
    result.provenance[resource.name] = done.provenance
    if done.table is None or done.validation is None:
        return
    result.protection[resource.name] = done.protection
    result.problems.extend(done.validation.problems)
    result.rows[resource.name] = done.validation.rows
    prepared.validations.append(done.validation)
    tables[resource.name] = done.table


def _columns(tables: dict[str, Table | WrittenTable]) -> dict[str, dict[str, list[str]]]:
    """Resource → field → published values (what metadata derives the period covered from;
    of a streamed resource the smallest and largest)."""
    return {name: table.extremes if isinstance(table, WrittenTable) else
            {f: [row[i] for row in table.rows] for i, f in enumerate(table.fields)}
            for name, table in tables.items()}

def _load(project: Path, name: str) -> tuple[Prepared, DatasetSpec | None]:
    """A new `Prepared` for `name` with its declaration loaded (None and the result marked
    invalid if the declaration is broken)."""
    prepared = Prepared(DatasetResult(name=name))
    try:
        spec = catalog.load(project, name)
    except PipelineError as exc:
        prepared.result.problems.extend(getattr(exc, "problems", None)
                                        or [problem_from(exc, name)])
        prepared.result.status = "invalid"
        return prepared, None
    prepared.spec, prepared.result.title = spec, spec.title
    return prepared, spec


def prepare_held(project: Path, name: str, held: Bundle) -> Prepared:
    """The held version of `name` (`ApprovalStore.held_bundle`, byte-checked against its record)
    as a prepared dataset: its files validated again against today's schema and rules."""
    prepared, spec = _load(project, name)
    result = prepared.result
    if spec is None:
        return done(prepared)
    bundle = dataclasses.replace(held, dataset=dataclasses.replace(
        spec, owner_org=held.dataset.owner_org,
        organization_title=held.dataset.organization_title))
    for resource in spec.resources:
        path = bundle.directory / resource.path
        shown = str(path)
        with path.open(encoding="utf-8", newline="") as handle:
            table = read_table(handle)
        validation = validate(table, resource, name, shown)
        result.problems.extend(validation.problems)
        if validation.valid:
            result.problems.extend(check_rules(table, resource, name, shown))
        result.rows[resource.name] = validation.rows
        prepared.validations.append(validation)
    result.status = "invalid" if result.errors else "valid"
    if not result.errors:
        prepared.bundle = bundle
    return done(prepared)


def _unreadable(result: DatasetResult, resource: str) -> bool:
    """Whether reading the resource's source already failed (then it being empty says nothing
    new: an unmatched quote can swallow every row)."""
    return any(p.resource == resource and p.code.startswith("source-") and p.severity == "error"
               for p in result.problems)


def empty(resource: ResourceSpec, dataset: str, shown: str) -> problems.Problem:
    """A resource without data rows: an error unless dataset.yaml allows it (`allow_empty`)."""
    if resource.allow_empty:
        return problems.make("table-empty", "Die Tabelle enthält keine Datenzeilen (laut "
                             "dataset.yaml erlaubt: allow_empty).", severity="info",
                             dataset=dataset, resource=resource.name, file=shown)
    return problems.make("table-empty", "Die Tabelle enthält keine Datenzeilen, nur die "
                         "Kopfzeile oder leere Zeilen; sie wird nicht veröffentlicht.",
                         dataset=dataset, resource=resource.name, file=shown)


def problem_from(exc: PipelineError, dataset: str) -> problems.Problem:
    return problems.make(exc.code, exc.message, dataset=exc.dataset or dataset)


def done(prepared: Prepared) -> Prepared:
    prepared.result.seconds = time.monotonic() - prepared.started
    return prepared
