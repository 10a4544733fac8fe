"""The declared progress report of a measures plan (`datapackages/<slug>/progress.yaml`).

The declaration names the resource that holds the measures, which of its fields hold field of
action, measure, status, responsible unit, dates, costs and remark, the status vocabulary in the
order of implementation, the reporting period and key figures of other datasets. Loading checks
the structure (meta-schema `flows/specs/meta/progress.schema.json`) and that every named field
and status exists in the resource's Table Schema, before any data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.errors import ConfigError
from flows.specs.loading import allowed_keys_hint, first_schema_error, read_yaml

PROGRESS_FILE = "progress.yaml"


@dataclass(frozen=True)
class StatusSpec:
    """One status of the vocabulary."""

    value: str
    step: int | None = None
    """Position in the order of implementation (None: postponed or dropped)."""
    done: bool = False
    kind: str = ""
    """`postponed`, `dropped` or empty."""


@dataclass(frozen=True)
class KeyFigureSpec:
    """A figure of another dataset's last publication, shown beside a field of action."""

    field_of_action: str
    title: str
    dataset: str
    resource: str
    sum: str | None = None
    """Field to sum; None counts rows."""
    where: dict[str, str] = field(default_factory=dict)
    share_of: dict[str, str] | None = None
    """Shown as a percentage of the rows matching this (None: an absolute figure)."""
    per_year: str | None = None


@dataclass(frozen=True)
class ProgressSpec:
    """The report of one measures plan (see module docstring)."""

    dataset: str
    title: str
    resource: str
    fields: dict[str, Any]
    """Role (id, field_of_action, measure, status, responsible, start, end, costs, remark,
    as_of) → field name (costs: a list of field names)."""
    statuses: tuple[StatusSpec, ...]
    period: tuple[str, str] | None = None
    key_figures: tuple[KeyFigureSpec, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    """Field name → its title in the Table Schema (how the report labels costs)."""
    file: str = ""
    """The declaration as shown to staff, e.g. datapackages/<slug>/progress.yaml."""

    def status(self, value: str) -> StatusSpec | None:
        return next((s for s in self.statuses if s.value == value), None)

    def name_of(self, role: str) -> Any:
        """The field name (costs: the list of names) declared for `role`, or None."""
        return self.fields.get(role)


def load_progress(folder: Path, dataset: str,
                  schemas: dict[str, dict[str, Any]]) -> ProgressSpec | None:
    """The progress report declared in `folder`, or None if there is no progress.yaml.

    Args:
        folder: the dataset's folder in datapackages/.
        dataset: its name, for messages.
        schemas: resource name → its Table Schema.

    Raises:
        ConfigError: the file is not valid YAML, does not follow the meta-schema, or names a
            resource, field or status that the dataset does not have.
    """
    path = folder / PROGRESS_FILE
    if not path.is_file():
        return None
    shown = f"datapackages/{dataset}/{PROGRESS_FILE}"
    data = read_yaml(path, dataset)
    first = first_schema_error(data, "progress")
    if first is not None:
        where = ".".join(str(p) for p in first.absolute_path) or "(oberste Ebene)"
        raise ConfigError(f"{shown}, Angabe '{where}': ungültig ({first.message}). "
                          f"{allowed_keys_hint('progress')}", dataset=dataset)
    resource = data["resource"]
    if resource not in schemas:
        raise ConfigError(f"{shown}: Ressource '{resource}' gibt es in datapackage.yaml nicht "
                          f"(vorhanden: {', '.join(schemas)}).", dataset=dataset)
    spec = ProgressSpec(
        dataset=dataset, title=data["title"], resource=resource, fields=data["fields"],
        statuses=tuple(StatusSpec(s["value"], s.get("step"), bool(s.get("done")),
                                  s.get("kind", "")) for s in data["statuses"]),
        period=(data["period"]["start"], data["period"]["end"]) if data.get("period") else None,
        key_figures=tuple(KeyFigureSpec(**k) for k in data.get("key_figures") or ()),
        titles={f["name"]: f.get("title") or f["name"]
                for f in schemas[resource].get("fields", [])},
        file=shown)
    _check(spec, schemas[resource])
    return spec


def _check(spec: ProgressSpec, schema: dict[str, Any]) -> None:
    """Every named field is in the Table Schema; every status of its enum is declared."""
    fields = {f["name"]: f for f in schema.get("fields", [])}
    for role, names in spec.fields.items():
        for name in names if isinstance(names, list) else [names]:
            if name not in fields:
                raise ConfigError(f"{spec.file}, Angabe 'fields.{role}': Feld '{name}' gibt es "
                                  f"im Table Schema nicht (vorhanden: {', '.join(fields)}).",
                                  dataset=spec.dataset)
    for status in spec.statuses:
        if status.step is None and not status.kind:
            raise ConfigError(f"{spec.file}, Status '{status.value}': braucht 'step' (Stufe der "
                              "Umsetzung) oder 'kind' (postponed, dropped).", dataset=spec.dataset)
    enum = (fields[spec.fields["status"]].get("constraints") or {}).get("enum") or []
    missing = [value for value in enum if spec.status(value) is None]
    if missing:
        raise ConfigError(f"{spec.file}: Status {', '.join(repr(m) for m in missing)} aus dem "
                          "Table Schema fehlt unter 'statuses'.", dataset=spec.dataset)
