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


def test_two_runs_that_finish_at_once_both_refresh_latest(tmp_path: Path) -> None:
    """Workers of one night: each swaps in through folders of its own, the later one wins."""
    import threading

    from flows.stages.report import refresh_latest

    runs = [write_reports(report_summary(), tmp_path / "reports" / name) for name in ("a", "b")]
    for run in runs:
        (run / "who.txt").write_text(run.name, encoding="utf-8")
    errors: list[BaseException] = []

    def refresh(run: Path) -> None:
        try:
            for _ in range(30):
                refresh_latest(run, tmp_path / "reports" / "latest")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=refresh, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    latest = tmp_path / "reports" / "latest"
    assert (latest / "who.txt").read_text(encoding="utf-8") in ("a", "b")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["a", "b", "latest"]
