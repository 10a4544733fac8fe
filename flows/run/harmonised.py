"""The combined dataset of a harmonised key figure: which members' tables go in, and the note on
the ones left out (declared in flows/specs/harmonised.py, joined in flows/stages/combine.py).

A member's table goes into the combined table only when it is exactly what the member's own
dataset has published: the latest run with targets left that dataset published or unchanged
(`<out>/outcomes/<dataset>.json`, written by flows/run/sequence.py for every dataset), and the
member's tables, prepared again here through the same stages, have that version's content hash.
A member whose data are invalid, failed, held for approval, rejected, never published or changed
since is left out with a note: a warning in the report and a sentence in the combined dataset's
description. Nothing half-checked is ever mixed in. A check without targets (`kennzahlen
validate`) joins every member whose tables are valid now.

The members' tables are prepared again rather than read back from a target because the audit of
the combined table (flows/stages/combine.py) needs the true values of the hidden cells, which
are kept in memory only and never written; the validation cache makes the second validation of
an unchanged table cheap. The nightly flow runs a combined dataset after its members
(`catalog.in_waves`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.model.results import STATUS_DE, DatasetResult
from flows.problems import Problem
from flows.specs import harmonised
from flows.specs.datasets import DatasetSpec
from flows.specs.members import Member, load_members
from flows.stages.combine import audit_combined, combine
from flows.stages.disclosure import Protected

GOOD = frozenset({"published", "unchanged"})
"""Outcomes of a member's latest run whose version the combined table may show."""


def outcomes_folder(project: Path) -> Path:
    """`<out>/outcomes/`: the latest outcome of each dataset (`KENNZAHLEN_OUT`, as in
    flows/settings.py)."""
    return Path(os.environ.get("KENNZAHLEN_OUT") or project / "out").resolve() / "outcomes"


def remember(project: Path, result: DatasetResult) -> None:
    """Keep the outcome of a run with targets: status and content hash (no data)."""
    folder = outcomes_folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / f"{result.name}.json"
    partial = entry.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"status": result.status, "content_hash": result.content_hash,
                                   "at": datetime.now(UTC).isoformat(timespec="seconds")}),
                       encoding="utf-8")
    partial.replace(entry)


def latest(project: Path, name: str) -> dict[str, Any] | None:
    """The outcome of `name`'s latest run with targets (None: none recorded or unreadable)."""
    try:
        found = json.loads((outcomes_folder(project) / f"{name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


@dataclass
class MemberTables:
    """One member's dataset prepared in memory: its result, its protected resources (with the
    hidden cells' true values) and the content hash of its version ('' when invalid)."""

    result: DatasetResult
    items: list[Protected] = field(default_factory=list)
    content_hash: str = ""


@dataclass
class Joined:
    """The combined dataset's resources as protected, the spec with the note in its
    description, the findings and the provenance per resource."""

    spec: DatasetSpec
    items: list[Protected]
    problems: list[Problem]
    provenance: dict[str, Any]


def join(spec: DatasetSpec, project: Path, check: Callable[[str], MemberTables],
         publishing: bool) -> Joined:
    """Join the members' tables of the combined dataset `spec`.

    Args:
        spec: the combined dataset (`spec.parts` names its members).
        project: the project folder.
        check: prepares one member's dataset in memory (by dataset name).
        publishing: a run with targets (only published or unchanged versions go in) rather
            than a check (every valid member goes in).
    """
    members = load_members(project)
    found: list[Problem] = []
    included: list[tuple[str, MemberTables]] = []
    left_out: list[tuple[str, str]] = []
    for member in spec.parts:
        name = f"{spec.name}-{member}"
        tables, why = _member(project, name, check, publishing)
        if tables is None:
            left_out.append((member, why))
            found.append(problems.make(
                "member-left-out", f"{members[member].name} ({name}) ist in dieser Fassung der "
                f"gemeinsamen Tabelle nicht enthalten: {why}.", severity="warning",
                dataset=spec.name))
        else:
            included.append((member, tables))
    if not included:
        found.append(problems.make("members-none", "Kein Mitglied hat in diesem Lauf geprüfte "
                                   "Daten geliefert; die gemeinsame Tabelle wird nicht "
                                   "veröffentlicht.", dataset=spec.name))
    items: list[Protected] = []
    shown = "Tabellen der Mitglieder"
    for resource in spec.resources:
        parts = [(members[m].ags, item) for m, tables in included
                 for item in tables.items if item.resource.name == resource.name]
        item = combine(resource, parts, shown)
        found.extend(audit_combined(item, spec.name))
        items.append(item)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    provenance = {item.resource.name: {
        "kind": harmonised.KIND, "file": shown, "members": [m for m, _ in included],
        "left_out": dict(left_out), "fetched_at": now, "rows": len(item.protection.table.rows)}
        for item in items}
    return Joined(_noted(spec, members, [m for m, _ in included], left_out), items, found,
                  provenance)


def _member(project: Path, name: str, check: Callable[[str], MemberTables],
            publishing: bool) -> tuple[MemberTables | None, str]:
    """The member's tables if they may go in, else None and why not (German)."""
    outcome = latest(project, name) if publishing else None
    if publishing and outcome is None:
        return None, "der Datensatz des Mitglieds ist noch nicht veröffentlicht"
    if outcome is not None and outcome.get("status") not in GOOD:
        status = str(outcome.get("status"))
        return None, f"der Datensatz des Mitglieds ist {STATUS_DE.get(status, status)}"
    tables = check(name)
    if not tables.content_hash:
        count = len(tables.result.errors)
        return None, (f"seine Daten sind ungültig ({count} "
                      f"{'Problem' if count == 1 else 'Probleme'}, siehe Bericht zu {name})")
    if outcome is not None and outcome.get("content_hash") != tables.content_hash:
        return None, ("seine Daten haben sich seit der letzten Veröffentlichung geändert und "
                      "sind noch nicht veröffentlicht")
    return tables, ""


def _noted(spec: DatasetSpec, members: dict[str, Member], included: list[str],
           left_out: list[tuple[str, str]]) -> DatasetSpec:
    """`spec` whose description says which members this version holds and which not."""
    names = ", ".join(f"{members[m].name} (AGS {members[m].ags})" for m in included) or "keine"
    note = f"In dieser Fassung enthalten: {names}."
    if left_out:
        note += " Nicht enthalten: " + "; ".join(f"{members[m].name} – {why}"
                                                 for m, why in left_out) + "."
    descriptor = dict(spec.descriptor)
    descriptor["description"] = f"{str(descriptor.get('description') or '').rstrip()}\n\n{note}"
    return dataclasses.replace(spec, descriptor=descriptor)
