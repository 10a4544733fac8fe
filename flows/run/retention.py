"""Retention: reports, held versions and caches older than the declared age are removed at the
start of a run (`operations.retention_days` in catalog.yaml, default 90 days), because they may
describe personal data and should not pile up for years.

- Reports (`<out>/reports/<run-id>/`): a run folder whose run is older is removed, except the
  newest report of each dataset, which is always kept (its files stay, with the run's overview).
- Held versions (`<out>/held/<slug>/`): a version held or decided longer ago loses its files and
  reports; `decisions.json` stays, so rejected data are still not asked about again.
- Caches (`<out>/cache/`): files not written for longer are removed (validation results, OParl
  objects; a missing entry only costs a fresh read). `cache/progress/` is kept: it holds the
  last published progress report, and making it again would publish a new version.

The publication record (`publications.jsonl`) is never touched.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flows.run.record import RUN_ID_FORMAT
from flows.stages.report import LATEST

RUN_FILES = ("summary.json", "summary.md", "index.html")
KEPT_CACHES = ("progress",)
"""Cache folders that hold the state of a publication, not a cache (see module docstring)."""


def sweep(out_dir: Path, days: int, now: datetime | None = None) -> dict[str, int]:
    """Remove what is older than `days`; returns how many reports, held versions and cache
    files were removed."""
    limit = (now or datetime.now(UTC)) - timedelta(days=days)
    return {"reports": _reports(out_dir / "reports", limit),
            "held": _held(out_dir / "held", limit),
            "caches": _caches(out_dir / "cache", limit)}


def run_folders(reports: Path) -> list[Path]:
    """The report folders of runs: not `latest` (a copy of the newest run, kept by the report
    stage) nor a folder being swapped in (`.latest.*`)."""
    if not reports.is_dir():
        return []
    return [p for p in reports.iterdir()
            if p.is_dir() and p.name != LATEST and not p.name.startswith(".")]


def _run_time(folder: Path) -> datetime:
    try:
        return datetime.strptime(folder.name, RUN_ID_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(folder.stat().st_mtime, UTC)


def _reports(root: Path, limit: datetime) -> int:
    """Dataset reports removed (a `<slug>.json` with its page)."""
    runs = sorted(run_folders(root), key=_run_time)
    newest: dict[str, Path] = {}
    for run in runs:
        for report in run.glob("*.json"):
            if report.name not in RUN_FILES:
                newest[report.stem] = run
    keep = set(newest.values())
    removed = 0
    for run in runs:
        if _run_time(run) >= limit:
            continue
        reports = [p for p in run.glob("*.json") if p.name not in RUN_FILES]
        if run not in keep:
            removed += len(reports)
            shutil.rmtree(run, ignore_errors=True)
            continue
        for report in reports:
            if newest[report.stem] != run:
                report.unlink(missing_ok=True)
                report.with_suffix(".html").unlink(missing_ok=True)
                removed += 1
    return removed


def _held(root: Path, limit: datetime) -> int:
    if not root.is_dir():
        return 0
    removed = 0
    for folder in (p for p in root.iterdir() if p.is_dir()):
        record = folder / "record.json"
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            when = datetime.fromisoformat((data.get("decision") or {}).get("at")
                                          or data["held_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if when >= limit:
            continue
        shutil.rmtree(folder / "bundle", ignore_errors=True)
        for name in ("record.json", "report.html", "report.json"):
            (folder / name).unlink(missing_ok=True)
        removed += 1
    return removed


def _caches(root: Path, limit: datetime) -> int:
    if not root.is_dir():
        return 0
    removed = 0
    kept = [root / name for name in KEPT_CACHES]
    for item in sorted(root.rglob("*"), reverse=True):
        if any(item.is_relative_to(folder) for folder in kept):
            continue
        if item.is_file() and datetime.fromtimestamp(item.stat().st_mtime, UTC) < limit:
            item.unlink(missing_ok=True)
            removed += 1
    return removed
