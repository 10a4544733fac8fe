from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from flows.stages.collect import collect
from tests.helpers import FIXTURES, ROOT, resource


def test_reads_windows_1252_semicolon_export_with_source_row_numbers() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    raw = collect(res, "digitalisierung-kosten", FIXTURES)
    assert raw.ok, raw.problems
    assert raw.header[3] == "Jährliche Kosten (EUR)"
    assert raw.rows[0][:3] == ["Meldebehörde auf Tablets", "Tablets", "8.183,74"]
    assert raw.row_numbers == [2, 3, 4]
    assert raw.provenance["rows"] == 3 and raw.provenance["kind"] == "csv"


def test_utf8_with_bom_does_not_leak_into_the_first_label() -> None:
    res = resource("fallzahlen-verwaltungsleistungen-musterstadt",
                   FIXTURES / "fallzahlen-invalid-non-numeric-count.csv")
    raw = collect(res, "fallzahlen-verwaltungsleistungen-musterstadt", FIXTURES)
    assert raw.header[0] == "Monat"


def test_utf8_without_bom_and_comma_delimiter(tmp_path: Path) -> None:
    res = resource("fallzahlen-verwaltungsleistungen-musterstadt",
                   FIXTURES / "fallzahlen-valid-utf8-no-bom-comma.csv", delimiter=",",
                   thousands=".")
    raw = collect(res, "x", FIXTURES)
    assert raw.ok and raw.rows == [["01.01.2024", "Wohnsitz anmelden", "online", "1.234", "1,5"]]


def test_ragged_rows_are_reported_with_their_line() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-invalid-ragged-row.csv")
    raw = collect(res, "digitalisierung-kosten", FIXTURES)
    found = {(p.code, p.row) for p in raw.problems}
    assert found == {("extra-cell", 3), ("missing-cell", 4)}
    missing = next(p for p in raw.problems if p.code == "missing-cell")
    assert missing.field == "Jährliche Kosten (EUR)"
    assert missing.file == "kosten-invalid-ragged-row.csv"
    assert all(len(row) == len(raw.header) for row in raw.rows)


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    res = resource("digitalisierung-kosten", tmp_path / "weg.csv")
    raw = collect(res, "digitalisierung-kosten", tmp_path)
    assert [p.code for p in raw.problems] == ["source-missing"]
    assert "weg.csv" in raw.problems[0].message and raw.problems[0].hint


def test_cp1252_file_declared_utf8_names_line_and_suggests_cp1252() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv", encoding="utf-8")
    raw = collect(res, "digitalisierung-kosten", FIXTURES)
    (problem,) = raw.problems
    assert problem.code == "source-encoding" and problem.row == 1
    assert "cp1252" in problem.message


def test_utf8_file_declared_cp1252_is_not_silently_garbled() -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-invalid-utf8-declared-cp1252.csv")
    raw = collect(res, "digitalisierung-kosten", FIXTURES)
    assert [p.code for p in raw.problems] == ["source-encoding"]
    assert raw.rows == []


def test_wrong_delimiter_is_explained(tmp_path: Path) -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv", delimiter=",")
    raw = collect(res, "digitalisierung-kosten", FIXTURES)
    assert any(p.code == "source-unreadable" and "Trennzeichen" in p.message
               for p in raw.problems)


def test_xlsx_with_title_rows_above_the_header() -> None:
    path = ROOT / "datapackages/digitalstrategie-massnahmen/source/massnahmen-status.xlsx"
    res = resource("digitalstrategie-massnahmen", path)
    raw = collect(res, "digitalstrategie-massnahmen", ROOT)
    assert raw.ok, raw.problems
    assert raw.header == ["Nr.", "Handlungsfeld", "Maßnahme", "Status", "Verantwortlich",
                          "Beginn", "Ende", "Kosten einmalig (EUR)", "Kosten jährlich (EUR)",
                          "Bemerkung", "Stand"]
    assert raw.row_numbers[0] == 5 and len(raw.rows) == 52
    assert isinstance(raw.rows[0][5], datetime) and isinstance(raw.rows[0][10], datetime)


def test_xlsx_missing_sheet_lists_the_existing_ones(tmp_path: Path) -> None:
    path = ROOT / "datapackages/digitalstrategie-massnahmen/source/massnahmen-status.xlsx"
    res = resource("digitalstrategie-massnahmen", path, sheet="Tabelle1")
    raw = collect(res, "digitalstrategie-massnahmen", ROOT)
    (problem,) = raw.problems
    assert problem.code == "source-unreadable" and "Maßnahmen" in problem.message


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "kaputt.xlsx"
    fake.write_text("kein Excel")
    raw = collect(resource("digitalstrategie-massnahmen", fake), "d", tmp_path)
    assert [p.code for p in raw.problems] == ["source-format"]
    assert "Textdatei" in raw.problems[0].message and "`kind: csv`" in raw.problems[0].message
    fake.write_bytes(b"PK\x03\x04 abgebrochen")  # a damaged workbook: the reader says so
    raw = collect(resource("digitalstrategie-massnahmen", fake), "d", tmp_path)
    assert [p.code for p in raw.problems] == ["source-unreadable"]


def test_xlsx_skips_empty_rows_and_keeps_sheet_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Maßnahmen"
    for row in (["Titel"], [], [], ["Nr.", "Maßnahme", "Handlungsfeld", "Status", "Statustext",
                                    "Stand"], [1, "A", "B", "geplant", "x", "01.01.2026"], [],
                [2, "C", "D", "umgesetzt", "y", "02.01.2026"]):
        sheet.append(row)
    path = tmp_path / "m.xlsx"
    book.save(path)
    raw = collect(resource("digitalstrategie-massnahmen", path), "d", tmp_path)
    assert raw.row_numbers == [5, 7]
