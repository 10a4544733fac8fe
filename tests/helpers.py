"""Small builders shared by tests."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult, RunSummary
from flows.specs import catalog
from flows.specs.datasets import ResourceSpec

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def shared_reference() -> Path:
    """The reference data of ../shared/ (DCAT-AP.de shapes, OParl schemas …) that tests load."""
    import os

    for candidate in (os.environ.get("KENNZAHLEN_SHARED"), ROOT.parent / "shared",
                      Path("/work/shared")):
        if candidate and (Path(candidate) / "reference" / "dcat-ap-de").is_dir():
            return Path(candidate) / "reference"
    raise AssertionError("../shared/reference not found next to the checkout; set "
                         "KENNZAHLEN_SHARED to the folder that holds reference/")


def resource(dataset: str, source_path: Path, **source_changes: Any) -> ResourceSpec:
    """The first resource of a shipped dataset, reading from another file."""
    spec = catalog.load(ROOT, dataset)
    first = spec.resources[0]
    source = dataclasses.replace(first.source, path=source_path, **source_changes)
    return dataclasses.replace(first, source=source)


def checked(dataset: str, source_path: Path, **source_changes: Any):  # noqa: ANN201
    """Collect, transform and validate a file as the given dataset's resource."""
    from flows.stages.collect import collect
    from flows.stages.transform import transform
    from flows.stages.validate import validate

    res = resource(dataset, source_path, **source_changes)
    raw = collect(res, dataset, source_path.parent)
    table = transform(raw, res, dataset, source_path.name)
    result = validate(table, res, dataset, source_path.name)
    return raw, table, result


COUNTS = "fallzahlen-verwaltungsleistungen"
"""The harmonised case counts of the example Stadtverbund: the folder that declares them, and the
association's combined table (flows/specs/harmonised.py)."""
MONTHLY = f"{COUNTS}-musterstadt"
"""Musterstadt's case counts (its part of COUNTS, read from source/fallzahlen.csv): the example
dataset with a declared plausibility check (monthly sums per service, 50 %)."""


def publish_members(project: Path, combined: str, folder: Path) -> list[DatasetResult]:
    """Publish the members' datasets of the harmonised key figure `combined` to a local catalog
    in `folder`, as a nightly run does before the combined table: only what they published
    goes into it (flows/run/harmonised.py). Set KENNZAHLEN_OUT first."""
    from flows.adapters.local.target import LocalCatalog
    from flows.run import sequence

    parts = catalog.load(project, combined, check=False).parts
    return [sequence.process(project, f"{combined}-{member}", [LocalCatalog(folder / "catalog")],
                             folder / "w") for member in parts]


def double_month(project: Path, day: str = "01.03.2025") -> None:
    """Double every count of one month in the monthly export of the case management system,
    as an export that counted the month twice would."""
    source = project / "datapackages" / COUNTS / "source" / "fallzahlen.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    for i, line in enumerate(lines):
        cells = line.split(";")
        if cells[0] == day:
            cells[3] = str(int(cells[3]) * 2)
            lines[i] = ";".join(cells)
    source.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def held_example():  # noqa: ANN201
    """A dataset report with problems of two kinds, a plausibility comparison beyond its
    threshold, a metadata score and the held verdict (for report and browser tests)."""
    from flows import problems
    from flows.model.results import DatasetResult

    found = [problems.make("formula-neutralised", f"Zeile {n}, Feld 'projekt': Text beginnt mit "
                           "'=' und wird mit Apostroph veröffentlicht.", row=n, field="projekt",
                           file="source/roadmap-kosten.csv", severity="warning")
             for n in range(2, 26)]
    found.append(problems.make("extra-label", "Spalte 'Sachbearbeitung' wird nicht "
                               "veröffentlicht.", severity="warning", field="Sachbearbeitung"))
    plausibility = [
        {"resource": "kosten", "kind": "row-count", "label": "Anzahl Zeilen", "old": 12,
         "new": 13, "change_percent": 8.3, "threshold": 20.0, "exceeds": False},
        {"resource": "kosten", "kind": "group-sum", "label": "Summe einmalige Kosten",
         "old": 100000, "new": 250000.5, "change_percent": 150.0, "threshold": 50.0,
         "exceeds": True},
        {"resource": "kosten", "kind": "category-removed", "label": "Projekt entfallen",
         "old": "Digitale Ratsarbeit", "new": None, "change_percent": None, "threshold": None,
         "exceeds": False},
    ]
    return DatasetResult(
        "digitalisierung-kosten", "Kosten der Digitalisierung", "held", problems=found,
        rows={"kosten": 13}, provenance={"kosten": {"kind": "csv", "file": "roadmap.csv"}},
        plausibility=plausibility,
        approval={"reasons": ["Summe einmalige Kosten: 100.000 → 250.000,5 (+150 %, erlaubt "
                              "± 50 %)"], "content_hash": "ab" * 32,
                  "folder": "out/held/digitalisierung-kosten", "decision": None},
        metadata_quality={"score": 300, "max": 405, "rating": "gut",
                          "dimensions": [{"name": "Auffindbarkeit", "points": 80, "max": 100}],
                          "missing": [{"criterion": "Schlagwörter", "points": 30}]})


def report_summary() -> RunSummary:
    """A run with one published and one invalid dataset, for report tests."""
    bad = DatasetResult("b", "B", "invalid", problems=[
        problems.make("type-error", "Zeile 3, Feld 'anzahl': 'zwölf' ist keine ganze Zahl.",
                      dataset="b", file="b.csv", row=3, field="anzahl"),
        problems.make("extra-label", "Spalte 'x' wird nicht veröffentlicht.", severity="warning"),
    ])
    good = DatasetResult("a", "A", "published", outcomes=[PublishOutcome("local:/x", "published")],
                         rows={"r": 5})
    return RunSummary("20260101T000000Z", "2026-01-01T00:00:00+00:00", targets=["local:/x"],
                      results=[good, bad])


@contextmanager
def ckan_dev(what: str, env: dict[str, str] | None = None,
             timeout: int = 900) -> Iterator[dict[str, str]]:
    """A CKAN started by scripts/ckan-dev (with `env`, default: this process's environment) and
    its settings (CKAN_URL, CKAN_API_TOKEN, ...); stopped after unless CKAN_DEV_KEEP=1."""
    script = str(ROOT / "scripts" / "ckan-dev")
    started = subprocess.run([script, "start"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=timeout)
    if started.returncode != 0:
        pytest.fail(f"{what} did not start:\n{started.stderr[-4000:]}", pytrace=False)
    printed = subprocess.run([script, "env"], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True).stdout
    try:
        yield dict(line.split("=", 1) for line in printed.splitlines() if "=" in line)
    finally:
        if not os.environ.get("CKAN_DEV_KEEP"):
            subprocess.run([script, "stop"], cwd=ROOT, env=env, capture_output=True, timeout=120)
