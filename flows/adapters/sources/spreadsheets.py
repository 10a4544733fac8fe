"""Spreadsheet sources (XLSX, ODS): one sheet read into a `RawTable`.

The header may stand below title rows (`header_row`, 1-based); rows keep their sheet row numbers,
empty rows are skipped and ragged ones reported. An unreadable workbook or a missing sheet becomes
a `Problem` (naming the sheets there are); reading never raises for bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.sources.rows import fit_row
from flows.model.tables import RawTable
from flows.specs.datasets import SourceSpec


def read_xlsx(source: SourceSpec, context: dict[str, Any]) -> RawTable:
    """The declared sheet (default: the first) of an XLSX workbook, cell values not formulas."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return RawTable(header=[], problems=[problems.make(
            "source-unreadable",
            "Die Datei ist keine lesbare XLSX-Arbeitsmappe (beschädigt oder unvollständig): in "
            "Excel öffnen und neu speichern oder erneut exportieren.",
            **context,
        )])
    try:
        if source.sheet and source.sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            return RawTable(header=[], problems=[problems.make(
                "source-unreadable",
                f"Das Tabellenblatt '{source.sheet}' gibt es nicht; vorhanden: {names}.",
                **context,
            )])
        sheet = workbook[source.sheet] if source.sheet else workbook.worksheets[0]
        return from_rows([list(v) for v in sheet.iter_rows(values_only=True)],
                         source.header_row, context)
    finally:
        workbook.close()


def read_ods(source: SourceSpec, context: dict[str, Any]) -> RawTable:
    """The declared sheet (default: the first) of an ODS spreadsheet."""
    from frictionless import Dialect, FrictionlessException, Resource
    from frictionless.formats import OdsControl

    control = OdsControl(sheet=source.sheet) if source.sheet else OdsControl()
    try:
        with Resource(str(source.path), format="ods", control=control,
                      dialect=Dialect(header=False)) as reader:
            cells = reader.read_cells()
    except FrictionlessException as exc:
        sheets = _ods_sheets(source.path)
        hint = f" Vorhandene Tabellenblätter: {', '.join(sheets)}." if sheets else ""
        return RawTable(header=[], problems=[problems.make(
            "source-unreadable",
            f"Das Tabellenblatt '{source.sheet or 1}' ist nicht lesbar ({exc.error.type}).{hint}",
            **context)])
    return from_rows(cells, source.header_row, context)


def _ods_sheets(path: Path | None) -> list[str]:
    try:
        import ezodf

        return [sheet.name for sheet in ezodf.opendoc(str(path)).sheets]
    except Exception:  # noqa: BLE001 - only used to improve a message
        return []


def from_rows(cells: list[list[Any]], header_row: int, context: dict[str, Any]) -> RawTable:
    """A sheet's rows (1-based numbering) with the header in `header_row`."""
    table = RawTable(header=[])
    for number, values in enumerate(cells, start=1):
        if number < header_row:
            continue
        if number == header_row:
            labels = ["" if v is None else str(v).strip() for v in values]
            while labels and not labels[-1]:
                labels.pop()
            table.header = labels
            continue
        record = ["" if v is None else v for v in values]
        if not any(str(c).strip() for c in record):
            continue
        table.rows.append(fit_row(record, table, number, context))
        table.row_numbers.append(number)
    if not table.header:
        table.problems.append(problems.make(
            "source-unreadable", f"In Zeile {header_row} (header_row) steht keine Kopfzeile.",
            row=header_row, **context))
    return table
