from __future__ import annotations

import json
from pathlib import Path

from flows.stages.report import write_reports
from tests.helpers import report_summary


def test_reports_are_written_per_dataset_and_for_the_run(tmp_path: Path) -> None:
    summary = report_summary()
    folder = write_reports(summary, tmp_path / "r")
    data = json.loads((folder / "summary.json").read_text())
    assert data["ok"] is False and data["counts"] == {"published": 1, "invalid": 1}
    assert data["datasets"][1]["reason"].startswith("Zeile 3")
    report = json.loads((folder / "b.json").read_text())
    assert report["problem_counts"] == {"extra-label": 1, "type-error": 1}
    assert report["problems"][0]["row"] == 3 and report["problems"][0]["field"] == "anzahl"
    assert "| b | nicht veröffentlicht (ungültig) | 1 | 1 |" in (folder / "summary.md").read_text()


def test_the_newest_run_is_also_at_a_stable_latest_address(tmp_path: Path) -> None:
    from flows.stages.report import refresh_latest

    first = write_reports(report_summary(), tmp_path / "reports" / "r1")
    latest = refresh_latest(first, tmp_path / "reports" / "latest")
    assert (latest / "index.html").read_bytes() == (first / "index.html").read_bytes()
    (first / "b.html").write_text("neuer Lauf", encoding="utf-8")
    refresh_latest(first, latest)
    assert (latest / "b.html").read_text(encoding="utf-8") == "neuer Lauf"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["latest", "r1"]
