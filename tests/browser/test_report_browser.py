"""The staff report in a real browser: headless Chromium shows it without JavaScript, the
keyboard focus is visible, and axe-core finds no accessibility violation.

axe runs its whole default rule set (WCAG 2.0/2.1/2.2 A and AA, e.g. color-contrast,
document-title, html-has-lang, svg-img-alt, th-has-data-cells, plus best practices such as
heading-order, landmark-one-main, page-has-heading-one, region); any violation, whatever its
impact, fails the test. The screenshot is kept in out/test-artifacts/ (KENNZAHLEN_TEST_ARTIFACTS).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.model.results import DatasetResult, RunSummary
from flows.stages.report import write_reports
from tests.browser.pages import artifacts
from tests.browser.pages import violations as axe_violations
from tests.helpers import held_example

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    summary = RunSummary("r1", "2026-11-22T02:30:00+00:00", targets=["local:/srv/opendata"],
                         results=[held_example(),
                                  DatasetResult("online-dienste", "Online-Dienste", "published")])
    return write_reports(summary, tmp_path_factory.mktemp("reports"))


@pytest.mark.parametrize("page_name", ["digitalisierung-kosten.html", "index.html"])
def test_report_pages_have_no_axe_violations(browser_tools: dict[str, str], reports: Path,
                                             page_name: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                       args=["--no-sandbox"])
        page = browser.new_page()
        page.goto((reports / page_name).as_uri())
        violations = axe_violations(page, browser_tools["AXE_JS"])
        browser.close()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=2)


def test_held_report_renders_without_javascript_with_visible_focus(
        browser_tools: dict[str, str], reports: Path) -> None:
    from playwright.sync_api import sync_playwright

    shot = artifacts() / "report-held.png"
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                       args=["--no-sandbox"])
        page = browser.new_page(java_script_enabled=False, viewport={"width": 1100,
                                                                      "height": 900})
        page.goto((reports / "digitalisierung-kosten.html").as_uri())
        assert page.locator("h1").inner_text() == "Prüfbericht: Kosten der Digitalisierung"
        assert "zur Freigabe zurückgehalten" in page.locator(".verdict").inner_text()
        chart = page.locator("svg[role=img]").bounding_box()
        assert chart and chart["width"] > 300 and chart["height"] > 60
        page.screenshot(path=str(shot), full_page=True)
        overview = browser.new_page()
        overview.goto((reports / "index.html").as_uri())
        focus = []
        for _ in range(2):  # the table's scroll box first, then the first link inside it
            overview.keyboard.press("Tab")
            focus.append(overview.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"))
        browser.close()
    assert focus == [["DIV", "solid", "3px"], ["A", "solid", "3px"]]
    assert shot.stat().st_size > 10_000


def test_axe_finds_violations_on_a_bad_page(browser_tools: dict[str, str],
                                            tmp_path: Path) -> None:
    """The check can fail: missing lang, low contrast and an unlabelled image are reported."""
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main><h1>x</h1>'
                   '<p style="color:#aaa;background:#fff">blass</p><svg role="img"></svg>'
                   "</main></body></html>", encoding="utf-8")
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                       args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(bad.as_uri())
        found = {v["id"] for v in axe_violations(page, browser_tools["AXE_JS"])}
        browser.close()
    assert {"html-has-lang", "color-contrast", "svg-img-alt"} <= found


def test_the_held_report_of_a_doubled_month_is_readable_and_accessible(
        browser_tools: dict[str, str], env: dict[str, str], project: Path,
        tmp_path: Path) -> None:
    """The real thing: the example export with one month counted twice, held by the CLI run."""
    from playwright.sync_api import sync_playwright

    from flows.cli import EXIT_HELD, EXIT_OK, main
    from tests.helpers import MONTHLY, double_month

    target = f"local:{tmp_path / 'katalog'}"
    assert main(["publish", MONTHLY, "--target", target]) == EXIT_OK
    double_month(project)
    assert main(["publish", MONTHLY, "--target", target]) == EXIT_HELD
    report = Path(env["KENNZAHLEN_OUT"]) / "held" / MONTHLY / "report.html"
    shot = artifacts() / "report-held-doubled-month.png"
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=browser_tools["CHROMIUM"],
                                       args=["--no-sandbox"])
        page = browser.new_page(java_script_enabled=False, viewport={"width": 1100,
                                                                      "height": 900})
        page.goto(report.as_uri())
        verdict = page.locator(".verdict").inner_text()
        headings = page.locator("h2").all_inner_texts()
        bars = page.locator("svg[role=img] rect").count()
        page.screenshot(path=str(shot), full_page=True)
        checked = browser.new_page()
        checked.goto(report.as_uri())
        violations = axe_violations(checked, browser_tools["AXE_JS"])
        browser.close()
    assert "zur Freigabe zurückgehalten" in verdict and "März 2025" in verdict
    assert "Vergleich mit der letzten Veröffentlichung" in headings
    assert bars > 4  # legend plus at least two pairs of bars
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=2)
    assert shot.stat().st_size > 10_000
