"""The combined table of a harmonised key figure: the AGS first, every member's hidden cell
stays hidden, and the audit over the combined table catches a pattern that gives a cell away."""

from __future__ import annotations

import dataclasses

from flows.model.tables import Table
from flows.specs.datasets import ProtectSpec, ResourceSpec, SourceSpec
from flows.specs.harmonised import harmonised_resource
from flows.stages.combine import audit_combined, combine
from flows.stages.disclosure import Protected
from flows.stages.protect import protect

SCHEMA = {"fields": [{"name": "monat", "type": "string"}, {"name": "kanal", "type": "string"},
                     {"name": "anzahl", "type": "integer"}],
          "primaryKey": ["monat", "kanal"], "missingValues": ["", "."]}
RULES = ProtectSpec(small_count_fields=("anzahl",), k=3,
                    groups=({"by": ["monat"], "total": {"kanal": "gesamt"}},))
MEMBER = ResourceSpec("fallzahlen", "fallzahlen.csv", "f", SCHEMA, SourceSpec(kind="csv"),
                      protect=RULES)
COMBINED = harmonised_resource(MEMBER)


def _member(rows: list[tuple[str, str, int]]) -> Protected:
    table = Table(fields=["monat", "kanal", "anzahl"],
                  rows=[[m, k, str(n)] for m, k, n in rows],
                  row_numbers=list(range(2, len(rows) + 2)))
    return Protected(MEMBER, protect(table, MEMBER, "d-m", "m.csv"), "m.csv")


A = [("2025-01", "online", 1), ("2025-01", "Post", 10), ("2025-01", "Schalter", 40),
     ("2025-01", "gesamt", 51)]
B = [("2025-01", "online", 7), ("2025-01", "Post", 2), ("2025-01", "Schalter", 30),
     ("2025-01", "gesamt", 39)]


def test_members_below_each_other_with_the_ags_first_and_their_hidden_cells_hidden() -> None:
    a, b = _member(A), _member(B)
    item = combine(COMBINED, [("07318000", a), ("07338027", b)], "Tabellen der Mitglieder")
    table = item.protection.table
    assert table.fields == ["ags", "monat", "kanal", "anzahl"]
    assert [row[0] for row in table.rows] == ["07318000"] * 4 + ["07338027"] * 4
    assert table.rows[:4] == [["07318000", *row] for row in a.protection.table.rows]
    hidden = {(r, c) for r, row in enumerate(table.rows) for c, v in enumerate(row) if v == "."}
    assert hidden == set(item.protection.originals)
    assert len(hidden) == len(a.protection.originals) + len(b.protection.originals) >= 4
    assert item.protection.originals[0, 3] == 1  # the true value, for the audit only
    assert table.row_numbers == list(range(2, 10))


def test_audit_runs_on_the_combined_table_and_finds_no_cell_given_away() -> None:
    item = combine(COMBINED, [("07318000", _member(A)), ("07338027", _member(B))], "x")
    assert audit_combined(item, "d") == []
    audit = item.protection.audit
    assert audit["audit_hidden_cells"] == len(item.protection.originals)
    assert audit["audit_narrowest_width"] >= 1


def test_a_member_pattern_that_gives_a_cell_away_blocks_the_combined_table() -> None:
    a = _member(A)
    # undo the secondary suppression of member A: its 1 online is then total − the others
    for (r, c) in set(a.protection.originals) - a.protection.primary:
        a.protection.table.rows[r][c] = str(a.protection.originals.pop((r, c)))
    item = combine(COMBINED, [("07318000", a), ("07338027", _member(B))], "x")
    found = audit_combined(item, "d")
    assert [p.code for p in found] == ["suppression-impossible"]
    assert found[0].row is not None and found[0].field == "anzahl"


def test_sums_are_per_member() -> None:
    """The AGS is the first key of every declared sum: one month of two members gives two sums
    (mixed into one, the sums would contradict each other and the audit would fail)."""
    item = combine(COMBINED, [("07318000", _member(A)), ("07338027", _member(B))], "x")
    assert audit_combined(item, "d") == []
    combined_rules = dataclasses.replace(COMBINED.protect, groups=())
    bare = combine(dataclasses.replace(COMBINED, protect=combined_rules),
                   [("07318000", _member(A))], "x")
    assert audit_combined(bare, "d") == []
