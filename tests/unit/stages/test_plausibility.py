"""Plausibility: every kind of finding, and `exceeds` only beyond the declared threshold."""

from __future__ import annotations

from flows.model.tables import Table
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.specs.rules import PlausibilitySpec
from flows.stages.plausibility import compare, compare_same, describe_change
from tests.helpers import FIXTURES

FIELDS = ["monat", "leistung", "kanal", "anzahl"]
SCHEMA = {"fields": [
    {"name": "monat", "type": "date"}, {"name": "leistung", "type": "string"},
    {"name": "kanal", "type": "string", "constraints": {"enum": ["online", "Post", "Fax"]}},
    {"name": "anzahl", "type": "integer"}], "missingValues": ["", "."]}
OLD = [
    ["2025-01-01", "Pass", "online", "100"],
    ["2025-01-01", "Pass", "Post", "20"],
    ["2025-01-01", "Ausweis", "online", "50"],
    ["2025-02-01", "Pass", "online", "110"],
    ["2025-02-01", "Pass", "Post", "."],
    ["2025-02-01", "Ausweis", "online", "40"],
]
DECLARED = PlausibilitySpec(period="monat", groups=("leistung",), measures=("anzahl",),
                            max_change_percent=50)


def _table(rows: list[list[str]]) -> Table:
    return Table(fields=list(FIELDS), rows=[list(r) for r in rows],
                 row_numbers=list(range(2, len(rows) + 2)))


def _compare(new: list[list[str]], spec: PlausibilitySpec = DECLARED, old: list | None = None):  # noqa: ANN202
    resource = ResourceSpec("fallzahlen", "f.csv", "s", SCHEMA, SourceSpec(kind="csv",
                            path=FIXTURES), plausibility=spec)
    return compare(_table(new), _table(OLD if old is None else old), resource, "d")


def _kinds(comparison) -> list[str]:  # noqa: ANN001
    return [e["kind"] for e in comparison.entries]


def test_identical_data_gives_only_the_row_count_and_no_warning() -> None:
    found = _compare(OLD)
    assert found.entries == [{"resource": "fallzahlen", "kind": "row-count",
                              "label": "Anzahl Zeilen", "old": 6, "new": 6,
                              "change_percent": 0.0, "threshold": 50, "exceeds": False}]
    assert found.problems == []


def test_compare_same_is_what_comparing_a_version_with_itself_finds() -> None:
    for rows, spec in ((OLD, DECLARED), ([], DECLARED), (OLD[:2], PlausibilitySpec())):
        resource = ResourceSpec("fallzahlen", "f.csv", "s", SCHEMA, SourceSpec(kind="csv"),
                                plausibility=spec)
        itself = compare(_table(rows), _table(rows), resource, "d")
        same = compare_same(resource, len(rows), "d")
        assert (same.entries, same.problems) == (itself.entries, itself.problems)


def test_a_new_month_is_growth_not_a_finding() -> None:
    new = OLD + [["2025-03-01", "Pass", "online", "90"], ["2025-03-01", "Ausweis", "online", "9"]]
    found = _compare(new)
    assert _kinds(found) == ["row-count"]
    assert found.entries[0]["change_percent"] == 33.3 and not found.entries[0]["exceeds"]


def test_a_doubled_month_gives_exceeding_group_sums_and_a_rewritten_period() -> None:
    new = [r[:] for r in OLD]
    for row in new:
        if row[0] == "2025-02-01" and row[3] != ".":
            row[3] = str(int(row[3]) * 2)
    found = _compare(new)
    sums = [e for e in found.entries if e["kind"] == "group-sum"]
    assert {(e["label"], e["old"], e["new"], e["change_percent"], e["exceeds"]) for e in sums} == {
        ("Anzahl, Pass, Februar 2025", 110, 220, 100.0, True),
        ("Anzahl, Ausweis, Februar 2025", 40, 80, 100.0, True)}
    rewritten = [e for e in found.entries if e["kind"] == "period-rewritten"]
    assert [(e["old"], e["new"], e["exceeds"]) for e in rewritten] == [(150, 300, True)]
    assert {p.code for p in found.problems} == {"plausibility-sum", "plausibility-period"}
    assert all(p.severity == "warning" for p in found.problems)
    assert any(p.code == "plausibility-sum"
               and "bisher 110, jetzt 220 (+100 %, Schwelle 50 %)" in p.message
               for p in found.problems)


def test_exceeds_only_beyond_the_threshold() -> None:
    def changed(value: str):  # noqa: ANN202
        new = [r[:] for r in OLD]
        new[3][3] = value  # Pass, February: 110
        return next(e for e in _compare(new).entries if e["kind"] == "group-sum")

    assert changed("165")["change_percent"] == 50.0 and not changed("165")["exceeds"]
    assert changed("166")["exceeds"] and changed("54")["exceeds"]
    assert not changed("56")["exceeds"]


