"""A dataset run whose heartbeats stop is marked crashed by the Prefect server, through the
automation flows/distributed.py creates; against a real `prefect server start`.

The runs here are made through the API and their heartbeats sent as events, as a dataset run's
engine sends them (every 30 s at the least, which is too slow for a test); the work-pool test
(tests/integration/test_work_pool.py) runs real dataset runs with the automation in place."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from flows import distributed
from tests.prefect_server import prefect_server

pytestmark = pytest.mark.integration
WINDOW = 10.0  # the least a proactive trigger allows


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with prefect_server(tmp_path_factory.mktemp("prefect-home"), dict(os.environ)) as env, \
            temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}), \
            get_client(sync_client=True) as api:
        yield api


def _run(client: Any, flow_name: str) -> Any:
    """A flow run of a flow called `flow_name`, running."""
    from prefect import flow
    from prefect.states import Running

    @flow(name=flow_name)
    def stand_in() -> None:
        """Never called: names the flow the run belongs to."""

    return client.create_flow_run(stand_in, state=Running())


def _heartbeat(run: Any, flow_name: str) -> None:
    """The event a dataset run's engine sends (resource: the run; related: its flow)."""
    from prefect.events import Event
    from prefect.events.clients import get_events_client

    async def send() -> None:
        async with get_events_client() as events:
            await events.emit(Event(
                event="prefect.flow-run.heartbeat",
                resource={"prefect.resource.id": f"prefect.flow-run.{run.id}",
                          "prefect.resource.name": run.name},
                related=[{"prefect.resource.id": f"prefect.flow.{run.flow_id}",
                          "prefect.resource.role": "flow", "prefect.resource.name": flow_name}]))
    asyncio.run(send())


def _state(client: Any, run: Any) -> str:
    return client.read_flow_run(run.id).state.type.value


def test_the_automation_is_created_once_and_follows_the_window(client: Any) -> None:
    distributed.watch_heartbeats(client, 30)
    distributed.watch_heartbeats(client, 30)
    (only,) = client.read_automations_by_name(distributed.CRASH_AUTOMATION)
    assert only.trigger.within.total_seconds() == 30
    distributed.watch_heartbeats(client, WINDOW)
    (only,) = client.read_automations_by_name(distributed.CRASH_AUTOMATION)
    assert only.trigger.within.total_seconds() == WINDOW


def test_a_dataset_run_whose_heartbeats_stop_is_marked_crashed(client: Any) -> None:
    from prefect.states import Completed

    distributed.watch_heartbeats(client, WINDOW)
    dataset = distributed.DATASET_FLOW
    silent = _run(client, dataset)            # a heartbeat, then its machine is gone
    finished = _run(client, dataset)          # a heartbeat, then it completes
    never = _run(client, dataset)             # died before its first heartbeat
    other = _run(client, "another-flow")      # not kennzahlen's: left alone
    for run, flow_name in ((silent, dataset), (finished, dataset), (other, "another-flow")):
        _heartbeat(run, flow_name)
    client.set_flow_run_state(finished.id, Completed())

    deadline = time.monotonic() + 90
    while _state(client, silent) != "CRASHED":
        assert time.monotonic() < deadline, f"still {_state(client, silent)}"
        time.sleep(1)
    message = client.read_flow_run(silent.id).state.message
    assert "kein Lebenszeichen" in message
    time.sleep(WINDOW + 6)  # one more window and evaluation: nothing else changes
    assert _state(client, finished) == "COMPLETED"
    assert _state(client, never) == "RUNNING"  # the fan-out timeout gives it up
    assert _state(client, other) == "RUNNING"


def test_the_deployment_sends_heartbeats_the_window_can_see() -> None:
    import yaml

    from tests.helpers import ROOT

    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (dataset,) = [d for d in deployments["deployments"] if d["name"] == "publish-dataset"]
    every = int(dataset["work_pool"]["job_variables"]["env"]["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"])
    assert 30 <= every and 3 * every <= 90  # Prefect's least interval; three fit the default

