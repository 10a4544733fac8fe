"""Collect: read a source export into a `RawTable` of labelled rows.

Reads what municipal specialist software really exports: CSV with `;` or `,`, Windows-1252 or
UTF-8 with or without BOM, and XLSX sheets whose header is not the first row. Problems with the
file itself (missing, wrong encoding, ragged rows) become `Problem` records naming file and row;
collecting never raises for bad input.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.catalog import ResourceSpec
from flows.problems import Problem

UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8"}


@dataclass
class RawTable:
    """Rows as read, each with the row number the user sees in the source file."""

    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def collect(resource: ResourceSpec, dataset: str, base: Path) -> RawTable:
    """Read one resource's source.

    Args:
        resource: the declared resource, with its source.
        dataset: dataset name, for problem records.
        base: folder that file names in problems are shown relative to.

    Returns:
        The table; on unreadable input an empty table whose `problems` say why.
    """
    source = resource.source
    shown = source.display_path(base)
    context = {"dataset": dataset, "resource": resource.name, "file": shown}
    if not source.path.is_file():
        return RawTable(header=[], problems=[problems.make(
            "source-missing",
            f"Die Quelldatei {shown} wurde nicht gefunden.",
            **context,
        )])
    if source.kind == "xlsx":
        table = _read_xlsx(resource, context)
    else:
        table = _read_csv(resource, context)
    table.provenance = {
        "kind": source.kind,
        "file": shown,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(table.rows),
    }
    return table


def _read_csv(resource: ResourceSpec, context: dict[str, Any]) -> RawTable:
    source = resource.source
    data = source.path.read_bytes()
    text, problem = _decode(data, source.encoding, context)
    if problem:
        return RawTable(header=[], problems=[problem])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter, strict=True)
    table = RawTable(header=[])
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if not table.header and not table.rows and line >= source.header_row:
                table.header = [cell.strip() for cell in record]
                continue
            if not table.header:
                continue
            table.rows.append(_fit(record, table, line, context))
            table.row_numbers.append(line)
    except csv.Error as exc:
        table.problems.append(problems.make(
            "source-unreadable",
            f"Die CSV-Datei ist ab Zeile {reader.line_num} nicht lesbar ({exc}); oft ein "
            "Anführungszeichen ohne Gegenstück.",
            row=reader.line_num, **context,
        ))
    if not table.header:
        table.problems.append(problems.make(
            "source-unreadable", "Die Datei enthält keine Kopfzeile (sie ist leer).", **context
        ))
    elif len(table.header) == 1 and source.delimiter not in table.header[0]:
        other = ";" if source.delimiter == "," else ","
        if other in table.header[0]:
            table.problems.append(problems.make(
                "source-unreadable",
                f"Die Kopfzeile hat nur eine Spalte, enthält aber '{other}': ist das Trennzeichen "
                f"in dataset.yaml ('{source.delimiter}') richtig?",
                row=source.header_row, **context,
            ))
    return table


def _fit(record: list[Any], table: RawTable, line: int, context: dict[str, Any]) -> list[Any]:
    """Pad or cut a ragged row to the header's width, reporting it."""
    width = len(table.header)
    if len(record) > width and any(str(c).strip() for c in record[width:]):
        table.problems.append(problems.make(
            "extra-cell",
            f"Zeile {line} hat {len(record)} Zellen, die Kopfzeile aber nur {width} Spalten.",
            row=line, **context,
        ))
    elif len(record) < width:
        table.problems.append(problems.make(
            "missing-cell",
            f"Zeile {line} hat nur {len(record)} Zellen, die Kopfzeile aber {width} Spalten.",
            row=line, field=table.header[len(record)], **context,
        ))
    return (list(record) + [""] * width)[:width]


def _decode(data: bytes, encoding: str, context: dict[str, Any]) -> tuple[str, Problem | None]:
    declared = encoding.lower()
    codec = "utf-8-sig" if declared in UTF8_NAMES else declared
    try:
        text = data.decode(codec)
    except LookupError:
        return "", problems.make(
            "config-error", f"Unbekannte Zeichenkodierung '{encoding}' in dataset.yaml.", **context
        )
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start:exc.start + 1].hex().upper()
        guess = ""
        try:
            data.decode("cp1252")
            guess = " Die Datei lässt sich als cp1252 (Windows) lesen: ist das die richtige Angabe?"
        except UnicodeDecodeError:
            pass
        return "", problems.make(
            "source-encoding",
            f"Die Datei ist nicht in {encoding} kodiert (Zeile {line}, Byte 0x{byte}).{guess}",
            row=line, **context,
        )
    if codec not in UTF8_NAMES and _looks_like_utf8(data):
        line = text.count("\n", 0, text.find("Ã")) + 1
        return "", problems.make(
            "source-encoding",
            f"Die Datei ist als {encoding} angegeben, enthält aber UTF-8-kodierte Umlaute "
            f"(z. B. in Zeile {line}). Bitte encoding: utf-8 in dataset.yaml eintragen.",
            row=line, **context,
        )
    return text, None


def _looks_like_utf8(data: bytes) -> bool:
    """True for non-ASCII bytes that form valid UTF-8: a cp1252 declaration would garble them."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(resource: ResourceSpec, context: dict[str, Any]) -> RawTable:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    source = resource.source
    try:
        workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        return RawTable(header=[], problems=[problems.make(
            "source-unreadable",
            f"Die Datei ist keine lesbare XLSX-Arbeitsmappe ({type(exc).__name__}).",
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
        table = RawTable(header=[])
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < source.header_row:
                continue
            if number == source.header_row:
                labels = ["" if v is None else str(v).strip() for v in values]
                while labels and not labels[-1]:
                    labels.pop()
                table.header = labels
                continue
            record = ["" if v is None else v for v in values]
            if not any(str(c).strip() for c in record):
                continue
            table.rows.append(_fit(record, table, number, context))
            table.row_numbers.append(number)
        if not table.header:
            table.problems.append(problems.make(
                "source-unreadable",
                f"In Zeile {source.header_row} (header_row) steht keine Kopfzeile.",
                row=source.header_row, **context,
            ))
        return table
    finally:
        workbook.close()
