"""Business rules: each kind passing and failing, rows mapped back to the source file."""

from __future__ import annotations

from flows.model.tables import Table
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.specs.rules import RuleSpec
from flows.stages.rules import check_rules, typed_frame
from tests.helpers import FIXTURES

FIELDS = [
    {"name": "monat", "type": "date"},
    {"name": "leistung", "type": "string"},
    {"name": "kanal", "type": "string"},
    {"name": "anzahl", "type": "integer"},
    {"name": "tage", "type": "number"},
]
GOOD = [
    ["2025-01-01", "Pass", "online", "10", "1.5"],
    ["2025-01-01", "Pass", "Post", ".", "2.0"],   # "." = suppressed small count
    ["2025-01-01", "Pass", "gesamt", "12", ""],
    ["2025-02-01", "Pass", "online", "7", "0.5"],
    ["2025-02-01", "Pass", "Post", "5", "3.0"],
    ["2025-02-01", "Pass", "gesamt", "12", ""],
]


def _rule(kind: str, number: int = 1, severity: str = "error", expectation: str = "",
          **options: object) -> RuleSpec:
    return RuleSpec(number, f"Regel Nummer {number}.", kind, severity, expectation,
                    dict(options), "datapackages/d/rules.yaml")


def _expect(name: str, number: int = 1, severity: str = "error", **kwargs: object) -> RuleSpec:
    return _rule("expectation", number, severity, name, **kwargs)


def _check(rows: list[list[str]], *rules: RuleSpec, first_row: int = 10,
           masked: set[tuple[int, str]] | None = None):  # noqa: ANN202
    resource = ResourceSpec("r", "r.csv", "s", {"fields": FIELDS, "missingValues": ["", "."]},
                            SourceSpec(kind="csv", path=FIXTURES), rules=tuple(rules))
    table = Table(fields=[f["name"] for f in FIELDS], rows=[list(r) for r in rows],
                  row_numbers=list(range(first_row, first_row + len(rows))))
    return check_rules(table, resource, "d", "quelle.csv", masked=masked)


def test_no_rules_means_no_problems_and_no_work() -> None:
    assert _check(GOOD) == []


def test_the_typed_frame_has_numbers_dates_and_nulls_for_suppressed_cells() -> None:
    table = Table(fields=[f["name"] for f in FIELDS], rows=[list(r) for r in GOOD[:2]],
                  row_numbers=[2, 3])
    frame = typed_frame(table, {"fields": FIELDS, "missingValues": ["", "."]})
    assert str(frame["anzahl"].dtype) == "Int64" and frame["anzahl"].isna().tolist() == [False,
                                                                                       True]
    assert str(frame["tage"].dtype) == "Float64"
    assert frame.at[0, "monat"].isoformat() == "2025-01-01"


def test_a_column_rule_passes_on_good_data_and_ignores_suppressed_cells() -> None:
    assert _check(GOOD, _expect("expect_column_values_to_be_between", column="anzahl",
                                min_value=0)) == []


def test_a_failing_column_rule_names_source_row_field_and_value() -> None:
    rows = [r[:] for r in GOOD]
    rows[3][3] = "-4"
    found = _check(rows, _expect("expect_column_values_to_be_between", column="anzahl",
                                 min_value=0))
    assert [(p.code, p.row, p.field, p.severity) for p in found] == [
        ("rule-violated", 13, "anzahl", "error")]
    assert "anzahl=-4" in found[0].message and "„Regel Nummer 1“" in found[0].message
    assert found[0].file == "quelle.csv" and found[0].details["rule"] == 1


def test_camel_case_names_set_membership_and_warning_severity() -> None:
    from flows.specs.rules import camel_to_snake

    rule = _expect(camel_to_snake("ExpectColumnValuesToBeInSet"), severity="warning",
                   column="kanal", value_set=["online", "Post", "gesamt"])
    assert _check(GOOD, rule) == []
    rows = [r[:] for r in GOOD]
    rows[0][2] = "Fax"
    found = _check(rows, rule)
    assert [(p.row, p.field, p.severity) for p in found] == [(10, "kanal", "warning")]


def test_compound_key_must_be_unique() -> None:
    rule = _expect("expect_compound_columns_to_be_unique",
                   column_list=["monat", "leistung", "kanal"])
    assert _check(GOOD, rule) == []
    rows = GOOD + [GOOD[0][:]]
    found = _check(rows, rule)
    assert sorted(p.row for p in found) == [10, 16]
    assert found[0].field == "monat, leistung, kanal"


