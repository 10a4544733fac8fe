"""Declared checks beyond the Table Schema: business rules (`rules.yaml`) and the plausibility
comparison with the last publication (`plausibility:` in dataset.yaml).

Loading checks structure and field names before any data is read and raises `ConfigError` with
a German message naming the file, the resource and the rule. Whether an expectation name and its
arguments exist is checked by the rules stage, because that needs Great Expectations, which is
only imported when rules run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.errors import ConfigError
from flows.specs.loading import allowed_keys_hint, first_schema_error, read_yaml

RULES_FILE = "rules.yaml"
DEFAULT_MAX_CHANGE_PERCENT = 20.0
COLUMN_ARGS = ("column", "column_A", "column_B")
COLUMN_LIST_ARGS = ("column_list",)


@dataclass(frozen=True)
class RuleSpec:
    """One business rule of a resource."""

    number: int
    """1-based position in the resource's list in rules.yaml (how staff find it)."""
    description: str
    """German, shown in reports."""
    kind: str
    """`expectation`, `every_period` or `sum_equals_total`."""
    severity: str = "error"
    expectation: str = ""
    """Great Expectations name in snake case (kind `expectation`)."""
    options: dict[str, Any] = field(default_factory=dict)
    """The expectation's kwargs, or the settings of a derived-table rule."""
    file: str = ""
    """The rules file as shown to staff, e.g. datapackages/<slug>/rules.yaml."""

    @property
    def quoted(self) -> str:
        """The description in German quotation marks, for messages."""
        return f"„{self.description.rstrip('.')}“"

    def where(self, resource: str) -> str:
        return f"{self.file}, Ressource '{resource}', Regel {self.number} ({self.quoted})"

    def fields(self) -> list[str]:
        """The table fields the rule refers to."""
        if self.kind == "expectation":
            named = [self.options[k] for k in COLUMN_ARGS if isinstance(self.options.get(k), str)]
            for key in COLUMN_LIST_ARGS:
                named += [str(v) for v in self.options.get(key) or []]
            return named
        if self.kind == "every_period":
            return [self.options["field"]]
        opts = self.options
        return [opts["measure"], *opts.get("by", []), *opts["total"],
                *([opts["year_of"]] if opts.get("year_of") else [])]


@dataclass(frozen=True)
class PlausibilitySpec:
    """How a resource is compared with its last published version."""

    period: str | None = None
    groups: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    categories: tuple[str, ...] | None = None
    """None: the enum fields of the schema plus the groups."""
    max_change_percent: float = DEFAULT_MAX_CHANGE_PERCENT


