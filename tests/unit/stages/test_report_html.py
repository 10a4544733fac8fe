from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from flows import problems
from flows.model.results import DatasetResult, RunSummary
from flows.stages.report import write_reports
from flows.stages.report_html import dataset_page, run_page


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def _result() -> DatasetResult:
    found = [problems.make("type-error", f"Zeile {n}, Feld 'anzahl': 'x<{n}>' ist keine ganze "
                           "Zahl.", row=n, field="anzahl", file="f.csv") for n in range(2, 30)]
    found.append(problems.make("extra-label", "Spalte 'Name' wird nicht veröffentlicht.",
                               severity="warning", field="Name"))
    return DatasetResult("fallzahlen", "Fallzahlen", "invalid", problems=found,
                         rows={"fallzahlen": 40},
                         provenance={"fallzahlen": {"kind": "csv", "file": "f.csv"}},
                         protection={"fallzahlen": {"suppressed_primary": 3,
                                                    "suppressed_secondary": 1,
                                                    "audit_hidden_cells": 4,
                                                    "audit_narrowest_width": 1}})


def test_dataset_page_is_german_structured_and_accessible() -> None:
    page = dataset_page(_result())
    outline = _outline(page)
    tags = [t for t, _ in outline.tags]
    assert ("html", {"lang": "de"}) in outline.tags and "script" not in tags
    assert tags.count("h1") == 1 and tags.index("h1") < tags.index("h2") < tags.index("h3")
    assert all(attrs.get("scope") in ("col", "row") for t, attrs in outline.tags if t == "th")
    assert tags.count("table") == tags.count("caption")
    text = " ".join(outline.text)
    assert "Ergebnis: nicht veröffentlicht (ungültig)." in text
    assert "Falscher Datentyp (28, Fehler)" in text \
        and "Falscher Datentyp: die ersten Fälle (20 von 28)" in text
    assert "Was tun?" in text and "Gesperrte Werte" in text
    assert "Mögliche Werte je gesperrter Zahl (mindestens)" in text
    assert outline.text[outline.text.index("fallzahlen") + 1:][:3] == ["40", "4", "2"]
    assert "x<2>" in text and "x<2>" not in page  # escaped in the markup
    assert text.index("Falscher Datentyp") < text.index("Spalte nicht veröffentlicht")


def test_run_page_links_every_dataset_and_reports_are_written(tmp_path: Path) -> None:
    good = DatasetResult("kosten", "Kosten", "published")
    summary = RunSummary("r1", "2026-11-22T02:30:00+00:00", targets=["local:/x"],
                         results=[good, _result()])
    outline = _outline(run_page(summary))
    links = [attrs["href"] for tag, attrs in outline.tags if tag == "a"]
    assert links == ["kosten.html", "fallzahlen.html"]
    folder = write_reports(summary, tmp_path)
    assert {p.name for p in folder.glob("*.html")} == {"index.html", "kosten.html",
                                                       "fallzahlen.html"}


def test_metadata_score_is_shown_with_its_missing_points() -> None:
    from flows.model.results import DatasetResult
    from flows.stages.report_html import dataset_page
    from flows.stages.report_text import markdown_dataset

    result = DatasetResult(name="x", status="published", metadata_quality={
        "score": 385, "max": 405, "rating": "ausgezeichnet",
        "dimensions": [{"name": "Auffindbarkeit", "points": 80, "max": 100}],
        "missing": [{"criterion": "zeitliche Abdeckung (dct:temporal)", "points": 20,
                     "dimension": "Auffindbarkeit"}]})
    page = dataset_page(result)
    assert "385 von 405 Punkten" in page and "<strong>ausgezeichnet</strong>" in page
    assert "zeitliche Abdeckung (dct:temporal)" in page
    assert "fehlt: zeitliche Abdeckung (dct:temporal) (20 Punkte)" in markdown_dataset(result)


def test_held_verdict_and_plausibility_chart_with_a_text_alternative() -> None:
    from flows.stages.report_text import markdown_dataset
    from tests.helpers import held_example

    result = held_example()
    page = dataset_page(result)
    outline = _outline(page)
    text = " ".join(outline.text)
    assert "Ergebnis: zur Freigabe zurückgehalten." in text
    assert "Summe einmalige Kosten: 100.000 → 250.000,5 (+150 %, erlaubt ± 50 %)" in text
    assert "kennzahlen approve digitalisierung-kosten" in text
    svg = [attrs for tag, attrs in outline.tags if tag == "svg"]
    assert svg and svg[0]["role"] == "img" and svg[0]["aria-labelledby"]
    bars = [attrs for tag, attrs in outline.tags if tag == "rect"]
    assert len(bars) == 2 + 2 * 2  # legend + two numeric figures, old and new each
    assert {"#a4161a"} == {b["fill"] for b in bars[2:] if b["fill"] not in ("#595959",
                                                                           "#0b4f9c")}
    assert "Kennzahlen im Vergleich" in text and "ja, Freigabe nötig" in text
    assert "Digitale Ratsarbeit" in text  # the category change is in the table, not the chart
    assert "Probleme nach Art" in text and "Formel entschärft (24, Warnung)" in text
    assert "300 von 405 Punkten" in page
    assert "<script" not in page and "http" not in page.replace('http-equiv', '')
    markdown = markdown_dataset(result)
    assert "## Vergleich mit der letzten Veröffentlichung" in markdown
    row = "| kosten | Summe einmalige Kosten | 100.000 | 250.000,5 | +150 % | 50 % | ja"
    assert row in markdown


def test_run_page_speaks_german_dates_and_plurals_and_reports_link_each_other(
        tmp_path: Path) -> None:
    from flows.model.bundle import PublishOutcome
    from tests.helpers import held_example

    held = held_example()
    published = DatasetResult("kosten", "Kosten", "published", outcomes=[
        PublishOutcome(f"local:{tmp_path}", "published", str(tmp_path / "kosten"))])
    page = run_page(RunSummary("r1", "2026-12-02T23:30:00+00:00", targets=["local"],
                               results=[held, published]))
    assert "<h1>Lauf vom 3. Dezember 2026, 00:30 Uhr</h1>" in page
    assert "1 Datensatz wartet auf eine Freigabe" in page
    report = dataset_page(published, tmp_path / "r1")
    assert f'href="{(tmp_path / "r1" / "index.html").as_uri()}">Übersicht des Laufs' in report
    assert f'href="{(tmp_path / "kosten" / "index.html").as_uri()}">veröffentlichte Seite' in report
    assert "zurückgehaltene Version</a>" in dataset_page(held, tmp_path / "r1")


def test_a_held_dataset_asks_for_a_decision_instead_of_nothing_to_do() -> None:
    from tests.helpers import held_example

    held = held_example()
    held.problems.append(problems.make("plausibility-sum", "Summe stark verändert.",
                                       severity="warning"))
    page = dataset_page(held)
    hints = [line for line in page.splitlines() if "Was tun?" in line]
    assert any("kennzahlen approve digitalisierung-kosten" in h for h in hints)
    assert not any("nichts zu tun" in h.lower() for h in hints if "Vergleichen" in h)
    published = dataset_page(DatasetResult("d", "D", "published", problems=[
        problems.make("plausibility-sum", "x", severity="warning")]))
    assert "ist nichts zu tun" in published
