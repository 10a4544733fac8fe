"""Values are described, not quoted, unless they are safe."""

from __future__ import annotations

import pytest

from flows.protection.describing import describe, is_safe, quote, scrub, scrub_quoted, show


@pytest.mark.parametrize(("value", "kind"), [
    ("online", "string"), ("Fax", "string"), ("12,5", "number"), ("1.234,5", "number"),
    ("k.A.", "integer"), ("n/a", "date"), ("", "integer"),
])
def test_safe_values_are_quoted(value: str, kind: str) -> None:
    assert quote(value, kind) == f"'{value}'"


@pytest.mark.parametrize(("value", "kind"), [
    ("erika.mustermann@example.org", "string"),  # detectors flag it
    ("Erika Mustermann", "string"),
    ("Mustermann", "integer"),  # text in a number column: not judgeable
    ("zwölf", "integer"),
    ("12/08/1964", "date"),  # a date shape: could be a birth date
    ("12.08.1964", "string"),
    ("0621 1234567", "string"),  # a long digit run
    ("Sch?fer", "string"),  # encoding-damaged
    ("Eine lange Bemerkung über den Fall, die niemand beurteilen kann", "string"),
])
def test_unsafe_or_unjudgeable_values_are_described(value: str, kind: str) -> None:
    shown = quote(value, kind)
    assert value not in shown and shown.startswith("«") and not is_safe(value, kind)
    assert f"{len(value)} Zeichen" in shown


def test_a_description_says_what_the_value_is_made_of() -> None:
    assert describe("Text mit 3 Zahlen@") == ("«Text, 18 Zeichen, enthält Buchstaben, Ziffern, "
                                              "Leerzeichen und '@'»")
    assert describe("12/08/1964") == "«Text, 10 Zeichen, enthält Ziffern und '/', Form 99/99/9999»"
    assert describe("erika@example.org").startswith("«vermutlich E-Mail-Adresse, Text, 17 Zeichen")


def test_protected_cells_are_shown_as_they_are_published() -> None:
    assert show("2025-01-01", "date", protected=True) == "2025-01-01"
    assert show("2025-01-01", "date") != "2025-01-01"
    assert "Erika" not in show("Erika Mustermann", protected=True)


def test_scrub_replaces_a_quoted_cell_inside_a_library_message() -> None:
    message = 'Type error in the cell "Erika Mustermann" in row "2"'
    assert "Erika" not in scrub(message, "Erika Mustermann", "integer")
    assert scrub('cell "7"', "7", "integer") == 'cell "7"'


def test_values_a_library_quotes_are_described_unless_safe() -> None:
    text = "observed ['online', 'Erika Mustermann'] and \"0176 12345678\""
    scrubbed = scrub_quoted(text)
    assert "'online'" in scrubbed and "Erika" not in scrubbed and "12345678" not in scrubbed
