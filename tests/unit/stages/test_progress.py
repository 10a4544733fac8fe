"""The progress report's figures: counts, overdue measures, what changed, staff review."""

from __future__ import annotations

from flows.model.tables import Table
from flows.specs import catalog
from flows.specs.progress import ProgressSpec, load_progress
from flows.stages.progress import as_of, build, changes, read_measures, review
from tests.helpers import ROOT

SLUG = "digitalstrategie-massnahmen"
FIELDS = ["nr", "handlungsfeld", "massnahme", "status", "verantwortlich", "beginn", "ende",
          "kosten_einmalig_eur", "kosten_jaehrlich_eur", "bemerkung", "stand"]


def _spec() -> ProgressSpec:
    dataset = catalog.load(ROOT, SLUG)
    spec = load_progress(dataset.folder, SLUG, {r.name: r.schema for r in dataset.resources})
    assert spec is not None
    return spec


def _plan(*rows: tuple[str, str, str, str, str], day: str = "2026-09-30") -> Table:
    """Rows of (nr, field of action, status, end, one-off costs)."""
    return Table(FIELDS, [[nr, area, f"Maßnahme {nr}", status, "Hauptamt", "2026-01-01", end,
                           cost, "", "", day] for nr, area, status, end, cost in rows])


def test_counts_costs_and_overdue_per_field_of_action() -> None:
    plan = _plan(("1", "A", "umgesetzt", "2026-03-31", "100"),
                 ("2", "A", "in Umsetzung", "2026-06-30", "50.5"),
                 ("3", "B", "geplant", "2027-01-31", ""),
                 ("4", "B", "zurückgestellt", "2026-01-31", "10"),
                 ("5", "B", "entfallen", "2026-01-31", "999"))
    report = build(_spec(), plan, None, "Plan")
    first, second = report.fields
    assert [first.name, second.name] == ["A", "B"]
    assert first.counts["umgesetzt"] == 1 and first.counts["in Umsetzung"] == 1
    assert list(second.counts) == ["geplant", "in Umsetzung", "umgesetzt", "dauerhafte Aufgabe",
                                   "zurückgestellt", "entfallen"]
    assert [m.id for m in report.overdue] == ["2"]  # postponed and dropped are not overdue
    assert first.costs[0] == 150.5 and second.costs[0] == 10  # dropped measures cost nothing
    assert report.first and report.as_of == "2026-09-30" and report.measures == 5


def test_changes_since_the_previous_plan_by_kind() -> None:
    spec = _spec()
    before = _plan(("1", "A", "in Umsetzung", "", ""), ("2", "A", "geplant", "", ""),
                   ("3", "A", "umgesetzt", "", ""), ("4", "A", "geplant", "", ""),
                   ("5", "A", "geplant", "", ""), ("6", "A", "geplant", "", ""),
                   ("7", "A", "umgesetzt", "", ""), day="2026-06-30")
    after = _plan(("1", "A", "umgesetzt", "", ""), ("2", "A", "in Umsetzung", "", ""),
                  ("3", "A", "in Umsetzung", "", ""), ("4", "A", "zurückgestellt", "", ""),
                  ("5", "A", "entfallen", "", ""), ("7", "A", "umgesetzt", "", ""),
                  ("8", "A", "geplant", "", ""))
    found = changes(read_measures(after, spec), read_measures(before, spec), spec)
    assert [(c.kind, c.measure.id, c.old_status) for c in found] == [
        ("new", "8", ""), ("finished", "1", "in Umsetzung"), ("status", "2", "geplant"),
        ("postponed", "4", "geplant"), ("dropped", "5", "geplant"),
        ("backwards", "3", "umgesetzt"), ("removed", "6", "geplant")]
    report = build(spec, after, before, "Plan")
    assert report.previous_as_of == "2026-06-30" and not report.first


def test_review_flags_a_status_going_back_and_a_vanished_measure() -> None:
    spec = _spec()
    before = _plan(("1", "A", "umgesetzt", "", ""), ("2", "A", "geplant", "", ""),
                   ("3", "A", "geplant", "", ""))
    after = _plan(("1", "A", "in Umsetzung", "", ""), ("3", "A", "in Umsetzung", "", ""))
    found = review(build(spec, after, before, "Plan"), "massnahmen")
    assert [(e["kind"], e["old"], e["new"], e["exceeds"]) for e in found.entries] == [
        ("status-backwards", "umgesetzt", "in Umsetzung", True),
        ("measure-removed", "geplant", None, True)]
    assert [p.code for p in found.problems] == ["plausibility-status-backwards",
                                                "plausibility-measure-removed"]
    assert all(p.severity == "warning" for p in found.problems)
    assert "Maßnahme 1" in found.problems[0].message


def test_an_unchanged_or_forward_moving_plan_needs_no_review() -> None:
    spec = _spec()
    before = _plan(("1", "A", "geplant", "", ""))
    after = _plan(("1", "A", "umgesetzt", "", ""), ("2", "A", "geplant", "", ""))
    assert review(build(spec, after, before, "Plan"), "massnahmen").entries == []


def test_the_plan_date_is_the_latest_as_of_value() -> None:
    plan = _plan(("1", "A", "geplant", "", ""))
    plan.rows[0][-1] = "2026-10-15"
    assert as_of(plan, _spec()) == "2026-10-15"
