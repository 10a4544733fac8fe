"""The example's catalog.yaml for a benchmark project: without the members of the Stadtverbund
and their population table, so the figures measure one publisher's datasets and the previous
version (before members existed) reads the same catalog."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ASSOCIATION_ONLY = ("association", "members", "population")


def copy_plain_catalog(datapackages: Path) -> None:
    """Write the example's catalog.yaml, without `ASSOCIATION_ONLY`, into `datapackages`."""
    data = yaml.safe_load((ROOT / "datapackages" / "catalog.yaml").read_text(encoding="utf-8"))
    for key in ASSOCIATION_ONLY:
        data.pop(key, None)
    datapackages.mkdir(parents=True, exist_ok=True)
    (datapackages / "catalog.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
