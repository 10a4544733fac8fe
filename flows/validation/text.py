"""Text hygiene: what a published text cell may contain, and how invisible characters are shown.

Exports carry characters nobody sees: NUL and other control characters from broken
conversions, a byte-order mark in the middle of a file (two exports glued together), zero-width
spaces copied from web pages, right-to-left overrides, umlauts decomposed into letter + combining
mark (NFD, as macOS writes file names). Published as they are, they make equal values differ
(«online» and «online\u200b») and can disguise text. The rule, per class (see README, Texthygiene):

- every text cell is normalised to NFC, silently (the letters stay the same);
- control characters (except tab and line breaks), byte-order marks inside the data,
  zero-width characters and the invisible direction marks (LRM, RLM, ALM) are removed and
  reported as a warning (`text-cleaned`) per field;
- bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are rejected
  (`text-bidi-control`, an error): they reorder what a reader sees, so removing them could
  change the meaning; the source must be corrected.

`flows.problems.visible` writes such characters as `[U+200B]`, so a message never echoes them
invisibly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u180e\ufeff\u200e\u200f\u061c"
_BIDI = "\u202a-\u202e\u2066-\u2069"
REMOVED = re.compile(f"[{_CONTROL}{_ZERO_WIDTH}]")
"""Removed with a notice."""
REJECTED = re.compile(f"[{_BIDI}]")
"""Rejected: the cell is an error."""
_SUSPECT = re.compile(f"[{_CONTROL}{_ZERO_WIDTH}{_BIDI}]")

CLASS_NAMES = {"control": "Steuerzeichen", "bom": "Byte-Order-Mark (U+FEFF)",
               "zero-width": "unsichtbare Zeichen (Breite null, Richtungsmarken)",
               "bidi": "Steuerzeichen für die Schreibrichtung"}


def char_class(char: str) -> str:
    """The hygiene class of one character that `_SUSPECT` matches."""
    if REJECTED.match(char):
        return "bidi"
    if char == "\ufeff":
        return "bom"
    return "zero-width" if char in _ZERO_WIDTH else "control"


@dataclass
class Finding:
    """Cells of one column with characters of one class, or cells too long."""

    rows: list[int] = field(default_factory=list)
    """Indexes of the first affected rows (at most FIRST)."""
    count: int = 0
    chars: set[str] = field(default_factory=set)


FIRST = 5


def needs_care(value: str, limit: int) -> bool:
    """Whether a text cell is too long, holds a suspect character or is not NFC."""
    return (len(value) > limit or _SUSPECT.search(value) is not None
            or (not value.isascii() and not unicodedata.is_normalized("NFC", value)))


def clean(value: str, limit: int) -> tuple[str, set[str]]:
    """The cell as published and the classes found in it (`too-long` when it exceeds `limit`;
    it is then cut to `limit` characters, so later checks stay bounded)."""
    found = {char_class(c) for c in set(_SUSPECT.findall(value))}
    text = unicodedata.normalize("NFC", REMOVED.sub("", value))
    if len(text) > limit:
        found.add("too-long")
        text = text[:limit]
    return text, found


def clean_column(values: list[object], limit: int) -> tuple[list[object], dict[str, Finding]]:
    """Every text cell of a column cleaned; findings per class. Distinct values are checked
    once, so a column of repeated categories costs one set and a few look-ups."""
    fixed: dict[str, tuple[str, set[str]]] = {}
    for value in set(values):
        if type(value) is str and needs_care(value, limit):
            fixed[value] = clean(value, limit)
    if not fixed:
        return values, {}
    findings: dict[str, Finding] = {}
    out = list(values)
    for index, value in enumerate(values):
        if type(value) is not str or value not in fixed:
            continue
        text, classes = fixed[value]
        out[index] = text
        for name in classes:
            finding = findings.setdefault(name, Finding())
            finding.count += 1
            if len(finding.rows) < FIRST:
                finding.rows.append(index)
            if name != "too-long":
                finding.chars |= {c for c in set(value) if _SUSPECT.match(c)
                                  and char_class(c) == name}
    return out, findings


def clean_label(label: str) -> str:
    """A column label as it is matched against the schema: NFC, without invisible characters."""
    return unicodedata.normalize("NFC", REMOVED.sub("", label)).strip()
