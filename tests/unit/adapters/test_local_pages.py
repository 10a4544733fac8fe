"""The local catalog's pages for data consumers: the dataset page (summary, facts, citation,
chart, preview, usage, developer section), its parts and the German formats they use."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from flows.adapters.local.digest import digest
from flows.adapters.local.layout import berlin_datetime, german_number, period_label
from flows.adapters.local.target import LocalCatalog
from flows.adapters.local.usage import quality_label
from flows.metadata.descriptor import load_catalog
from flows.run import sequence
from tests.helpers import MONTHLY, ROOT


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    target = LocalCatalog(root / "catalog", load_catalog(ROOT))
    for name in (MONTHLY, "digitalstrategie-massnahmen"):
        prepared = sequence.prepare(ROOT, name, root / f"w-{name}")
        assert prepared.bundle is not None
        target.publish(prepared.bundle)
    target.finish()
    return root / "catalog"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dataset_page_reads_top_down_in_plain_german(catalog: Path) -> None:
    page = (catalog / MONTHLY / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    assert ("Stadt Musterstadt veröffentlicht hier „Fallzahlen der Verwaltungsleistungen nach "
            "Zugangskanal (Beispieldaten) – Musterstadt“ als offene Daten. Die Daten reichen von "
            "Januar 2021 bis Dezember 2025. Sie werden monatlich aktualisiert. 2.340 Zeilen in 1 "
            "Tabelle, frei nutzbar mit Quellenangabe.") in text
    assert "Zeitraum Januar 2021 bis Dezember 2025" in text
    assert "Erstmals veröffentlicht 15. Januar 2025" in text
    assert re.search(r"Zuletzt aktualisiert \d{1,2}\. [A-ZÄ][a-zä]+ \d{4}, \d\d:\d\d Uhr", text)
    assert 'href="mailto:buergerbuero@musterstadt.example"' in page
    assert '<a href="https://www.govdata.de/dl-de/by-2-0">Datenlizenz Deutschland' in page
    assert ('<textarea id="quelle" readonly rows="3">Stadt Musterstadt: Fallzahlen der '
            "Verwaltungsleistungen nach Zugangskanal (Beispieldaten) – Musterstadt, Version 1.0.0 "
            "(Datenlizenz Deutschland – Namensnennung – Version 2.0, "
            "https://www.govdata.de/dl-de/by-2-0)</textarea>") in page
    # plain words up top, the technical terms only in the developers' section further down
    top, _, bottom = page.partition('<h2 id="technik">')
    for word in ("MQA", "SHACL", "Turtle", "Pflichtfeld", "Bytes", "T06:", "+00:00"):
        assert word not in top, word
    assert "Pflichtfeld" in bottom and "Turtle" in bottom and "SHA-256" in bottom
    order = [page.index(mark) for mark in ('class="summary"', "<svg", "Vorschau:",
                                           'id="nutzen"', 'id="technik"')]
    assert order == sorted(order)


def test_the_chart_sums_the_main_measure_per_month_with_a_text_alternative(
        catalog: Path) -> None:
    page = (catalog / MONTHLY / "index.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img" aria-labelledby="grafik-1-t grafik-1-d"' in svg
    assert 'id="grafik-1-t">Summe von „Anzahl der Fälle“ je Monat</figcaption>' in page
    assert "Säulendiagramm: Summe von „Anzahl der Fälle“ von Januar 2021 bis Dezember 2025" in svg
    assert svg.count("<rect") == 60
    sums: dict[str, int] = defaultdict(int)
    suppressed = 0
    with (catalog / MONTHLY / "fallzahlen.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["anzahl"] == ".":
                suppressed += 1
            elif row["anzahl"]:
                sums[row["monat"]] += int(row["anzahl"])
    march = german_number(sums["2023-03-01"])
    assert f"<tr><td>März 2023</td><td class=\"num\">{march}</td></tr>" in page
    assert f"{german_number(suppressed)} gesperrte Werte sind nicht mitgezählt" in page
    assert suppressed > 0


def test_the_preview_shows_the_first_rows_with_units_and_the_marker_explained(
        catalog: Path) -> None:
    page = (catalog / MONTHLY / "index.html").read_text(encoding="utf-8")
    assert "Die ersten 20 von 2.340 Zeilen der Tabelle" in page
    assert ('<th scope="col">Mittlere Bearbeitungsdauer (Tage)<span class="name">'
            "bearbeitungstage_mittel</span></th>") in page
    assert "<tr><td>01.01.2021</td><td>Personalausweis beantragen</td><td>online</td>" in page
    assert 'Ein Punkt (.) steht für einen <strong>gesperrten Wert</strong>' in page
    # a table up to 50 rows is shown whole (test_years_and_codes_keep_their_digits_…)
    small = (catalog / "digitalstrategie-massnahmen" / "index.html").read_text(encoding="utf-8")
    assert "Die ersten 20 von 52 Zeilen der Tabelle" in small
    # without a period (a single reporting date) the measure is shown per category
    assert "Summe von „Einmalige Kosten (Euro)“ je Handlungsfeld</figcaption>" in small
    assert "Balkendiagramm: Summe von „Einmalige Kosten (Euro)“ für" in small


def test_how_to_use_gives_stable_addresses_and_short_examples(catalog: Path) -> None:
    page = (catalog / MONTHLY / "index.html").read_text(encoding="utf-8")
    base = f"https://daten.musterstadt.example/kennzahlen/{MONTHLY}"
    assert f'<a href="{base}/fallzahlen.xlsx"><code>{base}/fallzahlen.xlsx</code></a>' in page
    assert (f"daten = pd.read_csv(&quot;{base}/fallzahlen.csv&quot;, "
            "na_values=[&#x27;.&#x27;])") in page
    assert "na.strings = c(&quot;&quot;, &quot;.&quot;)" in page
    assert f"Package(&quot;{base}/datapackage.json&quot;)" in page


def test_the_quality_label_says_when_the_shacl_check_did_not_run() -> None:
    checked = {"score": 405, "max": 405, "rating": "ausgezeichnet", "missing": [],
               "dimensions": []}
    assert "ausgezeichnet" in quality_label(checked)
    not_run = {**checked, "score": 375, "missing": [
        {"criterion": "DCAT-AP-konform (SHACL-Prüfung ohne Verstoß)", "points": 30}]}
    label = quality_label(not_run)
    assert "nicht gelaufen" in label and "keine Gesamtnote" in label
    assert "ausgezeichnet" not in label
    assert "nicht gelaufen" in quality_label({**checked, "shacl_checked": False})
    assert quality_label(None) == "Die Metadaten wurden nicht bewertet."


def test_german_dates_are_berlin_time() -> None:
    # 23:30 UTC on 2 December is already 3 December in Berlin (the 00:30 case)
    assert berlin_datetime("2026-12-02T23:30:00+00:00") == "3. Dezember 2026, 00:30 Uhr"
    assert berlin_datetime("2026-07-01T12:00:00+00:00") == "1. Juli 2026, 14:00 Uhr"
    assert berlin_datetime("kein Datum") == "kein Datum"
    assert period_label("2025-03-01", "month") == "März 2025"
    assert period_label("2025-09-30") == "30.09.2025"
    assert german_number(1234567.5) == "1.234.567,5" and german_number(2340) == "2.340"


def test_a_mean_is_averaged_not_summed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("jahr,quote\n2024,10\n2024,20\n2025,30\n", encoding="utf-8")
    schema = {"fields": [{"name": "jahr", "type": "year"},
                         {"name": "quote", "type": "number", "title": "Quote"}]}
    result = digest(path, schema, "jahr")
    assert result.series is not None and result.series.aggregate == "Mittelwert"
    assert result.series.points == [("2024", 15.0), ("2025", 30.0)]
    assert result.rows == 3 and result.whole


def test_years_and_codes_keep_their_digits_in_the_preview(tmp_path: Path) -> None:
    from flows.adapters.local.dataset_page import render_dataset

    path = tmp_path / "t.csv"
    path.write_text("jahr,faelle\n2025,12345\n", encoding="utf-8")
    schema = {"fields": [{"name": "jahr", "type": "integer"},
                         {"name": "faelle", "type": "integer"}]}
    descriptor = {"name": "t", "title": "T", "resources": [
        {"name": "t", "path": "t.csv", "schema": schema}]}
    page = render_dataset("t", descriptor, {}, digests={"t": digest(path, schema)})
    assert "Die einzige Zeile der Tabelle" in page
    assert '<td class="num">2025</td><td class="num">12.345</td>' in page


def test_without_a_number_the_rows_are_counted_per_category(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("nr,status\n1,geplant\n2,umgesetzt\n3,geplant\n", encoding="utf-8")
    schema = {"fields": [{"name": "nr", "type": "integer"},
                         {"name": "status", "type": "string", "title": "Status",
                          "constraints": {"enum": ["geplant", "umgesetzt"]}}],
              "primaryKey": ["nr"]}
    series = digest(path, schema).series
    assert series is not None and series.aggregate == "Anzahl der Zeilen"
    assert (series.kind, series.x_title, series.points) == (
        "category", "Status", [("geplant", 2.0), ("umgesetzt", 1.0)])


def test_a_table_without_an_excel_file_says_why(tmp_path: Path) -> None:
    from flows.adapters.local.dataset_page import render_dataset

    descriptor = {"name": "t", "title": "T", "resources": [{"name": "t", "path": "t.csv"}]}
    without = render_dataset("t", descriptor, {}, files={"t.csv", "t.json"})
    assert "keine Excel-Datei (die Tabelle ist dafür zu lang" in without
    offered = render_dataset("t", descriptor, {}, files={"t.csv", "t.json", "t.xlsx"})
    assert '<a href="t.xlsx">Excel</a>' in offered and "keine Excel-Datei" not in offered
