"""Which datasets of a run need someone, and what the message says about them (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult, RunSummary
from flows.model.secrets import redact
from flows.run import notify
from flows.settings import Settings

TOKEN = "ckan-token-0123456789"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CKAN_API_TOKEN", TOKEN)
    monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
    monkeypatch.delenv("KENNZAHLEN_REPORTS_URL", raising=False)
    return Settings.from_env(tmp_path)


def _summary(*results: DatasetResult) -> RunSummary:
    return RunSummary(run_id="20261203T020000Z", started_at="2026-12-03T02:00:00+00:00",
                      finished_at="2026-12-03T02:05:00+00:00", results=list(results))


def test_published_and_unchanged_datasets_need_nobody(settings: Settings) -> None:
    quiet = _summary(DatasetResult("a", status="published", content_hash="ab" * 32,
                                   outcomes=[PublishOutcome("local", "published")]),
                     DatasetResult("b", status="unchanged"), DatasetResult("c", status="rejected"))
    assert notify.events(quiet, settings) == []


def test_a_failed_dataset_is_reported_with_its_error_and_without_the_token(
        settings: Settings) -> None:
    failed = DatasetResult("a", title="A", status="failed", problems=[problems.make(
        "publish-failed", f"CKAN lehnt ab (Token {TOKEN} ungültig).", dataset="a")])
    (event,) = notify.events(_summary(failed), settings)
    assert event.kind == "failed" and event.details[0].startswith("Fehler: CKAN lehnt ab")
    assert event.report == str(settings.reports_dir / "20261203T020000Z" / "a.html")
    # the message passes `redact` with every credential of the run, as `notify` sends it
    text = redact(notify.message_text(_summary(failed), [event]), settings.credentials())
    assert TOKEN not in text and "***" in text and "Der nächste Lauf versucht es erneut" in text


def test_held_reasons_name_the_change_but_not_the_figures(settings: Settings) -> None:
    held = DatasetResult("a", status="held", approval={"reasons": [
        "Erstveröffentlichung – der Datensatz ist noch in keinem Ziel veröffentlicht"]},
        plausibility=[{"resource": "r", "kind": "group-sum", "label": "Summe für Leistung=Pass",
                       "old": 4711, "new": 9422, "change_percent": 100.0, "threshold": 50.0,
                       "exceeds": True},
                      {"resource": "r", "kind": "row-count", "label": "Zeilen", "old": 10,
                       "new": 11, "change_percent": 10.0, "threshold": 50.0, "exceeds": False}])
    (event,) = notify.events(_summary(held), settings)
    assert event.details == (
        "Grund: r: Summe einer Gruppe über der Schwelle, größte Änderung +100 % (erlaubt ± 50 %)",
        "Grund: Erstveröffentlichung – der Datensatz ist noch in keinem Ziel veröffentlicht")
    text = notify.message_text(_summary(held), [event])
    assert "4.711" not in text and "9.422" not in text and "Pass" not in text
