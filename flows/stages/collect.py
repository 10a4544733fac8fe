"""Collect: read a source export into a `RawTable` of labelled rows.

Reads what municipal specialist software really exports: CSV with `;` or `,`, Windows-1252 or
UTF-8 with or without BOM, and XLSX sheets whose header is not the first row. Problems with the
file itself (missing, wrong encoding, ragged rows) become `Problem` records naming file and row;
collecting never raises for bad input.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.model.secrets import Secrets
from flows.model.tables import RawTable
from flows.problems import Problem
from flows.specs.datasets import ResourceSpec, SourceSpec

UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8"}


def collect(resource: ResourceSpec, dataset: str, base: Path,
            secrets: Secrets | None = None) -> RawTable:
    """Read one resource's source.

    Args:
        resource: the declared resource, with its source.
        dataset: dataset name, for problem records.
        base: folder that file names in problems are shown relative to.
        secrets: credentials of database and web sources (default: the environment only).

    Returns:
        The table; on unreadable input an empty table whose `problems` say why.
    """
    source = resource.source
    shown = source.display_path(base)
    context = {"dataset": dataset, "resource": resource.name, "file": shown}
    if source.kind in ("sql", "json", "oparl") and source.path is None:
        table = _read_remote(resource, context, base, secrets or Secrets())
    elif source.path is None or not source.path.is_file():
        return RawTable(header=[], problems=[problems.make(
            "source-missing",
            f"Die Quelldatei {shown} wurde nicht gefunden.",
            **context,
        )])
    elif source.kind == "xlsx":
        table = _read_xlsx(resource, context)
    elif source.kind == "ods":
        table = _read_ods(resource, context)
    elif source.kind in ("json", "oparl"):
        table = _read_remote(resource, context, base, secrets or Secrets())
    else:
        table = _read_csv(resource, context)
    table.provenance = {
        "kind": source.kind,
        "file": shown,
        **table.provenance,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(table.rows),
    }
    return table


def _read_remote(resource: ResourceSpec, context: dict[str, Any], base: Path,
                 secrets: Secrets) -> RawTable:
    kind = resource.source.kind
    if kind == "oparl":
        from flows.adapters.sources import oparl

        out = Path(os.environ.get("KENNZAHLEN_OUT") or base / "out")
        found_all = oparl.read(resource.source, context, cache_dir=out / "cache")
    elif kind == "sql":
        from flows.adapters.sources import sql

        found_all = sql.read(resource.source, context, secrets)
    else:
        from flows.adapters.sources import web

        found_all = web.read(resource.source, context, secrets)
    header, rows, provenance, found = found_all
    return RawTable(header=[str(h) for h in header], rows=rows,
                    row_numbers=list(range(1, len(rows) + 1)), provenance=provenance,
                    problems=found)


def _read_ods(resource: ResourceSpec, context: dict[str, Any]) -> RawTable:
    from frictionless import Dialect, FrictionlessException, Resource
    from frictionless.formats import OdsControl

    source = resource.source
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
    return _from_rows(cells, source.header_row, context)


def _ods_sheets(path: Path | None) -> list[str]:
    try:
        import ezodf

        return [sheet.name for sheet in ezodf.opendoc(str(path)).sheets]
    except Exception:  # noqa: BLE001 - only used to improve a message
        return []


def _from_rows(cells: list[list[Any]], header_row: int, context: dict[str, Any]) -> RawTable:
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
            if blank(record):
                continue
            if not table.header and not table.rows and line >= source.header_row:
                table.header = [cell.strip() for cell in record]
                continue
            if not table.header:
                continue
            table.rows.append(fit_row(record, table, line, context))
            table.row_numbers.append(line)
    except csv.Error as exc:
        table.problems.append(csv_broken(exc, reader.line_num, context))
    table.problems += header_problems(table.header, source, context)
    return table


def csv_broken(exc: csv.Error, line: int, context: dict[str, Any]) -> Problem:
    return problems.make(
        "source-unreadable",
        f"Die CSV-Datei ist ab Zeile {line} nicht lesbar ({exc}); oft ein "
        "Anführungszeichen ohne Gegenstück.",
        row=line, **context,
    )


def header_problems(header: list[str], source: SourceSpec,
                    context: dict[str, Any]) -> list[Problem]:
    """No header at all, or one that suggests the wrong delimiter."""
    if not header:
        return [problems.make(
            "source-unreadable", "Die Datei enthält keine Kopfzeile (sie ist leer).", **context
        )]
    if len(header) == 1 and source.delimiter not in header[0]:
        other = ";" if source.delimiter == "," else ","
        if other in header[0]:
            return [problems.make(
                "source-unreadable",
                f"Die Kopfzeile hat nur eine Spalte, enthält aber '{other}': ist das Trennzeichen "
                f"in dataset.yaml ('{source.delimiter}') richtig?",
                row=source.header_row, **context,
            )]
    return []


def blank(record: list[str]) -> bool:
    """A row with no text in any cell (most rows are decided by their first cell)."""
    return not (record and record[0].strip()) and not any(cell.strip() for cell in record)


def fit_row(record: list[Any], table: RawTable, line: int,
            context: dict[str, Any]) -> list[Any]:
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
    codec = codec_for(encoding)
    try:
        text = data.decode(codec)
    except LookupError:
        return "", encoding_unknown(encoding, context)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start:exc.start + 1].hex().upper()
        try:
            data.decode("cp1252")
            cp1252 = True
        except UnicodeDecodeError:
            cp1252 = False
        return "", encoding_wrong(encoding, line, byte, cp1252, context)
    if codec not in UTF8_NAMES and _looks_like_utf8(data):
        line = text.count("\n", 0, text.find("Ã")) + 1
        return "", encoding_garbled(encoding, line, context)
    return text, None


def codec_for(encoding: str) -> str:
    """The codec a declared encoding is read with (UTF-8 with or without BOM)."""
    declared = encoding.lower()
    return "utf-8-sig" if declared in UTF8_NAMES else declared


def encoding_unknown(encoding: str, context: dict[str, Any]) -> Problem:
    return problems.make(
        "config-error", f"Unbekannte Zeichenkodierung '{encoding}' in dataset.yaml.", **context
    )


def encoding_wrong(encoding: str, line: int, byte: str, cp1252: bool,
                   context: dict[str, Any]) -> Problem:
    """The file has a byte that `encoding` cannot decode (`cp1252`: the file would be cp1252)."""
    guess = (" Die Datei lässt sich als cp1252 (Windows) lesen: ist das die richtige Angabe?"
             if cp1252 else "")
    return problems.make(
        "source-encoding",
        f"Die Datei ist nicht in {encoding} kodiert (Zeile {line}, Byte 0x{byte}).{guess}",
        row=line, **context,
    )


def encoding_garbled(encoding: str, line: int, context: dict[str, Any]) -> Problem:
    """A single-byte encoding is declared, but the file is UTF-8 (umlauts would be garbled)."""
    return problems.make(
        "source-encoding",
        f"Die Datei ist als {encoding} angegeben, enthält aber UTF-8-kodierte Umlaute "
        f"(z. B. in Zeile {line}). Bitte encoding: utf-8 in dataset.yaml eintragen.",
        row=line, **context,
    )


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
        return _from_rows([list(v) for v in sheet.iter_rows(values_only=True)],
                          source.header_row, context)
    finally:
        workbook.close()
