"""The progress report as the catalog publishes it, in a real browser and as a PDF.

Made by the real pipeline from the example plan after its previous version (so "since the last
report" has content): axe-core finds no violation, the page never scrolls sideways on a phone
(390 px) or a desktop (1280 px), the charts are images with a text alternative; the PDF printed
by headless Chromium has at most five A4 pages, the document title, the language and the text.
Screenshots are kept in out/test-artifacts/ (KENNZAHLEN_TEST_ARTIFACTS).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import EXIT_OK, main
from tests.browser.pages import artifacts, overflow, violations
from tests.helpers import FIXTURES, ROOT

SLUG = "digitalstrategie-massnahmen"
SOURCE = Path("datapackages") / SLUG / "source" / "massnahmen-status.xlsx"


@pytest.fixture
def published(browser_tools: dict[str, str], env: dict[str, str], project: Path,
              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalog folder of the measures plan after two publications (previous, current)."""
    monkeypatch.setenv("KENNZAHLEN_CHROMIUM", browser_tools["CHROMIUM"])
    target = ["--target", f"local:{tmp_path / 'katalog'}"]
    shutil.copyfile(FIXTURES / "massnahmen-status-vorher.xlsx", project / SOURCE)
    assert main(["publish", "online-dienste", SLUG, *target]) == EXIT_OK
    shutil.copyfile(ROOT / SOURCE, project / SOURCE)
    assert main(["publish", SLUG, *target]) == EXIT_OK
    return tmp_path / "katalog" / SLUG


def test_progress_page_is_accessible_on_phone_and_desktop(browser_tools: dict[str, str],
                                                          published: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = published / "fortschrittsbericht.html"
    found = {}
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                       args=["--no-sandbox"])
        for width in (390, 1280):
            page = browser.new_page(java_script_enabled=width == 1280,
                                    viewport={"width": width, "height": 900})
            page.goto(page_file.as_uri())
            found[width] = {
                "overflow": overflow(page),
                "h1": page.locator("h1").inner_text(),
                "charts": page.locator("svg[role=img]").count(),
                "labels": page.locator("svg[role=img]").first.get_attribute("aria-label"),
            }
            page.screenshot(path=str(artifacts() / f"progress-report-{width}.png"),
                            full_page=True)
        checked = browser.new_page(viewport={"width": 390, "height": 900})
        checked.goto(page_file.as_uri())
        found_violations = violations(checked, browser_tools["AXE_JS"])
        catalog_page = browser.new_page()
        catalog_page.goto((published / "index.html").as_uri())
        catalog_violations = violations(catalog_page, browser_tools["AXE_JS"])
        browser.close()
    assert found_violations == [], json.dumps(found_violations, ensure_ascii=False, indent=2)
    assert catalog_violations == [], json.dumps(catalog_violations, ensure_ascii=False, indent=2)
    for width, seen in found.items():
        assert seen["overflow"] <= 0, (width, seen)
        assert seen["h1"] == "Fortschrittsbericht zum Maßnahmenplan Digitalisierung"
        assert seen["charts"] == 8  # one overall, one per field of action
        assert seen["labels"].startswith("Alle Handlungsfelder: 7 geplant, 18 in Umsetzung")
    assert (artifacts() / "progress-report-390.png").stat().st_size > 10_000


def test_progress_pdf_has_at_most_five_pages_title_language_and_text(published: Path) -> None:
    from pypdf import PdfReader

    pdf = published / "fortschrittsbericht.pdf"
    reader = PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    root = reader.trailer["/Root"]
    print(f"progress report PDF: {len(reader.pages)} pages, {pdf.stat().st_size} bytes")
    assert 1 <= len(reader.pages) <= 5
    assert reader.metadata.title == ("Fortschrittsbericht zum Maßnahmenplan Digitalisierung – "
                                     "Stand 30.09.2026")
    assert root["/Lang"] == "de"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    for expected in ("Seit dem letzten Bericht", "Abgeschlossen (6)", "Überfällige Maßnahmen",
                     "Bürgerhaushalt digital", "Anteil der online gestellten Anträge"):
        assert expected in text, expected
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
