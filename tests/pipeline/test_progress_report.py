"""The progress report through the real pipeline: published with the measures plan, "since the
last report" follows the plan's source, regenerated only when the plan changes, and a status
going back holds the plan for staff review. Chromium is switched off here (HTML only, which
must not change the behaviour); the PDF is checked in tests/browser/test_progress_browser.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from flows.cli import EXIT_HELD, EXIT_OK, main
from tests.helpers import FIXTURES

SLUG = "digitalstrategie-massnahmen"


@pytest.fixture(autouse=True)
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KENNZAHLEN_CHROMIUM", str(tmp_path / "kein-chromium"))


def _source(project: Path) -> Path:
    return project / "datapackages" / SLUG / "source" / "massnahmen-status.xlsx"


def set_status(project: Path, number: int, status: str) -> None:
    """Change one measure's status in the plan's source, as the office would."""
    book = openpyxl.load_workbook(_source(project))
    sheet = book["Maßnahmen"]
    row = next(r for r in sheet.iter_rows(min_row=5) if r[0].value == number)
    row[3].value = status
    book.save(_source(project))


def _since(page: str) -> str:
    """The text of the section "Seit dem letzten Bericht"."""
    part = page.split('id="seit-dem-letzten-bericht"', 1)[1].split("<h2", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_report_follows_the_plan_and_is_made_only_when_it_changes(
        env: dict[str, str], project: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "katalog"
    target = ["--target", f"local:{catalog}"]
    shutil.copyfile(FIXTURES / "massnahmen-status-vorher.xlsx", _source(project))
    assert main(["publish", "online-dienste", SLUG, *target]) == EXIT_OK
    report = catalog / SLUG / "fortschrittsbericht.html"
    first = report.read_text(encoding="utf-8")
    assert "Dies ist der erste Bericht" in _since(first)
    assert "Online-Dienste auf der Plattform</strong> – 6" in first  # linked key figure

    shutil.copyfile(FIXTURES.parent.parent / "datapackages" / SLUG / "source" /
                    "massnahmen-status.xlsx", _source(project))
    assert main(["publish", SLUG, *target]) == EXIT_OK
    since = _since(report.read_text(encoding="utf-8"))
    assert "Stand vom 30.06.2026: 13 Änderungen" in since
    assert "Neu in den Plan aufgenommen (3)" in since and "Abgeschlossen (6)" in since
    assert "Nr. 34 Bürgerhaushalt digital (Beteiligung)" in since
    assert "Nr. 2 E-Akte im Bauamt einführen (Digitale Verwaltung): geplant → in Umsetzung" \
        in since
    page = (catalog / SLUG / "index.html").read_text(encoding="utf-8")
    assert 'href="fortschrittsbericht.html"' in page

    made = report.read_bytes()
    capsys.readouterr()
    assert main(["publish", SLUG, *target]) == EXIT_OK  # nothing changed: nothing made again
    assert f"{SLUG}: unverändert" in capsys.readouterr().out
    assert report.read_bytes() == made

    set_status(project, 3, "in Umsetzung")  # geplant → in Umsetzung
    assert main(["publish", SLUG, *target]) == EXIT_OK
    since = _since(report.read_text(encoding="utf-8"))
    assert "Stand vom 30.09.2026: 1 Änderungen" in since
    assert "Nr. 3 E-Akte im Sozialamt einführen (Digitale Verwaltung): geplant → in Umsetzung" \
        in since


def test_a_status_going_back_is_held_for_review(env: dict[str, str], project: Path,
                                                tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    target = ["--target", f"local:{tmp_path / 'katalog'}"]
    assert main(["publish", SLUG, *target]) == EXIT_OK
    set_status(project, 1, "in Umsetzung")  # was umgesetzt
    capsys.readouterr()
    assert main(["publish", SLUG, *target]) == EXIT_HELD
    out = capsys.readouterr().out
    assert "plausibility-status-backwards" in out and "umgesetzt → in Umsetzung" in out
    held = Path(env["KENNZAHLEN_OUT"]) / "held" / SLUG / "bundle" / "fortschrittsbericht.html"
    assert "Status zurückgesetzt (bitte prüfen) (1)" in _since(held.read_text(encoding="utf-8"))
    # approving publishes the held version with the report made for it
    assert main(["approve", SLUG, "--by", "Stabsstelle", "--comment", "stimmt so"]) == EXIT_OK
    published = tmp_path / "katalog" / SLUG / "fortschrittsbericht.html"
    assert published.read_bytes() == held.read_bytes()
    assert main(["publish", SLUG, *target]) == EXIT_OK  # now the baseline: nothing to review


def test_a_report_that_cannot_be_written_does_not_stop_the_plan(
        env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(env["KENNZAHLEN_OUT"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "progress").write_text("kein Ordner", encoding="utf-8")  # where reports are kept
    assert main(["publish", SLUG, "--target", f"local:{tmp_path / 'katalog'}"]) == EXIT_OK
    assert "Fortschrittsbericht von 'digitalstrategie-massnahmen' nicht erstellt" in \
        capsys.readouterr().out
    assert (tmp_path / "katalog" / SLUG / "massnahmen.csv").is_file()
    assert not (tmp_path / "katalog" / SLUG / "fortschrittsbericht.html").exists()
