"""Where comparison pages come from in the local target: the members and population declared
in catalog.yaml (`comparison_setup`), which published datasets are combined tables of several
members (`comparable_resource`), and the page written into such a dataset's folder
(`write_for_dataset`), redrawn when members or inhabitants change (`setup_digest`).

Wiring: `LocalCatalog(root, catalog, comparison=comparison_setup(project))`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.adapters.local.comparison_data import AGS_FIELD, MemberLike
from flows.adapters.local.comparison_page import write_comparison
from flows.model.tables import read_table
from flows.specs.members import load_members
from flows.specs.population import Population, load_population


@dataclass(frozen=True)
class ComparisonSetup:
    """What the local target needs to write comparison pages: the members and, optionally,
    the population table (flows/specs/population.py)."""

    members: Sequence[MemberLike]
    population: Population | None = None


def setup_digest(setup: ComparisonSetup) -> str:
    """A fingerprint of the members and inhabitants a page is drawn from (a change of either
    must redraw the pages even when the data is unchanged)."""
    population = setup.population
    found = ([(m.id, m.name, m.ags) for m in setup.members],
             (population.source, population.reference_date, sorted(
                 (ags, sorted(years.items(), key=lambda i: (i[0] is None, i[0] or 0)))
                 for ags, years in population.figures.items())) if population else None)
    return hashlib.sha256(repr(found).encode()).hexdigest()


def comparison_setup(project: Path) -> ComparisonSetup | None:
    """The members and the population table declared in the project's catalog.yaml, for
    `LocalCatalog(..., comparison=...)`; None when it declares fewer than two members.

    Raises:
        ConfigError: `members:` or `population:` (or its table) is invalid.
    """
    members = list(load_members(project).values())
    if len(members) < 2:
        return None
    return ComparisonSetup(members, load_population(project))


def comparable_resource(descriptor: dict[str, Any],
                        members: Sequence[MemberLike]) -> dict[str, Any] | None:
    """The resource to compare: the first whose schema has an `ags` field and the dataset's
    period field (dcat temporal_field), in a dataset with at least two members; else None."""
    period = (descriptor.get("dcat") or {}).get("temporal_field")
    if len(members) < 2 or not isinstance(period, str):
        return None
    for resource in descriptor.get("resources", []):
        names = {f.get("name") for f in (resource.get("schema") or {}).get("fields") or []}
        if AGS_FIELD in names and period in names:
            return resource
    return None


def write_for_dataset(folder: Path, descriptor: dict[str, Any], setup: ComparisonSetup,
                      site: dict[str, Any] | None = None) -> Path | None:
    """Write the comparison page into a dataset folder being published, if the dataset is a
    combined table of several members (`comparable_resource`); else None, nothing written."""
    resource = comparable_resource(descriptor, setup.members)
    if resource is None or not (folder / resource["path"]).is_file():
        return None
    with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
        table = read_table(handle)
    block = descriptor.get("dcat") or {}
    return write_comparison(folder, table, resource.get("schema") or {}, setup.members,
                            setup.population, title=str(descriptor.get("title") or ""),
                            period_field=str(block["temporal_field"]),
                            unit=str(block.get("temporal_unit") or ""), site=site)
