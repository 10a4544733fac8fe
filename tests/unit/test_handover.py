from __future__ import annotations

from pathlib import Path

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult
from flows.run import handover


def test_a_result_is_handed_over_whole(tmp_path: Path) -> None:
    result = DatasetResult(
        name="d", title="Ein Datensatz", status="published", rows={"r": 3},
        problems=[problems.make("type-error", "Falscher Typ.", dataset="d", row=4, field="f",
                                severity="warning", details={"n": 1})],
        outcomes=[PublishOutcome("ckan:http://x", "published", "http://x/dataset/d", 1)],
        plausibility=[{"resource": "r", "exceeds": False}], content_hash="abc", seconds=1.5)
    handover.write(tmp_path, result)
    assert handover.read(tmp_path, "d") == result
    assert [p.name for p in (tmp_path / handover.FOLDER).iterdir()] == ["d.json"]


def test_nothing_handed_over_is_a_failure_that_says_why(tmp_path: Path) -> None:
    assert handover.read(tmp_path, "d") is None
    (tmp_path / handover.FOLDER).mkdir()
    (tmp_path / handover.FOLDER / "d.json").write_text("{", encoding="utf-8")
    assert handover.read(tmp_path, "d") is None
    missing = handover.missing("d", "Der Flow-Lauf ist abgestürzt.")
    assert missing.status == "failed" and missing.reason == "Der Flow-Lauf ist abgestürzt."
