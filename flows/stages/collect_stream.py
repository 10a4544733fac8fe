"""Collect, chunk by chunk: a large CSV export read as `RawTable`s of a bounded number of rows.

What `collect` reports for a CSV file, this reports too, with the same messages, but the file is
never in memory as a whole: the encoding is checked in one binary pass (blocks), then the rows
are parsed in a second one (flows/streaming.py uses it for files above a size limit).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.model.tables import RawTable
from flows.problems import Problem
from flows.specs.datasets import ResourceSpec
from flows.stages.collect import (
    UTF8_NAMES,
    blank,
    codec_for,
    csv_broken,
    encoding_garbled,
    encoding_unknown,
    encoding_wrong,
    fit_row,
    header_problems,
)

BLOCK = 8 << 20
"""Bytes decoded at a time while the encoding is checked."""


def read_chunks(resource: ResourceSpec, context: dict[str, Any], rows: int
                ) -> Iterator[RawTable]:
    """The rows of a CSV source in tables of at most `rows` rows, all with the header; the
    last one (possibly empty) carries the file-level problems. Provenance is on the first."""
    source = resource.source
    assert source.path is not None, "read_chunks reads files"
    provenance = {"kind": source.kind, "file": context["file"],
                  "fetched_at": datetime.now(UTC).isoformat(timespec="seconds")}
    codec, problem = check_encoding(source.path, source.encoding, context)
    if problem:
        yield RawTable(header=[], provenance=provenance, problems=[problem])
        return
    chunk = RawTable(header=[], provenance=provenance)
    with source.path.open(encoding=codec, newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
        try:
            for record in reader:
                line = reader.line_num
                if blank(record):
                    continue
                if not chunk.header and line >= source.header_row:
                    chunk.header = [cell.strip() for cell in record]
                    continue
                if not chunk.header:
                    continue
                chunk.rows.append(fit_row(record, chunk, line, context))
                chunk.row_numbers.append(line)
                if len(chunk.rows) >= rows:
                    yield chunk
                    chunk = RawTable(header=chunk.header)
        except csv.Error as exc:
            chunk.problems.append(csv_broken(exc, reader.line_num, context))
    chunk.problems += header_problems(chunk.header, source, context)
    yield chunk


def check_encoding(path: Path, encoding: str, context: dict[str, Any]
                   ) -> tuple[str, Problem | None]:
    """The codec to read `path` with, or the problem `collect` would report for its encoding."""
    codec = codec_for(encoding)
    try:
        decoder = codecs.getincrementaldecoder(codec)()
    except LookupError:
        return codec, encoding_unknown(encoding, context)
    single_byte = codec not in UTF8_NAMES
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_ascii, is_utf8 = True, True
    newlines, garbled_at, last = 0, None, ""  # in the decoded text
    lines = 0  # newlines in the bytes before the current block
    with path.open("rb") as handle:
        while True:
            block = handle.read(BLOCK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                data = pending + block
                line = lines + data.count(b"\n", 0, exc.start) + 1
                byte = data[exc.start:exc.start + 1].hex().upper()
                return codec, encoding_wrong(encoding, line, byte,
                                             _decodes(path, "cp1252"), context)
            lines += block.count(b"\n")
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
        # as collect does: with no "Ã" its search gives -1, which counts all but the last char
        line = garbled_at or newlines - (last == "\n") + 1
        return codec, encoding_garbled(encoding, line, context)
    return codec, None


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
