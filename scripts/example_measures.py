"""The example measures plan of Musterstadt (generated example data, not a real plan).

The measures are modelled on the municipal strategies this project serves (Speyer's "kleine
Lösung" with a measures plan for 1–2 years, Worms' strategy paper, the goals of a Stadtverbund,
Weiterstadt's roadmap with one-off and yearly costs): the fields of action, measures, statuses,
dates and costs are plausible, but invented for Musterstadt. `make_example_data.py` writes them
as the XLSX export of the digitalisation office and, with `PREVIOUS`, the plan as it was
published one quarter earlier (tests/fixtures/massnahmen-status-vorher.xlsx).
"""

from __future__ import annotations

from datetime import date

STAND = date(2026, 9, 30)
PREVIOUS_STAND = date(2026, 6, 30)

VERWALTUNG = "Digitale Verwaltung"
SERVICE = "Bürgerservice und Online-Dienste"
TRANSPARENZ = "Transparenz und offene Daten"
BETEILIGUNG = "Beteiligung"
PERSONAL = "Personal und Kompetenzen"
SICHERHEIT = "Datenschutz und IT-Sicherheit"
INFRASTRUKTUR = "Digitale Infrastruktur"

# (field of action, measure, status, responsible unit, start, end, one-off costs, yearly costs,
#  remark); numbered in this order
MEASURES = [
    (VERWALTUNG, "E-Akte im Hauptamt einführen", "umgesetzt", "Hauptamt",
     "2025-01-01", "2026-03-31", 18500, 4200, "Im Echtbetrieb seit dem ersten Quartal 2026."),
    (VERWALTUNG, "E-Akte im Bauamt einführen", "in Umsetzung", "Bauamt",
     "2026-01-01", "2026-12-31", 12000, 2800, "Schulungen laufen, Altakten werden gescannt."),
    (VERWALTUNG, "E-Akte im Sozialamt einführen", "geplant", "Sozialamt",
     "2027-01-01", "2027-12-31", 14000, 3100, ""),
    (VERWALTUNG, "Digitaler Posteingang mit Scanstelle", "in Umsetzung", "Hauptamt",
     "2025-10-01", "2026-06-30", 9500, 1200, "Scanstelle eingerichtet, Anbindung an E-Akte fehlt."),
    (VERWALTUNG, "Digitaler Rechnungsworkflow für alle Ämter", "umgesetzt", "Kämmerei",
     "2025-01-01", "2025-12-31", 6000, 1800, ""),
    (VERWALTUNG, "Prozesse erfassen und optimieren (Prozessmanagement)", "dauerhafte Aufgabe",
     "Stabsstelle Digitalisierung", "2025-01-01", "", None, 11014, "Je Quartal zwei Prozesse."),
    (VERWALTUNG, "Digitale Gremienarbeit für Rat und Ausschüsse", "umgesetzt", "Ratsbüro",
     "2025-03-01", "2025-12-31", 8000, 500, "Rat und Ausschüsse arbeiten papierlos."),
    (VERWALTUNG, "Digitale Personalakte", "in Umsetzung", "Personalamt",
     "2026-01-01", "2026-12-31", 10400, 6200, ""),
    (VERWALTUNG, "Gehaltsabrechnungen über ein gesichertes Portal", "umgesetzt", "Personalamt",
     "2025-07-01", "2026-03-31", 2500, 3800, ""),
    (VERWALTUNG, "Zentrale Beschaffung von Hard- und Software", "in Umsetzung", "IT-Abteilung",
     "2026-01-01", "2027-06-30", None, None, "Ohne eigene Kosten."),
    (SERVICE, "Zehn weitere Verwaltungsleistungen online anbieten", "in Umsetzung",
     "Stabsstelle Digitalisierung", "2026-01-01", "2026-12-31", 15000, 3875,
     "Sechs von zehn Leistungen sind online."),
    (SERVICE, "BundID-Konto für alle Online-Dienste", "in Umsetzung", "Bürgerbüro",
     "2025-10-01", "2026-09-30", 0, 0, "Werbung für die Registrierung geplant."),
    (SERVICE, "Gebühren online bezahlen (E-Payment)", "umgesetzt", "Kämmerei",
     "2025-04-01", "2025-12-31", 3000, None, "Kosten je Zahlung, kein fester Betrag."),
    (SERVICE, "Online-Terminvergabe im Bürgerbüro", "umgesetzt", "Bürgerbüro",
     "2025-01-01", "2025-06-30", 4500, 1900, ""),
    (SERVICE, "Bewohnerparkausweis vollständig digital", "umgesetzt", "Ordnungsamt",
     "2025-06-01", "2026-05-31", 5200, 900, ""),
    (SERVICE, "Handyparken im Stadtgebiet", "geplant", "Ordnungsamt",
     "2027-01-01", "2027-06-30", 7000, 1500, ""),
    (SERVICE, "Kitaportal für Voranmeldungen", "in Umsetzung", "Jugendamt",
     "2026-02-01", "2026-08-31", 16000, 4800, "Start verschiebt sich wegen Ausschreibung."),
    (SERVICE, "Kundenportal der Stadtwerke (Zählerstände, Abschläge)", "umgesetzt", "Stadtwerke",
     "2025-01-01", "2025-09-30", 2000, 15000, ""),
    (SERVICE, "Selbstbedienungsterminal im Rathaus", "zurückgestellt", "Bürgerbüro",
     "2026-04-01", "2026-12-31", 22000, 2400, "Zurückgestellt bis zur Sanierung des Foyers."),
    (SERVICE, "Formulare in Leichter Sprache", "geplant", "Pressestelle",
     "2026-10-01", "2027-06-30", 6000, None, ""),
    (SERVICE, "Barrierefreiheit der Website prüfen und verbessern", "in Umsetzung",
     "Pressestelle", "2026-01-01", "2026-12-31", 8500, 1200, ""),
    (TRANSPARENZ, "Open-Data-Bereich auf der Website", "umgesetzt",
     "Stabsstelle Digitalisierung", "2025-01-01", "2025-12-31", 3000, 600, ""),
    (TRANSPARENZ, "Kennzahlen der Verwaltung monatlich als offene Daten", "dauerhafte Aufgabe",
     "Stabsstelle Digitalisierung", "2025-06-01", "", None, 2000, ""),
    (TRANSPARENZ, "Datensätze an GovData melden (DCAT-AP.de)", "umgesetzt",
     "Stabsstelle Digitalisierung", "2025-09-01", "2026-03-31", 0, 0, ""),
    (TRANSPARENZ, "Ratsinformationen über die OParl-Schnittstelle öffnen", "in Umsetzung",
     "Ratsbüro", "2026-03-01", "2026-10-31", 2500, 0, ""),
    (TRANSPARENZ, "Haushaltsdaten als offene Daten", "geplant", "Kämmerei",
     "2026-11-01", "2027-03-31", 1500, 0, ""),
    (TRANSPARENZ, "Geodaten im Geoportal veröffentlichen", "in Umsetzung", "Vermessungsamt",
     "2025-10-01", "2026-09-30", 12000, 2500, "3D-Stadtmodell folgt."),
    (TRANSPARENZ, "Fortschrittsbericht zum Maßnahmenplan je Quartal", "dauerhafte Aufgabe",
     "Stabsstelle Digitalisierung", "2026-01-01", "", None, None, "Dieser Bericht."),
    (BETEILIGUNG, "Beteiligungsplattform einführen", "umgesetzt",
     "Stabsstelle Digitalisierung", "2025-06-01", "2026-02-28", 14000, 7200,
     "Ersetzt die bisherige Umfragesoftware."),
    (BETEILIGUNG, "Mängelmelder-App", "in Umsetzung", "Bauhof",
     "2026-03-01", "2026-11-30", 4000, 1800, ""),
    (BETEILIGUNG, "Bürgerbefragung zur Digitalisierung", "geplant", "Stabsstelle Digitalisierung",
     "2027-02-01", "2027-04-30", 3500, None, ""),
    (BETEILIGUNG, "Bürgermeister-Chat für Mobilgeräte erneuern", "umgesetzt", "Pressestelle",
     "2025-02-01", "2025-05-31", 1200, 300, ""),
    (BETEILIGUNG, "Jugendbeteiligung online", "zurückgestellt", "Jugendamt",
     "2026-06-01", "2027-03-31", 5000, 1000, "Personal fehlt, neuer Beginn 2027."),
    (BETEILIGUNG, "Bürgerhaushalt digital", "entfallen", "Kämmerei",
     "2026-01-01", "2026-12-31", 9000, 2000, "Vom Rat im Mai 2026 gestrichen."),
    (PERSONAL, "Digitallotsen in allen Ämtern", "in Umsetzung", "Personalamt",
     "2025-09-01", "2026-12-31", 2000, 4000, "14 von 20 Lotsinnen und Lotsen benannt."),
    (PERSONAL, "Schulungsprogramm digitale Kompetenzen", "dauerhafte Aufgabe", "Personalamt",
     "2025-01-01", "", None, 12000, ""),
    (PERSONAL, "Mobiles Arbeiten mit Notebooks", "umgesetzt", "IT-Abteilung",
     "2025-01-01", "2025-12-31", 85000, 9000, ""),
    (PERSONAL, "Führungskräfte-Workshop Veränderungsmanagement", "umgesetzt", "Personalamt",
     "2025-11-01", "2026-02-28", 4500, None, ""),
    (PERSONAL, "Digitales Bewerbermanagement", "in Umsetzung", "Personalamt",
     "2026-01-01", "2026-07-31", 5000, 3600, "Anbindung an die Personalakte verzögert sich."),
    (PERSONAL, "Lernplattform für E-Learning", "geplant", "Personalamt",
     "2026-11-01", "2027-05-31", 6500, 2500, ""),
    (SICHERHEIT, "Informationssicherheitsbeauftragten benennen", "umgesetzt", "Hauptamt",
     "2025-01-01", "2025-03-31", 0, 0, ""),
    (SICHERHEIT, "Managementsystem für Informationssicherheit (ISMS)", "in Umsetzung",
     "Informationssicherheit", "2025-06-01", "2027-06-30", 25000, 8000, ""),
    (SICHERHEIT, "Verschlüsselter Dateiaustausch mit Bürgern und Behörden", "umgesetzt",
     "IT-Abteilung", "2025-09-01", "2026-01-31", 3500, 2100, ""),
    (SICHERHEIT, "Jährliche Schulung Datenschutz und Phishing", "dauerhafte Aufgabe",
     "Datenschutz", "2025-01-01", "", None, 3000, ""),
    (SICHERHEIT, "Notfallplan für IT-Ausfälle", "in Umsetzung", "IT-Abteilung",
     "2026-01-01", "2026-06-30", 6000, None, "Entwurf liegt vor."),
    (SICHERHEIT, "Datensicherung in zweitem Rechenzentrum", "geplant", "IT-Abteilung",
     "2027-01-01", "2027-09-30", 40000, 12000, ""),
    (INFRASTRUKTUR, "Glasfaser für alle Verwaltungsstandorte", "umgesetzt", "IT-Abteilung",
     "2025-01-01", "2025-12-31", 120000, 18000, ""),
    (INFRASTRUKTUR, "Öffentliches WLAN in Bürgerhäusern und Sporthallen", "in Umsetzung",
     "Gebäudemanagement", "2026-01-01", "2026-12-31", 32000, 4800, "7 von 12 Gebäuden fertig."),
    (INFRASTRUKTUR, "WLAN in allen Kindertagesstätten", "umgesetzt", "Jugendamt",
     "2025-03-01", "2026-04-30", 21000, 2600, ""),
    (INFRASTRUKTUR, "Schulen mit Glasfaser anbinden", "in Umsetzung", "Schulamt",
     "2025-06-01", "2027-12-31", 260000, 24000, "Gefördert durch den DigitalPakt."),
    (INFRASTRUKTUR, "Leerrohre bei jeder Straßenbaumaßnahme verlegen", "dauerhafte Aufgabe",
     "Tiefbauamt", "2025-01-01", "", None, None, ""),
    (INFRASTRUKTUR, "LoRaWAN-Sensornetz für Umweltdaten", "in Umsetzung", "Stadtwerke",
     "2026-04-01", "2027-03-31", 18000, 3000, ""),
]

PREVIOUS = {
    # number → status one quarter earlier; numbers missing here had the same status
    2: "geplant", 15: "in Umsetzung",
    19: "geplant", 24: "in Umsetzung", 29: "in Umsetzung", 34: "geplant", 38: "in Umsetzung",
    43: "in Umsetzung", 49: "in Umsetzung", 52: "geplant",
}
NEW_SINCE_PREVIOUS = {20, 40, 46}
"""Measures added to the plan in the last quarter (not in the previous version)."""