def camel_to_snake(name: str) -> str:
    """`ExpectColumnValuesToBeBetween` → `expect_column_values_to_be_between`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def load_rules(folder: Path, dataset: str, schemas: dict[str, dict[str, Any]]
               ) -> dict[str, tuple[RuleSpec, ...]]:
    """Read `rules.yaml` of a dataset folder (none: no rules) and check it against the schemas.

    Args:
        folder: the dataset folder.
        dataset: dataset name, for messages.
        schemas: resource name → its Table Schema.

    Raises:
        ConfigError: the file is not valid YAML, does not follow the meta-schema
            flows/specs/meta/rules.schema.json, names an unknown resource or field.
    """
    path = folder / RULES_FILE
    if not path.is_file():
        return {}
    shown = f"datapackages/{folder.name}/{RULES_FILE}"
    data = read_yaml(path, dataset)
    _check_structure(data, shown, dataset)
    rules: dict[str, tuple[RuleSpec, ...]] = {}
    for resource, declared in data["resources"].items():
        if resource not in schemas:
            raise ConfigError(
                f"{shown}: Ressource '{resource}' gibt es in datapackage.yaml nicht "
                f"(vorhanden: {', '.join(schemas)}).", dataset=dataset)
        names = {f["name"]: f.get("type", "string") for f in schemas[resource].get("fields", [])}
        parsed = tuple(_rule(i, item, shown) for i, item in enumerate(declared, start=1))
        for rule in parsed:
            _check_fields(rule, resource, names, dataset)
        rules[resource] = parsed
    return rules


def _rule(number: int, item: dict[str, Any], shown: str) -> RuleSpec:
    common = {"number": number, "description": item["description"].strip(),
              "severity": item.get("severity", "error"), "file": shown}
    if "expectation" in item:
        name = item["expectation"]
        return RuleSpec(kind="expectation", options=dict(item.get("kwargs") or {}),
                        expectation=name if name.startswith("expect_") else camel_to_snake(name),
                        **common)
    kind = "every_period" if "every_period" in item else "sum_equals_total"
    return RuleSpec(kind=kind, options=dict(item[kind]), **common)


def _check_fields(rule: RuleSpec, resource: str, types: dict[str, str], dataset: str) -> None:
    for name in rule.fields():
        if name not in types:
            raise ConfigError(f"{rule.where(resource)}: Feld '{name}' gibt es im Table Schema "
                              f"nicht (vorhanden: {', '.join(types)}).", dataset=dataset)
    if rule.kind == "every_period" and types[rule.options["field"]] != "date":
        raise ConfigError(f"{rule.where(resource)}: every_period braucht ein Datumsfeld, "
                          f"'{rule.options['field']}' ist vom Typ {types[rule.options['field']]}.",
                          dataset=dataset)
    if rule.kind == "sum_equals_total" and types[rule.options["measure"]] not in (
            "integer", "number"):
        raise ConfigError(f"{rule.where(resource)}: '{rule.options['measure']}' ist kein "
                          "Zahlenfeld und kann nicht summiert werden.", dataset=dataset)


def plausibility_spec(decl: dict[str, Any] | None, schema: dict[str, Any], dataset: str,
                      resource: str) -> PlausibilitySpec:
    """The declared comparison of one resource (defaults when `decl` is None).

    Raises:
        ConfigError: a named field is not in the schema, or a measure is not numeric.
    """
    if not decl:
        return PlausibilitySpec()
    spec = PlausibilitySpec(
        period=decl.get("period"), groups=tuple(decl.get("groups") or ()),
        measures=tuple(decl.get("measures") or ()),
        categories=tuple(decl["categories"]) if "categories" in decl else None,
        max_change_percent=float(decl.get("max_change_percent", DEFAULT_MAX_CHANGE_PERCENT)))
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    where = f"dataset.yaml von '{dataset}', resources.{resource}.plausibility"
    named = [*([spec.period] if spec.period else []), *spec.groups, *spec.measures,
             *(spec.categories or ())]
    for name in named:
        if name not in types:
            raise ConfigError(f"{where}: Feld '{name}' gibt es im Schema nicht.", dataset=dataset)
    for name in spec.measures:
        if types[name] not in ("integer", "number"):
            raise ConfigError(f"{where}: '{name}' ist kein Zahlenfeld und kann nicht summiert "
                              "werden.", dataset=dataset)
    return spec


def _check_structure(data: dict[str, Any], shown: str, dataset: str) -> None:
    first = first_schema_error(data, "rules")
    if first is None:
        return
    path = list(first.absolute_path)
    if len(path) >= 3 and path[0] == "resources" and isinstance(path[2], int):
        where = f"Ressource '{path[1]}', Regel {path[2] + 1}"
        if len(path) > 3:
            where += f", Angabe '{'.'.join(str(p) for p in path[3:])}'"
    else:
        where = f"Angabe '{'.'.join(str(p) for p in path) or '(oberste Ebene)'}'"
    reason = first.message
    if first.validator == "oneOf":
        reason = ("jede Regel braucht genau eine der Angaben expectation, every_period oder "
                  "sum_equals_total")
    raise ConfigError(f"{shown}, {where}: ungültig ({reason}). {allowed_keys_hint('rules')}",
                      dataset=dataset)
