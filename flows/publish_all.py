"""The nightly flow: every declared dataset, checked and published to the configured targets.

Deployed by `prefect.yaml` as `nightly-publish`; run locally by `kennzahlen run`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import copy_context
from logging import Logger, LoggerAdapter
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger
from prefect.input import RunInput
from prefect.states import Completed, Failed, State

from flows import distributed
from flows.adapters.ckan import breaker
from flows.errors import ConfigError, PipelineError
from flows.model.bundle import PublishOutcome, Target
from flows.model.results import STATUS_DE, Comparison, DatasetResult, RunSummary
from flows.run import batch, notify, record, sequence, throughput
from flows.run.approval import Gate
from flows.run.locks import DatasetLock
from flows.run.prepare import Prepared
from flows.run.targets import make_targets
from flows.run.unchanged import Unchanged
from flows.settings import Settings
from flows.specs import catalog
from flows.tasks import (
    ProgressBoard,
    compare_previous,
    dataset_artifacts,
    emit_run_events,
    load_secret_block,
    prepare_dataset,
    publish_dataset,
    record_artifact,
    summary_artifact,
)


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"nightly-publish-{flow_run.parameters.get('run_id') or batch.new_run_id()}"


def _concurrency() -> int:
    """KENNZAHLEN_CONCURRENCY, checked: read when the flow is defined (the task runner is part of
    the flow's definition), so a bad value stops `kennzahlen run` before anything starts."""
    raw = os.environ.get("KENNZAHLEN_CONCURRENCY", "").strip() or "4"
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    raise ConfigError(f"KENNZAHLEN_CONCURRENCY muss eine ganze Zahl ab 1 sein (Datensätze, die "
                      f"gleichzeitig bearbeitet werden), nicht {raw!r}.")


CONCURRENCY = _concurrency()
"""How many datasets the nightly flow works on at the same time (default 4)."""


class ApprovalDecision(RunInput):
    """What a person answers when a run waits for approval (the form of „Resume“ in Prefect)."""

    decision: Literal["approve", "reject"]
    """approve: publish the held version; reject: keep the previous one."""
    comment: str = ""
    by: str = ""
    """Who decides; `prefect` if empty."""


@flow(name="nightly-publish", flow_run_name=_run_name, validate_parameters=True)
def nightly_publish(
    datasets: list[str] | None = None,
    targets: list[str] | None = None,
    project: str | None = None,
    run_id: str | None = None,
    fan_out: bool | None = None,
) -> State:
    """Check and publish datasets.

    Args:
        datasets: names of datasets to run; all declared ones if empty.
        targets: `local`, `local:<dir>` and/or `ckan`; default from KENNZAHLEN_TARGETS.
        project: folder with datapackages/ and schemas/; found from the working directory if empty.
        run_id: names the report folder; a timestamp if empty.
        fan_out: one `publish-dataset` flow run per dataset on the work pool (needs a Prefect
            server); default from KENNZAHLEN_FANOUT (flows/distributed.py).
    """
    logger = get_run_logger()
    settings = Settings.from_env(Path(project) if project else None,
                                 load_block=load_secret_block)
    specs = list(targets or settings.default_targets)
    checked = make_targets(specs, settings)  # fails fast on a missing token or unknown target
    fanned = distributed.fan_out_chosen(fan_out)
    breaker.reset()  # a portal given up on in an earlier run in this process is tried again
    names = list(datasets or catalog.dataset_names(settings.project))
    summary = RunSummary(run_id=run_id or batch.new_run_id(), started_at=batch.now(),
                         targets=[t.label for t in checked])
    gate = batch.approval_gate(settings, summary.run_id, specs)
    batch.begin(summary, settings)
    board = ProgressBoard(len(names), logger)
    # a progress report that shows other datasets' figures waits for them (catalog.in_waves)
    waves = catalog.in_waves(settings.project, names)
    unchanged = Unchanged.for_project(settings.project)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-") as workdir, \
            throughput.reporting(board.rows), quiet_task_runs():
        if fanned:  # one flow run per dataset on the work pool, any worker, any machine
            results = distributed.fan_out(
                waves, {"targets": specs, "project": str(settings.project),
                        "run_id": summary.run_id, "out": str(settings.out_dir)},
                batch.report_dir(settings, summary.run_id),
                lambda name: sequence.taken_over(name, checked, gate, unchanged))
        else:
            results = _in_threads(waves, TaskSteps(settings, specs, checked, Path(workdir),
                                                   logger), checked, gate, unchanged,
                                  distributed.dataset_locks(settings.out_dir))
        for index, result in enumerate(results, start=1):
            summary.results.append(result)
            logger.info("Datensatz %d von %d: %s – %s", index, len(names), result.name,
                        STATUS_DE.get(result.status, result.status))
            board.dataset_done(result.name, STATUS_DE.get(result.status, result.status))
            if not fanned:  # a dataset's own flow run shows its artifacts
                dataset_artifacts(result)
    folder = batch.close(summary, settings, checked)
    summary_artifact(summary)
    record_artifact(record.read(settings.out_dir), summary.run_id)
    emit_run_events(notify.events(summary, settings))
    logger.info("Berichte: %s", folder)
    message = ", ".join(f"{count} {STATUS_DE.get(s, s)}" for s, count in summary.counts().items())
    if summary.ok:
        return Completed(message=message, data=summary.to_dict())
    return Failed(message=message, data=summary.to_dict())


def _in_threads(waves: list[list[str]], steps: TaskSteps, targets: list[Target], gate: Gate,
                unchanged: Unchanged | None, locks: DatasetLock) -> Iterator[DatasetResult]:
    """Every dataset runs the one per-dataset sequence in its own thread, up to CONCURRENCY at a
    time, so one slow source does not hold the others; its steps are Prefect tasks. The results
    come in the order of `waves`, a wave after the previous one."""
    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="dataset") as pool:
        for wave in waves:
            running = [pool.submit(copy_context().run, sequence.run_dataset, name, targets,
                                   steps, gate, locks, unchanged) for name in wave]
            for future in running:
                yield future.result()


