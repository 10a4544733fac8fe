"""A case-level export declared the careless ways a data steward might: no seeded value in any
file or output of a run.

The export (tests/fixtures/projects/careless/source/faelle.csv) holds names, e-mail addresses,
birth dates, IBANs with wrong check digits, phone numbers, addresses and free-text remarks
("Mustermann, Max", "* 12.08.1964", "Geburtstag 1995-11-17", "Antrag von J?rgen Schmidt" …);
`seeded.json` lists every seeded value. Six declarations read it: all columns as they are
(`naiv`), personal columns dropped but the birth date kept under a neutral name and the remarks
kept (`nachlaessig`), every column renamed to a neutral name (`umbenannt`), a wrong date format
so that every date is a type error (`datumsformat`), aggregated counts (`aggregiert`) and only the
non-personal columns, one row per case (`einzelfaelle`).

Then the CLI (validate as text and JSON, publish) and the nightly flow under the Prefect harness
run, and every file they write (reports, summary, validation cache, catalog, the harness's
Prefect database) and everything they print is searched for every seeded value.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

CARELESS = FIXTURES / "projects" / "careless"
DATASETS = ["naiv", "nachlaessig", "umbenannt", "datumsformat", "aggregiert", "einzelfaelle"]
BLOCKED = {"naiv", "nachlaessig", "umbenannt", "datumsformat"}


def seeded_values() -> list[str]:
    """Every seeded value, also as written without spaces and separators (IBAN, phone)."""
    seeded = json.loads((CARELESS / "seeded.json").read_text(encoding="utf-8"))
    values = {v for found in seeded.values() for v in found}
    values |= {re.sub(r"[\s/+-]", "", v) for v in seeded["iban"] + seeded["phone"]}
    return sorted(values)


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in seeded_values() if value.lower() in lowered]


def files_text(folder: Path, since: float = 0.0) -> dict[str, str]:
    """Every file under `folder` (changed since `since`) as text, bytes decoded leniently."""
    return {str(p): p.read_bytes().decode("utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime >= since}


@pytest.fixture
def careless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    project = tmp_path / "careless"
    shutil.copytree(CARELESS, project)
    out = tmp_path / "out"
    monkeypatch.setenv("KENNZAHLEN_PROJECT", str(project))
    monkeypatch.setenv("KENNZAHLEN_OUT", str(out))
    for key in ("CKAN_URL", "CKAN_API_TOKEN", "KENNZAHLEN_TARGETS"):
        monkeypatch.delenv(key, raising=False)
    return {"project": project, "out": out}


def test_no_seeded_value_in_any_file_or_output(prefect_harness: None,
                                              careless: dict[str, Path],
                                              capfd: pytest.CaptureFixture[str]) -> None:
    import prefect.settings
    from prefect.logging.handlers import APILogHandler

    from flows.publish_all import nightly_publish

    started = time.time() - 1
    exe = Path(sys.executable).with_name("kennzahlen")
    console = ""
    for args in (["validate", *DATASETS], ["validate", "--format", "json", *DATASETS],
                 ["publish", *DATASETS]):
        done = subprocess.run([str(exe), *args], capture_output=True, text=True,
                              env=dict(os.environ), timeout=300)
        console += done.stdout + done.stderr
    assert "umbenannt" in console and "Zeile" in console  # we did read the messages
    state = nightly_publish(project=str(careless["project"]), targets=["local"],
                            run_id="careless-run", return_state=True)
    assert state.is_failed()  # the blocked declarations fail the run
    APILogHandler().flush()
    captured = capfd.readouterr()
    database = Path(prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
                    .split(":///", 1)[1])
    outputs = {"console": console, "captured stdout/stderr": captured.out + captured.err}
    outputs |= files_text(careless["out"])
    outputs |= files_text(database.parent)
    storage = Path(prefect.settings.PREFECT_LOCAL_STORAGE_PATH.value())
    if storage.is_dir():
        outputs |= files_text(storage, since=started)
    outputs |= {k: v for k, v in files_text(careless["project"], since=started).items()
                if "/source/" not in k}
    assert any("summary.md" in name for name in outputs)
    assert any("prefect-test.db" in name for name in outputs)
    assert "careless-run" in outputs[str(database)] or any(
        "careless-run" in text for name, text in outputs.items() if "prefect-test" in name)
    found = {name: leaks(text) for name, text in outputs.items() if leaks(text)}
    _forget_artifacts(state.state_details.flow_run_id)
    assert found == {}


def _forget_artifacts(flow_run_id: object) -> None:
    """Remove this run's artifacts from the session's harness: other flow tests read the
    latest run summary."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        for artifact in client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))):
            client.delete_artifact(artifact.id)


def test_each_declaration_is_blocked_or_published_as_it_should(
        careless: dict[str, Path]) -> None:
    from flows.run import batch
    from flows.settings import Settings

    summary = batch.run(Settings.from_env(), DATASETS, ["local"])
    status = {r.name: r.status for r in summary.results}
    assert {n for n, s in status.items() if s == "invalid"} == BLOCKED
    assert status["aggregiert"] == status["einzelfaelle"] == "published"
    results = {r.name: r for r in summary.results}
    kinds = {(p.field, k) for p in results["umbenannt"].problems if p.code == "personal-data"
             for k in p.details["kinds"]}
    assert {("feld1", "name"), ("feld2", "email"), ("feld3", "birth-date"), ("feld4", "iban"),
            ("feld5", "phone"), ("feld6", "address")} <= kinds
    assert {k for f, k in kinds if f == "feld7"} == {"name", "email", "birth-date", "iban",
                                                     "phone", "address"}
    datum = [p for p in results["nachlaessig"].problems if p.field == "datum"]
    assert len(datum) > 1 and all(p.details.get("kinds") == ["birth-date"] for p in datum
                                  if p.row)
    warned = [p for p in results["einzelfaelle"].problems if p.code == "case-level-data"]
    assert len(warned) == 1 and "aggregate" in warned[0].hint
    type_errors = [p for p in results["datumsformat"].problems if p.code == "type-error"]
    assert type_errors and all("«" in p.message for p in type_errors)
