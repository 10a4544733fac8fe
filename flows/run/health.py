"""Health for monitoring: when the last run finished, with what result per dataset and target,
and whether any dataset's last publication is older than its declared frequency allows
(`dcat.frequency` of datapackage.yaml or the catalog's default; see flows/specs/operations.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.errors import ConfigError
from flows.metadata.vocabularies import FREQUENCIES
from flows.model.results import STATUS_DE
from flows.run import record
from flows.run.record import german_time
from flows.settings import Settings
from flows.specs import catalog
from flows.specs.operations import max_age_days
from flows.stages.report import LATEST


@dataclass
class Health:
    lines: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    last_run: str | None = None

    @property
    def ok(self) -> bool:
        return self.last_run is not None and not self.overdue


def finished_runs(reports: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The finished runs that published, newest first (a check without targets does not
    count); retention keeps this list short."""
    if not reports.is_dir():
        return []
    runs = []
    folders = (p for p in reports.iterdir() if p.is_dir() and p.name != LATEST)
    for folder in sorted(folders, reverse=True):
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if summary.get("finished_at") and summary.get("targets"):
            runs.append((folder, summary))
    return runs


def check(settings: Settings, now: datetime | None = None) -> Health:
    """The health of the installation in German lines: the last run, then per dataset its
    latest result (a run of only some datasets, such as `kennzahlen approve`, does not hide
    the others') and its last publication against its frequency."""
    health = Health()
    runs = finished_runs(settings.reports_dir)
    if not runs:
        health.lines.append(f"Noch kein Lauf mit Veröffentlichung in {settings.reports_dir}.")
    else:
        summary = runs[0][1]
        health.last_run = summary["run_id"]
        health.lines.append(f"Letzter Lauf: {summary['run_id']}, beendet "
                            f"{german_time(summary['finished_at'])}, Ziele: "
                            f"{', '.join(summary['targets'])}")
    latest = _latest_publications(settings.out_dir)
    moment = now or datetime.now(UTC)
    for name in catalog.dataset_names(settings.project):
        health.lines.append(_freshness(settings.project, name, latest.get(name), moment, health))
        health.lines += _last_result(runs, name)
    if health.overdue:
        health.lines.append(f"ÜBERFÄLLIG: {', '.join(health.overdue)}.")
    return health


def _last_result(runs: list[tuple[Path, dict[str, Any]]], name: str) -> list[str]:
    for folder, summary in runs:
        for item in summary.get("datasets", []):
            if item["dataset"] == name:
                lines = [f"    Ergebnis im Lauf {summary['run_id']}: {_de(item['status'])}"]
                return lines + [f"      {o.get('target')}: {_de(o.get('status'))}"
                                for o in _outcomes(folder / f"{name}.json")]
    return ["    in keinem Lauf bearbeitet"]


def _freshness(project: Path, name: str, published: str | None, now: datetime,
               health: Health) -> str:
    try:
        spec = catalog.load(project, name, check=False)
        frequency = (spec.descriptor.get("dcat") or {}).get("frequency")
    except ConfigError:
        frequency = None
    allowed = max_age_days(frequency)
    rhythm = FREQUENCIES.get(str(frequency or "").upper(), "nicht angegeben")
    if published is None:
        text = f"  {name}: noch nie veröffentlicht (Rhythmus {rhythm})"
        age = None
    else:
        age = (now - datetime.fromisoformat(published)).days
        text = (f"  {name}: zuletzt veröffentlicht {german_time(published)}, vor {age} Tagen "
                f"(Rhythmus {rhythm}")
        text += f", erlaubt {allowed} Tage)" if allowed else ")"
    if allowed is not None and (age is None or age > allowed):
        health.overdue.append(name)
        return text + " – überfällig"
    return text


def _latest_publications(out_dir: Path) -> dict[str, str]:
    latest: dict[str, str] = {}
    for entry in record.read(out_dir):
        if entry.get("event") == "published" and entry.get("at"):
            latest[entry["dataset"]] = max(latest.get(entry["dataset"], ""), entry["at"])
    return latest


def _de(status: Any) -> str:
    return STATUS_DE.get(str(status), str(status))


def _outcomes(path: Path) -> list[dict[str, Any]]:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("targets") or []
    except (OSError, ValueError):
        return []
