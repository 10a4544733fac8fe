"""Declared date formats: checked per field type, read, and named in German."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.validation.dates import german, parse, problem


def test_formats_are_named_in_german_notation() -> None:
    assert german("%d.%m.%Y") == "TT.MM.JJJJ"
    assert german("%m.%Y") == "MM.JJJJ"
    assert german("%Y-%m-%d %H:%M") == "JJJJ-MM-TT hh:mm"
    assert german("%y") == "JJ"


@pytest.mark.parametrize(("ftype", "fmt"), [
    ("date", "%d.%m.%Y"), ("date", "%m.%Y"), ("date", "%d.%m.%Y %H:%M"),
    ("yearmonth", "%m.%Y"), ("yearmonth", "%Y/%m"), ("yearmonth", "%b %Y"),
    ("year", "%Y"), ("year", "%y"),
])
def test_formats_that_fit(ftype: str, fmt: str) -> None:
    assert problem(ftype, fmt) is None


@pytest.mark.parametrize(("ftype", "fmt", "fragment"), [
    ("date", "TT.MM.JJJJ", "keine Platzhalter"),
    ("date", "%d.%m.", "kein Jahr"),
    ("yearmonth", "%d.%m.%Y", "yearmonth"),
    ("yearmonth", "%Y", "yearmonth"),
    ("year", "%m.%Y", "nur das Jahr"),
    ("date", "%Q.%Y", "keine gültige"),
])
def test_formats_that_do_not_fit(ftype: str, fmt: str, fragment: str) -> None:
    found = problem(ftype, fmt)
    assert found is not None and fragment in found


def test_parse_gives_the_canonical_form() -> None:
    assert parse("03.2025", "yearmonth", "%m.%Y") == "2025-03"
    assert parse("24", "year", "%y") == "2024"
    assert parse("31.01.2025", "date", "%d.%m.%Y") == "2025-01-31"
    assert parse(datetime(2025, 3, 4, 5, 6), "yearmonth", "%m.%Y") == "2025-03"
    assert parse(date(2025, 3, 4), "year", "%Y") == "2025"
    assert parse("13.2025", "yearmonth", "%m.%Y") is None
