"""One dataset as its own flow run: what the nightly flow does per dataset (prepare → compare →
approval gate → publish), for a nightly run that fans out to a work pool (flows/distributed.py).

Deployed by `prefect.yaml` as `publish-dataset`; the nightly run submits one run per dataset and
reads the result this run hands over in the shared output folder (flows/run/handover.py).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed, State

from flows import distributed
from flows.model.results import OK_STATUSES, STATUS_DE
from flows.publish_all import TaskSteps, quiet_task_runs
from flows.run import batch, handover, sequence
from flows.run.targets import make_targets
from flows.run.unchanged import Unchanged
from flows.settings import Settings
from flows.tasks import dataset_artifacts, load_secret_block


@flow(name=distributed.DATASET_FLOW, flow_run_name="publish-{dataset}", validate_parameters=True)
def publish_one(
    dataset: str,
    run_id: str,
    targets: list[str] | None = None,
    project: str | None = None,
    out: str | None = None,
) -> State:
    """Check and publish one dataset for the nightly run `run_id`.

    Args:
        dataset: the dataset's name.
        run_id: the nightly run this dataset belongs to (its report folder).
        targets: `local`, `local:<dir>` and/or `ckan`; default from KENNZAHLEN_TARGETS.
        project: folder with datapackages/ and schemas/; found from the working directory if empty.
        out: the shared output folder (reports, held versions, caches); KENNZAHLEN_OUT if empty.
    """
    if out:  # the nightly run's folder wins, so its result is found where the nightly run looks
        os.environ["KENNZAHLEN_OUT"] = out  # a worker runs each flow run in its own process
    logger = get_run_logger()
    settings = Settings.from_env(Path(project) if project else None,
                                 load_block=load_secret_block)
    specs = list(targets or settings.default_targets)
    checked = make_targets(specs, settings)
    gate = batch.approval_gate(settings, run_id, specs)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-") as workdir, quiet_task_runs():
        steps = TaskSteps(settings, specs, checked, Path(workdir), logger)
        result = sequence.run_dataset(dataset, checked, steps, gate,
                                      distributed.dataset_locks(settings.out_dir),
                                      Unchanged.for_project(settings.project))
    handover.write(batch.report_dir(settings, run_id), result)
    dataset_artifacts(result)
    status = STATUS_DE.get(result.status, result.status)
    logger.info("Datensatz %s: %s", dataset, status)
    if result.status not in OK_STATUSES | {"held"}:  # as RunSummary.ok counts
        return Failed(message=f"{dataset}: {status}")
    return Completed(message=f"{dataset}: {status}")
