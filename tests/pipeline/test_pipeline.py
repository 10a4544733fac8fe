"""The pipeline with the local catalog: rules block publishing, plausibility compares with the
last publication before publishing."""

from __future__ import annotations

import csv
from pathlib import Path

from flows.adapters.local.target import LocalCatalog
from flows.run import sequence
from tests.helpers import COUNTS, MONTHLY, double_month

NAME = MONTHLY
MONTH = "2025-03-01"
MONTH_WORDS = "März 2025"
SERVICE = "Meldebescheinigung"


def _published_sum(catalog: Path) -> int:
    with (catalog / NAME / "fallzahlen.csv").open(encoding="utf-8", newline="") as handle:
        return sum(int(r["anzahl"]) for r in csv.DictReader(handle)
                   if r["monat"] == MONTH and r["leistung"] == SERVICE and r["anzahl"] != ".")


def test_a_doubled_month_total_gives_an_exceeding_group_sum_with_old_and_new(
        project: Path, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    target = LocalCatalog(catalog)
    first = sequence.process(project, NAME, [target], tmp_path / "w1")
    assert first.status == "published" and first.plausibility == []  # first publication
    old = _published_sum(catalog)

    double_month(project)
    second = sequence.process(project, NAME, [target], tmp_path / "w2")
    new = _published_sum(catalog)
    assert second.status == "published"  # warnings only; holding is the approval step's job
    assert new >= 2 * old > 0
    label = f"Anzahl der Fälle, {SERVICE}, {MONTH_WORDS}"
    entry = next(e for e in second.plausibility if e["label"] == label)
    assert entry == {"resource": "fallzahlen", "kind": "group-sum", "label": label, "old": old,
                     "new": new, "change_percent": round((new - old) / old * 100, 1),
                     "threshold": 50.0, "exceeds": True}
    other_month = [e for e in second.plausibility
                   if e["kind"] == "group-sum" and MONTH_WORDS not in e["label"]]
    assert other_month == []
    assert {e["kind"] for e in second.plausibility} == {"row-count", "group-sum",
                                                        "period-rewritten"}
    assert second.to_dict()["plausibility"] == second.plausibility
    warning = next(p for p in second.problems if p.code == "plausibility-sum"
                   and label in p.message)
    assert warning.severity == "warning" and f"bisher {old}, jetzt {new}" in warning.message

    third = sequence.process(project, NAME, [target], tmp_path / "w3")
    assert third.status == "unchanged"
    assert [(e["kind"], e["change_percent"], e["exceeds"]) for e in third.plausibility] == [
        ("row-count", 0.0, False)]


def test_a_violated_error_rule_blocks_publishing_and_names_the_source_row(
        project: Path, tmp_path: Path) -> None:
    rules = project / "datapackages" / COUNTS / "rules.yaml"
    rules.write_text(rules.read_text().replace("value_set: [online, Schalter, Post]",
                                               "value_set: [online, Schalter]"))
    catalog = tmp_path / "catalog"
    result = sequence.process(project, NAME, [LocalCatalog(catalog)], tmp_path / "w")
    assert result.status == "invalid" and not (catalog / NAME).exists()
    found = [p for p in result.problems if p.code == "rule-violated"]
    assert found[0].row == 4 and found[0].field == "kanal"  # line 4 of the export: first "Post"
    assert found[0].file == f"datapackages/{COUNTS}/source/fallzahlen.csv"
    assert "insgesamt 780 Zeilen" in found[-1].message
