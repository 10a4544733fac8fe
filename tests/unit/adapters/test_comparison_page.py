"""The comparison page of a harmonised key figure: sums per member and period over the other
dimensions, suppression that survives every sum, figures per 1,000 inhabitants, German formats
and the members' names in chart, legend and table."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path

import pytest

from flows.adapters.local.comparison_data import Cell, compare, default_measures
from flows.adapters.local.comparison_figure import SUPPRESSED_HTML
from flows.adapters.local.comparison_page import COMPARISON_FILE, COMPARISON_LINK, write_comparison
from flows.adapters.local.comparison_setup import (
    ComparisonSetup,
    comparable_resource,
    comparison_setup,
)
from flows.adapters.local.layout import german_number
from flows.adapters.local.line_chart import Line, line_svg
from flows.adapters.local.target import LocalCatalog
from flows.metadata.descriptor import load_catalog
from flows.model.tables import Table
from flows.specs.population import Population
from tests import combined
from tests.helpers import MONTHLY, ROOT

MEMBERS = combined.MEMBERS
SCHEMA = {"fields": [{"name": "ags", "type": "string"},
                     {"name": "monat", "title": "Monat", "type": "date"},
                     {"name": "leistung", "title": "Verwaltungsleistung", "type": "string"},
                     {"name": "kanal", "title": "Zugangskanal", "type": "string"},
                     {"name": "anzahl", "title": "Anzahl der Fälle", "type": "integer"},
                     {"name": "bearbeitungstage_mittel", "title": "Mittlere Bearbeitungsdauer",
                      "type": "number"}],
          "primaryKey": ["ags", "monat", "leistung", "kanal"],
          "missingValues": ["", "."]}
ROWS = [
    # Musterstadt, January: 1.234 + 1.000 → 2.234; February: 7 + "." → suppressed
    ["07318000", "2024-01-01", "Pass", "online", "1234", "2.5"],
    ["07318000", "2024-01-01", "Pass", "Post", "1000", "3.1"],
    ["07318000", "2024-02-01", "Pass", "online", "7", "2.0"],
    ["07318000", "2024-02-01", "Pass", "Post", ".", "4.0"],
    ["07318000", "2024-02-01", "Ausweis", "online", "40", "1.0"],
    # Beispielburg: January 30 (an empty cell adds nothing), February only "." → suppressed
    ["07319000", "2024-01-01", "Pass", "online", "10", "1.0"],
    ["07319000", "2024-01-01", "Pass", "Post", "20", "1.0"],
    ["07319000", "2024-01-01", "Pass", "Schalter", "", ""],
    ["07319000", "2024-02-01", "Pass", "online", ".", "1.0"],
    # Weiterdorf: 45 and 60
    ["06432024", "2024-01-01", "Pass", "online", "45", "1.5"],
    ["06432024", "2024-02-01", "Pass", "online", "60", "1.5"],
    # an AGS of no member: left out
    ["09162000", "2024-01-01", "Pass", "online", "999999", "1.0"],
]
POPULATION = Population("einwohner.csv", "Statistisches Landesamt (Beispielwerte)", "2024-12-31",
                        {"07318000": {None: 50_000}, "07319000": {None: 15_000},
                         "06432024": {2023: 20_000, 2024: 30_000}})


def _table(rows: list[list[str]] = ROWS) -> Table:
    return Table(fields=[f["name"] for f in SCHEMA["fields"]], rows=[list(r) for r in rows])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _cells(page: str, table_id: str) -> dict[str, list[str]]:
    """Row header → cell texts of the table labelled `table_id`."""
    block = page.split(f'aria-labelledby="{table_id}">', 2)[2].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", block, re.S):
        cells = [_text(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("vergleich")
    path = write_comparison(folder, _table(), SCHEMA, MEMBERS, POPULATION,
                            title="Fallzahlen", period_field="monat", unit="month",
                            site={"municipality": "Stadtverbund Beispiel"})
    assert path == folder / COMPARISON_FILE
    return path.read_text(encoding="utf-8")


def test_a_sum_with_a_suppressed_cell_is_suppressed_never_zero_or_partial() -> None:
    found = compare(_table(), SCHEMA, MEMBERS, "monat", ["anzahl"], POPULATION)
    absolute = found.measures[0].absolute
    assert absolute[("musterstadt", "2024-01-01")] == Cell(2234.0)
    assert absolute[("musterstadt", "2024-02-01")] == Cell(None, suppressed=True)  # not 7, not 0
    assert absolute[("beispielburg", "2024-01-01")] == Cell(30.0)
    assert absolute[("beispielburg", "2024-02-01")] == Cell(None, suppressed=True)
    per = found.measures[0].per_thousand
    assert per is not None and per[("musterstadt", "2024-02-01")] == Cell(None, suppressed=True)
    assert found.unknown_rows == 1 and found.periods == ["2024-01-01", "2024-02-01"]
    assert found.summed_over == ["Verwaltungsleistung", "Zugangskanal"]


def test_the_page_shows_suppressed_sums_as_a_point_and_says_why(page: str) -> None:
    absolute = _cells(page, "vergleich-1-0-absolut-tabelle")
    assert absolute["Monat"] == ["Stadt Musterstadt", "Stadt Beispielburg", "Gemeinde Weiterdorf"]
    assert absolute["Januar 2024"] == ["2.234", "30", "45"]
    assert absolute["Februar 2024"] == [". (gesperrt)", ". (gesperrt)", "60"]
    per = _cells(page, "vergleich-1-0-je1000-tabelle")
    assert per["Februar 2024"] == [". (gesperrt)", ". (gesperrt)", "2,00"]
    assert SUPPRESSED_HTML in page and ">7<" not in page and "999.999" not in page
    text = _text(page)
    assert ("Steckt in einer Summe auch nur ein gesperrter Wert, ist die ganze Summe gesperrt: "
            "Sie wird weder mit 0 gerechnet noch ohne den gesperrten Wert gezeigt") in text
    assert "Insgesamt Summe über Verwaltungsleistung und Zugangskanal." in text
    assert "Summen sind gesperrt" not in text  # 2 of 6: no hint
    assert ("1 Zeile gehört zu keinem Mitglied (Gemeindeschlüssel unbekannt) und ist nicht "
            "berücksichtigt.") in text
    assert "Nicht im Vergleich" not in text


def test_each_service_is_compared_too_summed_over_the_channels_only(page: str) -> None:
    found = compare(_table(), SCHEMA, MEMBERS, "monat", ["anzahl"])
    assert [v.group for v in found.measures] == [None, "Ausweis", "Pass"]
    assert found.breakdown == "Verwaltungsleistung"
    assert found.measures[1].absolute == {("musterstadt", "2024-02-01"): Cell(40.0)}
    assert found.measures[2].absolute[("musterstadt", "2024-02-01")] == Cell(None, True)
    ausweis = _cells(page, "vergleich-1-1-absolut-tabelle")
    assert ausweis["Januar 2024"] == ["– (keine Angabe)"] * 3
    assert ausweis["Februar 2024"] == ["40", "– (keine Angabe)", "– (keine Angabe)"]
    assert "Ausweis Summe über Zugangskanal." in _text(page)
    assert ('<select id="gruppe-1" data-wahl="gruppe"><option value="0">Insgesamt</option>'
            '<option value="1">Ausweis</option><option value="2">Pass</option></select>') in page
    assert compare(_table(), SCHEMA, MEMBERS, "monat", breakdown=None).breakdown is None


def test_figures_per_thousand_inhabitants_use_the_declared_population(page: str) -> None:
    per = _cells(page, "vergleich-1-0-je1000-tabelle")
    # 2.234 / 50.000 × 1.000; 30 / 15.000 × 1.000; 45 / 30.000 × 1.000 (the 2024 figure)
    assert per["Januar 2024"] == ["44,68", "2,00", "1,50"]
    text = _text(page)
    assert "Quelle: Statistisches Landesamt (Beispielwerte). Stand: 31. Dezember 2024." in text
    assert _cells(page, "einwohner-tabelle")["Gemeinde Weiterdorf"] == ["06432024", "30.000"]


def test_population_by_year_takes_the_periods_year_or_the_latest_before() -> None:
    assert POPULATION.inhabitants("06432024", 2023) == 20_000
    assert POPULATION.inhabitants("06432024", 2025) == 30_000
    assert POPULATION.inhabitants("06432024", 2019) == 20_000
    assert POPULATION.inhabitants("07318000", 2019) == 50_000
    assert POPULATION.inhabitants("01001000") is None


def test_members_are_named_in_legend_chart_text_and_tables_with_lines_told_apart(
        page: str) -> None:
    legend = re.findall(r'<ul class="legende">(.*?)</ul>', page, re.S)
    assert len(legend) == 6  # absolute and per 1,000, for all and each of two services
    assert [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", legend[0], re.S)] == [
        "Stadt Musterstadt", "Stadt Beispielburg", "Gemeinde Weiterdorf"]
    desc = re.search(r'<desc id="vergleich-1-0-absolut-d">(.*?)</desc>', page).group(1)
    assert ("Liniendiagramm: Anzahl der Fälle je Monat, eine Linie je Mitglied (Stadt "
            "Musterstadt, Stadt Beispielburg und Gemeinde Weiterdorf), von Januar 2024 bis "
            "Februar 2024. Februar 2024: Stadt Musterstadt gesperrt; Stadt Beispielburg "
            "gesperrt; Gemeinde Weiterdorf 60.") in desc
    svg = page.split('<desc id="vergleich-1-0-absolut-d">')[1].split("</svg>")[0]
    dashes = re.findall(r'<path d="M[^"]*" fill="none" stroke="(#\w+)"[^>]*?'
                        r'(?: stroke-dasharray="([^"]+)")?/>', svg)
    assert len({d for _, d in dashes}) == len(dashes) == 3  # each line its own dash pattern
    assert "<circle" in svg and "<rect" in svg and "<polygon" in svg  # and its own marker
    assert 'role="img" aria-labelledby="vergleich-1-0-absolut-t vergleich-1-0-absolut-d"' in page


def test_the_average_is_not_summed_and_only_members_are_compared(tmp_path: Path) -> None:
    assert default_measures(SCHEMA, "monat") == ["anzahl"]
    assert compare(_table(), SCHEMA, MEMBERS[:1], "monat").members == [MEMBERS[0]]
    # a member left out of this version of the combined table is named, not drawn
    path = write_comparison(tmp_path, _table([r for r in ROWS if r[0] != "07319000"]), SCHEMA,
                            MEMBERS, title="F", period_field="monat")
    assert path is not None
    page = path.read_text(encoding="utf-8")
    assert ("Nicht im Vergleich: Stadt Beispielburg. Die gemeinsame Tabelle enthält in dieser "
            "Fassung keine geprüften Daten dieses Mitglieds.") in _text(page)
    assert "Stadt Beispielburg</li>" not in page and "Stadt Beispielburg</th>" not in page


def test_no_page_without_two_members_and_a_note_without_population(tmp_path: Path) -> None:
    assert write_comparison(tmp_path, _table(ROWS[:4]), SCHEMA, MEMBERS, title="F",
                            period_field="monat") is None
    assert not (tmp_path / COMPARISON_FILE).exists()
    path = write_comparison(tmp_path, _table(), SCHEMA, MEMBERS, title="F", period_field="monat")
    assert path is not None
    page = path.read_text(encoding="utf-8")
    assert "keine Einwohnertabelle angegeben" in _text(page) and "je1000" not in page


def test_a_dataset_is_compared_when_its_table_has_the_ags_and_the_period() -> None:
    resource = {"name": "fallzahlen", "path": "fallzahlen.csv", "schema": SCHEMA}
    descriptor = {"dcat": {"temporal_field": "monat"}, "resources": [resource]}
    assert comparable_resource(descriptor, MEMBERS) is resource
    assert comparable_resource(descriptor, MEMBERS[:1]) is None
    single = {"dcat": {"temporal_field": "monat"}, "resources": [
        {"name": "x", "path": "x.csv", "schema": {"fields": SCHEMA["fields"][1:]}}]}
    assert comparable_resource(single, MEMBERS) is None


def test_the_local_target_writes_and_links_the_page_of_a_combined_table(tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog", load_catalog(ROOT),
                           comparison=ComparisonSetup(combined.MEMBERS, POPULATION))
    bundle = combined.combined_bundle(ROOT, tmp_path / "w")
    assert catalog.publish(bundle).status == "published"
    catalog.finish()
    folder = tmp_path / "catalog" / MONTHLY
    page = (folder / COMPARISON_FILE).read_text(encoding="utf-8")
    assert f'<a href="{COMPARISON_FILE}">{COMPARISON_LINK}</a>' in (
        folder / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{MONTHLY}/{COMPARISON_FILE}">{COMPARISON_LINK}</a>' in (
        tmp_path / "catalog" / "index.html").read_text(encoding="utf-8")
    absolute = _cells(page, "vergleich-1-0-absolut-tabelle")
    assert len(absolute) == 61 and list(absolute)[1] == "Januar 2021"  # header + 60 months
    # each sum compared with the published rows: suppressed when any row of it is
    with (folder / "fallzahlen.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for n, member in enumerate(combined.MEMBERS):
        cells = [r["anzahl"] for r in rows if r["ags"] == member.ags and r["monat"] == "2021-01-01"]
        expected = (". (gesperrt)" if "." in cells
                    else german_number(sum(int(c) for c in cells if c)))
        assert absolute["Januar 2021"][n] == expected
    assert any(". (gesperrt)" in cells for cells in absolute.values())
    # nearly every month holds a small count somewhere: the page says so and where to look
    hidden = sum(cells.count(". (gesperrt)") for cells in absolute.values())
    assert (f"{hidden} von 180 Summen sind gesperrt, weil sie mindestens einen gesperrten Wert "
            "enthalten. Je Verwaltungsleistung sind die Summen kleiner") in page
    assert catalog.publish(bundle).status == "unchanged"
    # new inhabitants redraw the page although the data is unchanged, without a new version
    fewer = dataclasses.replace(POPULATION, figures={**POPULATION.figures,
                                                     "07318000": {None: 25_000}})
    again = LocalCatalog(tmp_path / "catalog", load_catalog(ROOT),
                         comparison=ComparisonSetup(combined.MEMBERS, fewer))
    version = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert again.publish(bundle).status == "unchanged"
    assert _cells((folder / COMPARISON_FILE).read_text(encoding="utf-8"),
                  "einwohner-tabelle")["Stadt Musterstadt"] == ["07318000", "25.000"]
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))[
        "version"] == version  # the data did not change
    before = (folder / COMPARISON_FILE).stat().st_mtime_ns
    assert again.publish(bundle).status == "unchanged"
    assert (folder / COMPARISON_FILE).stat().st_mtime_ns == before
    plain = LocalCatalog(tmp_path / "plain", load_catalog(ROOT))
    plain.publish(bundle)
    assert not (tmp_path / "plain" / MONTHLY / COMPARISON_FILE).exists()


def test_the_setup_comes_from_the_members_and_population_of_catalog_yaml(tmp_path: Path) -> None:
    setup = comparison_setup(ROOT)
    assert setup is not None and setup.population is not None
    assert [(m.id, m.ags) for m in setup.members] == [(m.id, m.ags) for m in combined.MEMBERS]
    assert all(setup.population.inhabitants(m.ags) for m in setup.members)
    (tmp_path / "datapackages").mkdir()
    (tmp_path / "datapackages" / "catalog.yaml").write_text("title: Eine Stadt\n",
                                                             encoding="utf-8")
    assert comparison_setup(tmp_path) is None


def test_a_suppressed_value_is_a_gap_and_a_lone_value_keeps_its_marker() -> None:
    periods = [f"2024-{m:02d}-01" for m in range(1, 6)]
    svg = line_svg("x", periods, "month", [Line("A", [1.0, None, 3.0, None, 5.0]),
                                           Line("B", [1500.0] * 5)], "Beschreibung")
    paths = re.findall(r'<path d="([^"]+)" fill="none"', svg)
    assert paths[0].count("M") == 3 and "L" not in paths[0]  # three lone points, no line
    assert paths[1].count("M") == 1 and paths[1].count("L") == 4
    assert svg.count("<circle") == 3  # every lone point of A keeps its marker
    assert '<desc id="x-d">Beschreibung</desc>' in svg
    assert ">Mär 2024<" in svg and ">1.500<" in svg  # German axis: months, thousands
