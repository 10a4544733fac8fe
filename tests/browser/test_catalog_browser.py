"""The public catalog and a staff report in headless Chromium, on a phone (390 px, and 320 px for
overflow) and a desktop (1280 px): axe-core finds no violation, the page never scrolls sideways,
a dataset page shows its chart and preview, the comparison page of a combined table its line
charts (one line per member, legend) shrunk to the screen, and the index's search (with the
member filter of an association) works with JavaScript and the full list without it.
Screenshots go to out/test-artifacts/catalog/ (KENNZAHLEN_TEST_ARTIFACTS).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.adapters.local.comparison_page import COMPARISON_FILE
from flows.adapters.local.comparison_setup import comparison_setup
from flows.adapters.local.target import LocalCatalog
from flows.metadata.descriptor import load_catalog
from flows.model.results import DatasetResult, RunSummary
from flows.run import sequence
from flows.specs.members import load_association, load_members
from flows.stages.report import write_reports
from tests import combined
from tests.browser.pages import artifacts, overflow, violations
from tests.helpers import MONTHLY, ROOT, held_example

pytestmark = pytest.mark.browser

DATASETS = (MONTHLY, "digitalstrategie-massnahmen", "bibliothek-ausleihen")
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("site")
    catalog = LocalCatalog(root / "catalog", load_catalog(ROOT), load_members(ROOT),
                           load_association(ROOT))  # the library's data is a member's
    for name in DATASETS:
        prepared = sequence.prepare(ROOT, name, root / f"w-{name}")
        assert prepared.bundle is not None
        catalog.publish(prepared.bundle)
    catalog.finish()
    summary = RunSummary("r1", "2026-12-02T23:30:00+00:00", targets=["local"],
                         results=[held_example(),
                                  DatasetResult("online-dienste", "Online-Dienste", "published")])
    reports = write_reports(summary, root / "reports")
    verbund = LocalCatalog(root / "verbund", load_catalog(ROOT),
                           comparison=comparison_setup(ROOT))  # the example's members
    verbund.publish(combined.combined_bundle(ROOT, root / "w-verbund"))
    verbund.finish()
    return {"index": root / "catalog" / "index.html",
            "vergleich": root / "verbund" / MONTHLY / COMPARISON_FILE,
            "fallzahlen": root / "catalog" / MONTHLY / "index.html",
            "massnahmen": root / "catalog" / "digitalstrategie-massnahmen" / "index.html",
            "report": reports / "digitalisierung-kosten.html",
            "run": reports / "index.html"}


@pytest.fixture(scope="module")
def browser(browser_tools: dict[str, str]):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                        args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index", "fallzahlen", "massnahmen", "report", "vergleich"])
def test_pages_are_accessible_and_fit_the_screen(browser, browser_tools: dict[str, str],  # noqa: ANN001
                                                 site: dict[str, Path], name: str,
                                                 width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site[name].as_uri())
    shot = artifacts("catalog") / f"{name}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    wider = overflow(page)
    found = violations(page, browser_tools["AXE_JS"])
    page.close()
    assert wider == 0, f"{name} is {wider} px wider than {width} px"
    assert found == [], json.dumps(found, ensure_ascii=False, indent=2)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("name", ["index", "fallzahlen", "massnahmen", "report", "run",
                                  "vergleich"])
def test_no_page_scrolls_sideways_at_320_px(browser, site: dict[str, Path], name: str) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(site[name].as_uri())
    wider = overflow(page)
    page.close()
    assert wider == 0


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["fallzahlen", "massnahmen"])
def test_chart_and_preview_are_visible_without_javascript(browser, site: dict[str, Path],  # noqa: ANN001
                                                          name: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page.goto(site[name].as_uri())
    chart = page.locator("figure svg[role=img]").first
    preview = page.locator("table[aria-labelledby=vorschau-1]")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    visible = chart.is_visible() and preview.is_visible()
    bars = page.locator("figure svg rect").count()
    first_cell = preview.locator("tbody tr td").first.inner_text()
    title = page.locator("#vorschau-1").bounding_box()
    page.close()
    assert visible and box is not None
    assert box["width"] >= min(width - 40, 500) and box["height"] > 80
    assert bars >= 2 and first_cell
    assert title is not None and title["x"] + title["width"] <= width  # wraps on a phone


def test_the_index_search_filters_with_javascript(browser, site: dict[str, Path]) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(site["index"].as_uri())
    assert page.locator("#suche").is_visible()
    page.fill("#suchtext", "Bibliothek")
    status = page.locator("#treffer").inner_text()
    shown = [li.get_attribute("data-name") for li in page.locator("li[data-name]").all()
             if li.is_visible()]
    page.fill("#suchtext", "")
    page.select_option("#haeufigkeit", "vierteljährlich")
    quarterly = [li.get_attribute("data-name") for li in page.locator("li[data-name]").all()
                 if li.is_visible()]
    page.select_option("#haeufigkeit", "")
    page.select_option("#mitglied", "beispielburg")
    of_member = [li.get_attribute("data-name") for li in page.locator("li[data-name]").all()
                 if li.is_visible()]
    page.select_option("#mitglied", "-")
    joint = {li.get_attribute("data-name") for li in page.locator("li[data-name]").all()
             if li.is_visible()}
    page.screenshot(path=str(artifacts("catalog") / "index-filtered-390.png"), full_page=True)
    page.close()
    assert status == "1 von 3 Datensätzen gefunden."
    assert shown == ["bibliothek-ausleihen"]
    assert quarterly == ["digitalstrategie-massnahmen"]
    assert of_member == ["bibliothek-ausleihen"]
    assert joint == {MONTHLY, "digitalstrategie-massnahmen"}


def test_without_javascript_the_index_is_the_full_list_in_theme_sections(
        browser, site: dict[str, Path]) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 390, "height": 900}, java_script_enabled=False)
    page.goto(site["index"].as_uri())
    form_visible = page.locator("#suche").is_visible()
    items = [li for li in page.locator("li[data-name]").all() if li.is_visible()]
    sections = page.locator("section.thema h2").all_inner_texts()
    page.close()
    assert not form_visible
    assert len(items) == 3
    assert sections == ["Bildung, Kultur und Sport", "Regierung und öffentlicher Sektor"]


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison_charts_shrink_to_the_screen_with_legend_and_tables(
        browser, site: dict[str, Path], width: int) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page.goto(site["vergleich"].as_uri())
    charts = page.locator("figure svg[role=img]")
    boxes = [charts.nth(n).bounding_box() for n in range(charts.count())]
    legend = page.locator("ul.legende").first.inner_text().split("\n")
    lines = charts.first.locator("path[fill=none]").count()
    choice = page.locator(".auswahl").is_visible()
    page.locator("details summary").first.click()
    table = page.locator("table[aria-labelledby=vergleich-1-0-absolut-tabelle]")
    visible = table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    page.close()
    # without JavaScript everything is shown: all services together and each service (13),
    # absolute and per 1,000 inhabitants
    assert len(boxes) == 2 * 14 and not choice
    for box in boxes:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["height"] > 100
    assert [text.strip() for text in legend] == [m.name for m in load_members(ROOT).values()]
    assert lines == 3 and visible
    assert headers == ["Monat", *(m.name for m in load_members(ROOT).values())]


def test_comparison_choice_of_service_and_view_with_javascript(browser,  # noqa: ANN001
                                                               site: dict[str, Path]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site["vergleich"].as_uri())
    shown = lambda: [c.get_attribute("aria-labelledby").split()[0]  # noqa: E731
                     for c in page.locator("figure svg[role=img]").all() if c.is_visible()]
    first = shown()
    page.select_option("#gruppe-1", label="Personalausweis beantragen")
    service = shown()
    heading = [h for h in page.locator("h3").all() if h.is_visible()][0].inner_text()
    page.select_option("#ansicht-1", "je1000")
    per_thousand = shown()
    page.screenshot(path=str(artifacts("catalog") / "vergleich-auswahl-1280.png"),
                    full_page=True)
    page.goto(site["vergleich"].as_uri() + "#gruppe-1-3")  # a link of the table of contents
    linked = [h for h in page.locator("h3").all() if h.is_visible()][0].inner_text()
    options = page.locator("#gruppe-1 option").all_inner_texts()
    page.close()
    assert first == ["vergleich-1-0-absolut-t"]
    assert heading == "Personalausweis beantragen" and len(service) == 1
    assert service[0].endswith("-absolut-t") and service[0] != first[0]
    assert per_thousand == [service[0].replace("absolut", "je1000")]
    assert linked == options[3] != "Insgesamt"
