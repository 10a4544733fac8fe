"""Detectors that judge a whole column or table, not one cell.

- Birth dates by value: a column whose dates mostly lie 14–110 years before the reference date
  and fall on any day of the month (a series of first-of-month periods is a time series, not
  people) holds birth dates, whatever the column is called or typed.
- Official keys: fields declared as keys (primary or foreign key, a `pattern` constraint, or a
  name such as AGS, ARS, PLZ, Aktenzeichen) are exempt from the phone detector: an 8-digit AGS
  with a leading zero looks like a phone number and is not one.
- Case-level tables: one row per case (exact dates, no measure, near-unique rows) is what an
  `aggregate` declaration turns into key figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

BIRTH_SHARE = 0.8
"""Share of a column's dates that must lie in the birth range for the column to be flagged."""
BIRTH_YEARS = (14, 110)
MIN_DATES = 3
FIRST_OF_MONTH_SHARE = 0.5
"""A column whose dates mostly fall on the 1st is a monthly series, not a column of birthdays."""
DATE_FORMS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (0, 1, 2)),
    (re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"), (2, 1, 0)),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), (2, 1, 0)),
)
KEY_NAMES = re.compile(
    r"(^|_)(ags|ars|gkz|plz|postleitzahl|gemeindeschl(ue|ü)ssel|regionalschl(ue|ü)ssel|"
    r"kennziffer|aktenzeichen|az|gemeinde_?id|kreis_?id)($|_)", re.IGNORECASE)
CASE_LEVEL_MIN_ROWS = 20
CASE_LEVEL_UNIQUE_SHARE = 0.9


def as_date(text: str) -> date | None:
    """A date written ISO, German (TT.MM.JJJJ) or with slashes (day first), else None."""
    text = text.strip()
    for pattern, (y, m, d) in DATE_FORMS:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            try:
                return date(int(parts[y]), int(parts[m]), int(parts[d]))
            except ValueError:
                return None
    return None


def holds_birth_dates(values: Iterable[str], today: date) -> bool:
    """Whether most dates among `values` lie 14–110 years before `today` and are exact days."""
    dates = [d for d in (as_date(v) for v in values if v) if d is not None]
    if len(dates) < MIN_DATES:
        return False
    young, old = (today.year - BIRTH_YEARS[0], today.year - BIRTH_YEARS[1])
    in_range = sum(old <= d.year <= young for d in dates)
    first = sum(d.day == 1 for d in dates)
    return in_range >= BIRTH_SHARE * len(dates) and first < FIRST_OF_MONTH_SHARE * len(dates)


def official_keys(schema: dict[str, Any]) -> set[str]:
    """Fields of `schema` that hold official keys or file numbers (exempt from "phone")."""
    keys = schema.get("primaryKey") or []
    found = {keys} if isinstance(keys, str) else set(keys)
    for foreign in schema.get("foreignKeys", []):
        names = foreign.get("fields", [])
        found |= {names} if isinstance(names, str) else set(names)
    for spec in schema.get("fields", []):
        if (spec.get("constraints") or {}).get("pattern") or KEY_NAMES.search(spec["name"]):
            found.add(spec["name"])
    return found


def case_level(fields: Sequence[dict[str, Any]], rows: Sequence[Sequence[str]]) -> str | None:
    """Why the table looks like one row per case (None if it does not): exact dates, no
    measure (no number field) and rows that are nearly all different."""
    if len(rows) < CASE_LEVEL_MIN_ROWS:
        return None
    kinds = [f.get("type", "string") for f in fields]
    if any(kind in ("integer", "number") for kind in kinds):
        return None
    exact = [i for i, kind in enumerate(kinds) if kind in ("date", "datetime") and _exact_days(
        [row[i] for row in rows])]
    if not exact:
        return None
    distinct = len({tuple(row) for row in rows})
    if distinct < CASE_LEVEL_UNIQUE_SHARE * len(rows):
        return None
    names = ", ".join(fields[i]["name"] for i in exact)
    return (f"{distinct} von {len(rows)} Zeilen sind verschieden, das Feld {names} enthält genaue "
            "Tagesdaten und keine Spalte ist eine Zahl")


def _exact_days(values: list[str]) -> bool:
    dates = [d for d in (as_date(v[:10]) for v in values if v) if d is not None]
    return len(dates) >= MIN_DATES and sum(d.day != 1 for d in dates) >= 0.5 * len(dates)
