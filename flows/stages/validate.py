"""Validate: check a normalised table against its Table Schema.

The columnar validator (`flows/columnar.py`) reports what frictionless would report, much
faster; where a schema uses something it does not cover, frictionless checks the table and an
"info" problem says so. Returns a `Validation` (never raises for bad data). Every finding becomes
a `Problem` with frictionless's code, the row number of the user's source file and a German
message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flows import problems
from flows.model.results import Validation
from flows.model.tables import ColumnTable, Table
from flows.problems import Problem
from flows.protection.describing import quote, scrub, scrub_quoted
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.validation import dates

ERROR_LIMIT = 1000
MASKED = "«verborgen: personenbezogen»"

TYPE_NAMES = {
    "integer": "ganze Zahl", "number": "Zahl", "date": "Datum",
    "boolean": "Wahrheitswert", "year": "Jahr", "yearmonth": "Jahr und Monat",
    "datetime": "Zeitpunkt",
    "string": "Text",
}
CONSTRAINT_TEXT = {
    "required": "Pflichtfeld ist leer",
    "minimum": "Wert ist kleiner als das Minimum {value}",
    "maximum": "Wert ist größer als das Maximum {value}",
    "enum": "Wert ist keiner der erlaubten Werte ({value})",
    "pattern": "Wert entspricht nicht dem Muster {value}",
    "minLength": "Text ist kürzer als {value} Zeichen",
    "maxLength": "Text ist länger als {value} Zeichen",
}


def validate(table: Table, resource: ResourceSpec, dataset: str, file: str,
             masked: set[tuple[int, str]] | None = None) -> Validation:
    """Validate `table` against the resource's Table Schema and the protection rule.

    Fields missing from the source are left out of the check (they are already reported), so
    their absence does not flood the report with one error per row. Cells in `masked` (source
    row, field) hold personal data: messages describe them but never show their value.

    Args:
        table: the protected table.
        resource: the resource with its Table Schema and protect rules.
        dataset: dataset name, for problem records.
        file: source file as shown to the user.
        masked: (source row, field) cells holding personal data.

    Returns:
        The validation: row count and one problem per finding (up to ERROR_LIMIT, then an
        `error-limit-reached` problem); it is valid when none of them is an error.
    """
    from flows.validation import columnar  # pyarrow loads only when a table is validated

    context = {"dataset": dataset, "resource": resource.name, "file": file}
    schema_descriptor = _present_fields(resource.schema, table.missing_fields)
    present = [f["name"] for f in schema_descriptor["fields"]]
    counts = [f for f in resource.protect.small_count_fields if f in present]
    result = Validation(resource=resource.name, rows=len(table.rows))
    try:
        findings, limited = _columnar(table, schema_descriptor, present, counts,
                                      resource.protect.k)
    except columnar.UnsupportedError as exc:
        try:
            findings, limited = _frictionless(table, schema_descriptor, present, counts,
                                              resource.protect.k)
        except TypeError:  # frictionless compares a cell with a bound its reader cannot read
            result.problems.append(problems.make(
                "schema-error", "Eine Regel des Table Schemas (minimum, maximum, enum …) lässt "
                "sich mit dem Feldtyp nicht lesen, z. B. ein Dezimalpunkt bei decimalChar ','.",
                **context))
            return result
        result.problems.append(problems.make(
            "validation-fallback",
            f"Die schnelle spaltenweise Prüfung deckt dies nicht ab: {_scrubbed(exc)}. Die "
            "Tabelle wurde "
            "deshalb mit frictionless geprüft (gleiche Regeln, langsamer).",
            severity="info", **context,
        ))
    result.problems += _problems(findings, limited, table, context, schema_descriptor, masked,
                                 resource.source)
    return result


class ChunkValidator:
    """`validate` for a table that arrives in chunks (flows/streaming.py): the same findings
    and messages, without holding the table. Only for schemas the columnar validator covers
    (`columnar_covers`)."""

    def __init__(self, resource: ResourceSpec, dataset: str, file: str) -> None:
        self.resource = resource
        self.context = {"dataset": dataset, "resource": resource.name, "file": file}
        self.schema: dict[str, Any] = resource.schema
        self.rows = 0
        self._run: Any = None
        self._present: list[str] = []

    def feed(self, table: Table | ColumnTable) -> None:
        """Check the next rows (the first chunk fixes the fields the source has); a
        `ColumnTable`'s Arrow columns are checked as they are."""
        from flows.validation import columnar

        if self._run is None:
            self.schema = _present_fields(self.resource.schema, table.missing_fields)
            self._present = [f["name"] for f in self.schema["fields"]]
            counts = [f for f in self.resource.protect.small_count_fields if f in self._present]
            self._run = columnar.ChunkedValidation(
                columnar.make_plan(self.schema, counts, self.resource.protect.k), ERROR_LIMIT)
        if isinstance(table, ColumnTable):
            self._run.feed({name: table.column(name) for name in self._present})
            self.rows += table.num_rows
            return
        index = {name: table.fields.index(name) for name in self._present}
        self._run.feed({name: [row[i] for row in table.rows] for name, i in index.items()})
        self.rows += len(table.rows)

    def finish(self, row_numbers: Sequence[int], masked: set[tuple[int, str]]) -> Validation:
        """The validation, with source rows from `row_numbers` (one per row fed)."""
        result = Validation(resource=self.resource.name, rows=self.rows)
        if self._run is None:
            return result
        outcome = self._run.outcome
        findings = [(f.code, f.row, f.field, f.cell, f.note, f.message) for f in outcome.findings]
        numbered = Table(fields=self._present, row_numbers=row_numbers)  # type: ignore[arg-type]
        result.problems += _problems(findings, outcome.limit_reached, numbered, self.context,
                                     self.schema, masked, self.resource.source)
        return result


