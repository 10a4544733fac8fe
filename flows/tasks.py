"""The only Prefect tasks: retries, retry conditions, artifacts and Secret blocks live here; the
logic lives in flows/run and flows/stages."""

from __future__ import annotations

import threading
from logging import Logger, LoggerAdapter
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE

from flows.errors import TransientError
from flows.model.bundle import PublishOutcome
from flows.model.results import Comparison, DatasetResult, RunSummary
from flows.run import sequence
from flows.run.notify import Event
from flows.run.prepare import Prepared, prepare
from flows.run.targets import make_targets
from flows.run.throughput import RowsRead
from flows.settings import Settings
from flows.stages.publish import publish
from flows.stages.report_text import (
    PLAUSIBILITY_HEADERS,
    markdown_dataset,
    markdown_summary,
    plausibility_rows,
)


def load_secret_block(name: str) -> str:
    """The value of the Prefect Secret block `name` (the only place that reads Secret blocks;
    `Secrets` below the flow layer is handed this function)."""
    from prefect.blocks.system import Secret

    return str(Secret.load(name).get())


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only what may succeed later (timeouts, 5xx, 429); never a 4xx or bad data."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is terminal by definition
        return False
    return False


@task(name="prepare-dataset", task_run_name="prepare-{name}", cache_policy=NO_CACHE,
      persist_result=False)
def prepare_dataset(project: Path, name: str, workdir: Path) -> Prepared:
    """Load, collect, transform, validate and bundle one dataset (never raises for bad data);
    source credentials are read here, so none travels as a task parameter."""
    settings = Settings.from_env(project, load_block=load_secret_block)
    return prepare(project, name, workdir, settings.secrets)


@task(name="compare-previous", task_run_name="compare-{name}", cache_policy=NO_CACHE,
      persist_result=False)
def compare_previous(prepared: Prepared, name: str, target_specs: list[str],
                     project: Path) -> Comparison:
    """Compare one valid dataset with its last publication on the targets (warnings only; a
    target that cannot be read is reported, not raised)."""
    settings = Settings.from_env(project, load_block=load_secret_block)
    return sequence.compare_previous(prepared, make_targets(target_specs, settings))


@task(name="publish-dataset", task_run_name="publish-{target_spec}", cache_policy=NO_CACHE,
      persist_result=False, retries=1, retry_delay_seconds=60,
      retry_condition_fn=retry_if_transient)
def publish_dataset(prepared: Prepared, target_spec: str, project: Path) -> PublishOutcome:
    """Publish one valid dataset to one target; the target is built here from the environment,
    so no secret travels as a task parameter. The CKAN adapter already retries transient
    failures within CKAN_RETRY_BUDGET; Prefect tries once more a minute later (a portal restart).
    The dataset's lock is held by the sequence that calls this task (flows/run/sequence.py)."""
    settings = Settings.from_env(project, load_block=load_secret_block)
    (target,) = make_targets([target_spec], settings)
    assert prepared.bundle is not None, "only valid, bundled datasets are published"
    return publish(prepared.bundle, prepared.validations, target)


def dataset_artifacts(result: DatasetResult) -> None:
    key = f"validation-{result.name}"
    create_markdown_artifact(key=key, markdown=markdown_dataset(result),
                             description=f"Prüfbericht {result.title or result.name}")
    if result.problems:
        rows = [{"Code": p.code, "Zeile": p.row or "", "Feld": p.field or "", "Meldung": p.message}
                for p in result.problems[:200]]
        create_table_artifact(key=f"{key}-problems", table=rows,
                              description=f"Probleme in {result.name}")
    if result.plausibility:
        create_table_artifact(
            key=f"{key}-plausibility",
            table=[dict(zip(PLAUSIBILITY_HEADERS, row, strict=True))
                   for row in plausibility_rows(result)],
            description=f"Vergleich mit der letzten Veröffentlichung: {result.name}")


def summary_artifact(summary: RunSummary) -> None:
    create_markdown_artifact(key="run-summary", markdown=markdown_summary(summary),
                             description="Zusammenfassung des Laufs")


def record_artifact(entries: list[dict[str, Any]], run_id: str) -> None:
    """The publications and decisions of this run as a table artifact (the full record is
    `<out>/publications.jsonl`)."""
    rows = [{"Ereignis": e.get("event", ""), "Datensatz": e.get("dataset", ""),
             "Stand": e.get("version", ""), "Ziel": e.get("target", ""), "Zeit": e.get("at", ""),
             "Entscheidung": (e.get("approval") or {}).get("by", "")}
            for e in entries if e.get("run_id") == run_id]
    create_table_artifact(key="publication-record", table=rows,
                          description=f"Veröffentlichungen und Entscheidungen, Lauf {run_id}")


def emit_run_events(events: list[Event]) -> None:
    """The run's notifications as Prefect events (`kennzahlen.dataset.<kind>`), so Prefect
    automations can act on them; without a Prefect server they go nowhere."""
    from prefect.events import emit_event

    for event in events:
        emit_event(event=f"kennzahlen.dataset.{event.kind}",
                   resource={"prefect.resource.id": f"kennzahlen.dataset.{event.dataset}",
                             "prefect.resource.name": event.title},
                   payload=event.payload())


class ProgressBoard:
    """The progress of a nightly run in Prefect: one progress artifact (datasets done of all)
    whose description names the last finished dataset and, while a large resource is read, its
    rows per second; the same lines go to the run's log."""

    def __init__(self, total: int, logger: Logger | LoggerAdapter) -> None:
        self.total, self.done, self.logger = total, 0, logger
        self._lock = threading.Lock()
        self._id = create_progress_artifact(0.0, key="nightly-progress",
                                            description=f"0 von {total} Datensätzen fertig")

    def dataset_done(self, name: str, status: str) -> None:
        with self._lock:
            self.done += 1
            self._update(f"{self.done} von {self.total} Datensätzen fertig; zuletzt {name}: "
                         f"{status}")

    def rows(self, item: RowsRead) -> None:
        """A sink for `flows.run.throughput.reporting` (called from the dataset threads)."""
        self.logger.info("%s", item.text())
        with self._lock:
            self._update(f"{self.done} von {self.total} Datensätzen fertig; {item.text()}")

    def _update(self, description: str) -> None:
        share = 100.0 * self.done / self.total if self.total else 100.0
        update_progress_artifact(self._id, share, description=description)
