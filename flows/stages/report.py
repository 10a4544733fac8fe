"""Report: what happened to each dataset, as JSON for machines and German pages for staff.

Writes, per run, `<slug>.json` and `<slug>.html` for every dataset plus `summary.json`,
`summary.md` and `index.html` into the run's report folder; `refresh_latest` keeps a copy of
the newest run at a stable address (`reports/latest/`). The text and markdown come from
`report_text` (also used for Prefect artifacts by the flow layer), the pages from `report_html`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flows.model.results import RunSummary
from flows.stages.report_html import dataset_page, run_page
from flows.stages.report_text import markdown_summary


def write_reports(summary: RunSummary, directory: Path) -> Path:
    """Write every dataset report and the run summary.

    Args:
        summary: the run with every dataset's result.
        directory: the run's report folder (created if needed); existing files are replaced.

    Returns:
        `directory`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for result in summary.results:
        _write_json(directory / f"{result.name}.json", result.to_dict())
    _write_json(directory / "summary.json", summary.to_dict())
    (directory / "summary.md").write_text(markdown_summary(summary), encoding="utf-8")
    for result in summary.results:
        (directory / f"{result.name}.html").write_text(dataset_page(result, directory.resolve()),
                                                       encoding="utf-8")
    (directory / "index.html").write_text(run_page(summary), encoding="utf-8")
    return directory


LATEST = "latest"
"""The folder in reports/ that holds a copy of the newest run (not a run of its own)."""


def refresh_latest(directory: Path, latest: Path) -> Path:
    """Copy the run's reports to `latest` (a stable address for the newest run), swapped in
    by rename so a reader never sees a half-written folder. Two runs that finish at once
    (workers of one night) each swap in through folders of their own; the later swap wins.

    Returns:
        `latest`.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{latest.name}.", dir=latest.parent))
    shutil.copytree(directory, staging, dirs_exist_ok=True)  # with the run folder's mode
    for attempt in range(10):
        old = staging.with_name(f"{staging.name}.old{attempt}")
        try:
            os.rename(latest, old)
        except FileNotFoundError:
            pass
        try:
            os.rename(staging, latest)
        except OSError:  # another run swapped its copy in meanwhile: move that aside too
            continue
        finally:
            shutil.rmtree(old, ignore_errors=True)
        return latest
    shutil.rmtree(staging, ignore_errors=True)
    return latest


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
