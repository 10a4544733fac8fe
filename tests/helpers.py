"""Small builders shared by tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from flows import catalog
from flows.catalog import ResourceSpec

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
