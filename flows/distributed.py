"""Running on a Prefect server with several workers: locks held by the server and the fan-out
of a nightly run to one `publish-dataset` flow run per dataset.

- Locks: with a Prefect server (PREFECT_API_URL set), a dataset is compared, approved and
  published while its run holds the global concurrency limit `kennzahlen-dataset-<name>`
  (limit 1), and a write to a target holds a slot of `kennzahlen-portal-<target>` (limit
  KENNZAHLEN_PORTAL_WRITES, default 4). The server grants them for a lease of
  KENNZAHLEN_LEASE_SECONDS (default 300, at least 60) that the holder renews while it lives; a
  holder that is killed frees its slot when the lease runs out (the server checks every 15 s).
  A run waits up to KENNZAHLEN_LOCK_WAIT seconds (600) for a slot. Without a server the file
  locks in `<out>/locks` serialise runs on one machine (flows/run/locks.py).
- Fan-out: with KENNZAHLEN_FANOUT=deployment (or the flow parameter `fan_out`), the nightly run
  submits one run of the deployment `publish-dataset/publish-dataset` per dataset that changed,
  wave by wave (catalog.in_waves), and waits for them; each hands its result over in the shared
  output folder (flows/run/handover.py). A dataset run that stays pending or running for
  KENNZAHLEN_FANOUT_TIMEOUT seconds (default 3600; e.g. its worker was killed) is marked
  crashed and its dataset counted as failed; the next run publishes it.
- Heartbeats: a dataset run sends one every 30 s (PREFECT_FLOWS_HEARTBEAT_FREQUENCY of
  `publish-dataset` in prefect.yaml). The fan-out makes sure the server has the automation
  `CRASH_AUTOMATION` (Prefect's recipe for "zombie" flow runs, limited to the flow
  `publish-dataset`): a run whose heartbeats stop for KENNZAHLEN_HEARTBEAT_WINDOW seconds
  (default 90) without a final state is marked crashed by the server, so a run whose machine
  went down is given up after a minute and a half, not after the fan-out timeout. A run that
  dies before its first heartbeat is still caught by the timeout.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from flows.errors import ConfigError
from flows.model.results import DatasetResult
from flows.run import handover
from flows.run.locks import DatasetLock, LockTimeoutError, file_locks

DEPLOYMENT = "publish-dataset/publish-dataset"
"""The deployment a fanned-out nightly run submits (prefect.yaml)."""
FANOUT_MODES = ("", "off", "deployment")


def server_configured() -> bool:
    """Whether runs report to a Prefect server (PREFECT_API_URL), not an embedded one."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def fan_out_chosen(parameter: bool | None) -> bool:
    """Whether this nightly run fans out: the flow parameter `fan_out` if given, else
    KENNZAHLEN_FANOUT.

    Raises:
        ConfigError: an unknown KENNZAHLEN_FANOUT, or fan-out without a Prefect server.
    """
    mode = os.environ.get("KENNZAHLEN_FANOUT", "").strip().lower()
    if mode not in FANOUT_MODES:
        raise ConfigError(f"KENNZAHLEN_FANOUT ist '{mode}', erlaubt sind 'deployment' (ein "
                          "Flow-Lauf je Datensatz auf dem Work Pool) und 'off'.")
    chosen = parameter if parameter is not None else mode == "deployment"
    if chosen and not server_configured():
        raise ConfigError("Das Verteilen auf Worker (KENNZAHLEN_FANOUT=deployment) braucht einen "
                          "Prefect-Server: PREFECT_API_URL setzen, z. B. "
                          "http://127.0.0.1:4200/api.")
    return chosen


def _seconds(name: str, default: float, least: float = 1.0) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if value < least:
        raise ConfigError(f"{name} muss eine Zahl ab {least:g} sein (Sekunden), nicht {raw!r}.")
    return value


