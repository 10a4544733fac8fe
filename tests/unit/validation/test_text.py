"""Text hygiene: NFC, removed and rejected characters, long cells, visible messages."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from flows.problems import visible
from flows.validation.text import clean, clean_column, clean_label, needs_care


def test_nfd_umlauts_become_nfc_silently() -> None:
    text, found = clean("Bu\u0308rgerbu\u0308ro", 100)
    assert text == "Bürgerbüro" and found == set()


def test_each_class_is_named_and_removed_or_kept() -> None:
    assert clean("a\x00b\x07", 100) == ("ab", {"control"})
    assert clean("\ufeffMonat", 100) == ("Monat", {"bom"})
    assert clean("online\u200b", 100) == ("online", {"zero-width"})
    assert clean("\u200fx", 100) == ("x", {"zero-width"})
    # bidi overrides are rejected, not removed: the cell stays as it was
    assert clean("\u202eAnmeldung", 100) == ("\u202eAnmeldung", {"bidi"})


def test_tabs_and_line_breaks_stay() -> None:
    assert clean("a\tb\nc\r\n", 100) == ("a\tb\nc\r\n", set())
    assert not needs_care("a\tb\nc", 100)


def test_a_long_cell_is_cut_to_the_limit() -> None:
    text, found = clean("x" * 50, 10)
    assert text == "x" * 10 and found == {"too-long"}


def test_column_findings_count_cells_and_keep_first_rows() -> None:
    values = ["ok", "a\u200b", "ok", "a\u200b", 3, None, "b\x00"] + ["a\u200b"] * 10
    out, found = clean_column(values, 100)
    assert out[:7] == ["ok", "a", "ok", "a", 3, None, "b"]
    assert found["zero-width"].count == 12 and found["zero-width"].rows == [1, 3, 7, 8, 9]
    assert found["zero-width"].chars == {"\u200b"}
    assert found["control"].count == 1


def test_clean_column_returns_the_same_list_when_nothing_is_wrong() -> None:
    values = ["a", "Straße", 1]
    assert clean_column(values, 100) == (values, {})


def test_labels_are_matched_without_invisible_characters() -> None:
    assert clean_label("Leistung\u200b ") == "Leistung"
    assert clean_label("Stra\u00dfe") == "Straße"


def test_visible_writes_invisible_characters_as_code_points() -> None:
    assert visible("online\u200b") == "online[U+200B]"
    assert visible("a\x00\u202eb\u00a0") == "a[U+0000][U+202E]b[U+00A0]"
    assert visible("Bürgerbüro") == "Bürgerbüro"


@given(st.text(max_size=60))
def test_cleaned_text_is_nfc_and_only_bidi_controls_remain(value: str) -> None:
    text, found = clean(value, 1_000)
    assert unicodedata.is_normalized("NFC", text)
    assert not needs_care(text, 1_000) or "bidi" in found


def test_quoted_values_in_messages_show_invisible_characters() -> None:
    from flows.protection.describing import quote, show

    assert quote("online\u200b") == "'online[U+200B]'"
    assert show("Post\u00a0") == "Post[U+00A0]"
