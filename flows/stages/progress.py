"""Progress: the progress report of a measures plan, computed from the published table.

Per field of action (in the order the plan names them) the measures, the number per status, the
summed costs, the measures that are overdue (planned end before the plan's date, neither done nor
postponed nor dropped) and what changed since the last report. "Since the last report" compares
with the last publication of the plan, read from the target the way plausibility reads it
(`flows/run/progress.py`): new measures, status changes, finished, postponed and dropped
measures, and two findings for staff review (`review`): a status that went back to an earlier
step (umgesetzt → in Umsetzung) and a measure that disappeared from the plan. Both become
plausibility entries beyond their threshold, so the new version is held for approval like a
doubled month.
"""

from __future__ import annotations

from datetime import date

from flows import problems
from flows.model.progress import (
    CHANGE_KINDS,
    Change,
    FieldOfAction,
    FigureValue,
    Measure,
    ProgressReport,
)
from flows.model.results import Comparison
from flows.model.tables import Table
from flows.specs.progress import ProgressSpec

REVIEW = {"backwards": ("status-backwards", "plausibility-status-backwards"),
          "removed": ("measure-removed", "plausibility-measure-removed")}
"""Change kinds that need a person's look: plausibility kind and problem code."""


def read_measures(table: Table, spec: ProgressSpec) -> list[Measure]:
    """The measures of a published table (fields named by the declaration; a field missing in
    an older version reads as empty)."""
    at = {name: i for i, name in enumerate(table.fields)}

    def cell(row: list[str], role: str) -> str:
        name = spec.name_of(role)
        return row[at[name]] if name in at else ""

    def number(row: list[str], name: str) -> float | None:
        text = row[at[name]] if name in at else ""
        try:
            return float(text) if text else None
        except ValueError:
            return None

    return [Measure(id=cell(row, "id"), field_of_action=cell(row, "field_of_action"),
                    title=cell(row, "measure"), status=cell(row, "status"),
                    responsible=cell(row, "responsible"), start=cell(row, "start"),
                    end=cell(row, "end"), remark=cell(row, "remark"),
                    costs=tuple(number(row, name) for name in spec.name_of("costs") or ()))
            for row in table.rows]


def as_of(table: Table, spec: ProgressSpec) -> str:
    """The plan's date: the latest value of the `as_of` field (today without one)."""
    name = spec.name_of("as_of")
    if name in table.fields:
        index = table.fields.index(name)
        found = [row[index] for row in table.rows if row[index]]
        if found:
            return max(found)
    return date.today().isoformat()


def changes(current: list[Measure], previous: list[Measure], spec: ProgressSpec) -> list[Change]:
    """What changed per measure (by its id) between the previous and the current plan."""
    before = {m.id: m for m in previous}
    now = {m.id for m in current}
    found = []
    for measure in current:
        old = before.get(measure.id)
        if old is None:
            found.append(Change("new", measure))
        elif old.status != measure.status:
            found.append(Change(_status_change(old.status, measure.status, spec), measure,
                                old.status))
    found += [Change("removed", m, m.status) for m in previous if m.id not in now]
    return sorted(found, key=lambda c: (CHANGE_KINDS.index(c.kind), _number(c.measure.id)))


def _status_change(old: str, new: str, spec: ProgressSpec) -> str:
    was, now = spec.status(old), spec.status(new)
    if now is None:
        return "status"
    if now.kind:
        return now.kind
    if was is not None and was.step is not None and now.step is not None and now.step < was.step:
        return "backwards"
    return "finished" if now.done else "status"


def overdue(measure: Measure, spec: ProgressSpec, day: str) -> bool:
    status = spec.status(measure.status)
    open_ = status is None or not (status.done or status.kind)
    return open_ and bool(measure.end) and measure.end < day


def build(spec: ProgressSpec, table: Table, previous: Table | None, dataset_title: str,
          figures: list[FigureValue] | None = None) -> ProgressReport:
    """The report of the plan in `table`, compared with `previous` (None: first report).

    Args:
        spec: the declaration (progress.yaml).
        table: the plan as it is published now.
        previous: the plan as it was last published, or None.
        dataset_title: the measures dataset's title.
        figures: the linked key figures, computed from their last publication.

    Returns:
        The report, fields of action in the order they first appear in the plan.
    """
    day = as_of(table, spec)
    current = read_measures(table, spec)
    report = ProgressReport(
        title=spec.title, dataset=spec.dataset, dataset_title=dataset_title, as_of=day,
        statuses=[s.value for s in spec.statuses],
        done_statuses=[s.value for s in spec.statuses if s.done],
        cost_labels=[spec.titles.get(n, n) for n in spec.name_of("costs") or []],
        period=spec.period,
        previous_as_of=as_of(previous, spec) if previous is not None else None,
        first=previous is None)
    by_name: dict[str, FieldOfAction] = {}
    for measure in current:
        area = by_name.setdefault(measure.field_of_action, FieldOfAction(measure.field_of_action))
        area.measures.append(measure)
        if overdue(measure, spec, day):
            area.overdue.append(measure)
    for change in changes(current, read_measures(previous, spec) if previous else [], spec):
        name = change.measure.field_of_action
        by_name.setdefault(name, FieldOfAction(name)).changes.append(change)
    for figure in figures or []:
        by_name.setdefault(figure.field_of_action,
                           FieldOfAction(figure.field_of_action)).figures.append(figure)
    for area in by_name.values():
        area.counts = {s: sum(m.status == s for m in area.measures) for s in report.statuses}
        area.costs = tuple(sum(m.costs[i] or 0.0 for m in area.measures if not _dropped(m, spec))
                           for i in range(len(report.cost_labels)))
    report.fields = list(by_name.values())
    return report


def _dropped(measure: Measure, spec: ProgressSpec) -> bool:
    status = spec.status(measure.status)
    return status is not None and status.kind == "dropped"


def review(report: ProgressReport, resource: str) -> Comparison:
    """Plausibility entries and warnings for changes a person should look at: a status that
    went back to an earlier step, a measure that is no longer in the plan."""
    found = Comparison()
    for change in report.changes:
        if change.kind not in REVIEW:
            continue
        kind, code = REVIEW[change.kind]
        measure = change.measure
        label = f"Maßnahme {measure.id} „{measure.title}“"
        if change.kind == "backwards":
            text = f"Status zurückgesetzt: {change.old_status} → {measure.status}"
            old, new = change.old_status, measure.status
        else:
            text = "nicht mehr im Maßnahmenplan (nicht als entfallen gekennzeichnet)"
            old, new = change.old_status, None
        found.entries.append({"resource": resource, "kind": kind, "label": label, "old": old,
                              "new": new, "change_percent": None, "threshold": None,
                              "exceeds": True})
        found.problems.append(problems.make(
            code, f"Ressource '{resource}', {label}: {text}.", severity="warning",
            dataset=report.dataset, resource=resource, field="status"))
    return found


def _number(text: str) -> tuple[int, str]:
    """Sort key: numeric ids as numbers, then text."""
    return (int(text), "") if text.isdigit() else (1 << 62, text)
