"""What the columnar validator checks, prepared once per Table Schema, without frictionless.

Only schemas this module understands completely, and which are certainly valid Table Schemas,
get a plan: every key and value is checked against a whitelist (types, default formats, the
constraints each type supports, value types). Anything else raises `UnsupportedError`, and
frictionless validates the resource instead (and reports an invalid schema as it does).
frictionless is not imported at all, which keeps start-up short for large files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flows.validation.cells import FAST, FieldPlan, UnsupportedError, prepare_constraint

TYPES = ("string", "integer", "number", "boolean", "date", "year", "yearmonth")
SUPPORTED = {"string": ["required", "minLength", "maxLength", "pattern", "enum"],
             "boolean": ["required", "enum"]}
"""Constraints per type, in the order frictionless checks them (others: `ORDERED`)."""
ORDERED = ["required", "minimum", "maximum", "enum"]
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
TEXT_KEYS = {"name", "title", "description", "rdfType"}


@dataclass
class Plan:
    """Everything prepared once per resource."""

    fields: list[FieldPlan]
    primary_key: list[str]
    small_counts: list[str]
    k: int


def make_plan(schema: dict[str, Any], small_counts: Iterable[str] = (), k: int = 3) -> Plan:
    """Prepare the checks of a Table Schema.

    Raises:
        UnsupportedError: the schema uses something this module does not judge (German reason).
    """
    unknown = sorted(set(schema) - {"fields", "primaryKey", "missingValues", "name", "title",
                                    "description"})
    if unknown:
        raise UnsupportedError(f"Schema-Angabe {unknown[0]}")
    fields = schema.get("fields")
    missing = schema.get("missingValues", [""])
    if not isinstance(fields, list) or not _strings(missing) or not all(
            isinstance(schema.get(key, ""), str) for key in ("name", "title", "description")):
        raise UnsupportedError("Aufbau des Table Schemas")
    plans = [_field_plan(f, missing) for f in fields]
    names = [p.name for p in plans]
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if len(set(names)) != len(names) or not _strings(key) or not set(key) <= set(names):
        raise UnsupportedError("Feldnamen oder primaryKey")
    counts = [p.name for p in plans if p.name in set(small_counts)
              and p.type in ("integer", "year")]
    return Plan(plans, list(key), counts, k)


def _field_plan(descriptor: Any, schema_missing: list[str]) -> FieldPlan:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("name"), str):
        raise UnsupportedError("Feld ohne Namen")
    name, kind = descriptor["name"], descriptor.get("type")
    allowed = TEXT_KEYS | {"type", "format", "constraints", "missingValues"} | (
        {"trueValues", "falseValues"} if kind == "boolean" else set()) | (
        {"decimalChar"} if kind == "number" else set())
    extra = sorted(set(descriptor) - allowed)
    if kind not in TYPES or descriptor.get("format", "default") != "default" or extra:
        what = extra[0] if extra else f"Typ {kind}/{descriptor.get('format', 'default')}"
        raise UnsupportedError(f"Feld '{name}': {what}")
    constraints = descriptor.get("constraints", {})
    supported = SUPPORTED.get(kind, ORDERED)
    if not isinstance(constraints, dict) or set(constraints) - {*supported, "unique"}:
        raise UnsupportedError(f"Feld '{name}': Regeln {sorted(constraints)}")
    missing = descriptor.get("missingValues", schema_missing)
    true_values = descriptor.get("trueValues", TRUE_VALUES)
    false_values = descriptor.get("falseValues", FALSE_VALUES)
    decimal = descriptor.get("decimalChar", ".")
    if not (all(isinstance(descriptor.get(k, ""), str) for k in TEXT_KEYS) and _strings(missing)
            and _strings(true_values) and _strings(false_values)
            and isinstance(decimal, str) and len(decimal) == 1):
        raise UnsupportedError(f"Feld '{name}': Angaben")
    reader = LazyReader(descriptor)
    plan = FieldPlan(name=name, type=kind, reader=reader, missing=list(missing),
                     type_note=f'type is "{kind}/default"',
                     unique=_flag(name, constraints, "unique"), true_values=list(true_values),
                     false_values=list(false_values), decimal_char=decimal)
    for cname in supported:
        if cname not in constraints:
            continue
        raw = constraints[cname]
        _check_constraint(name, kind, cname, raw, constraints)
        value = prepare_constraint(kind, cname, raw,
                                   lambda v, r=reader, p=plan: read_value(p, v, r))
        plan.constraints.append((cname, value, f'constraint "{cname}" is "{raw}"'))
    return plan


def _check_constraint(name: str, kind: str, cname: str, raw: Any,
                      constraints: dict[str, Any]) -> None:
    if cname == "required":
        _flag(name, constraints, cname)
    elif cname in ("minLength", "maxLength"):
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise UnsupportedError(f"Feld '{name}': {cname}")
    elif cname == "pattern":
        try:
            re.compile(f"^{raw}$") if isinstance(raw, str) else None
        except re.error:
            raw = None
        if not isinstance(raw, str):
            raise UnsupportedError(f"Feld '{name}': pattern")
    elif cname == "enum" and not isinstance(raw, list):
        raise UnsupportedError(f"Feld '{name}': enum")


def _flag(name: str, constraints: dict[str, Any], cname: str) -> bool:
    value = constraints.get(cname, False)
    if not isinstance(value, bool):
        raise UnsupportedError(f"Feld '{name}': {cname}")
    return value


def _strings(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def read_value(plan: FieldPlan, raw: Any, reader: Any) -> Any:
    """A constraint value as frictionless's reader reads it; canonical spellings natively."""
    kind = plan.type
    if kind == "string":
        return raw if isinstance(raw, str) else None
    if kind == "boolean" and isinstance(raw, str):
        return True if raw in plan.true_values else False if raw in plan.false_values else None
    if kind in ("integer", "number") and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if kind == "year" and isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw <= 9999 else None
    if isinstance(raw, str) and re.fullmatch(FAST.get(kind, "$^"), raw) and (
            kind != "number" or "decimalChar" not in reader.descriptor):
        if kind == "integer" or kind == "year":
            return int(raw)
        if kind == "number" and len(re.findall("[0-9]", raw)) <= 15:
            return Decimal(raw)
        if kind == "yearmonth":
            return (int(raw[:4]), int(raw[5:]))
        if kind == "date" and not raw.startswith("0000"):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                return None
    return reader(raw)


