"""The nightly flow under one Prefect test harness per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from prefect import flow

from flows.errors import NotAuthorizedError, TransientError
from tests.helpers import FIXTURES, ROOT

pytestmark = pytest.mark.harness


def test_flow_publishes_valid_datasets_and_reports_the_invalid_one(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    from flows.publish_all import nightly_publish

    shutil.copy(FIXTURES / "fallzahlen-invalid-non-numeric-count.csv",
                project / "datapackages/fallzahlen-verwaltungsleistungen/source/fallzahlen.csv")
    catalog = tmp_path / "katalog"
    three = ["digitalisierung-kosten", "digitalstrategie-massnahmen",
             "fallzahlen-verwaltungsleistungen-musterstadt"]
    state = nightly_publish(datasets=three, targets=[f"local:{catalog}"], project=str(project),
                            run_id="test-run", return_state=True)
    assert state.is_failed()
    assert "2 veröffentlicht" in state.message and "1 nicht veröffentlicht" in state.message
    summary = json.loads((Path(env["KENNZAHLEN_OUT"]) / "reports/test-run/summary.json")
                         .read_text())
    statuses = {d["dataset"]: d["status"] for d in summary["datasets"]}
    assert statuses == {"digitalisierung-kosten": "published",
                        "digitalstrategie-massnahmen": "published",
                        "fallzahlen-verwaltungsleistungen-musterstadt": "invalid"}
    assert (catalog / "digitalisierung-kosten/kosten.csv").is_file()
    assert not (catalog / "fallzahlen-verwaltungsleistungen-musterstadt").exists()
    assert (catalog / "index.html").is_file()
    with get_client(sync_client=True) as client:
        keys = {a.key for a in client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(like_="validation-")))}
        summary_artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["run-summary"])))
        progress = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["nightly-progress"]),
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    assert [(p.type, p.data) for p in progress] == [("progress", 100.0)]
    assert progress[0].description.startswith("3 von 3 Datensätzen fertig")
    assert {"validation-digitalisierung-kosten",
            "validation-fallzahlen-verwaltungsleistungen-musterstadt",
            "validation-fallzahlen-verwaltungsleistungen-musterstadt-problems"} <= keys
    assert "fallzahlen-verwaltungsleistungen-musterstadt" in summary_artifacts[0].data

    again = nightly_publish(datasets=["digitalisierung-kosten"], targets=[f"local:{catalog}"],
                            project=str(project), run_id="test-run-2", return_state=True)
    assert again.is_completed() and again.message == "1 unverändert"


def test_publish_dataset_retries_only_transient_errors(
        prefect_harness: None, env: dict[str, str], project: Path,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The real publish task: one more try a minute later, only for a transient failure."""
    from types import SimpleNamespace

    from flows import tasks

    real = tasks.publish_dataset
    assert (real.retries, real.retry_delay_seconds) == (1, 60)
    assert real.retry_condition_fn is not None
    fast = real.with_options(retry_delay_seconds=0)  # same task, no minute's wait
    assert (fast.retries, fast.retry_condition_fn) == (real.retries, real.retry_condition_fn)
    failures: list[Exception] = []
    calls: list[str] = []

    def publish(bundle: object, validations: object, target: object) -> str:
        calls.append(type(target).__name__)
        if failures:
            raise failures.pop(0)
        return "ok"

    monkeypatch.setattr(tasks, "publish", publish)
    prepared = SimpleNamespace(bundle=object(), validations=[])

    @flow
    def once(errors: list[Exception]) -> tuple[bool, str | None]:
        failures[:] = errors
        calls.clear()
        state = fast(prepared, f"local:{tmp_path / 'katalog'}", project, return_state=True)
        return state.is_completed(), state.result() if state.is_completed() else None

    assert once([TransientError("HTTP 503")]) == (True, "ok")
    assert calls == ["LocalCatalog", "LocalCatalog"]
    assert once([NotAuthorizedError("HTTP 403")]) == (False, None)
    assert len(calls) == 1
    assert once([TransientError("HTTP 503"), TransientError("HTTP 503")]) == (False, None)
    assert len(calls) == 2  # retries=1: one more try, not more


def test_prefect_yaml_deploys_the_same_flow_nightly_in_berlin_time() -> None:
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = [d for d in config["deployments"] if d["name"] == "nightly-publish"]
    loaded = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
    assert loaded.name == "nightly-publish"
    (schedule,) = deployment["schedules"]
    assert schedule["timezone"] == "Europe/Berlin"
    hour = int(schedule["cron"].split()[1])
    assert 0 <= hour <= 5
    assert "token" not in (ROOT / "prefect.yaml").read_text().lower().replace(
        "ckan_api_token", "")


def test_datasets_run_concurrently_so_a_slow_source_does_not_hold_the_others(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path) -> None:
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from flows.publish_all import nightly_publish

    answer = (project / "datapackages/online-dienste/source/plattform-antwort.json").read_bytes()
    spans: dict[str, list[float]] = {}

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            spans[self.path] = [time.monotonic()]
            time.sleep(1.5)
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            spans[self.path].append(time.monotonic())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    names = []
    for number in (1, 2):
        name = f"online-dienste-{number}"
        shutil.copytree(project / "datapackages/online-dienste", project / "datapackages" / name)
        descriptor = project / "datapackages" / name / "datapackage.yaml"
        data = yaml.safe_load(descriptor.read_text())
        data["name"] = name
        descriptor.write_text(yaml.safe_dump(data, allow_unicode=True))
        internal = project / "datapackages" / name / "dataset.yaml"
        internal.write_text(internal.read_text().replace(
            "path: source/plattform-antwort.json",
            f"url: http://127.0.0.1:{server.server_address[1]}/api/{number}"))
        names.append(name)
    try:
        state = nightly_publish(datasets=names, targets=[f"local:{tmp_path / 'k'}"],
                                project=str(project), run_id="parallel", return_state=True)
    finally:
        server.shutdown()
    assert state.is_completed(), state.message
    (start_1, end_1), (start_2, end_2) = spans["/api/1"], spans["/api/2"]
    assert start_2 < end_1 and start_1 < end_2  # both sources were read at the same time


def test_flow_compares_with_the_last_publication_before_publishing(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.publish_all import nightly_publish

    name = "digitalisierung-kosten"
    catalog = tmp_path / "katalog"
    first = nightly_publish(datasets=[name], targets=[f"local:{catalog}"], project=str(project),
                            run_id="vergleich-1", return_state=True)
    assert first.is_completed()
    reports = Path(env["KENNZAHLEN_OUT"]) / "reports"
    assert json.loads((reports / f"vergleich-1/{name}.json").read_text())["plausibility"] == []
    source = project / f"datapackages/{name}/source/roadmap-kosten.csv"
    text = source.read_bytes().decode("cp1252").splitlines(keepends=True)
    source.write_bytes("".join(text[:-3]).encode("cp1252"))  # the export lost its last rows
    second = nightly_publish(datasets=[name], targets=[f"local:{catalog}"], project=str(project),
                             run_id="vergleich-2", return_state=True)
    assert second.is_completed()
    report = json.loads((reports / f"vergleich-2/{name}.json").read_text())
    row_count = report["plausibility"][0]
    assert (row_count["kind"], row_count["old"], row_count["new"], row_count["exceeds"]) == (
        "row-count", 7, 4, True)
    assert "plausibility-row-count" in report["problem_counts"]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"validation-{name}"])))
    assert any("| kosten | Anzahl Zeilen | 7 | 4 | -42,9 % |" in a.data for a in artifacts)
