"""Disclosure control across resources: a sibling resource that publishes the sums of a
protected count is found from the data and audited together with it."""

from __future__ import annotations

from flows.model.tables import Table
from flows.specs.datasets import ProtectSpec, ResourceSpec, SourceSpec
from flows.stages.disclosure import Protected, protect_dataset
from flows.stages.protect import protect
from tests.helpers import FIXTURES
from tests.unit.protection.test_audit import brute_ranges

COUNTS = ProtectSpec(small_count_fields=("anzahl",), k=3)


def _item(name: str, fields: list[str], rows: list[list[str]],
          spec: ProtectSpec | None = None) -> Protected:
    schema = {"fields": [{"name": f, "type": "integer" if f == "anzahl" else "string"}
                         for f in fields], "missingValues": ["", "."]}
    resource = ResourceSpec(name, f"{name}.csv", name, schema,
                            SourceSpec(kind="csv", path=FIXTURES), spec or ProtectSpec())
    table = Table(fields=fields, rows=[list(r) for r in rows],
                  row_numbers=list(range(2, len(rows) + 2)))
    return Protected(resource, protect(table, resource, "d", "f"), f"{name}.csv")


def _cases() -> Protected:
    # cases per month and service: the small counts are hidden in this resource alone
    return _item("faelle", ["monat", "leistung", "anzahl"], [
        ["2026-01", "Wohngeld", "1"], ["2026-02", "Wohngeld", "9"], ["2026-03", "Wohngeld", "12"],
        ["2026-01", "Elterngeld", "2"], ["2026-02", "Elterngeld", "20"],
        ["2026-03", "Elterngeld", "11"]], COUNTS)


def test_totals_in_a_sibling_resource_are_found_and_the_hidden_counts_protected() -> None:
    cases = _cases()
    assert [r[2] for r in cases.protection.table.rows] == [".", "9", "12", ".", "20", "11"]
    totals = _item("summen", ["leistung", "anzahl"], [["Wohngeld", "22"], ["Elterngeld", "33"]])
    found = protect_dataset([cases, totals], "d")
    assert found == []
    # alone, each hidden 1 or 2 was exactly 22 − 9 − 12 and 33 − 20 − 11; now a second cell
    # per service is hidden, and the published totals stay as they are
    hidden = [r[2] == "." for r in cases.protection.table.rows]
    assert sum(hidden[:3]) >= 2 and sum(hidden[3:]) >= 2
    assert [r[1] for r in totals.protection.table.rows] == ["22", "33"]
    stats = cases.protection.stats()
    assert stats["audit_hidden_cells"] == sum(hidden) and stats["audit_narrowest_width"] >= 1
    assert stats["suppressed_secondary"] == sum(hidden) - 2


def test_the_joint_pattern_leaves_no_hidden_count_exact_by_brute_force() -> None:
    from flows.protection.audit import Group, Knowledge

    cases = _cases()
    totals = _item("summen", ["leistung", "anzahl"], [["Wohngeld", "22"], ["Elterngeld", "33"]])
    protect_dataset([cases, totals], "d")
    values: list[int | None] = [1, 9, 12, 2, 20, 11, 22, 33]
    hidden = {i for i, r in enumerate(cases.protection.table.rows) if r[2] == "."}
    know = Knowledge(values, [Group((0, 1, 2), 6), Group((3, 4, 5), 7)], 3, {0, 3},
                     positive=set(range(8)), sensitive=set(range(6)))
    ranges = brute_ranges(know, hidden)
    assert all(high is None or high > low for low, high in ranges.values())


def test_a_sibling_whose_figures_are_not_the_sums_is_left_alone() -> None:
    cases = _cases()
    other = _item("ziele", ["leistung", "anzahl"], [["Wohngeld", "30"], ["Elterngeld", "40"]])
    assert protect_dataset([cases, other], "d") == []
    assert [r[2] for r in cases.protection.table.rows] == [".", "9", "12", ".", "20", "11"]
    assert "audit_hidden_cells" in cases.protection.stats()


def test_a_sibling_total_that_cannot_be_protected_is_an_error_naming_row_and_field() -> None:
    # one service, one month: the total equals the hidden count and nothing else can be hidden
    cases = _item("faelle", ["leistung", "anzahl"], [["Wohngeld", "2"]], COUNTS)
    totals = _item("summen", ["anzahl"], [["2"]])
    found = protect_dataset([cases, totals], "d")
    assert [(p.code, p.resource, p.row, p.field) for p in found] == [
        ("suppression-impossible", "faelle", 2, "anzahl")]


def test_linked_resources_with_different_rules_are_not_published() -> None:
    cases = _cases()
    totals = _item("summen", ["leistung", "anzahl"], [["Wohngeld", "22"], ["Elterngeld", "33"]],
                   ProtectSpec(small_count_fields=("anzahl",), k=5))
    found = protect_dataset([cases, totals], "d")
    assert [(p.code, p.severity, p.resource) for p in found] == [
        ("suppression-audit-undecided", "error", "faelle")]
