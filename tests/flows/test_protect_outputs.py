"""Seeded export: personal data is blocked, dropped or masked in *every* output of a run
(console, reports, catalog, Prefect logs and artifacts); small counts and formulas protected."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

SEEDED_PROJECT = FIXTURES / "projects" / "seeded"
SEEDED_VALUES = [
    "Erika Mustermann", "Max Mustermann", "erika.mustermann@example.org",
    "max.mustermann@example.net", "12.08.1964", "03.04.1971", "1964-08-12", "1971-04-03",
    "DE89 3704 0044 0532 0130 00", "DE02 1203 0000 0000 2020 51", "0176 12345678",
    "DE89370400440532013000", "Mustermann",
]


def _leaks(text: str) -> list[str]:
    return [value for value in SEEDED_VALUES if value.lower() in text.lower()]


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    project = tmp_path / "seeded"
    shutil.copytree(SEEDED_PROJECT, project)
    out = tmp_path / "out"
    monkeypatch.setenv("KENNZAHLEN_PROJECT", str(project))
    monkeypatch.setenv("KENNZAHLEN_OUT", str(out))
    monkeypatch.setenv("CKAN_API_TOKEN", "seeded-secret-token-0123456789")
    return {"project": project, "out": out}


def _all_files_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in folder.rglob("*") if p.is_file())


def test_every_output_of_a_run_is_free_of_the_seeded_values(
        prefect_harness: None, seeded: dict[str, Path]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.publish_all import nightly_publish

    exe = Path(sys.executable).with_name("kennzahlen")
    console = ""
    for args in (["validate", "faelle-roh", "faelle-aggregiert"],
                 ["validate", "--format", "json", "faelle-roh"], ["publish"]):
        done = subprocess.run([str(exe), *args], capture_output=True, text=True,
                              env=dict(os.environ), timeout=120)
        console += done.stdout + done.stderr
    state = nightly_publish(project=str(seeded["project"]), targets=["local"],
                            run_id="seeded-run", return_state=True)
    assert state.is_failed()  # faelle-roh is blocked
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(like_="faelle")))
        logs = []
        while batch := client.read_logs(log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), offset=len(logs)):
            logs += batch
    artifact_text = json.dumps([a.data for a in artifacts], ensure_ascii=False)
    log_text = "\n".join(entry.message for entry in logs)
    assert "faelle-roh" in artifact_text and "Datensatz" in log_text  # we did read them
    for name, text in {"console": console, "outputs": _all_files_text(seeded["out"]),
                       "artifacts": artifact_text, "logs": log_text}.items():
        assert _leaks(text) == [], name
        assert "seeded-secret-token-0123456789" not in text, name


def test_seeded_export_is_blocked_or_protected_exactly_as_declared(
        seeded: dict[str, Path]) -> None:
    from flows.run import batch
    from flows.settings import Settings

    summary = batch.run(Settings.from_env(), ["faelle-roh", "faelle-aggregiert"], ["local"])
    roh, aggregiert = summary.results
    assert roh.status == "invalid"
    flagged = {(p.row, p.field): p.details["kinds"] for p in roh.problems
               if p.code == "personal-data"}
    assert flagged == {(2, "bemerkung"): ["email"], (3, "bemerkung"): ["birth-date", "name"],
                       (4, "bemerkung"): ["iban"], (5, "bemerkung"): ["phone"]}
    dropped = {p.field for p in roh.problems if p.code == "extra-label"}
    assert dropped == {"Name", "E-Mail", "Geburtsdatum", "IBAN"}
    assert not (seeded["out"] / "catalog" / "faelle-roh").exists()

    assert aggregiert.status == "published"
    assert aggregiert.protection["faelle"] == {
        "suppressed_primary": 2, "suppressed_secondary": 2, "formulas_neutralised": 2,
        "personal_data_findings": 0, "audit_hidden_cells": 4, "audit_narrowest_width": 1}
    with (seeded["out"] / "catalog/faelle-aggregiert/faelle.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["anzahl"] for r in rows] == [".", ".", "25", ".", ".", "30"]
    assert rows[1]["bemerkung"].startswith("'=") and rows[4]["bemerkung"].startswith("'@")
    assert list(rows[0]) == ["monat", "leistung", "anzahl", "bemerkung"]


def test_validation_messages_never_echo_a_flagged_cell(tmp_path: Path) -> None:
    from flows.model.tables import Table
    from flows.specs.datasets import ProtectSpec, ResourceSpec, SourceSpec
    from flows.stages.protect import protect
    from flows.stages.validate import validate

    schema = {"fields": [{"name": "anzahl", "type": "integer"},
                         {"name": "notiz", "type": "string", "constraints": {"maxLength": 5}}]}
    res = ResourceSpec("r", "r.csv", "s", schema, SourceSpec(kind="csv", path=tmp_path),
                       ProtectSpec())
    table = Table(["anzahl", "notiz"], [["3", "Mail an erika.mustermann@example.org"]], [2])
    protection = protect(table, res, "d", "f")
    result = validate(table, res, "d", "f", masked=protection.masked)
    (too_long,) = [p for p in result.problems if p.code == "constraint-error"]
    assert "erika" not in too_long.message and "verborgen" in too_long.message
