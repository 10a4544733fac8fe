"""Running it for years, on the example: a run removes expired reports and keeps the newest,
`kennzahlen history` shows the record, `kennzahlen status` tells monitoring when a dataset is
overdue."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.cli import EXIT_FAILED, EXIT_OK, main
from flows.run.health import check
from flows.run.retention import run_folders
from flows.settings import Settings

ANNUAL, QUARTERLY = "digitalisierung-kosten", "digitalstrategie-massnahmen"


@pytest.fixture
def two_datasets(project: Path) -> Path:
    """The example reduced to a yearly and a quarterly dataset."""
    for folder in (project / "datapackages").iterdir():
        if folder.is_dir() and folder.name not in (ANNUAL, QUARTERLY):
            shutil.rmtree(folder)
    return project


def _old_report(out: Path, run_id: str, *datasets: str) -> Path:
    folder = out / "reports" / run_id
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps({"run_id": run_id}), encoding="utf-8")
    for name in datasets:
        (folder / f"{name}.json").write_text("{}", encoding="utf-8")
        (folder / f"{name}.html").write_text("<html></html>", encoding="utf-8")
    return folder


def test_a_run_removes_expired_reports_keeps_the_newest_and_counts_them(
        env: dict[str, str], two_datasets: Path, tmp_path: Path) -> None:
    out = Path(env["KENNZAHLEN_OUT"])
    expired = _old_report(out, "20240101T000000Z", ANNUAL, QUARTERLY)
    newest_old = _old_report(out, "20240301T000000Z", ANNUAL)
    assert main(["publish", "--target", f"local:{tmp_path / 'katalog'}"]) == EXIT_OK
    runs = sorted(run_folders(out / "reports"))
    summary = json.loads((runs[-1] / "summary.json").read_text(encoding="utf-8"))
    assert summary["housekeeping"]["removed"] == {"reports": 1, "held": 0, "caches": 0}
    # ANNUAL's newest report before the run stays; QUARTERLY's only old report stays too
    assert not (expired / f"{ANNUAL}.json").exists() and (expired / f"{QUARTERLY}.json").exists()
    assert (newest_old / f"{ANNUAL}.json").exists()
    assert "housekeeping" in summary and (runs[-1] / f"{ANNUAL}.json").is_file()

    # the next run: both old reports are superseded by this run's and go
    assert main(["publish", "--target", f"local:{tmp_path / 'katalog'}"]) == EXIT_OK
    summary = json.loads((sorted(run_folders(out / "reports"))[-1] / "summary.json").read_text(
        encoding="utf-8"))
    assert summary["housekeeping"]["removed"]["reports"] == 2
    assert not expired.exists() and not newest_old.exists()


def test_status_and_history_on_the_example(env: dict[str, str], two_datasets: Path,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == EXIT_FAILED  # no run yet: monitoring must hear of it
    assert "Noch kein Lauf" in capsys.readouterr().out

    catalog = tmp_path / "katalog"
    assert main(["publish", "--target", f"local:{catalog}"]) == EXIT_OK
    capsys.readouterr()
    assert main(["status"]) == EXIT_OK
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0].startswith("Letzter Lauf: ")
    first = lines.index(next(line for line in lines if line.startswith(f"  {ANNUAL}: zuletzt")))
    assert lines[first + 1].startswith("    Ergebnis im Lauf ") and lines[first + 1].endswith(
        ": veröffentlicht")
    assert lines[first + 2] == f"      local:{catalog}: veröffentlicht"
    assert "Rhythmus vierteljährlich, erlaubt 93 Tage" in text and "überfällig" not in text

    # 100 days later without a new publication, the quarterly dataset is overdue, the yearly not
    settings = Settings.from_env()
    later = check(settings, now=datetime.now(UTC) + timedelta(days=100))
    assert later.overdue == [QUARTERLY] and not later.ok
    assert f"ÜBERFÄLLIG: {QUARTERLY}." in later.lines

    assert main(["history", ANNUAL]) == EXIT_OK
    history = capsys.readouterr().out
    assert history.startswith(f"Verlauf von {ANNUAL} (1 Eintrag,")
    assert "veröffentlicht, Stand " in history and f"Ziel local:{catalog}" in history
    assert "Quelle kosten: csv datapackages/digitalisierung-kosten/source/roadmap-kosten.csv" \
        in history
    assert main(["history", "gibt-es-nicht"]) == 2
