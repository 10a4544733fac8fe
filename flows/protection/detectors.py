"""Detectors for personal data in column labels and cell values.

Maintained libraries do the checking where one exists: python-stdnum (IBAN, German tax ID and tax
number), phonenumbers (German and international phone numbers, lenient `VALID` matching),
gender-guesser's public first-name list (personal names). Patterns without a library (e-mail,
street address, date of birth, pension insurance number with its check digit) are here.
Detectors only say *what* they found and where; they never return or log the value itself.

Every pattern runs in time linear in the cell's length (benchmarks/detector_scan_time.py): no
unbounded repetition is followed by something that can fail and make it retry from every start.
E-mail addresses are found from each `@` outwards, with the RFC's length limits (64 characters
before the `@`, 255 after it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cache

EMAIL_LOCAL_MAX, EMAIL_DOMAIN_MAX = 64, 255
EMAIL_DOMAIN = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[a-zA-Z]{2,24}")
EMAIL_LOCAL_CHARS = frozenset(".+-_")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,8}(?: ?[A-Z0-9]{1,4})?\b")
IBAN_BBAN_PART = re.compile(r"(\d+)!([nac])")
IBAN_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
ELEVEN_DIGITS = re.compile(r"(?<![\d.,])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d.,])")
TAX_NUMBER = re.compile(r"\b\d{2,3}/\d{3,4}/\d{4,5}\b")
PENSION_NUMBER = re.compile(r"\b(\d{2}) ?(\d{6}) ?([A-Z]) ?(\d{3})\b")
STREET = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß.-]{0,40}?(straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee)"
    r"\s+\d{1,4}\s?[a-zA-Z]?\b", re.IGNORECASE)
DATE_TEXT = r"(\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})"
BIRTH_TEXT = re.compile(  # "geb. 03.04.1971", "Geburtstag: 1971-04-03", "* 3.4.1971"
    r"(\b(geb\.?|geboren|geburtsdatum|geburtstag|geb\.-?datum|born|date of birth)|\*)"
    r"\s{0,3}:?\s{0,3}(am\s{1,3}|on\s{1,3})?" + DATE_TEXT, re.IGNORECASE)
LAST_FIRST = re.compile(  # "Mustermann, Erika": the second word must be a first name
    r"\b([A-ZÄÖÜ][a-zäöüß]{1,30}(?:-[A-ZÄÖÜ][a-zäöüß]{1,30})?),[ ]{0,2}([A-ZÄÖÜ][a-zäöüß]{2,20})\b")
DAMAGED_WORD = re.compile(  # an export that could not write "ü" wrote "?" or U+FFFD: "M?ller"
    r"\b[A-ZÄÖÜ][a-zäöüß]{0,20}[?\ufffd][a-zäöüß]{1,20}\b|\b[A-ZÄÖÜ][?\ufffd][a-zäöüß]{1,20}\b")
SALUTATION = re.compile(r"\b(Herr|Frau|Hr\.|Fr\.)\s+(Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+")
WORD_PAIR = re.compile(  # overlapping: "Antragsteller Max Mustermann" also yields "Max Mustermann"
    r"(?=\b([A-ZÄÖÜ][a-zäöüß]{1,20})\s{1,3}([A-ZÄÖÜ][a-zäöüß]{1,30}(?:-[A-ZÄÖÜ][a-zäöüß]{1,30})?))")
DATE_LIKE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")

PERSONAL_LABELS = re.compile(
    r"(^|[\s_-])(vor|nach|familien|geburts|mädchen)?name(n)?($|[\s_-])|e-?mail|telefon|^tel\b|mobil|"
    r"handy|iban|bic|kontonummer|geburts|geb\.?datum|date.?of.?birth|steuer.?id|idnr|"
    r"sozialversicherung|rentenversicherung|anschrift|adresse|straße|strasse|hausnummer",
    re.IGNORECASE)

BIRTH_LABELS = re.compile(  # Geburtsdatum, Geb.-Datum, gebdat, geb_tag, DOB, date_of_birth …
    r"geburt|geb\.?[\s_-]*(dat|tag)|(^|[\s_-])geb\.?($|[\s_-])|geboren|birth|(^|[\s_-])dob($|[\s_-])",
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
    return bool(PERSONAL_LABELS.search(label)) or label_suggests_birth_date(label)


def label_suggests_birth_date(label: str) -> bool:
    return bool(BIRTH_LABELS.search(label))


def scan(value: str, *, is_birth_field: bool = False,
         kinds: Collection[str] | None = None) -> list[Finding]:
    """All kinds of personal data found in one text cell (only `kinds`, if given; an official
    key such as an AGS is scanned without "phone")."""
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
    """From each "@": the local part leftwards, the domain rightwards, both length-limited, so
    a long cell costs at most a fixed amount of work per "@" (linear in its length)."""
    end = 0
    at = value.find("@")
    while at != -1:
        start = at
        while start > max(end, at - EMAIL_LOCAL_MAX) and _local_char(value[start - 1]):
            start -= 1
        domain = EMAIL_DOMAIN.match(value, at + 1, min(len(value), at + 1 + EMAIL_DOMAIN_MAX))
        if start < at and domain:
            end = domain.end()
            yield end - start
        at = value.find("@", max(at + 1, end))


def _local_char(char: str) -> bool:
    return char.isalnum() or char in EMAIL_LOCAL_CHARS


def _ibans(value: str) -> Iterator[int]:
    """IBAN-shaped: country code, two check digits and the country's BBAN structure and length
    (python-stdnum's IBAN register), whether or not the check digits are right: a mistyped or
    made-up account number is as personal as a real one."""
    for match in IBAN.finditer(value.upper()):
        if iban_shaped(match.group()):
            yield len(match.group())


def iban_shaped(text: str) -> bool:
    """`text` (spaces allowed) has the structure of an IBAN of its country."""
    number = text.replace(" ", "").upper()
    bban = _iban_structure(number[:2])
    return bban is not None and bban.fullmatch(number[4:]) is not None


@cache
def _iban_structure(country: str) -> re.Pattern[str] | None:
    from stdnum import numdb

    info = numdb.get("iban").info(country)
    structure = info[0][1].get("bban") if info and info[0][0] == country else None
    if not structure:
        return None
    return re.compile("".join(f"{IBAN_CLASSES[kind]}{{{count}}}"
                              for count, kind in IBAN_BBAN_PART.findall(structure)))


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
    for match in LAST_FIRST.finditer(value):
        last, first = match.groups()
        if _is_first_name(first) and not _is_common_word(last):
            yield len(match.group())
    for match in DAMAGED_WORD.finditer(value):
        yield len(match.group())
    repaired = _mojibake_repaired(value)
    if repaired is not None:  # "JÃ¼rgen MÃ¼ller": UTF-8 read as cp1252
        yield from _names(repaired)


def _mojibake_repaired(value: str) -> str | None:
    """`value` decoded once more if it is UTF-8 text that was read as cp1252, else None."""
    if "Ã" not in value and "Â" not in value:
        return None
    try:
        repaired = value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None
    return repaired if repaired != value else None


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
