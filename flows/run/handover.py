"""How a dataset's flow run hands its result to the nightly run that started it, when the nightly
run fans out to a work pool (flows/distributed.py): as a JSON file in the run's report folder
under the shared output folder (`KENNZAHLEN_OUT`), which every worker reaches. The file holds the
whole `DatasetResult` (the reports are written from it), nothing that is not in the reports."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult
from flows.problems import Problem

FOLDER = ".datasets"
"""The sub-folder of `<out>/reports/<run_id>/` that holds the handed-over results."""


def path(run_folder: Path, name: str) -> Path:
    return run_folder / FOLDER / f"{name}.json"


def write(run_folder: Path, result: DatasetResult) -> Path:
    """Write `result` atomically (a reader never sees half a file)."""
    target = path(run_folder, result.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(dataclasses.asdict(result), ensure_ascii=False),
                       encoding="utf-8")
    partial.replace(target)
    return target


def read(run_folder: Path, name: str) -> DatasetResult | None:
    """The result `name`'s flow run handed over, or None (no file, or one that cannot be read)."""
    try:
        data = json.loads(path(run_folder, name).read_text(encoding="utf-8"))
        data["problems"] = [Problem(**item) for item in data["problems"]]
        data["outcomes"] = [PublishOutcome(**item) for item in data["outcomes"]]
        return DatasetResult(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def missing(name: str, why: str) -> DatasetResult:
    """The result of a dataset whose flow run handed nothing over (it crashed, its worker was
    stopped, it was cancelled): failed, with `why` as the German reason."""
    return DatasetResult(name=name, status="failed", problems=[problems.make(
        "publish-failed", why, dataset=name)])
