"""The approval step on the command line: hold → review → approve / reject → the next run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flows import pipeline
from flows.cli import EXIT_HELD, EXIT_OK, EXIT_USAGE, main

SLUG = "digitalisierung-kosten"
SOURCE = f"datapackages/{SLUG}/source/roadmap-kosten.csv"


def _publish(catalog: Path) -> int:
    return main(["publish", SLUG, "--target", f"local:{catalog}"])


def _last_report(env: dict[str, str]) -> dict[str, Any]:
    reports = sorted((Path(env["KENNZAHLEN_OUT"]) / "reports").iterdir())
    return json.loads((reports[-1] / f"{SLUG}.json").read_text(encoding="utf-8"))


def _change_source(project: Path, old: bytes, new: bytes) -> None:
    path = project / SOURCE
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.suffix in (".csv", ".json") and p.name != ".kennzahlen.json"}


def test_first_publication_is_held_and_approve_publishes_exactly_the_held_bytes(
        env: dict[str, str], project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNZAHLEN_APPROVE_FIRST_PUBLICATION", "1")
    catalog = tmp_path / "katalog"
    held = Path(env["KENNZAHLEN_OUT"]) / "held" / SLUG

    assert _publish(catalog) == EXIT_HELD
    assert not (catalog / SLUG).exists()
    report = _last_report(env)
    assert report["status"] == "held" and "Erstveröffentlichung" in report["reason"]
    record = json.loads((held / "record.json").read_text(encoding="utf-8"))
    assert (held / "report.html").is_file() and "zur Freigabe zurückgehalten" in (
        held / "report.html").read_text(encoding="utf-8")

    capsys.readouterr()
    assert main(["review"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert SLUG in listed and "Erstveröffentlichung" in listed and str(held / "report.html") in listed

    # the source changes after the hold: approving still publishes what was held, not a new run
    _change_source(project, b"8.183,74", b"9.999,99")
    assert main(["approve", SLUG, "--by", "Frau Prüfer", "--comment", "passt"]) == EXIT_OK
    held_files = _files(held / "bundle")
    assert held_files and _files(catalog / SLUG) == held_files
    marker = json.loads((catalog / SLUG / ".kennzahlen.json").read_text(encoding="utf-8"))
    assert marker["content_hash"] == record["content_hash"]
    decisions = json.loads((held / "decisions.json").read_text(encoding="utf-8"))
    assert [(d["decision"], d["by"], d["comment"], d["content_hash"]) for d in decisions] == [
        ("approved", "Frau Prüfer", "passt", record["content_hash"])]
    assert main(["approve", SLUG]) == EXIT_USAGE  # nothing is held any more

    # the same data again: approved, already published, no new question
    _change_source(project, b"9.999,99", b"8.183,74")
    assert _publish(catalog) == EXIT_OK
    assert _last_report(env)["status"] == "unchanged"
    capsys.readouterr()
    main(["review"])
    assert "Keine Datensätze warten" in capsys.readouterr().out


def test_a_rejected_version_stays_back_and_is_not_asked_for_again(
        env: dict[str, str], project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = tmp_path / "katalog"
    assert _publish(catalog) == EXIT_OK
    before = _files(catalog / SLUG)

    def implausible(prepared: pipeline.Prepared) -> list[dict[str, Any]]:
        return [{"resource": "kosten", "kind": "group-sum", "label": "Summe einmalige Kosten",
                 "old": 100000, "new": 250000.5, "change_percent": 150.0, "threshold": 50.0,
                 "exceeds": True}]

    monkeypatch.setattr(pipeline, "plausibility", implausible)
    _change_source(project, b"8.183,74", b"9.999,99")
    assert _publish(catalog) == EXIT_HELD
    report = _last_report(env)
    assert report["status"] == "held"
    assert "Summe einmalige Kosten: 100.000 → 250.000,5 (+150 %, erlaubt ± 50 %)" in report["reason"]
    assert _files(catalog / SLUG) == before

    assert main(["reject", SLUG, "--comment", "Kosten doppelt gezählt", "--by", "Herr K."]) == 0
    assert _publish(catalog) == EXIT_OK  # same data: stays rejected, reported, not held again
    report = _last_report(env)
    assert report["status"] == "rejected"
    assert "von Herr K. abgelehnt: Kosten doppelt gezählt" in report["reason"]
    assert _files(catalog / SLUG) == before
    assert json.loads((Path(env["KENNZAHLEN_OUT"]) / "held" / SLUG / "record.json")
                      .read_text())["status"] == "rejected"

    _change_source(project, b"9.999,99", b"9.999,98")  # new data: a new question
    assert _publish(catalog) == EXIT_HELD


def test_a_tampered_held_version_is_not_published(
        env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNZAHLEN_APPROVE_FIRST_PUBLICATION", "1")
    catalog = tmp_path / "katalog"
    assert _publish(catalog) == EXIT_HELD
    held_csv = Path(env["KENNZAHLEN_OUT"]) / "held" / SLUG / "bundle" / "kosten.csv"
    held_csv.write_bytes(held_csv.read_bytes().replace(b"8183.74", b"1.00"))
    capsys.readouterr()
    assert main(["approve", SLUG]) == EXIT_USAGE
    assert "verändert" in capsys.readouterr().err
    assert not (catalog / SLUG).exists()


def test_dataset_yaml_can_switch_first_publication_approval_on(
        env: dict[str, str], project: Path, tmp_path: Path) -> None:
    declaration = project / "datapackages" / SLUG / "dataset.yaml"
    declaration.write_text(declaration.read_text(encoding="utf-8")
                           + "approval:\n  first_publication: true\n", encoding="utf-8")
    assert _publish(tmp_path / "katalog") == EXIT_HELD