class LazyReader:
    """How frictionless 5 reads one cell of a field's type (None: not of that type).

    The same rules as its field classes, restated for the covered types and default formats;
    the parity tests hold both to the same findings.
    """

    def __init__(self, descriptor: dict[str, Any]) -> None:
        self.descriptor = descriptor
        self.kind = descriptor["type"]
        self.decimal = descriptor.get("decimalChar")
        self.truth = {**dict.fromkeys(descriptor.get("falseValues", FALSE_VALUES), False),
                      **dict.fromkeys(descriptor.get("trueValues", TRUE_VALUES), True)}

    def __call__(self, cell: Any) -> Any:
        if self.kind == "boolean":
            return cell if isinstance(cell, bool) else (
                self.truth.get(cell) if isinstance(cell, str) else None)
        if not isinstance(cell, str):
            return _native(self.kind, cell)  # constraint values from YAML/JSON
        try:
            return getattr(self, f"_{self.kind}")(cell)
        except (ValueError, ArithmeticError):
            return None

    def _string(self, cell: str) -> str:
        return cell

    def _integer(self, cell: str) -> int:
        return int(cell.strip())

    def _number(self, cell: str) -> Decimal | None:
        cell = cell.strip()
        if self.decimal is not None:  # a declared decimalChar: "." is then no decimal point
            if self.decimal != "." and "." in cell:
                return None
            cell = cell.replace(self.decimal, ".")
        return Decimal(cell)

    def _date(self, cell: str) -> date:
        return datetime.strptime(cell, "%Y-%m-%d").date()

    def _year(self, cell: str) -> int | None:
        value = int(cell) if len(cell) == 4 else -1
        return value if 0 <= value <= 9999 else None

    def _yearmonth(self, cell: str) -> tuple[int, int] | None:
        year, month = cell.split("-")
        return (int(year), int(month)) if 1 <= int(month) <= 12 else None


def _native(kind: str, value: Any) -> Any:
    """A non-text value (as YAML gives constraint values) as frictionless reads it."""
    if isinstance(value, bool):
        return None
    if kind == "number" and isinstance(value, int | float | Decimal):
        return Decimal(str(value)) if isinstance(value, float) else value
    if kind == "integer":
        whole = isinstance(value, int) or (isinstance(value, float | Decimal) and value % 1 == 0)
        return int(value) if whole else None
    if kind == "year" and isinstance(value, int):
        return value if 0 <= value <= 9999 else None
    if kind == "date" and isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else None
    if kind == "date" and isinstance(value, date):
        return value
    return None
