"""The nightly flow: every declared dataset, checked and published to the configured targets.

Deployed by `prefect.yaml` as `nightly-publish`; run locally by `kennzahlen run`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows import catalog, pipeline, runs
from flows.errors import PipelineError
from flows.pipeline import Prepared
from flows.settings import Settings, make_targets
from flows.stages.plausibility import Comparison
from flows.stages.report import STATUS_DE, RunSummary
from flows.tasks import (
    compare_previous,
    dataset_artifacts,
    prepare_dataset,
    publish_dataset,
    summary_artifact,
)


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"nightly-publish-{flow_run.parameters.get('run_id') or runs.new_run_id()}"


CONCURRENCY = int(os.environ.get("KENNZAHLEN_CONCURRENCY", "4"))
"""How many datasets the nightly flow works on at the same time."""


@flow(name="nightly-publish", flow_run_name=_run_name, validate_parameters=True,
      task_runner=ThreadPoolTaskRunner(max_workers=CONCURRENCY))
def nightly_publish(
    datasets: list[str] | None = None,
    targets: list[str] | None = None,
    project: str | None = None,
    run_id: str | None = None,
) -> State:
    """Check and publish datasets.

    Args:
        datasets: names of datasets to run; all declared ones if empty.
        targets: `local`, `local:<dir>` and/or `ckan`; default from KENNZAHLEN_TARGETS.
        project: folder with datapackages/ and schemas/; found from the working directory if empty.
        run_id: names the report folder; a timestamp if empty.
    """
    logger = get_run_logger()
    settings = Settings.from_env(Path(project) if project else None)
    specs = list(targets or settings.default_targets)
    checked = make_targets(specs, settings)  # fails fast on a missing token or unknown target
    names = list(datasets or catalog.dataset_names(settings.project))
    summary = RunSummary(run_id=run_id or runs.new_run_id(), started_at=runs.now(),
                         targets=[t.label for t in checked])
    with tempfile.TemporaryDirectory(prefix="kennzahlen-") as workdir:
        # every dataset runs as its own chain of tasks, up to CONCURRENCY at a time, so one slow
        # source does not hold the others; a dataset's publishing is serialised by its lock
        preparing = {prepare_dataset.submit(settings.project, name, Path(workdir)): name
                     for name in names}
        publishing: dict[str, tuple[Prepared, list[PrefectFuture]]] = {}
        for index, future in enumerate(as_completed(list(preparing)), start=1):
            prepared, name = future.result(), preparing[future]
            logger.info("Datensatz %d von %d geprüft: %s", index, len(names), name)
            pending = []
            if prepared.bundle is not None and specs:
                # compared before publishing, so the previous version is still the one online
                comparing = compare_previous.submit(prepared, name, specs, settings.project)
                pending = [comparing] + [
                    publish_dataset.submit(prepared, spec, settings.project, wait_for=[comparing])
                    for spec in specs]
            publishing[name] = (prepared, pending)
        for index, name in enumerate(names, start=1):
            prepared, pending = publishing[name]
            for outcome_future in pending:
                _record(prepared, outcome_future, name)
            result = pipeline.finish(prepared)
            summary.results.append(result)
            logger.info("Datensatz %d von %d: %s – %s", index, len(names), name,
                        STATUS_DE.get(result.status, result.status))
            dataset_artifacts(result)
    folder = runs.close(summary, settings, checked)
    summary_artifact(summary)
    logger.info("Berichte: %s", folder)
    message = ", ".join(f"{count} {STATUS_DE.get(s, s)}" for s, count in summary.counts().items())
    if summary.ok:
        return Completed(message=message, data=summary.to_dict())
    return Failed(message=message, data=summary.to_dict())


def _record(prepared: Prepared, future: PrefectFuture, name: str) -> None:
    future.wait()
    outcome = future.state.result(raise_on_failure=False)
    if isinstance(outcome, Comparison):
        pipeline.record_comparison(prepared, outcome)
    elif isinstance(outcome, PipelineError):
        pipeline.record_failure(prepared, outcome)
    elif isinstance(outcome, BaseException):
        pipeline.record_failure(prepared, PipelineError(
            f"Interner Fehler beim Veröffentlichen ({type(outcome).__name__}).", dataset=name))
    else:
        prepared.result.outcomes.append(outcome)
