"""Delimited text (CSV) sources: one chunked reader; the whole file is all of its chunks.

Reads what municipal specialist software really exports: `;` or `,` as delimiter, Windows-1252
or UTF-8 with or without BOM. The encoding is checked in one binary pass (in blocks of BLOCK
bytes), then the rows are parsed in a second one, so the file is never in memory as a whole.
`read_chunks` yields tables of a bounded number of rows (flows/run/streaming.py, for large
files); `read` concatenates all of them (the stage `collect`), so both give the same rows, row
numbers and problems. Problems with the file itself (wrong encoding, ragged rows, broken quotes,
no header) become `Problem` records naming file and row; reading never raises for bad input.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.sources.rows import fit_row, too_wide
from flows.adapters.sources.sniff import Sniffed, sniff
from flows.model.tables import RawTable
from flows.problems import Problem
from flows.specs.datasets import SourceSpec

UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8"}

BLOCK = 8 << 20
"""Bytes decoded at a time while the encoding is checked."""


def read(source: SourceSpec, context: dict[str, Any]) -> RawTable:
    """The whole CSV file as one table: the chunks of `read_chunks`, concatenated.

    Args:
        source: the declared CSV source (`path`, `encoding`, `delimiter`, `header_row`).
        context: dataset, resource and file for problem records.
    """
    chunks = read_chunks(source, context)
    table = next(chunks)
    for chunk in chunks:
        table.rows += chunk.rows
        table.row_numbers += chunk.row_numbers
        table.problems += chunk.problems
    return table


def read_chunks(source: SourceSpec, context: dict[str, Any], rows: int | None = None
                ) -> Iterator[RawTable]:
    """The rows of a CSV source in tables of at most `rows` rows (None: all in one), each with
    the header. The last one (possibly empty) carries the file-level problems; a ragged row's
    problem is in the chunk of its row. Provenance (kind, file, fetched_at) is on the first."""
    assert source.path is not None, "read_chunks reads files"
    provenance = {"kind": source.kind, "file": context["file"],
                  "fetched_at": datetime.now(UTC).isoformat(timespec="seconds")}
    codec, problem = check_encoding(source.path, source.encoding, context)
    if problem:
        yield RawTable(header=[], provenance=provenance, problems=[problem])
        return
    limit = rows or sys.maxsize
    chunk = RawTable(header=[], provenance=provenance)
    with source.path.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
        try:
            chunk.header = _header(reader, source.header_row)
            if wide := too_wide(chunk.header, source.max_columns, context):
                chunk.header = []
                chunk.problems.append(wide)
                yield chunk
                return
            width = len(chunk.header)
            found, numbers = chunk.rows, chunk.row_numbers
            for record in reader:
                if len(record) == width and record[0].strip():  # most rows: not blank, fitting
                    found.append(record)
                elif blank(record):
                    continue
                else:
                    found.append(fit_row(record, chunk, reader.line_num, context))
                numbers.append(reader.line_num)
                if len(found) >= limit:
                    yield chunk
                    chunk = RawTable(header=chunk.header)
                    found, numbers = chunk.rows, chunk.row_numbers
        except csv.Error as exc:
            chunk.problems.append(csv_broken(exc, reader.line_num, context))
    chunk.problems += header_problems(chunk.header, source, context)
    yield chunk


def _header(reader: Any, header_row: int) -> list[str]:
    """The first non-blank record from line `header_row` on, stripped ([] if there is none)."""
    for record in reader:
        if not blank(record) and reader.line_num >= header_row:
            return [cell.strip() for cell in record]
    return []


def blank(record: list[str]) -> bool:
    """A row with no text in any cell (most rows are decided by their first cell)."""
    return not (record and record[0].strip()) and not any(cell.strip() for cell in record)


def csv_broken(exc: csv.Error, line: int, context: dict[str, Any]) -> Problem:
    """The file cannot be parsed from `line` on (usually an unmatched quote)."""
    return problems.make(
        "source-unreadable", f"Die CSV-Datei ist ab Zeile {line} nicht lesbar: {_csv_reason(exc)}",
        row=line, **context,
    )


def _csv_reason(exc: csv.Error) -> str:
    """The German reason for one of the csv module's (English) errors."""
    text = str(exc)
    if "field larger than field limit" in text:
        return (f"eine Zelle ist länger als {csv.field_size_limit():,} Zeichen".replace(",", ".")
                + " (oft ein Anführungszeichen ohne Gegenstück, das den Rest der Datei zu einer "
                "Zelle macht).")
    if "expected after" in text:
        return ("nach einem schließenden Anführungszeichen folgt kein Trennzeichen; "
                "Anführungszeichen im Text müssen verdoppelt werden (\"\").")
    if "new-line" in text:
        return "ein Zeilenumbruch steht mitten in einer Zelle ohne Anführungszeichen."
    return "die Datei endet mitten in einer Zelle; oft ein Anführungszeichen ohne Gegenstück."


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


