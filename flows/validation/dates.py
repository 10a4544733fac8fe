"""Declared date formats (`date_format` in dataset.yaml): checked, read and named in German.

A source may declare one strptime format for `date` fields (`date_format: "%d.%m.%Y"`) or one
per field type (`{date: …, yearmonth: "%m.%Y", year: "%Y"}`). `problem` says, when a dataset is
loaded, whether a format can be used for its type at all; `parse` turns a source text into the
Table Schema's canonical form (2024-03-31, 2024-03, 2024); `german` names the format as staff
write it (TT.MM.JJJJ), so a message about a bad cell names the format that was declared.
"""

from __future__ import annotations

import re
from datetime import date, datetime

PERIOD_TYPES = ("date", "yearmonth", "year")
DEFAULTS = {"date": "%Y-%m-%d", "yearmonth": "%Y-%m", "year": "%Y"}
"""What a field of each type holds when no format is declared (the canonical form)."""

_GERMAN = {"d": "TT", "m": "MM", "Y": "JJJJ", "y": "JJ", "b": "Mon", "B": "Monat", "j": "TTT",
           "H": "hh", "M": "mm", "S": "ss", "%": "%"}
_DIRECTIVE = re.compile(r"%(.)")
_YEAR, _MONTH, _DAY = set("Yy"), set("mbB"), set("dj")
_TIME = set("HIMSpfzZXcx")
_SAMPLE = datetime(2024, 11, 23, 14, 5, 6)


def german(fmt: str) -> str:
    """`%d.%m.%Y` → `TT.MM.JJJJ` (directives without a German name stay as written)."""
    return _DIRECTIVE.sub(lambda m: _GERMAN.get(m.group(1), m.group(0)), fmt)


def problem(ftype: str, fmt: str) -> str | None:
    """Why `fmt` cannot be the source format of `ftype` fields (German), or None if it can."""
    used = set(_DIRECTIVE.findall(fmt)) - {"%"}
    if not used:
        return (f"'{fmt}' enthält keine Platzhalter; gemeint ist wohl eine strptime-Angabe wie "
                "'%d.%m.%Y' (TT.MM.JJJJ)")
    try:
        datetime.strptime(_SAMPLE.strftime(fmt), fmt)
    except ValueError:
        return f"'{fmt}' ist keine gültige strptime-Angabe"
    if not used & _YEAR:
        return f"'{fmt}' ({german(fmt)}) enthält kein Jahr (%Y)"
    if ftype == "yearmonth" and (not used & _MONTH or used & (_DAY | _TIME)):
        return (f"'{fmt}' ({german(fmt)}) passt nicht zu einem Feld vom Typ yearmonth: es braucht "
                "Jahr und Monat, keinen Tag und keine Uhrzeit (z. B. '%m.%Y' für MM.JJJJ)")
    if ftype == "year" and used - _YEAR:
        return (f"'{fmt}' ({german(fmt)}) passt nicht zu einem Feld vom Typ year: es darf nur "
                "das Jahr enthalten (z. B. '%Y')")
    return None


def parse(value: object, ftype: str, fmt: str) -> str | None:
    """The canonical text of `value` for a field of `ftype` read with `fmt` (None: it does not
    fit; the caller keeps the value as it was, so validation reports it)."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            return None
    if ftype == "yearmonth":
        return f"{day.year:04d}-{day.month:02d}"
    if ftype == "year":
        return f"{day.year:04d}"
    return day.isoformat()
