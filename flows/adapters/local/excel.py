"""The Excel-ready download of a table: an XLSX file with typed cells.

A German Excel opens a UTF-8 CSV without BOM with broken umlauts and everything in one column; an
XLSX file has neither problem and needs no import dialogue. Numbers are stored as numbers and dates
as dates (shown as TT.MM.JJJJ), so Excel sorts, sums and charts them; a suppressed value stays
the text "." and an empty cell stays empty. The first sheet holds the data with the column titles
as headers, the second explains the columns, the suppression marker and the source to cite.
"""

from __future__ import annotations

import csv
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

MAX_ROWS = 50_000
"""Tables up to this many rows get an Excel file. Excel holds 1,048,576 rows, but writing costs
about 0.17 ms per row (17 s for 100,000 rows, more than the rest of the pipeline); longer
tables are for the CSV, JSON or an API, and the page says so."""
DATE_FORMAT = "DD.MM.YYYY"


class TooLargeForExcelError(ValueError):
    """The table has more rows than an Excel sheet can hold."""


def _typed(value: str, kind: str) -> Any:
    if value == "":
        return None
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return date.fromisoformat(value)
    except ValueError:
        return value  # a missing-value marker such as "."
    return value


def write_xlsx(csv_path: Path, target: Path, resource: dict[str, Any], citation: str) -> None:
    """Write the XLSX version of the CSV at `csv_path` to `target`.

    Args:
        csv_path: the published CSV (UTF-8, comma-separated, header row).
        target: where to write the `.xlsx` file.
        resource: the resource's descriptor with its Table Schema (types, titles).
        citation: the source note to cite, written on the explanation sheet.

    Raises:
        TooLargeForExcelError: more rows than an Excel sheet holds (nothing is written).
    """
    with csv_path.open(encoding="utf-8", newline="") as handle:
        if sum(1 for _ in islice(csv.reader(handle), MAX_ROWS + 2)) - 1 > MAX_ROWS:
            raise TooLargeForExcelError(csv_path.name)
    from openpyxl import Workbook  # ~0.4 s to load: only when a workbook is written
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    fields = (resource.get("schema") or {}).get("fields") or []
    kinds = [f.get("type", "string") for f in fields]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daten")
    bold = Font(bold=True)
    header = []
    for spec in fields:
        cell = WriteOnlyCell(sheet, value=str(spec.get("title") or spec["name"]))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            cells = []
            for value, kind in zip(row, kinds, strict=False):
                typed = _typed(value, kind)
                cell = WriteOnlyCell(sheet, value=typed)
                if isinstance(typed, date):
                    cell.number_format = DATE_FORMAT
                cells.append(cell)
            sheet.append(cells)
    notes = book.create_sheet("Erläuterungen")
    notes.append(["Spalte", "Name in der CSV-Datei", "Erklärung"])
    for spec in fields:
        notes.append([spec.get("title") or spec["name"], spec["name"],
                      spec.get("description", "")])
    notes.append([])
    if "." in ((resource.get("schema") or {}).get("missingValues") or []):
        notes.append(["Ein Punkt (.) ist ein gesperrter Wert: sehr kleine Fallzahlen werden "
                      "nicht veröffentlicht, damit niemand auf einzelne Personen schließen kann."])
    notes.append(["Quellenangabe", citation])
    book.save(target)
