"""Values are described, not quoted, unless they are safe.

Every message, report, cache entry, artifact and log line that would show a cell value (or a
column label read from the data) gets it from `quote`: the value itself, in quotes, only if the
personal-data detectors find nothing in it and it is something they can judge; otherwise a
description that says what the value looks like without giving it away:
«Text, 37 Zeichen, enthält Buchstaben, Ziffern und @». Staff still find the cell by file, row and
field, which every problem names.

What the detectors cannot judge is described too:
- long text (more than SAFE_LENGTH characters): a name hides in a remark as easily as anywhere;
- text where a number, date or other typed value belongs: a name or birth date typed into the
  wrong column is exactly what a type error shows;
- anything that looks like a date, or holds a long run of digits, an "@" or a "?" inside a word
  (birth dates, phone and account numbers, e-mail addresses, encoding-damaged names).
"""

from __future__ import annotations

import re
from typing import Any

from flows.problems import visible
from flows.protection import detectors

SAFE_LENGTH = 40
TYPED = frozenset({"integer", "number", "date", "datetime", "time", "year", "yearmonth",
                   "boolean", "duration"})
NUMBER = re.compile(r"[-+]?(\d{1,3}([.,' ]\d{3})+|\d{1,9})([.,]\d{1,6})?")
DIGIT_RUN = re.compile(r"\d{5,}")
DATE_SHAPED = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}")
INNER_MARK = re.compile(r"\w[?\ufffd]\w")
QUOTED = re.compile(r"""(['"])([^'"]*)\1""")
SHOWN_MARKS = "@.,;:/-+*?()&#%'\"_"
"""Punctuation a description names (it tells staff the value's make-up, not its content)."""


def quote(value: Any, kind: str = "string", *, protected: bool = False) -> str:
    """`value` in single quotes if it is safe to show in a field of type `kind`, else its
    description in «». `protected`: the value is a cell of a table that passed protect and was
    not flagged there (it is published as it is), so only the cell detectors and the length
    decide."""
    text = "" if value is None else str(value)
    return f"'{visible(text)}'" if is_safe(text, kind, protected=protected) else describe(text)


def show(value: Any, kind: str = "string", *, protected: bool = False) -> str:
    """`quote` without the quotes: the value as it is where it is safe (e.g. "monat=2025-01")."""
    text = "" if value is None else str(value)
    return visible(text) if is_safe(text, kind, protected=protected) else describe(text)


def is_safe(text: str, kind: str = "string", *, protected: bool = False) -> bool:
    """Whether `text` may be shown: short, nothing the detectors flag, and nothing they cannot
    judge (text in a typed field, date shapes, long digit runs, "@", damaged words)."""
    if text == "":
        return True
    if len(text) > SAFE_LENGTH or "@" in text or "\n" in text:
        return False
    if protected:
        return not detectors.scan(text)
    if DIGIT_RUN.search(text) or DATE_SHAPED.search(text) or INNER_MARK.search(text):
        return False
    if kind in TYPED and not (NUMBER.fullmatch(text.strip()) or _word_like_marker(text)):
        return False
    return not detectors.scan(text)


def _word_like_marker(text: str) -> bool:
    """Short lower-case markers such as "k.A.", "n/a", "x", "-" (no name starts lower-case)."""
    stripped = text.strip()
    return len(stripped) <= 4 and not any(c.isupper() for c in stripped[:1])


def describe(text: str) -> str:
    """What `text` looks like: «Text, 37 Zeichen, enthält Buchstaben, Ziffern und @», with the
    kind of personal data the detectors see in it, if any; short values without letters also
    show their form (digits as 9: «Form 99/99/9999»)."""
    found = sorted({detectors.KIND_DE[f.kind] for f in detectors.scan(text)})
    parts = [f"vermutlich {' und '.join(found)}"] if found else []
    parts.append(f"Text, {len(text)} Zeichen")
    contains = _make_up(text)
    if contains:
        parts.append(f"enthält {contains}")
    if text and len(text) <= 24 and not any(c.isalpha() for c in text):
        parts.append("Form " + re.sub(r"\d", "9", text))
    return "«" + ", ".join(parts) + "»"


def _make_up(text: str) -> str:
    classes = []
    if any(c.isalpha() for c in text):
        classes.append("Buchstaben")
    if any(c.isdigit() for c in text):
        classes.append("Ziffern")
    if any(c.isspace() for c in text):
        classes.append("Leerzeichen")
    classes += [f"'{c}'" for c in sorted({c for c in text if c in SHOWN_MARKS},
                                         key=SHOWN_MARKS.index)]
    if len(classes) < 2:
        return "".join(classes)
    return ", ".join(classes[:-1]) + " und " + classes[-1]


def scrub_quoted(message: str, kind: str = "string", *, protected: bool = False) -> str:
    """`message` from a library (frictionless, Great Expectations) with every value it quotes
    ('…' or "…", or a list of them) described unless safe: such texts quote cells we cannot
    pick out otherwise."""
    return QUOTED.sub(lambda m: m.group(1) + show(m.group(2), kind, protected=protected)
                      + m.group(1), message)


def scrub(message: str, value: Any, kind: str = "string") -> str:
    """`message` (e.g. a library's text that quotes a cell) with `value` replaced by its
    description where it is not safe to show."""
    text = "" if value is None else str(value)
    if not text or is_safe(text, kind) or text not in message:
        return message
    return message.replace(text, describe(text))
