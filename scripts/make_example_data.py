"""Regenerate the example source exports in datapackages/*/source/ (deterministic content).

    .venv/bin/python scripts/make_example_data.py

The exports imitate what municipal software produces: a Windows-1252 CSV with ';' and decimal
commas, an XLSX with title rows above the header, and a UTF-8 (BOM) CSV with German dates.
The case counts and the measures plan (scripts/example_measures.py) are generated example
data, not real figures.

GENERIERTE BEISPIELDATEN: the case counts of the three member towns of the example Stadtverbund
(Musterstadt, Beispielburg, Weiterdorf; fictional towns with the AGS of real municipalities as
stand-ins) come from three different exports, as members' software really differs: UTF-8 (BOM)
with ';' and decimal commas, Windows-1252 with other column labels and thousands separators,
and an XLSX workbook with title rows above the header.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "datapackages"

COSTS = [
    ("Meldebehörde auf Tablets", "Mobile Bürgerdienste: Meldeangelegenheiten mit Tablets vor Ort",
     "8.183,74", "3.890,10", "01.03.2019", ""),
    ("Digitale Ratsarbeit", "Sitzungsunterlagen digital für Rat und Ausschüsse",
     "8.000,00", "500,00", "01.06.2019", ""),
    ("E-Government-Plattform", "Online-Dienste der Verwaltung auf einer Plattform",
     "5.200,00", "3.875,55", "01.09.2019", ""),
    ("Digitale Personalprozesse", "Bewerbermanagement und digitale Personalakte",
     "10.400,00", "38.425,20", "01.01.2020", ""),
    ("Kundenportal der Stadtwerke", "Online-Kundenportal für Zählerstände und Abschläge",
     "2.000,00", "15.000,00", "01.04.2020", ""),
    ("Prozessmanagement-Software", "Modellierung und Optimierung von Verwaltungsprozessen",
     "–", "11.014,16", "01.07.2020", ""),
    ("E-Payment", "Bezahlen von Gebühren online",
     "–", "–", "01.10.2020", "Kosten pro Transaktion, kein fester Betrag"),
]

SERVICES = [
    "Personalausweis beantragen", "Reisepass beantragen", "Wohnsitz anmelden",
    "Wohnsitz ummelden", "Meldebescheinigung", "Führungszeugnis beantragen", "Gewerbe anmelden",
    "Hund anmelden", "Bewohnerparkausweis", "Geburtsurkunde", "Eheschließung anmelden",
    "Wohngeld beantragen",
]
RARE_SERVICES = ["Namensänderung beantragen"]  # small counts: shows small-count suppression
CHANNELS = [("online", 0.25), ("Schalter", 0.65), ("Post", 0.10)]


def write_costs(path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Projekt", "Beschreibung", "Einmalige Kosten (EUR)",
                     "Jährliche Kosten (EUR)", "Beginn", "Anmerkung"])
    writer.writerows(COSTS)
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def write_measures(path: Path, previous: bool = False) -> None:
    """The measures plan as the digitalisation office exports it (XLSX with title rows); with
    `previous`, the version of one quarter earlier (a test fixture)."""
    import openpyxl
    from example_measures import MEASURES, NEW_SINCE_PREVIOUS, PREVIOUS, PREVIOUS_STAND, STAND

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Maßnahmen"
    sheet.append(["Maßnahmenplan Digitalisierung 2026–2027 der Stadt Musterstadt"])
    sheet.append(["Beispieldaten – Stand der Umsetzung"])
    sheet.append([])
    sheet.append(["Nr.", "Handlungsfeld", "Maßnahme", "Status", "Verantwortlich", "Beginn", "Ende",
                  "Kosten einmalig (EUR)", "Kosten jährlich (EUR)", "Bemerkung", "Stand"])
    for number, (area, title, status, unit, start, end, once, yearly, remark) in enumerate(
            MEASURES, start=1):
        if previous and number in NEW_SINCE_PREVIOUS:
            continue
        status = PREVIOUS.get(number, status) if previous else status
        sheet.append([number, area, title, status, unit, date.fromisoformat(start),
                      date.fromisoformat(end) if end else None, once, yearly, remark or None,
                      PREVIOUS_STAND if previous else STAND])
        for column in (6, 7, 11):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD.MM.YYYY"
    sheet.merge_cells("A1:K1")
    book.save(path)


def write_counts(path: Path) -> None:
    rng = random.Random(2026)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["Monat", "Leistung", "Kanal", "Anzahl", "Bearbeitungstage (Mittel)"])
    for year in range(2021, 2026):
        for month in range(1, 13):
            growth = 1 + 0.08 * (year - 2021)
            for service in SERVICES + RARE_SERVICES:
                base = rng.randint(0, 12) if service in RARE_SERVICES else rng.randint(40, 900)
                for channel, share in CHANNELS:
                    online_boost = growth if channel == "online" else 1 / growth
                    count = max(0, round(base * share * online_boost * rng.uniform(0.8, 1.2)))
                    days = round(rng.uniform(0.5, 3.0) if channel == "online"
                                 else rng.uniform(1.0, 12.0), 1)
                    writer.writerow([date(year, month, 1).strftime("%d.%m.%Y"), service, channel,
                                     count, f"{days:.1f}".replace(".", ",")])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


BEISPIELBURG_SERVICES = SERVICES[:10]
"""Beispielburg offers fewer of the services online or at its counter."""
WEITERDORF_SERVICES = [*SERVICES[:6], "Hund anmelden", "Wohngeld beantragen"]
"""Weiterdorf, a small town: fewer services, small counts (so more cells are suppressed)."""


def _counts(seed: int, services: list[str], low: int, high: int
            ) -> list[tuple[date, str, str, int, float]]:
    """Monthly case counts 2021–2025 per service and channel (generated, not real)."""
    rng = random.Random(seed)
    rows = []
    for year in range(2021, 2026):
        for month in range(1, 13):
            growth = 1 + 0.08 * (year - 2021)
            for service in services + RARE_SERVICES:
                base = rng.randint(0, 12) if service in RARE_SERVICES else rng.randint(low, high)
                for channel, share in CHANNELS:
                    online_boost = growth if channel == "online" else 1 / growth
                    count = max(0, round(base * share * online_boost * rng.uniform(0.8, 1.2)))
                    days = round(rng.uniform(0.5, 3.0) if channel == "online"
                                 else rng.uniform(1.0, 12.0), 1)
                    rows.append((date(year, month, 1), service, channel, count, days))
    return rows


def write_counts_beispielburg(path: Path) -> None:
    """GENERIERTE BEISPIELDATEN. Beispielburg's case management system: Windows-1252, ';',
    its own column labels, thousands separators ('1.234') and decimal commas, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Berichtsmonat", "Dienstleistung", "Zugangsweg", "Fälle",
                     "Ø Bearbeitungszeit (Tage)"])
    for day, service, channel, count, days in _counts(2027, BEISPIELBURG_SERVICES, 200, 1500):
        writer.writerow([day.strftime("%d.%m.%Y"), service, channel, f"{count:,}".replace(
            ",", "."), f"{days:.1f}".replace(".", ",")])
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def write_counts_weiterdorf(path: Path) -> None:
    """GENERIERTE BEISPIELDATEN. Weiterdorf's spreadsheet: XLSX, two title rows above the
    header, months as real dates, numbers as numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Fallzahlen"
    sheet.append(["Gemeinde Weiterdorf – Fallzahlen Bürgerbüro (Beispieldaten)"])
    sheet.append([])
    sheet.append(["Monat", "Leistung", "Kanal", "Anzahl", "Bearbeitungstage (Mittel)"])
    for day, service, channel, count, days in _counts(2028, WEITERDORF_SERVICES, 4, 90):
        sheet.append([day, service, channel, count, days])
        sheet.cell(row=sheet.max_row, column=1).number_format = "MM.YYYY"
    book.save(path)


def write_trade_register(path: Path) -> None:
    """Case-level records of a trade-register system (generated): one row per notification."""
    import sqlite3

    rng = random.Random(7)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE gewerbemeldung (id INTEGER PRIMARY KEY, eingang TEXT, "
                   "art TEXT, kanal TEXT, inhaber TEXT)")
        rows = []
        for number in range(1, 1201):
            day = date(2025, 1, 1).toordinal() + rng.randrange(365)
            art = rng.choices(["Anmeldung", "Ummeldung", "Abmeldung"], [6, 1, 3])[0]
            kanal = rng.choices(["online", "Schalter", "Post"], [5, 4, 1])[0]
            rows.append((number, date.fromordinal(day).isoformat(), art, kanal,
                         f"Inhaber {number:04d}"))  # stands for the personal data in the system
        db.executemany("INSERT INTO gewerbemeldung VALUES (?, ?, ?, ?, ?)", rows)


def write_online_services(path: Path) -> None:
    """An API answer of an online-service platform, saved as a file for the demo."""
    import json

    services = [("Wohnsitz anmelden", "2022-03-01", 3, 5120), ("Bewohnerparkausweis", "2021-06-15",
                4, 2304), ("Hund anmelden", "2023-01-10", 4, 611), ("Gewerbe anmelden",
                "2020-11-02", 3, 1480), ("Führungszeugnis beantragen", "2022-09-01", 4, 990),
                ("Wohngeld beantragen", "2024-02-01", 2, 377)]
    items = [{"leistung": name, "online_seit": since, "reifegrad": level, "nutzungen_2025": uses}
             for name, since, level, uses in services]
    document = {"data": {"items": items}, "links": {"next": None}}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_library_loans(path: Path) -> None:
    import ezodf

    rng = random.Random(11)
    doc = ezodf.newdoc(doctype="ods", filename=str(path))
    media = ["Bücher", "E-Books", "Zeitschriften", "Hörbücher", "Spiele"]
    sheet = ezodf.Sheet("Ausleihen", size=(3 + 12 * len(media) + 1, 3))
    doc.sheets += sheet
    sheet[0, 0].set_value("Stadtbibliothek Musterstadt – Ausleihen 2025")
    for col, label in enumerate(["Monat", "Medium", "Ausleihen"]):
        sheet[2, col].set_value(label)
    row = 3
    for month in range(1, 13):
        for medium in media:
            sheet[row, 0].set_value(f"{month:02d}.2025")
            sheet[row, 1].set_value(medium)
            sheet[row, 2].set_value(rng.randint(80, 4000))
            row += 1
    doc.save()


def write_oparl_sample(path: Path) -> None:
    """Objects of a council information system (generated), as the OParl source's demo sample."""
    import json
    import sys

    sys.path.insert(0, str(ROOT.parent))
    from tests.oparl_server import generate

    objects = generate("https://ris.musterstadt.example/oparl")
    lists = {name: objects[name] for name in ("organization", "meeting", "paper")}
    path.write_text(json.dumps(lists, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    write_oparl_sample(ROOT / "ratsinformation-kennzahlen" / "source" / "oparl-stichprobe.json")
    write_trade_register(ROOT / "gewerbemeldungen-monatlich" / "source" / "gewerbe.sqlite")
    write_online_services(ROOT / "online-dienste" / "source" / "plattform-antwort.json")
    write_library_loans(ROOT / "bibliothek-ausleihen" / "source" / "ausleihen.ods")
    write_costs(ROOT / "digitalisierung-kosten" / "source" / "roadmap-kosten.csv")
    write_measures(ROOT / "digitalstrategie-massnahmen" / "source" / "massnahmen-status.xlsx")
    write_measures(ROOT.parent / "tests" / "fixtures" / "massnahmen-status-vorher.xlsx",
                   previous=True)
    counts = ROOT / "fallzahlen-verwaltungsleistungen" / "source"
    write_counts(counts / "fallzahlen.csv")  # Musterstadt's export
    write_counts_beispielburg(counts / "beispielburg.csv")
    write_counts_weiterdorf(counts / "weiterdorf.xlsx")


if __name__ == "__main__":
    main()
