"""The one per-dataset sequence: prepare → compare → gate → publish → finish.

The nightly flow, `kennzahlen publish`/`validate` and `kennzahlen approve` all run a dataset
through `run_dataset`; they differ only in how a step runs (`Steps`): plainly here, as Prefect
tasks in the flow layer. Whatever the steps, the comparison, the approval gate and publishing
happen under the dataset's lock, and only a dataset whose validation passed reaches a target.

Nothing here raises for bad data or a failing target: every outcome ends up in the
`DatasetResult`, and a dataset that is invalid or fails never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from flows import problems
from flows.errors import PipelineError
from flows.model.bundle import Bundle, PublishOutcome, Target
from flows.model.results import Comparison, DatasetResult
from flows.model.secrets import Secrets
from flows.run import harmonised, progress
from flows.run.approval import Gate
from flows.run.locks import LockTimeoutError, dataset_lock
from flows.run.prepare import Prepared, done, prepare, problem_from
from flows.run.unchanged import Unchanged
from flows.specs.datasets import ResourceSpec
from flows.stages.plausibility import compare_csv
from flows.stages.publish import InvalidBundleError, publish


class Steps(Protocol):
    """How the steps of the sequence run: plainly (`PlainSteps`) or as Prefect tasks."""

    def prepare(self, name: str) -> Prepared:
        """Load, collect, transform, validate and bundle the dataset (never raises)."""

    def compare(self, prepared: Prepared, targets: list[Target]) -> Comparison:
        """Compare the bundle with the last publication (never raises)."""

    def decide(self, prepared: Prepared, gate: Gate, targets: list[Target]) -> bool:
        """Whether the dataset is published now (the approval gate)."""

    def publish(self, prepared: Prepared, target: Target) -> PublishOutcome:
        """Publish the valid bundle to one target.

        Raises:
            PipelineError: the target failed (after any retries the step makes).
        """


class PlainSteps:
    """The steps as plain calls (command line, tests): `prepare` is given, the rest is fixed."""

    def __init__(self, prepare: Callable[[str], Prepared]) -> None:
        self._prepare = prepare

    def prepare(self, name: str) -> Prepared:
        return self._prepare(name)

    def compare(self, prepared: Prepared, targets: list[Target]) -> Comparison:
        return compare_previous(prepared, targets)

    def decide(self, prepared: Prepared, gate: Gate, targets: list[Target]) -> bool:
        assert prepared.bundle is not None
        return gate.check(prepared.result, prepared.bundle, targets) == "publish"

    def publish(self, prepared: Prepared, target: Target) -> PublishOutcome:
        assert prepared.bundle is not None
        return publish(prepared.bundle, prepared.validations, target)


def run_dataset(name: str, targets: list[Target], steps: Steps, gate: Gate | None,
                locks: Path, unchanged: Unchanged | None = None) -> DatasetResult:
    """Prepare `name` and, if it is valid and there are targets, compare, ask the gate and
    publish to every target, all under the dataset's lock; without a gate nothing is held.

    With `unchanged`, a dataset whose inputs are those of its last good publication, which
    every target still shows, is not prepared at all: its result is taken over
    (flows/run/unchanged.py); a full run's result is remembered for the next run. Every
    outcome of a run with targets is kept for the combined tables of harmonised key figures
    (flows/run/harmonised.py)."""
    inputs = None
    if unchanged is not None and targets:
        inputs, reused = unchanged.check(name, targets, _rejected(gate, name))
        if reused is not None:
            harmonised.remember(unchanged.project, reused)
            return reused
    prepared = steps.prepare(name)
    found = list(prepared.result.problems)
    result = _compare_and_publish(prepared, name, targets, steps, gate, locks)
    if unchanged is not None and targets:
        unchanged.remember(prepared, inputs, found)
    if targets and prepared.spec is not None:  # what a combined table may show of it
        harmonised.remember(prepared.spec.folder.parents[1], result)
    return result


def _rejected(gate: Gate | None, name: str) -> set[str]:
    """The content hashes of `name` a person rejected (never taken over as unchanged)."""
    if gate is None:
        return set()
    return {d["content_hash"] for d in gate.store.decisions(name) if d["decision"] == "rejected"}


def _compare_and_publish(prepared: Prepared, name: str, targets: list[Target], steps: Steps,
                         gate: Gate | None, locks: Path) -> DatasetResult:
    if prepared.bundle is not None and targets:
        try:
            with dataset_lock(locks, name):
                record_comparison(prepared, steps.compare(prepared, targets))
                if not prepared.result.errors:
                    progress.attach(prepared, targets)  # the plan's progress report, if declared
                if not prepared.result.errors and (
                        gate is None or steps.decide(prepared, gate, targets)):
                    for target in targets:
                        _publish_one(prepared, target, steps)
        except LockTimeoutError as exc:
            record_failure(prepared, exc)
    return finish(prepared)


def process(project: Path, name: str, targets: list[Target], workdir: Path,
            locks: Path | None = None, gate: Gate | None = None,
            secrets: Secrets | None = None) -> DatasetResult:
    """`run_dataset` with plain steps that prepare `name` from its sources (in `workdir`);
    an unchanged dataset is taken over (unless the caches are switched off)."""
    steps = PlainSteps(lambda slug: prepare(project, slug, workdir if targets else None, secrets))
    return run_dataset(name, targets, steps, gate, locks or workdir / "locks",
                       Unchanged.for_project(project))


def _publish_one(prepared: Prepared, target: Target, steps: Steps) -> None:
    """One target through the validity gate: a step can never hand an invalid bundle on."""
    try:
        if not prepared.validations or not all(v.valid for v in prepared.validations):
            raise InvalidBundleError(f"Datensatz '{prepared.result.name}' ist nicht gültig und "
                                     "wird nicht veröffentlicht.", dataset=prepared.result.name)
        prepared.result.outcomes.append(steps.publish(prepared, target))
    except PipelineError as exc:
        record_failure(prepared, exc)


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
    if prepared.bundle is not None:
        result.content_hash = prepared.bundle.content_hash
    if result.status == "valid" and prepared.bundle is not None:
        if result.errors:
            result.status = "failed"
        elif any(o.status == "published" for o in result.outcomes):
            result.status = "published"
        elif result.outcomes:
            result.status = "unchanged"
    return done(prepared).result
