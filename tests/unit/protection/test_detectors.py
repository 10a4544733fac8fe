"""The cell detectors: new ways of writing personal data, linear time, official keys."""

from __future__ import annotations

import pytest

from flows.protection import detectors


@pytest.mark.parametrize(("text", "kind"), [
    ("Mustermann, Erika", "name"),
    ("Rückfrage: Schmidt, Jürgen", "name"),
    ("Antrag von J?rgen M?ller", "name"),
    ("Herr M\ufffdller rief an", "name"),
    ("Antrag von JÃ¼rgen MÃ¼ller", "name"),
    ("Antragstellerin * 12.08.1964", "birth-date"),
    ("*12.8.1964", "birth-date"),
    ("Geburtstag 1971-04-03", "birth-date"),
    ("Geburtstag am 3.4.1971", "birth-date"),
    ("geb. am 03.04.71", "birth-date"),
    ("Erstattung auf DE00 1203 0000 0000 2020 51", "iban"),  # wrong check digits
    ("DE12500105170648489890", "iban"),
    ("FR7630006000011234567890189", "iban"),
    ("mail: a.b-c+d@sub.example.org", "email"),
])
def test_new_ways_of_writing_personal_data_are_found(text: str, kind: str) -> None:
    assert kind in {f.kind for f in detectors.scan(text)}


@pytest.mark.parametrize("text", [
    "DE1250010517064848989",  # one digit short for Germany
    "XX12500105170648489890",  # no such country
    "Anzahl der Anträge, online",
    "Sozialamt, Bürgerbüro",
    "Was ist los? nichts",
    "Stichtag 2025-01-01",
    "Ist das so?",
])
def test_text_without_personal_data_is_not_flagged(text: str) -> None:
    assert detectors.scan(text) == []


def test_iban_shape_follows_the_country_register() -> None:
    assert detectors.iban_shaped("DE00 1203 0000 0000 2020 51")
    assert not detectors.iban_shaped("DE00 1203 0000 0000 2020 5")
    assert detectors.iban_shaped("NL00ABNA0417164300")
    assert not detectors.iban_shaped("NL00AB1A0417164300")  # letters where the bank code is


@pytest.mark.parametrize(("label", "birth"), [
    ("Geburtsdatum", True), ("geb_datum", True), ("GebDat", True), ("Geb.-Tag", True),
    ("geboren", True), ("DOB", True), ("date_of_birth", True), ("Birthday", True),
    ("gebühr", False), ("Gebiet", False), ("gebaeude", False), ("Datum", False),
])
def test_birth_date_labels_in_german_and_english(label: str, birth: bool) -> None:
    assert detectors.label_suggests_birth_date(label) is birth
    if birth:
        assert detectors.label_suggests_personal_data(label)


def test_an_ags_is_a_phone_number_to_the_detector_unless_the_key_kinds_leave_phone_out() -> None:
    assert [f.kind for f in detectors.scan("07318000")] == ["phone"]
    assert detectors.scan("07318000", kinds=set(detectors.KIND_DE) - {"phone"}) == []


def test_emails_from_each_at_sign_do_not_overlap() -> None:
    found = detectors.scan("a@example.org, b@example.net und c@@example.com")
    assert [f.length for f in found if f.kind == "email"] == [13, 13]
