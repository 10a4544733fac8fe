"""Recognise a file by its first bytes before it is decoded as text.

A workbook, an archive, a PDF or an image named `.csv` would otherwise be decoded byte by byte
and end in advice about the encoding ("lässt sich als cp1252 lesen") that, followed, publishes
garbage. `sniff` looks at the magic bytes (and, for UTF-16/32 without a byte-order mark, at the
pattern of NUL bytes) and says what the file is and what to declare instead. It reads at most
HEAD bytes plus the names in a ZIP's central directory, so it is cheap on any file.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD = 4096
"""Bytes read from the start of the file."""


@dataclass(frozen=True)
class Sniffed:
    """What a file is, in German, and what to do about it."""

    what: str
    """e.g. "eine Excel-Arbeitsmappe (XLSX)"."""
    advice: str
    """e.g. "`kind: xlsx` angeben"."""
    encoding: str | None = None
    """For UTF-16/32 text: the encoding to declare."""
    kind: str | None = None
    """The source kind that reads this file (`xlsx`, `ods`), if any."""
    damaged: bool = False
    """A ZIP container whose table of contents cannot be read (maybe a damaged workbook)."""

    def message(self, expected: str, declared: str = "") -> str:
        """The German sentence: what the file is instead of `expected` (or, for UTF-16/32 text,
        instead of the `declared` encoding) and what to do."""
        instead = f"nicht in {declared}" if self.encoding and declared else f"keine {expected}"
        return f"Die Datei ist {self.what}, {instead}: {self.advice}."


_CONVERT = "als CSV (Trennzeichen ; oder ,) exportieren"
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "ein gzip-Archiv (.gz)", "entpacken und die enthaltene Datei angeben"),
    (b"BZh", "ein bzip2-Archiv (.bz2)", "entpacken und die enthaltene Datei angeben"),
    (b"\xfd7zXZ\x00", "ein xz-Archiv (.xz)", "entpacken und die enthaltene Datei angeben"),
    (b"7z\xbc\xaf\x27\x1c", "ein 7-Zip-Archiv", "entpacken und die enthaltene Datei angeben"),
    (b"Rar!\x1a\x07", "ein RAR-Archiv", "entpacken und die enthaltene Datei angeben"),
    (b"%PDF-", "ein PDF-Dokument", "die Zahlen aus der Fachanwendung " + _CONVERT),
    (b"\x89PNG\r\n\x1a\n", "ein PNG-Bild", "die richtige Datei angeben"),
    (b"\xff\xd8\xff", "ein JPEG-Bild", "die richtige Datei angeben"),
    (b"GIF87a", "ein GIF-Bild", "die richtige Datei angeben"),
    (b"GIF89a", "ein GIF-Bild", "die richtige Datei angeben"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "eine alte Office-Datei (z. B. Excel 97–2003, .xls)",
     "in Excel als .xlsx speichern und `kind: xlsx` angeben oder " + _CONVERT),
    (b"SQLite format 3\x00", "eine SQLite-Datenbank",
     "`kind: sql` mit `url: sqlite:///<Datei>` angeben"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ZIP_KINDS: tuple[tuple[str, str, str], ...] = (
    ("xl/", "eine Excel-Arbeitsmappe (XLSX)", "`kind: xlsx` angeben"),
    ("word/", "ein Word-Dokument (DOCX)", "die Tabelle " + _CONVERT),
    ("ppt/", "eine PowerPoint-Präsentation (PPTX)", "die Tabelle " + _CONVERT),
)


def sniff(path: Path, declared_encoding: str = "utf-8") -> Sniffed | None:
    """What `path` is if it is not plain delimited text in `declared_encoding` (None: it may be).

    UTF-16/32 text is reported only when another encoding is declared (a declared `utf-16`
    file is read as such).
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    for magic, what, advice in _MAGIC:
        if head.startswith(magic):
            return Sniffed(what, advice)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip(path, head)
    wide = _wide_encoding(head)
    if wide and not _declares(declared_encoding, wide):
        return Sniffed(f"in {wide.upper()} kodiert (typisch für „Unicode-Text“ aus Excel)",
                       f"`encoding: {wide}` in dataset.yaml angeben oder als CSV UTF-8 speichern",
                       encoding=wide)
    return None


def sniff_workbook(path: Path) -> Sniffed | None:
    """What `path` is if it is not a workbook: `sniff`, and plain text (likely a CSV export)."""
    found = sniff(path)
    if found is not None:
        return found
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if head and b"\x00" not in head:
        return Sniffed("eine Textdatei (wohl ein CSV-Export)",
                       "`kind: csv` mit `delimiter` und `encoding` angeben")
    return None


def _declares(encoding: str, wide: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith(wide)
    except LookupError:
        return False


def _zip(path: Path, head: bytes) -> Sniffed:
    """A ZIP container: which office format its member names show."""
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
        return Sniffed("eine OpenDocument-Tabelle (ODS)", "`kind: ods` angeben", kind="ods")
    if b"mimetypeapplication/vnd.oasis.opendocument" in head:
        return Sniffed("ein OpenDocument-Dokument", "die Tabelle " + _CONVERT)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Sniffed("ein beschädigtes oder unvollständiges ZIP-Archiv (z. B. eine "
                       "abgebrochene Excel-Datei)", "die Datei erneut exportieren", damaged=True)
    for prefix, what, advice in _ZIP_KINDS:
        if any(name.startswith(prefix) for name in names):
            return Sniffed(what, advice, kind="xlsx" if prefix == "xl/" else None)
    return Sniffed("ein ZIP-Archiv", "entpacken und die enthaltene Datei angeben")


def _wide_encoding(head: bytes) -> str | None:
    """`utf-16` or `utf-32` when `head` has their byte-order mark or their pattern of NUL bytes
    (ASCII text in UTF-16 has a NUL in every other byte, in UTF-32 three in every four)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[: len(head) // 4 * 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    quads = [sample[i:i + 4] for i in range(0, len(sample), 4)]
    if sum(q.count(0) == 3 for q in quads) >= 0.8 * len(quads):
        return "utf-32"
    even, odd = sample[0::2], sample[1::2]
    if even.count(0) >= 0.8 * len(even) or odd.count(0) >= 0.8 * len(odd):
        return "utf-16"
    return None