def columnar_covers(resource: ResourceSpec) -> str | None:
    """None if the columnar validator covers the resource's schema, else what it does not."""
    from flows.validation import columnar

    try:
        columnar.make_plan(resource.schema, resource.protect.small_count_fields,
                           resource.protect.k)
    except columnar.UnsupportedError as exc:
        return str(exc)
    return None


def _problems(findings: list[Finding], limited: bool, table: Table, context: dict[str, Any],
              schema: dict[str, Any], masked: set[tuple[int, str]] | None,
              source: SourceSpec) -> list[Problem]:
    found = []
    for code, row_number, field_name, cell, note, message in findings:
        row = _source_row(table, row_number)
        if masked and (row, field_name) in masked:
            cell = MASKED
            message = ""
        found.append(_problem(code, row, field_name, cell, note, message, table, context, schema,
                              source))
    if limited:
        found.append(problems.make(
            "error-limit-reached",
            f"Die Prüfung wurde nach {ERROR_LIMIT} Fehlern abgebrochen; weitere Fehler sind "
            "möglich.",
            **context,
        ))
    return found


Finding = tuple[str, int | None, str | None, Any, str, str]


def _columnar(table: Table, schema: dict[str, Any], present: list[str], counts: list[str],
              k: int) -> tuple[list[Finding], bool]:
    """The columnar validator (flows/columnar.py); raises UnsupportedError where it cannot."""
    from flows.validation import columnar

    plan = columnar.make_plan(schema, counts, k)
    index = {name: table.fields.index(name) for name in present}
    outcome = columnar.validate_columns(
        plan, {name: [row[i] for row in table.rows] for name, i in index.items()}, ERROR_LIMIT)
    return ([(f.code, f.row, f.field, f.cell, f.note, f.message) for f in outcome.findings],
            outcome.limit_reached)


