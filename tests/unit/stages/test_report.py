from __future__ import annotations

import json
from pathlib import Path

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult, RunSummary
from flows.stages.report import write_reports


def _summary() -> RunSummary:
    bad = DatasetResult("b", "B", "invalid", problems=[
        problems.make("type-error", "Zeile 3, Feld 'anzahl': 'zwölf' ist keine ganze Zahl.",
                      dataset="b", file="b.csv", row=3, field="anzahl"),
        problems.make("extra-label", "Spalte 'x' wird nicht veröffentlicht.", severity="warning"),
    ])
    good = DatasetResult("a", "A", "published", outcomes=[PublishOutcome("local:/x", "published")],
                         rows={"r": 5})
    return RunSummary("20260101T000000Z", "2026-01-01T00:00:00+00:00", targets=["local:/x"],
                      results=[good, bad])


def test_reports_are_written_per_dataset_and_for_the_run(tmp_path: Path) -> None:
    summary = _summary()
    folder = write_reports(summary, tmp_path / "r")
    data = json.loads((folder / "summary.json").read_text())
    assert data["ok"] is False and data["counts"] == {"published": 1, "invalid": 1}
    assert data["datasets"][1]["reason"].startswith("Zeile 3")
    report = json.loads((folder / "b.json").read_text())
    assert report["problem_counts"] == {"extra-label": 1, "type-error": 1}
    assert report["problems"][0]["row"] == 3 and report["problems"][0]["field"] == "anzahl"
    assert "| b | nicht veröffentlicht (ungültig) | 1 | 1 |" in (folder / "summary.md").read_text()