def check_encoding(path: Path, encoding: str, context: dict[str, Any]
                   ) -> tuple[str, Problem | None]:
    """The codec to read `path` with, or the problem its declared `encoding` gives: unknown,
    wrong (a byte it cannot decode) or garbled (single-byte declared, but the file is UTF-8)."""
    codec = codec_for(encoding)
    if not _text_codec(codec):
        return codec, encoding_unknown(encoding, context)
    found = sniff(path, codec)
    if found is not None:
        return codec, not_text(found, encoding, context)
    single_byte = codec not in UTF8_NAMES
    codec, checked, bom = _opening(path, codec)
    decoder = codecs.getincrementaldecoder(checked)()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8.decode(bom)
    is_ascii, is_utf8 = not bom, True
    newlines, garbled_at, last = 0, None, ""  # in the decoded text
    lines = 0  # newlines in the bytes decoded before the current block (and its pending bytes)
    with path.open("rb") as handle:
        handle.seek(len(bom))
        while True:
            block = handle.read(BLOCK)
            data = decoder.getstate()[0] + block
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                line = lines + data.count(b"\n", 0, exc.start) + 1
                byte = data[exc.start:exc.start + 1].hex().upper()
                return codec, encoding_wrong(encoding, line, byte,
                                             _decodes(path, "cp1252"), context)
            except UnicodeError:  # no decode error with a position (idna: a label too long)
                return codec, encoding_unknown(encoding, context)
            lines += data.count(b"\n") - decoder.getstate()[0].count(b"\n")
            if single_byte:
                is_ascii = is_ascii and block.isascii()
                if is_utf8:
                    try:
                        utf8.decode(block, final=not block)
                    except UnicodeDecodeError:
                        is_utf8 = False
                if garbled_at is None and (found := text.find("Ã")) >= 0:
                    garbled_at = newlines + text.count("\n", 0, found) + 1
                newlines += text.count("\n")
                last = text[-1:] or last
            if not block:
                break
    if single_byte and not is_ascii and is_utf8:
        # no "Ã" at all (other UTF-8 letters): the line before the last newline-terminated one,
        # as the whole-text search (find → -1) always counted it
        line = garbled_at or newlines - (last == "\n") + 1
        return codec, encoding_garbled(encoding, line, context)
    return codec, None


def _opening(path: Path, codec: str) -> tuple[str, str, bytes]:
    """Where the incremental decoders would differ from decoding the whole file at once: the
    codec to read `path` with, the one to check it with and the BOM the check skips.

    The check skips a UTF-8 BOM, so that error positions count from the start of the file (the
    decoder that strips it counts from behind it). UTF-16 or UTF-32 without a BOM is read in the
    machine's byte order, as `bytes.decode` does (their incremental decoders refuse it)."""
    name = codecs.lookup(codec).name
    with path.open("rb") as handle:
        head = handle.read(4)
    if name == "utf-8-sig":
        return codec, "utf-8", codecs.BOM_UTF8 if head.startswith(codecs.BOM_UTF8) else b""
    boms = {"utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
            "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)}.get(name)
    if boms and not head.startswith(boms):
        codec = f"{name}-{'le' if sys.byteorder == 'little' else 'be'}"
    return codec, codec, b""


def _text_codec(codec: str) -> bool:
    """Whether Python knows `codec` as a text encoding (base64, hex, rot13 … are none)."""
    try:
        b"\n".decode(codec)
    except UnicodeDecodeError:  # utf-16, utf-32: a single byte is truncated data
        return True
    except (LookupError, UnicodeError):  # UnicodeError: "undefined", punycode
        return False
    return True


def _decodes(path: Path, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    with path.open("rb") as handle:
        try:
            while block := handle.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def codec_for(encoding: str) -> str:
    """The codec a declared encoding is read with (UTF-8 with or without BOM)."""
    declared = encoding.lower()
    return "utf-8-sig" if declared in UTF8_NAMES else declared


def not_text(found: Sniffed, encoding: str, context: dict[str, Any]) -> Problem:
    """The file is not delimited text in the declared encoding (a workbook, an archive, an
    image, UTF-16 text …): what it is and what to declare."""
    return problems.make("source-encoding" if found.encoding else "source-format",
                         found.message("CSV-Datei", encoding), **context)


def encoding_unknown(encoding: str, context: dict[str, Any]) -> Problem:
    """dataset.yaml declares an encoding Python does not know."""
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