def _portal_writes() -> int:
    raw = os.environ.get("KENNZAHLEN_PORTAL_WRITES", "").strip() or "4"
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    raise ConfigError(f"KENNZAHLEN_PORTAL_WRITES muss eine ganze Zahl ab 1 sein (gleichzeitige "
                      f"Schreibvorgänge je Portal), nicht {raw!r}.")


def limit_name(kind: str, what: str) -> str:
    """The name of a global concurrency limit (Prefect forbids / % & < > in names)."""
    return f"kennzahlen-{kind}-" + re.sub(r"[^A-Za-z0-9._:-]+", "-", what)[:120]


def _ensure_limit(name: str, limit: int) -> None:
    """Create the global concurrency limit `name` unless it exists (Prefect 3.8 no longer
    creates a limit on first use; a slot of a missing limit would not be held at all)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
            return
        except ObjectNotFound:
            pass
        try:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=limit))
        except ObjectAlreadyExists:
            pass  # another run created it meanwhile


@contextmanager
def _server_slot(name: str, limit: int, what: str, dataset: str | None) -> Iterator[None]:
    import httpx
    from prefect.concurrency.asyncio import ConcurrencySlotAcquisitionError
    from prefect.concurrency.sync import concurrency

    lease = _seconds("KENNZAHLEN_LEASE_SECONDS", 300.0, least=60.0)
    wait = _seconds("KENNZAHLEN_LOCK_WAIT", 600.0)  # as long as the file lock waits
    with ExitStack() as stack:
        try:
            _ensure_limit(name, limit)
            stack.enter_context(concurrency(name, timeout_seconds=wait,
                                            lease_duration=lease, strict=True))
        except (TimeoutError, ConcurrencySlotAcquisitionError, httpx.HTTPError, OSError) as exc:
            # the wait ended, or the server cannot be reached or cannot grant the slot
            raise LockTimeoutError(
                f"{what}: die Sperre '{name}' beim Prefect-Server war nicht zu bekommen "
                f"({type(exc).__name__}); später erneut versuchen.", dataset=dataset) from None
        yield


def dataset_locks(out_dir: Path) -> DatasetLock:
    """The dataset lock of this run: held by the Prefect server if one is configured, else a
    file lock in `<out>/locks`."""
    if not server_configured():
        return file_locks(out_dir / "locks")
    return lambda name: _server_slot(limit_name("dataset", name), 1,
                                     f"Ein anderer Lauf veröffentlicht '{name}' gerade", name)


def portal_writes(label: str, dataset: str) -> AbstractContextManager[Any]:
    """A slot of the per-target write limit while `dataset` is written to target `label`
    (nothing to hold without a Prefect server)."""
    if not server_configured():
        return nullcontext()
    return _server_slot(limit_name("portal", label), _portal_writes(),
                        f"Zu viele gleichzeitige Schreibvorgänge nach {label}", dataset)


FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
DATASET_FLOW = "publish-dataset"
"""The name of the flow of flows/publish_dataset.py, which the heartbeat automation watches."""
CRASH_AUTOMATION = "kennzahlen: Datensatz-Lauf ohne Lebenszeichen"


def watch_heartbeats(client: Any, window: float) -> None:
    """Make sure the server marks a `publish-dataset` run as crashed when it sent a heartbeat
    but then neither another one nor a final state for `window` seconds (the automation
    `CRASH_AUTOMATION`, created once, made anew if its window differs). A server that refuses
    it leaves the fan-out timeout as the only watch; that is said in the log, not raised."""
    from datetime import timedelta

    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from prefect.logging import get_logger

    try:
        existing = client.read_automations_by_name(CRASH_AUTOMATION)
        if any(a.trigger.within == timedelta(seconds=window) for a in existing):
            return
        for automation in existing:
            client.delete_automation(automation.id)
        client.create_automation(AutomationCore(
            name=CRASH_AUTOMATION,
            description="Markiert einen Lauf von publish-dataset als abgestürzt, wenn er "
                        f"{window:g} s lang kein Lebenszeichen sendet (kennzahlen).",
            trigger=EventTrigger(
                after={"prefect.flow-run.heartbeat"},
                expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                        "prefect.flow-run.Failed", "prefect.flow-run.Cancelled",
                        "prefect.flow-run.Crashed"},
                match=ResourceSpecification({"prefect.resource.id": "prefect.flow-run.*"}),
                match_related=ResourceSpecification({"prefect.resource.role": "flow",
                                                     "prefect.resource.name": DATASET_FLOW}),
                for_each={"prefect.resource.id"},
                posture=Posture.Proactive, threshold=1, within=timedelta(seconds=window)),
            actions=[ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"Seit {window:g} s kein Lebenszeichen (Worker oder Rechner "
                        "ausgefallen?)")]))
    except Exception as exc:  # noqa: BLE001 - the timeout still watches every run
        get_logger("kennzahlen").warning(
            "Die Prefect-Automation '%s' ließ sich nicht anlegen (%s); abgestürzte "
            "Datensatz-Läufe werden erst nach KENNZAHLEN_FANOUT_TIMEOUT aufgegeben.",
            CRASH_AUTOMATION, type(exc).__name__)


def fan_out(waves: list[list[str]], parameters: dict[str, Any], run_folder: Path,
            taken_over: Any) -> Iterator[DatasetResult]:
    """Run every dataset of `waves` as its own flow run of `publish-dataset`, a wave after
    the previous one, and yield their results in order (`taken_over(name)`: the result of an
    unchanged dataset, which needs no flow run, or None). `parameters` go to every run.

    The runs are created as `run_deployment` creates them, with one client and one call each
    (without a linking task run per dataset), tagged `nightly-<run_id>`; one query a poll
    follows them all."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.runtime import flow_run

    parent = flow_run.id or parameters["run_id"]  # two runs never share a dataset's flow run
    stall = _seconds("KENNZAHLEN_FANOUT_TIMEOUT", 3600.0)
    poll = _seconds("KENNZAHLEN_FANOUT_POLL", 2.0, least=0.1)
    window = _seconds("KENNZAHLEN_HEARTBEAT_WINDOW", 90.0, least=10.0)
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(DEPLOYMENT)
        watch_heartbeats(client, window)
        for wave in waves:
            results: dict[str, DatasetResult] = {}
            waiting: dict[UUID, str] = {}
            for name in wave:
                reused = taken_over(name)
                if reused is not None:
                    results[name] = reused
                    continue
                run = client.create_flow_run_from_deployment(
                    deployment.id, parameters={**parameters, "dataset": name},
                    name=f"publish-{name}", tags=[f"nightly-{parameters['run_id']}"],
                    idempotency_key=f"{parent}-{name}")
                waiting[run.id] = name
            while waiting:
                runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=list(waiting))))
                for run in runs:
                    why = _finished(client, run, stall)
                    if why is not None:
                        name = waiting.pop(run.id)
                        results[name] = handover.read(run_folder, name) or handover.missing(
                            name, f"Der Flow-Lauf für '{name}' hat kein Ergebnis abgeliefert "
                                  f"({why}); der nächste Lauf versucht den Datensatz erneut.")
                if waiting:
                    time.sleep(poll)
            for name in wave:
                yield results[name]


def _finished(client: Any, run: Any, stall: float) -> str | None:
    """None while the flow run goes on; else how it ended (German, for the report). A run
    pending or running for longer than `stall` seconds is marked crashed."""
    from prefect.states import Crashed

    state = run.state
    if state is None:
        return None
    if state.type.value in FINAL:
        return f"Endzustand {state.name}"
    quiet = (datetime.now(UTC) - state.timestamp).total_seconds()
    if state.type.value in ("PENDING", "RUNNING") and quiet > stall:
        client.set_flow_run_state(run.id, Crashed(
            message=f"Seit {int(quiet)} s nicht fertig (Worker ausgefallen?)"), force=True)
        return f"seit {int(quiet)} s nicht fertig, als abgestürzt markiert"
    return None
