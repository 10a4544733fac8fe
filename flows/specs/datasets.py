"""The typed specs of a declared dataset: its sources, protection, aggregation and resources,
as `flows.specs.catalog` builds them from `datapackage.yaml`, `dataset.yaml` and the schemas."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.specs.rules import PlausibilitySpec, RuleSpec


@dataclass(frozen=True)
class SourceSpec:
    """Where one resource's rows come from and how the export is written."""

    kind: str
    """`csv`, `xlsx`, `ods` (files), `sql` or `json` (see flows/adapters/sources/)."""
    path: Path | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    thousands: str = ""
    date_format: str = "%Y-%m-%d"
    """strptime format of `date` fields in the export."""
    period_formats: dict[str, str] = field(default_factory=dict)
    """Declared strptime format per field type (`date`, `yearmonth`, `year`)."""
    max_cell_length: int = 10_000
    """Longest text cell allowed, in characters; a longer one is the problem `cell-too-long`."""
    max_columns: int = 1_000
    """Most columns a file may have; a wider one is not read (`too-many-columns`)."""
    missing_values: tuple[str, ...] = ("",)
    """Source spellings of 'no value' (e.g. '–'); published as an empty cell."""
    sheet: str | None = None
    header_row: int = 1
    """1-based row of the header; rows above it (titles) are skipped."""
    columns: dict[str, str] = field(default_factory=dict)
    """Source column label → Table Schema field name, where they differ."""
    options: dict[str, Any] = field(default_factory=dict)
    """Kind-specific settings of sql and json sources (url_env, query, records, pagination …)."""

    def format_for(self, ftype: str) -> str | None:
        """The declared source format of fields of type `ftype` (None: none declared; for
        `date` always `date_format`)."""
        return self.date_format if ftype == "date" else self.period_formats.get(ftype)

    def display_path(self, base: Path) -> str:
        if self.path is None:
            return describe_location(self)
        try:
            return str(self.path.relative_to(base))
        except ValueError:
            return str(self.path)


ALL_KINDS = frozenset({"email", "phone", "iban", "tax-id", "tax-number", "pension-number",
                       "birth-date", "address", "name", "label"})


@dataclass(frozen=True)
class ProtectSpec:
    """Disclosure-control rules of one resource (`protect:` in dataset.yaml)."""

    small_count_fields: tuple[str, ...] = ()
    k: int = 3
    marker: str = "."
    groups: tuple[dict[str, Any], ...] = ()
    zeros: bool = False
    """Zeros are sensitive too: a suppressed count lies in [0, k−1] instead of [1, k−1]."""
    min_width: int = 1
    """Protection level: the smallest width (largest minus smallest possible value) the audit
    must leave for every hidden cell; 1 means no hidden cell is ever exactly determined."""
    exceptions: tuple[dict[str, Any], ...] = ()
    """Reviewed exceptions: {field, reason, kinds?}; without kinds every kind is allowed."""

    def allowed_kinds(self, field_name: str) -> set[str]:
        allowed: set[str] = set()
        for item in self.exceptions:
            if item["field"] == field_name:
                allowed |= set(item.get("kinds") or ALL_KINDS)
        return allowed


def describe_location(source: SourceSpec) -> str:
    """Where a non-file source reads from, without credentials."""
    if source.kind == "sql":
        return f"SQL-Abfrage ({source.options.get('table') or 'query'})"
    return str(source.options.get("url") or source.options.get("url_env") or source.kind)


@dataclass(frozen=True)
class AggregateSpec:
    """Declared aggregation of case-level records (see flows/stages/aggregate.py)."""

    group_by: tuple[str, ...]
    measures: tuple[dict[str, Any], ...]
    period: dict[str, str] | None = None


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    path: str
    """File name of the published CSV, as in the public descriptor."""
    schema_name: str
    schema: dict[str, Any]
    source: SourceSpec
    protect: ProtectSpec = field(default_factory=ProtectSpec)
    aggregate: AggregateSpec | None = None
    rules: tuple[RuleSpec, ...] = ()
    """Business rules from rules.yaml (see flows/stages/rules.py)."""
    plausibility: PlausibilitySpec = field(default_factory=PlausibilitySpec)
    """How the resource is compared with its last publication."""
    allow_empty: bool = False
    """The resource may have no data rows (otherwise an empty table is an error)."""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    folder: Path
    descriptor: dict[str, Any]
    """The public descriptor as declared (resources still reference schemas by name)."""
    resources: tuple[ResourceSpec, ...]
    owner_org: str
    organization_title: str
    approval: dict[str, Any] = field(default_factory=dict)
    """`approval:` of dataset.yaml, e.g. {first_publication: true} (flows/approval.py)."""
    notify: dict[str, Any] = field(default_factory=dict)
    """`notify:` of dataset.yaml: who is told after a run (flows/specs/operations.py)."""
    member: str | None = None
    """`member:` of dataset.yaml: the member of the association the dataset belongs to
    (flows/specs/members.py); None: it belongs to the association."""
    parts: tuple[str, ...] = ()
    """The member ids whose tables this combined dataset joins (a harmonised key figure,
    flows/specs/harmonised.py); empty for every other dataset. Member `m`'s dataset is
    `<name>-m`."""

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.name)

    def public_descriptor(self) -> dict[str, Any]:
        """The descriptor with every schema inlined, as it is published."""
        descriptor = copy.deepcopy(self.descriptor)
        by_name = {resource.name: resource for resource in self.resources}
        for resource in descriptor.get("resources", []):
            resource["schema"] = copy.deepcopy(by_name[resource["name"]].schema)
        return descriptor
