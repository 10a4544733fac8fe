"""The approval step on the command line: hold → review → approve / reject → the next run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from flows.cli import EXIT_FAILED, EXIT_HELD, EXIT_OK, EXIT_USAGE, main
from tests.helpers import MONTHLY, double_month

SLUG = "digitalisierung-kosten"
SOURCE = f"datapackages/{SLUG}/source/roadmap-kosten.csv"


def _publish(catalog: Path, slug: str = SLUG) -> int:
    return main(["publish", slug, "--target", f"local:{catalog}"])


def _last_report(env: dict[str, str], slug: str = SLUG) -> dict[str, Any]:
    reports = sorted((Path(env["KENNZAHLEN_OUT"]) / "reports").iterdir())
    return json.loads((reports[-1] / f"{slug}.json").read_text(encoding="utf-8"))


def _change_source(project: Path, old: bytes, new: bytes) -> None:
    path = project / SOURCE
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def _files(folder: Path) -> dict[str, bytes]:
    """The data files and the descriptor; the catalog adds to the descriptor only its version
    count and change history (flows/adapters/local/history.py), which are left out here."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
             if p.suffix in (".csv", ".json") and p.name not in (".kennzahlen.json",
                                                                  "datapackage.json")}
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor.pop("changes", None)
    descriptor.pop("version", None)
    files["datapackage.json"] = json.dumps(descriptor, sort_keys=True).encode()
    return files


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
    assert SLUG in listed and "Erstveröffentlichung" in listed
    assert str(held / "report.html") in listed

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


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_doubled_month_total_is_held_and_the_decision_sticks(
        env: dict[str, str], project: Path, tmp_path: Path, decision: str) -> None:
    catalog = tmp_path / "katalog"
    held = Path(env["KENNZAHLEN_OUT"]) / "held" / MONTHLY
    assert _publish(catalog, MONTHLY) == EXIT_OK
    before = _files(catalog / MONTHLY)

    double_month(project)
    assert _publish(catalog, MONTHLY) == EXIT_HELD
    report = _last_report(env, MONTHLY)
    assert report["status"] == "held"
    reasons = report["approval"]["reasons"]
    assert any(re.fullmatch(r"Anzahl der Fälle, Meldebescheinigung, März 2025: "
                            r"[\d.]+ → [\d.]+ \(\+\d+(,\d)? %, erlaubt ± 50 %\)", reason)
               for reason in reasons)
    assert report["reason"].startswith("Freigabe nötig: " + "; ".join(reasons[:3]))
    assert f"und {len(reasons) - 3} weitere" in report["reason"]
    page = (held / "report.html").read_text(encoding="utf-8")
    assert "zur Freigabe zurückgehalten" in page and "<svg" in page
    assert _files(catalog / MONTHLY) == before  # the previous version stays published

    if decision == "approve":
        assert main(["approve", MONTHLY, "--by", "Frau Prüfer"]) == EXIT_OK
        assert _files(catalog / MONTHLY) == _files(held / "bundle") != before
        assert _publish(catalog, MONTHLY) == EXIT_OK  # the same data: published, not held again
        assert _last_report(env, MONTHLY)["status"] == "unchanged"
        return
    assert main(["reject", MONTHLY, "--comment", "März doppelt gezählt", "--by", "Herr K."]) == 0
    assert _publish(catalog, MONTHLY) == EXIT_OK  # same data: stays rejected, not held again
    report = _last_report(env, MONTHLY)
    assert report["status"] == "rejected"
    assert "von Herr K. abgelehnt: März doppelt gezählt" in report["reason"]
    assert _files(catalog / MONTHLY) == before
    assert json.loads((held / "record.json").read_text())["status"] == "rejected"

    double_month(project, "01.04.2025")  # new data: a new question
    assert _publish(catalog, MONTHLY) == EXIT_HELD


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


def test_approve_cannot_publish_a_held_version_that_is_invalid_now(
        env: dict[str, str], project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The held version passes the same sequence as a nightly run: the declaration tightened
    after the hold makes it invalid, so approving records the decision but publishes nothing."""
    monkeypatch.setenv("KENNZAHLEN_APPROVE_FIRST_PUBLICATION", "1")
    catalog = tmp_path / "katalog"
    assert _publish(catalog) == EXIT_HELD
    schema = project / "schemas" / f"{SLUG}.schema.yaml"
    text = schema.read_text(encoding="utf-8")
    assert text.count("constraints: {minimum: 0}") == 2
    schema.write_text(text.replace("constraints: {minimum: 0}", "constraints: {maximum: 1}", 1),
                      encoding="utf-8")
    capsys.readouterr()
    assert main(["approve", SLUG, "--by", "Frau Prüfer"]) == EXIT_FAILED
    assert "Nicht veröffentlicht" in capsys.readouterr().err
    assert not (catalog / SLUG).exists()
    report = _last_report(env)
    assert report["status"] == "invalid"
    assert {(p["code"], p["field"]) for p in report["problems"]} >= {
        ("constraint-error", "einmalige_kosten_eur")}
