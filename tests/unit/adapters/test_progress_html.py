"""The progress report's HTML: structure for screen readers, escaping, the print style, and
the PDF printer's German message when Chromium is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.adapters.chromium import PdfUnavailableError, print_pdf
from flows.adapters.local.progress_html import render_progress
from flows.model.progress import Change, FieldOfAction, FigureValue, Measure, ProgressReport

STATUSES = ["geplant", "in Umsetzung", "umgesetzt", "zurückgestellt"]


def _report(first: bool = False) -> ProgressReport:
    done = Measure("1", "Service <neu>", "E-Payment & mehr", "umgesetzt", "Kämmerei",
                   end="2026-03-31", costs=(3000.0,))
    late = Measure("2", "Service <neu>", "Kitaportal", "in Umsetzung", "Jugendamt",
                   end="2026-08-31", remark="Ausschreibung verzögert")
    area = FieldOfAction("Service <neu>", [done, late],
                         {"geplant": 0, "in Umsetzung": 1, "umgesetzt": 1, "zurückgestellt": 0},
                         (3000.0,), [Change("finished", done, "in Umsetzung")], [late],
                         [FigureValue("Service <neu>", "Online-Anteil", "Fallzahlen",
                                      (("2025", "37 %"),))])
    return ProgressReport("Fortschrittsbericht", "plan", "Plan", "2026-09-30", STATUSES,
                          ["umgesetzt"], ["Einmalige Kosten (Euro)"], [area],
                          ("2026-01-01", "2027-12-31"), None if first else "2026-06-30", first)


def test_page_structure_and_escaping() -> None:
    page = render_progress(_report())
    assert page.count("<h1>") == 1 and '<html lang="de">' in page
    assert "<title>Fortschrittsbericht – Stand 30.09.2026</title>" in page
    assert "Service &lt;neu&gt;" in page and "<neu>" not in page
    assert "E-Payment &amp; mehr" in page
    assert 'aria-label="Service &lt;neu&gt;: 1 in Umsetzung, 1 umgesetzt"' in page
    assert "Abgeschlossen (1)" in page and "in Umsetzung → umgesetzt" in page
    assert "Stand vom 30.06.2026" in page
    assert "Seit dem letzten Bericht: 1 × abgeschlossen" in page  # in the field's section
    assert "Kitaportal – Ausschreibung verzögert" in page and "(überfällig)" in page
    assert "Einmalige Kosten (Euro): 3.000" in page
    assert "2025: 37 %" in page
    assert 'role="region" tabindex="0"' in page  # wide tables scroll inside, not the page
    assert "@page { size: A4" in page and "@media print" in page


def test_a_first_report_says_there_is_nothing_to_compare() -> None:
    page = render_progress(_report(first=True))
    assert "Dies ist der erste Bericht" in page and "Abgeschlossen" not in page


def test_missing_chromium_is_a_german_message(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNZAHLEN_CHROMIUM", str(tmp_path / "fehlt"))
    page = tmp_path / "b.html"
    page.write_text(render_progress(_report()), encoding="utf-8")
    with pytest.raises(PdfUnavailableError) as caught:
        print_pdf(page, tmp_path / "b.pdf")
    assert "Chromium ist nicht installiert" in caught.value.message
    assert caught.value.code == "progress-report-incomplete"
