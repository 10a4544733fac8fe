"""A run over several datasets without Prefect (used by `kennzahlen validate` and `publish`), and
the bookkeeping every run shares: run ids, closing targets, writing reports."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from flows.adapters.ckan import breaker
from flows.model.bundle import Bundle, Target
from flows.model.results import DatasetResult, RunSummary
from flows.run import notify, record, retention, sequence
from flows.run.approval import ApprovalStore, Gate
from flows.run.prepare import prepare_held
from flows.run.sequence import PlainSteps
from flows.run.targets import make_targets
from flows.settings import Settings
from flows.specs import catalog
from flows.specs.operations import load_operations
from flows.stages.report import LATEST, refresh_latest, write_reports

Progress = Callable[[int, int, DatasetResult], None]


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run(settings: Settings, names: list[str], target_specs: list[str],
        progress: Progress | None = None, run_id: str | None = None,
        held: Mapping[str, Bundle] | None = None) -> RunSummary:
    """Check (no targets) or publish `names` in order; one dataset's failure never stops the rest.

    With `held` (dataset → its held version), that version is prepared instead of the sources
    (`kennzahlen approve`): it passes the same sequence, lock, validity check and gate.

    Raises:
        ConfigError: a target cannot be set up (e.g. missing CKAN token), before any dataset runs.
    """
    targets = make_targets(target_specs, settings)
    breaker.reset()  # a portal given up on in an earlier run is tried again
    summary = RunSummary(run_id=run_id or new_run_id(), started_at=now(),
                         targets=[t.label for t in targets])
    gate = approval_gate(settings, summary.run_id, target_specs)
    if targets and held is None:
        begin(summary, settings)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-") as workdir:
        ordered = names if held is not None else [
            name for wave in catalog.in_waves(settings.project, names) for name in wave]
        for index, name in enumerate(ordered, start=1):
            if held is not None:
                steps = PlainSteps(lambda slug: prepare_held(settings.project, slug, held[slug]))
                result = sequence.run_dataset(name, targets, steps, gate,
                                              settings.out_dir / "locks")
            else:
                result = sequence.process(settings.project, name, targets, Path(workdir),
                                          locks=settings.out_dir / "locks", gate=gate,
                                          secrets=settings.secrets)
            summary.results.append(result)
            if progress:
                progress(index, len(names), result)
    close(summary, settings, targets)
    return summary


def approval_gate(settings: Settings, run_id: str, target_specs: list[str]) -> Gate:
    return Gate(ApprovalStore(settings.held_dir), settings.approve_first_publication, run_id,
                list(target_specs))


def begin(summary: RunSummary, settings: Settings) -> None:
    """Housekeeping at the start of a run that publishes: expired reports, held versions and
    caches are removed (counted in the summary).

    Raises:
        ConfigError: `operations:` in catalog.yaml is invalid.
    """
    days = load_operations(settings.project).retention_days
    summary.housekeeping["removed"] = retention.sweep(settings.out_dir, days)


def close(summary: RunSummary, settings: Settings, targets: list[Target]) -> Path:
    """Let targets finish (index pages), stamp the summary, record publications and decisions,
    tell the people responsible what needs them, and write the reports (a held dataset's report
    is also kept beside its held version). A run without targets (a check) records and sends
    nothing."""
    for target in targets:
        target.finish()
    summary.finished_at = now()
    if targets:
        store = ApprovalStore(settings.held_dir)
        approvals = {r.name: d for r in summary.results if r.content_hash
                     and (d := store.decision_for(r.name, r.content_hash))
                     and d["decision"] == "approved"}
        entries = record.run_entries(summary, approvals, settings.credentials())
        record.append(settings.out_dir, record.with_held_sources(entries, settings.out_dir))
        summary.housekeeping["notified"] = notify.notify(summary, settings,
                                                         notify.events(summary, settings))
    folder = write_reports(summary, report_dir(settings, summary.run_id))
    refresh_latest(folder, settings.reports_dir / LATEST)
    store = ApprovalStore(settings.held_dir)
    for name in summary.held:
        store.attach_report(name, folder)
    return folder


def report_dir(settings: Settings, run_id: str) -> Path:
    return settings.reports_dir / run_id