def test_dates_compare_with_dates_from_yaml() -> None:
    import datetime

    rule = _expect("expect_column_values_to_be_between", column="monat",
                   min_value=datetime.date(2025, 2, 1))
    assert sorted(p.row for p in _check(GOOD, rule)) == [10, 11, 12]


def test_a_failing_table_level_rule_reports_the_observed_value() -> None:
    found = _check(GOOD, _expect("expect_column_max_to_be_between", column="anzahl",
                                 max_value=10))
    assert len(found) == 1 and found[0].row is None
    assert "festgestellt: 12" in found[0].message


def test_many_violations_are_reported_individually_up_to_a_limit() -> None:
    rows = [["2025-01-01", "Pass", "online", str(-i - 1), "1"] for i in range(30)]
    found = _check(rows, _expect("expect_column_values_to_be_between", column="anzahl",
                                 min_value=0))
    assert len(found) == 21 and "insgesamt 30 Zeilen" in found[-1].message


def test_personal_data_values_are_not_shown() -> None:
    rows = [r[:] for r in GOOD]
    rows[0][1] = "Erika Mustermann"
    found = _check(rows, _expect("expect_column_values_to_be_in_set", column="leistung",
                                 value_set=["Pass"]), masked={(10, "leistung")})
    assert len(found) == 1 and "Erika" not in found[0].message and "verborgen" in found[0].message


def test_every_period_finds_the_missing_month() -> None:
    rule = _rule("every_period", field="monat", unit="month")
    assert _check(GOOD, rule) == []
    rows = GOOD + [["2025-05-01", "Pass", "online", "3", "1"]]
    found = _check(rows, rule)
    assert [(p.field, p.row) for p in found] == [("monat", None), ("monat", None)]
    assert "2025-03" in found[0].message and "2025-04" in found[1].message


def test_every_period_by_year() -> None:
    rows = GOOD + [["2027-01-01", "Pass", "online", "3", "1"]]
    found = _check(rows, _rule("every_period", field="monat", unit="year"))
    assert len(found) == 1 and "2026" in found[0].message


def test_sum_equals_total_passes_skips_suppressed_groups_and_names_the_total_row() -> None:
    rule = _rule("sum_equals_total", measure="anzahl", by=["monat", "leistung"],
                 total={"kanal": "gesamt"})
    assert _check(GOOD, rule) == []  # January has a suppressed cell: it cannot be checked
    rows = [r[:] for r in GOOD]
    rows[5][3] = "13"
    found = _check(rows, rule)
    assert [(p.row, p.field) for p in found] == [(15, "anzahl")]
    assert "ergeben die Zeilen 12, die ausgewiesene Summe ist 13" in found[0].message
    assert "monat=2025-02-01" in found[0].message


def test_yearly_sum_equals_the_stated_total() -> None:
    rows = [
        ["2025-01-01", "Pass", "online", "10", ""],
        ["2025-02-01", "Pass", "online", "20", ""],
        ["2025-12-31", "Pass", "Jahr", "30", ""],
        ["2026-01-01", "Pass", "online", "5", ""],
    ]
    rule = _rule("sum_equals_total", measure="anzahl", by=["leistung"], year_of="monat",
                 total={"kanal": "Jahr"})
    found = _check(rows, rule)
    assert len(found) == 1 and "jahr=2026" in found[0].message and "fehlt" in found[0].message
    rows[2][3] = "31"
    assert len(_check(rows, rule)) == 2


def test_unknown_expectation_and_wrong_kwargs_are_rule_config_problems() -> None:
    found = _check(GOOD, _expect("expect_column_to_be_pretty", 1, column="anzahl"),
                   _expect("expect_column_values_to_be_between", 2, column="anzahl",
                           minimum=0),
                   _expect("expect_column_values_to_be_between", 3, column="anzahl",
                           min_value=0))
    assert [(p.code, p.severity, p.details["rule"]) for p in found] == [
        ("rule-invalid", "error", 1), ("rule-invalid", "error", 2)]
    assert found[0].file == "datapackages/d/rules.yaml"
    assert "expect_column_to_be_pretty" in found[0].message and "Regel 1" in found[0].message
    assert "minimum" in found[1].message


def test_a_rule_that_fails_while_running_is_reported_not_raised() -> None:
    # catalog.load refuses unknown fields; the stage still must not raise if one slips through
    found = _check(GOOD, _expect("expect_column_values_to_not_be_null", column="gibt_es_nicht"))
    assert [p.code for p in found] == ["rule-invalid"]
    assert "Great Expectations meldet" in found[0].message