def _frictionless(table: Table, schema_descriptor: dict[str, Any], present: list[str],
                  counts: list[str], k: int) -> tuple[list[Finding], bool]:
    """frictionless itself: the reference, used where the columnar validator does not reach."""
    from frictionless import Checklist, Resource, Schema

    from flows.validation.checks import small_count_unprotected

    index = [table.fields.index(name) for name in present]
    data = [present] + [[row[i] for i in index] for row in table.rows]
    schema = Schema.from_descriptor(schema_descriptor)
    checks = [small_count_unprotected(field_names=counts, k=k)] if counts else []
    report = Resource(data=data, schema=schema).validate(Checklist(checks=checks),
                                                         limit_errors=ERROR_LIMIT)
    task = report.tasks[0] if report.tasks else None
    limited = bool(task and any("error limit" in w for w in task.warnings))
    return ([tuple(e) for e in report.flatten(["type", "rowNumber", "fieldName", "cell", "note",
                                                "message"])], limited)


def _scrubbed(exc: Exception) -> str:
    """The columnar validator's reason, with any value it quotes described unless safe."""
    return scrub_quoted(str(exc), "number")


def _present_fields(schema: dict[str, Any], missing: list[str]) -> dict[str, Any]:
    if not missing:
        return schema
    reduced = dict(schema)
    reduced["fields"] = [f for f in schema.get("fields", []) if f["name"] not in missing]
    key = schema.get("primaryKey")
    keys = [key] if isinstance(key, str) else list(key or [])
    if any(k in missing for k in keys):
        reduced.pop("primaryKey", None)
    return reduced


def _source_row(table: Table, row_number: int | None) -> int | None:
    """frictionless counts the header as row 1; map back to the source file's row."""
    if row_number is None or row_number < 2 or row_number - 2 >= len(table.row_numbers):
        return None
    return table.row_numbers[row_number - 2]


def _type_name(ftype: str, source: SourceSpec) -> str:
    """The German name of a field type; for dates, months and years with the format the
    source declares (TT.MM.JJJJ, MM.JJJJ …)."""
    name = TYPE_NAMES.get(ftype, ftype)
    if ftype not in dates.PERIOD_TYPES:
        return name
    fmt = source.format_for(ftype) or dates.DEFAULTS[ftype]
    return f"{name} ({dates.german(fmt)} in der Quelle)"


def _problem(
    code: str, row: int | None, field_name: str | None, cell: Any, note: str, message: str,
    table: Table, context: dict[str, Any], schema: dict[str, Any], source: SourceSpec,
) -> Problem:
    fields = {f["name"]: f for f in schema.get("fields", [])}
    where = f"Zeile {row}" if row else "Tabelle"
    ftype = fields.get(field_name or "", {}).get("type", "string")
    if cell != MASKED:  # a cell is shown only if the detectors judge it safe (describing.py)
        message = scrub(message or "", cell, ftype)
        cell = quote(cell, ftype)
    if code == "type-error" and field_name in fields:
        text = (f"{where}, Feld '{field_name}': {cell} ist keine gültige Angabe vom "
                f"Typ {_type_name(fields[field_name].get('type', ''), source)}.")
    elif code == "constraint-error":
        match = re.match(r'constraint "(\w+)" is "(.*)"', note or "")
        name, value = (match.group(1), match.group(2)) if match else ("", note)
        reason = CONSTRAINT_TEXT.get(name, "Regel '{name}' ist verletzt ({value})").format(
            name=name, value=value)
        shown = f" (Wert {cell})" if cell != "''" else ""
        text = f"{where}, Feld '{field_name}': {reason}{shown}."
    elif code == "small-count-unprotected":
        text = (f"{where}, Feld '{field_name}': kleine Fallzahl (1 bis {note.split('=')[-1]}"
                " minus 1) würde ungeschützt veröffentlicht.")
    elif code in ("primary-key", "unique-error"):
        key = schema.get("primaryKey")
        keys = ", ".join([key] if isinstance(key, str) else list(key or [field_name or ""]))
        other = re.search(r"position (\d+)", note or "")
        first = _source_row(table, int(other.group(1))) if other else None
        again = f" wie Zeile {first}" if first else ""
        text = f"{where}: Der Schlüssel ({keys}) kommt doppelt vor{again}."
        field_name = field_name or keys
    else:
        text = f"{where}: {message}"
    if code not in {t.code for t in problems.all_problem_types()}:
        return Problem(code=code, message=text, row=row, field=field_name, **context)
    return problems.make(code, text, row=row, field=field_name, **context)
