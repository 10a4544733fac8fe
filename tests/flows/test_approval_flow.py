"""The nightly flow waits for a decision on a held dataset (pause_flow_run with RunInput)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.harness

SLUG = "fallzahlen-verwaltungsleistungen-musterstadt"
SERVICE = "Meldebescheinigung"


def _paused_run(name: str, timeout: float = 90) -> Any:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                name=FlowRunFilterName(any_=[name])))
            if runs and runs[0].state and runs[0].state.is_paused():
                return runs[0]
            time.sleep(0.5)
    raise AssertionError(f"flow run {name} did not pause within {timeout} s")


def _run_in_thread(catalog: Path, project: Path, run_id: str) -> tuple[threading.Thread, dict]:
    from flows.publish_all import nightly_publish

    outcome: dict[str, Any] = {}

    def target() -> None:
        outcome["state"] = nightly_publish(datasets=[SLUG], targets=[f"local:{catalog}"],
                                           project=str(project), run_id=run_id,
                                           return_state=True)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_held_dataset_waits_for_a_decision_given_on_resume(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, decision: str) -> None:
    from prefect.flow_runs import resume_flow_run

    from flows.adapters.local.target import LocalCatalog
    from flows.run import sequence
    from tests.helpers import double_month

    catalog = tmp_path / "katalog"
    assert sequence.process(project, SLUG, [LocalCatalog(catalog)], tmp_path / "w").status == (
        "published")
    before = (catalog / SLUG / "fallzahlen.csv").read_bytes()
    double_month(project)
    monkeypatch.setenv("KENNZAHLEN_APPROVAL_WAIT", "pause")
    monkeypatch.setenv("KENNZAHLEN_APPROVAL_POLL", "1")
    run_id = f"approval-{decision}"
    thread, outcome = _run_in_thread(catalog, project, run_id)
    paused = _paused_run(f"nightly-publish-{run_id}")
    held = Path(env["KENNZAHLEN_OUT"]) / "held" / SLUG
    assert json.loads((held / "record.json").read_text())["status"] == "held"
    assert (catalog / SLUG / "fallzahlen.csv").read_bytes() == before

    resume_flow_run(paused.id, run_input={"decision": decision, "comment": "geprüft",
                                          "by": "Frau Prüfer"})
    thread.join(timeout=120)
    assert not thread.is_alive()
    state = outcome["state"]
    assert state.is_completed()
    decisions = json.loads((held / "decisions.json").read_text())
    assert [(d["decision"], d["by"], d["comment"]) for d in decisions] == [
        ("approved" if decision == "approve" else "rejected", "Frau Prüfer", "geprüft")]
    summary = json.loads((Path(env["KENNZAHLEN_OUT"]) / f"reports/{run_id}/summary.json")
                         .read_text())
    rows = json.loads(_artifact(f"validation-{SLUG}-plausibility", paused.id).data)
    assert {"Kennzahl": f"Anzahl der Fälle, {SERVICE}, März 2025",
            "Auffällig": "ja, Freigabe nötig"} in [
                {k: row[k] for k in ("Kennzahl", "Auffällig")} for row in rows]
    if decision == "approve":
        assert state.message == "1 veröffentlicht"
        assert (catalog / SLUG / "fallzahlen.csv").read_bytes() == (
            held / "bundle" / "fallzahlen.csv").read_bytes() != before
    else:
        assert summary["datasets"][0]["status"] == "rejected"
        assert (catalog / SLUG / "fallzahlen.csv").read_bytes() == before
        markdown = _artifact(f"validation-{SLUG}", paused.id).data
        assert "abgelehnt" in markdown and "Frau Prüfer" in markdown


def _artifact(key: str, flow_run_id: Any) -> Any:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key])))
    mine = [a for a in found if a.flow_run_id == flow_run_id]
    assert mine, f"no artifact {key} in flow run {flow_run_id}"
    return mine[0]