def test_a_period_that_went_missing() -> None:
    found = _compare([r for r in OLD if r[0] != "2025-01-01"])
    missing = [e for e in found.entries if e["kind"] == "period-missing"]
    assert missing == [{"resource": "fallzahlen", "kind": "period-missing",
                        "label": "Zeitraum Januar 2025 fehlt", "old": 3, "new": None,
                        "change_percent": -100.0, "threshold": 50, "exceeds": True}]
    assert "group-sum" not in _kinds(found)  # the missing month is not repeated per group
    row_count = found.entries[0]
    assert row_count["change_percent"] == -50.0 and not row_count["exceeds"]  # not beyond 50
    assert "plausibility-period" in {p.code for p in found.problems}


def test_a_rewritten_period_below_the_threshold_is_reported_but_does_not_exceed() -> None:
    new = [r[:] for r in OLD]
    new[2][3] = "51"
    found = _compare(new)
    rewritten = next(e for e in found.entries if e["kind"] == "period-rewritten")
    assert (rewritten["old"], rewritten["new"], rewritten["exceeds"]) == (170, 171, False)
    assert [p.code for p in found.problems] == ["plausibility-period"]


def test_categories_that_appear_or_disappear() -> None:
    new = [r[:] for r in OLD if r[2] != "Post"] + [["2025-02-01", "Pass", "Fax", "3"]]
    found = _compare(new)
    categories = [(e["kind"], e["label"], e["old"], e["new"]) for e in found.entries
                  if e["kind"].startswith("category")]
    assert ("category-removed", "Kanal „Post“ fehlt", 2, None) in categories
    assert ("category-added", "Kanal „Fax“ ist neu", None, 1) in categories
    assert all(not e["exceeds"] for e in found.entries if e["kind"].startswith("category"))


def test_defaults_compare_row_count_and_enum_categories_only() -> None:
    new = [r[:] for r in OLD[:2]]
    new[0][3] = "999"
    new[1][2] = "Fax"
    found = _compare(new, PlausibilitySpec())
    assert _kinds(found) == ["row-count", "category-removed", "category-added"]
    row_count = found.entries[0]
    assert (row_count["old"], row_count["new"], row_count["threshold"], row_count["exceeds"]) == (
        6, 2, 20.0, True)
    assert "plausibility-row-count" in {p.code for p in found.problems}


def test_a_sum_growing_from_zero_exceeds_without_a_percentage() -> None:
    old = [r[:] for r in OLD]
    old[5][3] = "0"
    found = _compare(OLD, old=old)
    entry = next(e for e in found.entries if e["kind"] == "group-sum")
    assert (entry["old"], entry["new"], entry["change_percent"], entry["exceeds"]) == (
        0, 40, None, True)
    assert describe_change(entry) == "bisher 0, jetzt 40"


def test_sums_without_groups_or_period_cover_the_whole_table() -> None:
    new = [r[:] for r in OLD]
    new[0][3] = "1100"
    found = _compare(new, PlausibilitySpec(measures=("anzahl",), max_change_percent=100))
    entry = next(e for e in found.entries if e["kind"] == "group-sum")
    assert (entry["label"], entry["old"], entry["new"], entry["exceeds"]) == (
        "Anzahl (gesamt)", 320, 1320, True)


def test_files_read_row_by_row_compare_like_tables(tmp_path) -> None:  # noqa: ANN001
    """compare_csv (large resources, both versions streamed) finds what compare finds; the rows
    of a period in another order are not a rewrite."""
    import csv

    from flows.stages.plausibility import compare_csv

    new = [r[:] for r in reversed(OLD)] + [["2025-03-01", "Pass", "Fax", "7"]]
    new[0][3] = "220"  # February, Ausweis online: 40 → 220
    paths = {}
    for side, rows in (("new", new), ("old", OLD)):
        paths[side] = tmp_path / f"{side}.csv"
        with paths[side].open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([FIELDS, *rows])
    resource = ResourceSpec("fallzahlen", "f.csv", "s", SCHEMA, SourceSpec(kind="csv",
                            path=FIXTURES), plausibility=DECLARED)
    with paths["old"].open(encoding="utf-8", newline="") as old:
        streamed = compare_csv(paths["new"], old, resource, "d")
    assert streamed.entries == _compare(new).entries
    assert {"period-rewritten", "group-sum", "category-added"} <= set(_kinds(streamed))
    assert not any("Januar" in e["label"] or "2025-01-01" in e["label"]
                   for e in streamed.entries if e["kind"] == "period-rewritten")


def test_a_value_suppressed_before_is_compared_as_hidden_not_as_zero() -> None:
    new = [r[:] for r in OLD]
    new[4][3] = "80"  # Pass/Post in February was "." and is now published: not +73 %
    found = _compare(new)
    sums = {e["label"]: e for e in found.entries if e["kind"] == "group-sum"}
    entry = sums["Anzahl, Pass, Februar 2025 (gesperrte Werte unterschiedlich, nicht "
                 "vergleichbar)"]
    assert (entry["old"], entry["new"], entry["change_percent"], entry["exceeds"]) == (
        110, 190, None, False)
    assert "plausibility-sum" not in {p.code for p in found.problems}
    period = next(e for e in found.entries if e["kind"] == "period-rewritten")
    assert period["label"].endswith("(gesperrte Werte unterschiedlich, nicht vergleichbar)")
    assert not any(e["exceeds"] for e in found.entries)
