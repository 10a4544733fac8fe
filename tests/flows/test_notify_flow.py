"""The nightly flow under Prefect: the same notifications as on the command line, plus Prefect
events for automations and the publication record as an artifact."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FIXTURES, MONTHLY, double_month
from tests.notify_servers import PASSWORD, USER, body, smtp_server

pytestmark = pytest.mark.harness

INVALID = "digitalisierung-kosten"
TEAM = "opendata@musterstadt.example"


def _events(prefix: str, run_id: str, expected: int, timeout: float = 60) -> list[Any]:
    """The events of one run, once the server has received `expected` of them."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter

    deadline = time.monotonic() + timeout
    found: list[Any] = []
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            page = client.read_events(EventFilter(event=EventNameFilter(prefix=[prefix])),
                                      limit=50)
            found = [e for e in page.events if e.payload.get("run_id") == run_id]
            if len(found) >= expected:
                return found
            time.sleep(0.5)
    return found


def test_the_flow_sends_messages_emits_events_and_records_the_run(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.adapters.local.target import LocalCatalog
    from flows.publish_all import nightly_publish
    from flows.run import sequence

    catalog = tmp_path / "katalog"
    assert sequence.process(project, MONTHLY, [LocalCatalog(catalog)], tmp_path / "w").status == (
        "published")
    double_month(project)
    shutil.copy(FIXTURES / "kosten-invalid-bad-values.csv",
                project / "datapackages" / INVALID / "source" / "roadmap-kosten.csv")
    reports = Path(env["KENNZAHLEN_OUT"]) / "reports"
    for expired in ("20240101T000000Z", "20240201T000000Z"):  # the second is the newest: kept
        (reports / expired).mkdir(parents=True)
        (reports / expired / f"{MONTHLY}.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("KENNZAHLEN_APPROVAL_WAIT", "hold")
    monkeypatch.delenv("KENNZAHLEN_CHAT_WEBHOOK", raising=False)
    with smtp_server() as (port, box):
        for key, value in {"KENNZAHLEN_SMTP_HOST": "127.0.0.1", "KENNZAHLEN_SMTP_PORT": str(port),
                           "KENNZAHLEN_SMTP_SECURITY": "none", "KENNZAHLEN_SMTP_USER": USER,
                           "KENNZAHLEN_SMTP_PASSWORD": PASSWORD}.items():
            monkeypatch.setenv(key, value)
        state = nightly_publish(datasets=[MONTHLY, INVALID], targets=[f"local:{catalog}"],
                                project=str(project), run_id="notify-run", return_state=True)
    assert state.is_failed()  # the invalid dataset
    summary = json.loads((reports / "notify-run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["housekeeping"] == {"removed": {"reports": 1, "held": 0, "caches": 0},
                                       "notified": {"sent": 1, "failed": 0, "problems": []}}
    assert not (reports / "20240101T000000Z").exists() and (reports / "20240201T000000Z").exists()
    ((rcpts, message),) = box.messages
    assert rcpts == [TEAM] and "(Lauf notify-run)" in " ".join(message["Subject"].split())
    assert f"({MONTHLY}): wartet auf Freigabe" in body(message)
    assert f"({INVALID}): ungültig" in body(message)

    events = _events("kennzahlen.dataset.", "notify-run", 2)
    assert sorted((e.event, e.resource.id) for e in events) == [
        ("kennzahlen.dataset.held", f"kennzahlen.dataset.{MONTHLY}"),
        ("kennzahlen.dataset.invalid", f"kennzahlen.dataset.{INVALID}")]
    assert all(PASSWORD not in str(e.payload) for e in events)

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["publication-record"])))
    rows = max(artifacts, key=lambda a: a.created).data
    rows = json.loads(rows) if isinstance(rows, str) else rows
    assert [(r["Ereignis"], r["Datensatz"]) for r in rows] == [("held", MONTHLY)]
