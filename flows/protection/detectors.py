"""Detectors for personal data in column labels and cell values.

Maintained libraries do the checking where one exists: python-stdnum (IBAN, German tax ID and tax
number), phonenumbers (German and international phone numbers, lenient `VALID` matching),
gender-guesser's public first-name list (personal names). Patterns without a library (e-mail,
street address, date of birth, pension insurance number with its check digit) are here.
Detectors only say *what* they found and where; they never return or log the value itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cache

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-zA-Z]{2,}")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b")
ELEVEN_DIGITS = re.compile(r"(?<![\d.,])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d.,])")
TAX_NUMBER = re.compile(r"\b\d{2,3}/\d{3,4}/\d{4,5}\b")
PENSION_NUMBER = re.compile(r"\b(\d{2}) ?(\d{6}) ?([A-Z]) ?(\d{3})\b")
STREET = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß.-]*(straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee)"
    r"\s+\d{1,4}\s?[a-zA-Z]?\b", re.IGNORECASE)
BIRTH_TEXT = re.compile(r"\b(geb\.|geboren( am)?|geburtsdatum:?)\s*\d{1,2}\.\d{1,2}\.\d{2,4}",
                        re.IGNORECASE)
SALUTATION = re.compile(r"\b(Herr|Frau|Hr\.|Fr\.)\s+(Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+")
WORD_PAIR = re.compile(  # overlapping: "Antragsteller Max Mustermann" also yields "Max Mustermann"
    r"(?=\b([A-ZÄÖÜ][a-zäöüß]{1,20})\s+([A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?))")
DATE_LIKE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")

PERSONAL_LABELS = re.compile(
    r"(^|[\s_-])(vor|nach|familien|geburts|mädchen)?name(n)?($|[\s_-])|e-?mail|telefon|^tel\b|mobil|"
    r"handy|iban|bic|kontonummer|geburts|geb\.?datum|date.?of.?birth|steuer.?id|idnr|"
    r"sozialversicherung|rentenversicherung|anschrift|adresse|straße|strasse|hausnummer",
    re.IGNORECASE)

KIND_DE = {
    "email": "E-Mail-Adresse",
    "phone": "Telefonnummer",
    "iban": "IBAN",
    "tax-id": "Steuer-Identifikationsnummer",
    "tax-number": "Steuernummer",
    "pension-number": "Rentenversicherungsnummer",
    "birth-date": "Geburtsdatum",
    "address": "Straße mit Hausnummer",
    "name": "Personenname",
    "label": "Spaltenname deutet auf personenbezogene Daten",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    """One of KIND_DE's keys."""
    length: int
    """Length of the matched text: enough to describe it, never the text itself."""

    def masked(self) -> str:
        return f"«{KIND_DE[self.kind]}, {self.length} Zeichen»"


def label_suggests_personal_data(label: str) -> bool:
    return bool(PERSONAL_LABELS.search(label))


def scan(value: str, *, is_birth_field: bool = False,
         kinds: Collection[str] | None = None) -> list[Finding]:
    """All kinds of personal data found in one text cell (only `kinds`, if given)."""
    if not value or len(value) < 3:
        return []
    found: list[Finding] = []
    for kind, detect in _DETECTORS:
        if kinds is None or kind in kinds:
            found.extend(Finding(kind, n) for n in detect(value))
    if is_birth_field and re.search(r"\d", value):
        found.append(Finding("birth-date", len(value)))
    return found


def _emails(value: str) -> Iterator[int]:
    for match in EMAIL.finditer(value):
        yield len(match.group())


def _ibans(value: str) -> Iterator[int]:
    from stdnum import iban

    for match in IBAN.finditer(value.upper()):
        if iban.is_valid(match.group()):
            yield len(match.group())


def _tax_ids(value: str) -> Iterator[int]:
    from stdnum.de import idnr

    for match in ELEVEN_DIGITS.finditer(value):
        if idnr.is_valid(match.group()):
            yield len(match.group())


def _tax_numbers(value: str) -> Iterator[int]:
    from stdnum.de import stnr

    for match in TAX_NUMBER.finditer(value):
        if stnr.is_valid(match.group()):
            yield len(match.group())


def _pension_numbers(value: str) -> Iterator[int]:
    for match in PENSION_NUMBER.finditer(value.upper()):
        area, birth, letter, rest = match.groups()
        if _pension_check_digit_ok(area + birth, letter, rest):
            yield len(match.group())


def _pension_check_digit_ok(head: str, letter: str, rest: str) -> bool:
    """Check digit of the German pension insurance number (Rentenversicherungsnummer)."""
    digits = head + f"{ord(letter) - ord('A') + 1:02d}" + rest[:2]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(rest[2])


def _phones(value: str) -> Iterator[int]:
    if not re.search(r"\d{3}", value.replace(" ", "")):
        return
    import phonenumbers

    for match in phonenumbers.PhoneNumberMatcher(value, "DE",
                                                 leniency=phonenumbers.Leniency.VALID):
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 6 and not DATE_LIKE.fullmatch(match.raw_string.strip()):
            yield len(match.raw_string)


def _addresses(value: str) -> Iterator[int]:
    for match in STREET.finditer(value):
        yield len(match.group())


def _birth_dates(value: str) -> Iterator[int]:
    for match in BIRTH_TEXT.finditer(value):
        yield len(match.group())


def _names(value: str) -> Iterator[int]:
    for match in SALUTATION.finditer(value):
        yield len(match.group())
    for match in WORD_PAIR.finditer(value):
        first, last = match.groups()
        if _is_first_name(first) and not _is_common_word(last):
            yield len(first) + 1 + len(last)


@cache
def _first_names() -> Callable[[str], str]:
    import gender_guesser.detector as gender

    return gender.Detector(case_sensitive=False).get_gender


def _is_first_name(word: str) -> bool:
    if len(word) < 3 or _is_common_word(word):  # "Im", "Am": listed as names, mostly words
        return False
    return _first_names()(word) != "unknown"


COMMON_WORDS = frozenset("""
amt bau bürger bürgerbüro daten digital digitale digitaler e-payment frau herr jahr kosten leistung
leistungen mai markt monat online post portal projekt rat schalter service stadt team verwaltung
""".split())


def _is_common_word(word: str) -> bool:
    return word.lower() in COMMON_WORDS


_DETECTORS: tuple[tuple[str, Callable[[str], Iterator[int]]], ...] = (
    ("email", _emails),
    ("iban", _ibans),
    ("tax-id", _tax_ids),
    ("tax-number", _tax_numbers),
    ("pension-number", _pension_numbers),
    ("phone", _phones),
    ("address", _addresses),
    ("birth-date", _birth_dates),
    ("name", _names),
)
