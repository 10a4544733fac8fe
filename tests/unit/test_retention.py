"""Retention: what is older than the declared age goes, the newest report of each dataset stays."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flows.run.retention import sweep

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def _run(out: Path, run_id: str, *datasets: str) -> Path:
    folder = out / "reports" / run_id
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text("{}", encoding="utf-8")
    (folder / "index.html").write_text("<html></html>", encoding="utf-8")
    for name in datasets:
        (folder / f"{name}.json").write_text("{}", encoding="utf-8")
        (folder / f"{name}.html").write_text("<html></html>", encoding="utf-8")
    return folder


def _held(out: Path, slug: str, held_at: datetime) -> Path:
    folder = out / "held" / slug
    (folder / "bundle").mkdir(parents=True)
    (folder / "bundle" / "daten.csv").write_text("a\n1\n", encoding="utf-8")
    (folder / "record.json").write_text(json.dumps(
        {"status": "held", "held_at": held_at.isoformat()}), encoding="utf-8")
    (folder / "decisions.json").write_text("[]", encoding="utf-8")
    (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    return folder


def _aged(path: Path, days: int) -> None:
    stamp = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


def test_old_reports_go_and_the_newest_of_each_dataset_stays(tmp_path: Path) -> None:
    oldest = _run(tmp_path, "20250101T000000Z", "kosten", "dienste")
    older = _run(tmp_path, "20250201T000000Z", "kosten")
    recent = _run(tmp_path, "20261201T000000Z", "bibliothek")
    latest = _run(tmp_path, "latest", "kosten")  # the report stage's copy of the newest run
    _aged(latest, 300)

    assert sweep(tmp_path, 90, NOW) == {"reports": 1, "held": 0, "caches": 0}
    # 'dienste' has no newer report: its files and the run's overview stay
    assert sorted(p.name for p in oldest.iterdir()) == [
        "dienste.html", "dienste.json", "index.html", "summary.json"]
    assert (older / "kosten.json").is_file() and (recent / "bibliothek.json").is_file()

    _run(tmp_path, "20261202T000000Z", "kosten", "dienste")
    assert sweep(tmp_path, 90, NOW)["reports"] == 2
    assert not oldest.exists() and not older.exists() and recent.exists() and latest.exists()


def test_a_shorter_age_removes_more(tmp_path: Path) -> None:
    _run(tmp_path, "20261101T000000Z", "kosten")
    _run(tmp_path, "20261201T000000Z", "kosten")
    assert sweep(tmp_path, 90, NOW)["reports"] == 0
    assert sweep(tmp_path, 30, NOW)["reports"] == 1


def test_expired_held_versions_lose_their_files_but_keep_their_decisions(tmp_path: Path) -> None:
    old = _held(tmp_path, "kosten", NOW - timedelta(days=120))
    new = _held(tmp_path, "dienste", NOW - timedelta(days=3))
    assert sweep(tmp_path, 90, NOW)["held"] == 1
    assert sorted(p.name for p in old.iterdir()) == ["decisions.json"]
    assert (new / "bundle" / "daten.csv").is_file() and (new / "record.json").is_file()


def test_cache_files_older_than_the_age_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "validation"
    cache.mkdir(parents=True)
    stale, fresh = cache / "kosten.kosten.aaa.json", cache / "dienste.dienste.bbb.json"
    stale.write_text("{}", encoding="utf-8")
    fresh.write_text("{}", encoding="utf-8")
    _aged(stale, 100)
    _aged(fresh, 10)
    report = tmp_path / "cache" / "progress" / "massnahmen" / "fortschrittsbericht.pdf"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"%PDF")
    _aged(report, 200)  # the last published progress report: state, not cache
    assert sweep(tmp_path, 90, NOW)["caches"] == 1
    assert not stale.exists() and fresh.exists() and report.exists()


def test_nothing_to_sweep_in_a_fresh_output_folder(tmp_path: Path) -> None:
    assert sweep(tmp_path / "out", 90, NOW) == {"reports": 0, "held": 0, "caches": 0}