@contextmanager
def quiet_task_runs() -> Iterator[None]:
    """No "Finished in state Completed()" line per task run (the run logs one line per dataset
    and keeps a progress artifact); failed task runs are still logged, as errors."""
    task_runs = logging.getLogger("prefect.task_runs")
    before = task_runs.level
    task_runs.setLevel(max(before, logging.WARNING))
    try:
        yield
    finally:
        task_runs.setLevel(before)


class TaskSteps:
    """The steps of the per-dataset sequence as Prefect tasks (retries, task runs in the UI);
    the approval decision stays in the flow run, one at a time, since only a flow run pauses."""

    def __init__(self, settings: Settings, specs: list[str], targets: list[Target],
                 workdir: Path, logger: Logger | LoggerAdapter) -> None:
        self.settings, self.specs, self.workdir, self.logger = settings, specs, workdir, logger
        self._spec_of = {id(target): spec for target, spec in zip(targets, specs, strict=True)}
        self._deciding = threading.Lock()

    def prepare(self, name: str) -> Prepared:
        prepared = prepare_dataset(self.settings.project, name, self.workdir)
        self.logger.info("Datensatz geprüft: %s", name)
        return prepared

    def compare(self, prepared: Prepared, targets: list[Target]) -> Comparison:
        # compared before publishing, so the previous version is still the one online
        return compare_previous(prepared, prepared.result.name, self.specs,
                                self.settings.project)

    def decide(self, prepared: Prepared, gate: Gate, targets: list[Target]) -> bool:
        with self._deciding:
            return _approved(prepared, gate, targets, self.settings, self.logger)

    def publish(self, prepared: Prepared, target: Target) -> PublishOutcome:
        with distributed.portal_writes(target.label, prepared.result.name):
            state = publish_dataset(prepared, self._spec_of[id(target)], self.settings.project,
                                    return_state=True)
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, PipelineError):
            raise outcome
        if isinstance(outcome, BaseException):
            raise PipelineError(f"Interner Fehler beim Veröffentlichen "
                                f"({type(outcome).__name__}).", dataset=prepared.result.name)
        return outcome


def _approved(prepared: Prepared, gate: Gate, targets: list, settings: Settings,
              logger: Logger | LoggerAdapter) -> bool:
    """Whether a valid dataset is published now. A held dataset makes a deployment run (or any
    run with KENNZAHLEN_APPROVAL_WAIT=pause) wait for a decision; other runs go on without it."""
    assert prepared.bundle is not None
    result = prepared.result
    verdict = gate.check(result, prepared.bundle, targets)
    if verdict != "held" or not _waits(settings):
        return verdict == "publish"
    from prefect.exceptions import FlowPauseTimeout
    from prefect.flow_runs import pause_flow_run

    logger.warning("Datensatz %s zur Freigabe zurückgehalten. %s Der Lauf wartet bis zu %d s "
                   "auf eine Entscheidung („Resume“).", result.name, result.reason,
                   settings.approval_timeout)
    form = ApprovalDecision.with_initial_data(
        description=f"**{result.title or result.name}**: {result.reason}\n\n"
                    "approve veröffentlicht die zurückgehaltene Version, reject behält die "
                    "bisherige.")
    try:
        answer = pause_flow_run(wait_for_input=form, timeout=settings.approval_timeout,
                                poll_interval=settings.approval_poll,
                                key=f"approval-{result.name}")
    except FlowPauseTimeout:
        _run_again()
        decided = gate.store.decision_for(result.name, prepared.bundle.content_hash)
        logger.warning("Keine Entscheidung über %s im Lauf; die Version bleibt zurückgehalten.",
                       result.name)
        if decided and decided["decision"] == "approved":  # approved meanwhile on the CLI
            result.status = "valid"
            return True
        return False
    decision = "approved" if answer.decision == "approve" else "rejected"
    entry = gate.store.decide(result.name, decision, answer.by or "prefect", answer.comment)
    result.approval = {**(result.approval or {}), "decision": entry}
    result.status = "valid" if decision == "approved" else "rejected"
    return decision == "approved"


def _waits(settings: Settings) -> bool:
    if settings.approval_wait != "auto":
        return settings.approval_wait == "pause"
    from prefect.runtime import deployment

    return bool(deployment.id)


def _run_again() -> None:
    """After an unanswered pause the run goes on: set its state back to Running."""
    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext
    from prefect.states import Running

    context = FlowRunContext.get()
    if context and context.flow_run:
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(context.flow_run.id, Running(), force=True)
