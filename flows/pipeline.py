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
from typing import Any

from flows import catalog, metadata, problems, reference
from flows.approval import Gate
from flows.catalog import DatasetSpec
from flows.errors import PipelineError
from flows.locks import LockTimeoutError, dataset_lock
from flows.stages.aggregate import aggregate, canonical
from flows.stages.collect import collect
from flows.stages.describe import describe
from flows.stages.protect import protect
from flows.stages.publish import Bundle, Target, build_bundle, publish
from flows.stages.report import DatasetResult
from flows.stages.transform import Table, transform
from flows.stages.validate import Validation, validate


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
    tables: dict[str, Table] = {}
    for resource in spec.resources:
        shown = resource.source.display_path(project)
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
        validation = validate(table, resource, name, shown, masked=protection.masked)
        result.problems.extend(validation.problems)
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
    result.plausibility = plausibility(prepared)
    return _done(prepared)


def plausibility(prepared: Prepared) -> list[dict[str, Any]]:
    """Compare a valid dataset with its last publication (issue 7, part A fills this in).

    Returns one entry per compared figure: {resource, kind, label, old, new, change_percent,
    threshold, exceeds}; an entry with `exceeds` holds the dataset for approval (flows/approval.py).
    """
    return []


def _columns(tables: dict[str, Table]) -> dict[str, dict[str, list[str]]]:
    """Resource → field → published values (what metadata derives the period covered from)."""
    return {name: {f: [row[i] for row in table.rows] for i, f in enumerate(table.fields)}
            for name, table in tables.items()}


def publish_to(prepared: Prepared, target: Target) -> None:
    """Publish a prepared bundle to one target and record the outcome.

    Raises:
        PipelineError: the target failed; the caller decides about retrying and recording.
    """
    assert prepared.bundle is not None, "publish_to needs a valid, bundled dataset"
    outcome = publish(prepared.bundle, prepared.validations, target)
    prepared.result.outcomes.append(outcome)


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
    if prepared.bundle is not None and (
            gate is None or gate.check(prepared.result, prepared.bundle, targets) == "publish"):
        try:
            with dataset_lock(locks or workdir / "locks", name):
                for target in targets:
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
