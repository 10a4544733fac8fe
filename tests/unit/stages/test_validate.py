from __future__ import annotations

from flows.model.tables import Table
from flows.stages.validate import validate
from tests.helpers import FIXTURES, ROOT, checked, resource


def test_example_exports_are_valid() -> None:
    _, _, result = checked("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    assert result.valid and result.rows == 3


def test_non_numeric_count_names_source_row_and_field() -> None:
    _, _, result = checked("fallzahlen-verwaltungsleistungen-musterstadt",
                           FIXTURES / "fallzahlen-invalid-non-numeric-count.csv")
    found = {(p.code, p.row, p.field) for p in result.problems}
    assert ("type-error", 3, "anzahl") in found
    assert ("constraint-error", 4, "kanal") in found
    type_error = next(p for p in result.problems if p.code == "type-error")
    assert "zwölf" not in type_error.message and "ganze Zahl" in type_error.message
    assert "«Text, 5 Zeichen, enthält Buchstaben»" in type_error.message  # described, not quoted
    assert type_error.file == "fallzahlen-invalid-non-numeric-count.csv"
    assert type_error.hint


def test_constraints_dates_and_duplicate_keys_in_german() -> None:
    _, _, result = checked("digitalisierung-kosten", FIXTURES / "kosten-invalid-bad-values.csv")
    by_key = {(p.code, p.row, p.field): p for p in result.problems}
    assert ("type-error", 3, "einmalige_kosten_eur") in by_key
    minimum = by_key[("constraint-error", 3, "jaehrliche_kosten_eur")]
    assert "Minimum 0" in minimum.message
    assert ("type-error", 3, "beginn") in by_key  # 31.02. does not exist
    duplicate = by_key[("primary-key", 4, "projekt")]
    assert "wie Zeile 2" in duplicate.message
    assert not result.valid


def test_xlsx_rows_are_counted_as_in_the_sheet() -> None:
    path = ROOT / "datapackages/digitalstrategie-massnahmen/source/massnahmen-status.xlsx"
    res = resource("digitalstrategie-massnahmen", path)
    table = Table(fields=[f["name"] for f in res.schema["fields"]],
                  rows=[["1", "F", "A", "geplant", "", "", "", "", "", "", "2026-01-01"],
                        ["2", "F", "B", "vielleicht", "", "", "", "", "", "", "2026-01-01"]],
                  row_numbers=[5, 6])
    result = validate(table, res, "d", "m.xlsx")
    (problem,) = result.problems
    assert (problem.code, problem.row, problem.field) == ("constraint-error", 6, "status")
    assert "erlaubten Werte" in problem.message


def test_missing_column_is_reported_once_not_per_row() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    table = Table(fields=[f["name"] for f in res.schema["fields"]],
                  rows=[["", "B", "1", "2", "2020-01-01", ""]] * 3, row_numbers=[2, 3, 4],
                  missing_fields=["projekt"])
    result = validate(table, res, "d", "f")
    assert result.problems == []


def test_uncovered_schema_feature_falls_back_to_frictionless_and_says_so() -> None:
    import dataclasses

    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    schema = {**res.schema, "fields": [*res.schema["fields"][:-1],
                                       {"name": "anmerkung", "type": "datetime"}]}
    res = dataclasses.replace(res, schema=schema)
    table = Table(fields=[f["name"] for f in schema["fields"]],
                  rows=[["A", "", "1", "2", "2020-01-01", "2020-01-01T10:00:00Z"],
                        ["B", "", "1", "2", "2020-01-01", "gestern"]], row_numbers=[2, 3])
    result = validate(table, res, "d", "f.csv")
    notice = next(p for p in result.problems if p.code == "validation-fallback")
    assert notice.severity == "info" and "datetime" in notice.message and notice.hint
    assert [(p.code, p.row, p.field) for p in result.problems if p.severity == "error"] == [
        ("type-error", 3, "anmerkung")]
    assert not result.valid


def test_covered_schema_gives_no_fallback_notice() -> None:
    _, _, result = checked("digitalisierung-kosten", FIXTURES / "kosten-invalid-bad-values.csv")
    assert "validation-fallback" not in {p.code for p in result.problems}


def test_bound_the_field_type_cannot_read_is_a_schema_problem_not_a_crash() -> None:
    import dataclasses

    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    schema = {"fields": [{"name": "betrag", "type": "number", "decimalChar": ",",
                          "constraints": {"minimum": "0.5"}}]}
    res = dataclasses.replace(res, schema=schema)
    result = validate(Table(fields=["betrag"], rows=[["1"]], row_numbers=[2]), res, "d", "f")
    assert [p.code for p in result.problems] == ["schema-error"]
    assert "decimalChar" in result.problems[0].message and not result.valid


def test_messages_name_the_declared_format_and_show_invisible_characters(tmp_path) -> None:  # noqa: ANN001
    source = tmp_path / "fallzahlen.csv"
    text = (FIXTURES / "fallzahlen-valid-utf8-no-bom-comma.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    cells = lines[1].split(",")
    cells[0], cells[2] = "2025/13/01", "onl\u00a0ine"
    source.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n",
                      encoding="utf-8")
    _, _, result = checked("fallzahlen-verwaltungsleistungen-musterstadt", source, delimiter=",",
                           date_format="%Y/%m/%d", encoding="utf-8")
    messages = " ".join(p.message for p in result.problems)
    assert "Datum (JJJJ/MM/TT in der Quelle)" in messages
    assert "onl[U+00A0]ine" in messages
