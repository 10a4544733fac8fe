"""The stages wired for one dataset, without Prefect: load → collect → transform → validate →
bundle → publish. The Prefect flow and the command line both use these functions.

Nothing here raises for bad data or a failing target: every outcome ends up in a
`DatasetResult`, and a dataset that is invalid or fails never stops the others.
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
from flows.model.bundle import Bundle, Target
from flows.model.results import Comparison, DatasetResult, Validation
from flows.model.tables import Table, WrittenTable
from flows.run import cache, streaming
from flows.run.approval import Gate
from flows.run.locks import LockTimeoutError, dataset_lock
from flows.specs import catalog
from flows.specs.catalog import DatasetSpec, ResourceSpec
from flows.stages.aggregate import aggregate, canonical
from flows.stages.collect import collect
from flows.stages.describe import describe
from flows.stages.plausibility import compare_csv
from flows.stages.protect import protect
from flows.stages.publish import build_bundle, publish
from flows.stages.rules import check_rules
from flows.stages.transform import transform


@dataclass
class Prepared:
    """A dataset after validation: its result so far and, if valid, the bundle to publish."""

    result: DatasetResult
    spec: DatasetSpec | None = None
    bundle: Bundle | None = None
    validations: list[Validation] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


def prepare(project: Path, name: str, workdir: Path | None) -> Prepared:
    """Load, collect, transform and validate one dataset; build its bundle in `workdir` if valid.

    With `workdir=None` the dataset is only checked (status `valid` or `invalid`).
    """
    prepared = Prepared(DatasetResult(name=name))
    result = prepared.result
    try:
        spec = catalog.load(project, name)
    except PipelineError as exc:
        result.problems.extend(getattr(exc, "problems", None) or [problem_from(exc, name)])
        result.status = "invalid"
        return _done(prepared)
    prepared.spec = spec
    result.title = spec.title
    if workdir is not None:  # chunked resources are written next to their bundle
        workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-stream-", dir=workdir) as spool:
        return _prepare(prepared, spec, project, workdir, Path(spool))


def _prepare(prepared: Prepared, spec: DatasetSpec, project: Path, workdir: Path | None,
             spool: Path) -> Prepared:
    result, name = prepared.result, spec.name
    tables: dict[str, Table | WrittenTable] = {}
    for resource in spec.resources:
        shown = resource.source.display_path(project)
        try:
            chunked, reason = streaming.decide(resource)
        except PipelineError as exc:
            result.problems.append(problem_from(exc, name))
            continue
        if reason:
            result.problems.append(streaming.not_streamed(resource, reason, name, shown))
        if chunked:
            _prepare_streamed(prepared, resource, shown, spool, tables)
            continue
        raw = collect(resource, name, project)
        result.problems.extend(raw.problems)
        result.provenance[resource.name] = raw.provenance
        if not raw.header:
            continue
        if resource.aggregate is not None:
            raw = aggregate(raw, resource, name, shown)
            result.problems.extend(raw.problems)
            result.provenance[resource.name] = raw.provenance
            resource = canonical(resource)
        table = transform(raw, resource, name, shown)
        result.problems.extend(table.problems)
        protection = protect(table, resource, name, shown)
        result.problems.extend(protection.problems)
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
    if result.errors:
        result.status = "invalid"
        return _done(prepared)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-check-") as scratch:
        bundle = build_bundle(spec, tables, (workdir or Path(scratch)) / name,
                              derived={"temporal": metadata.temporal(spec.public_descriptor(),
                                                                     _columns(tables))})
        described = describe(bundle, metadata.load_catalog(project), reference.find(project))
    result.problems.extend(described.problems)
    result.metadata_quality = described.quality
    if result.errors:
        result.status = "invalid"
        return _done(prepared)
    result.status = "valid"
    if workdir is not None:
        prepared.bundle = dataclasses.replace(bundle, quality=described.quality)
    return _done(prepared)


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


def publish_to(prepared: Prepared, target: Target) -> None:
    """Publish a prepared bundle to one target and record the outcome.

    Raises:
        PipelineError: the target failed; the caller decides about retrying and recording.
    """
    assert prepared.bundle is not None, "publish_to needs a valid, bundled dataset"
    outcome = publish(prepared.bundle, prepared.validations, target)
    prepared.result.outcomes.append(outcome)


def compare_previous(prepared: Prepared, targets: list[Target]) -> Comparison:
    """Compare a bundled dataset with its last publication on the first target that has one
    (no previous version anywhere: no entries). A target that cannot be read is a warning.
    Both sides are read row by row (`compare_csv`), so a large resource is not held in memory."""
    assert prepared.bundle is not None, "compare_previous needs a valid, bundled dataset"
    bundle, found = prepared.bundle, Comparison()
    for target in targets:
        here: list[Comparison] = []
        for resource in bundle.dataset.resources:
            try:
                compared = _with_previous(target, bundle, resource)
            except PipelineError as exc:
                found.problems.append(problems.make(
                    "plausibility-unavailable", f"Die letzte Veröffentlichung in {target.label} "
                    f"ist nicht abrufbar: {exc.message}", severity="warning",
                    dataset=bundle.dataset.name, resource=resource.name))
                continue
            if compared is not None:
                here.append(compared)
        if here:
            for compared in here:
                found.extend(compared)
            break
    return found


def _with_previous(target: Target, bundle: Bundle, resource: ResourceSpec) -> Comparison | None:
    """The comparison with what `target` serves of `resource` now (None: nothing yet); when it
    shows exactly this bundle (same content hash), the bundle's own file stands for it instead
    of downloading the same bytes."""
    new, slug = bundle.directory / resource.path, bundle.dataset.name
    if target.current_hash(slug) == bundle.content_hash:
        with new.open(encoding="utf-8", newline="") as handle:
            return compare_csv(new, handle, resource, slug)
    return target.last_published(slug, resource,
                                 read=lambda old: compare_csv(new, old, resource, slug))


def record_comparison(prepared: Prepared, comparison: Comparison) -> None:
    prepared.result.plausibility.extend(comparison.entries)
    prepared.result.problems.extend(comparison.problems)


def record_failure(prepared: Prepared, exc: PipelineError) -> None:
    prepared.result.problems.append(problem_from(exc, prepared.result.name))


def finish(prepared: Prepared) -> DatasetResult:
    """Settle the status after publishing: failed if any target failed, else published/unchanged."""
    result = prepared.result
    if result.status == "valid" and prepared.bundle is not None:
        if result.errors:
            result.status = "failed"
        elif any(o.status == "published" for o in result.outcomes):
            result.status = "published"
        elif result.outcomes:
            result.status = "unchanged"
    return _done(prepared).result


def process(project: Path, name: str, targets: list[Target], workdir: Path,
            locks: Path | None = None, gate: Gate | None = None) -> DatasetResult:
    """Prepare one dataset and publish it to every target, holding its lock while publishing;
    with a `gate`, a dataset that needs approval is held instead (flows/approval.py)."""
    prepared = prepare(project, name, workdir if targets else None)
    if prepared.bundle is not None:
        try:
            with dataset_lock(locks or workdir / "locks", name):
                record_comparison(prepared, compare_previous(prepared, targets))
                held = gate is not None and gate.check(prepared.result, prepared.bundle,
                                                       targets) != "publish"
                for target in [] if held else targets:
                    try:
                        publish_to(prepared, target)
                    except PipelineError as exc:
                        record_failure(prepared, exc)
        except LockTimeoutError as exc:
            record_failure(prepared, exc)
    return finish(prepared)


def problem_from(exc: PipelineError, dataset: str) -> problems.Problem:
    return problems.make(exc.code, exc.message, dataset=exc.dataset or dataset)


def _done(prepared: Prepared) -> Prepared:
    prepared.result.seconds = time.monotonic() - prepared.started
    return prepared
