"""The publication record: append-only JSON lines, provenance without credentials, German
history."""

from __future__ import annotations

import json
from pathlib import Path

from flows.model.bundle import PublishOutcome
from flows.model.results import DatasetResult, RunSummary
from flows.run import record

HASH = "ab" * 32


def _summary() -> RunSummary:
    published = DatasetResult(
        name="kosten", status="published", content_hash=HASH,
        outcomes=[PublishOutcome("local:/srv/katalog", "published", "/srv/katalog/kosten"),
                  PublishOutcome("ckan", "unchanged")],
        provenance={"kosten": {"kind": "sql", "url": "postgresql://amt:geheim-4711@db/haushalt",
                               "password": "geheim-4711", "rows": 7,
                               "fetched_at": "2026-12-03T05:00:00+00:00",
                               "file": "SQL-Abfrage (kosten)"}})
    held = DatasetResult(name="fallzahlen", status="held", content_hash="cd" * 32,
                         approval={"reasons": ["a", "b"]},
                         provenance={"faelle": {"kind": "csv", "file": "faelle.csv", "rows": 3}})
    return RunSummary(run_id="20261203T050000Z", started_at="2026-12-03T05:00:00+00:00",
                      finished_at="2026-12-03T05:02:00+00:00", results=[published, held])


def test_a_run_records_each_publication_and_each_hold(tmp_path: Path) -> None:
    decided = {"by": "Frau Prüfer", "at": "2026-12-02T10:00:00+00:00", "comment": "passt",
               "decision": "approved", "content_hash": HASH}
    entries = record.run_entries(_summary(), {"kosten": decided}, ["geheim-4711"])
    record.append(tmp_path, entries)
    lines = (tmp_path / "publications.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["published", "held"]
    first = json.loads(lines[0])
    assert first["format"] == 1 and first["version"] == HASH[:12]
    assert first["target"] == "local:/srv/katalog" and first["run_id"] == "20261203T050000Z"
    assert first["approval"] == {"by": "Frau Prüfer", "at": "2026-12-02T10:00:00+00:00",
                                 "comment": "passt"}
    assert first["source"]["kosten"] == {"kind": "sql", "url": "postgresql://db/haushalt",
                                         "rows": 7, "fetched_at": "2026-12-03T05:00:00+00:00",
                                         "file": "SQL-Abfrage (kosten)"}
    assert "geheim-4711" not in (tmp_path / "publications.jsonl").read_text(encoding="utf-8")


def test_appending_never_rewrites_earlier_lines(tmp_path: Path) -> None:
    record.append(tmp_path, record.run_entries(_summary(), {}, []))
    before = (tmp_path / "publications.jsonl").read_bytes()
    record.append(tmp_path, [record.decision_entry("fallzahlen", {
        "decision": "rejected", "by": "Herr Amt", "at": "2026-12-03T08:00:00+00:00",
        "comment": "Summe doppelt", "content_hash": "cd" * 32, "run_id": "20261203T050000Z"})])
    after = (tmp_path / "publications.jsonl").read_bytes()
    assert after.startswith(before) and len(after.splitlines()) == 3
    assert [e["event"] for e in record.read(tmp_path, "fallzahlen")] == ["held", "rejected"]


def test_history_is_german_and_newest_first(tmp_path: Path) -> None:
    assert "noch nichts verzeichnet" in record.history_text(tmp_path, "kosten")
    record.append(tmp_path, record.run_entries(_summary(), {}, []))
    (tmp_path / "publications.jsonl").open("a", encoding="utf-8").write("kaputt\n")
    text = record.history_text(tmp_path, "kosten")
    assert text.splitlines()[1].startswith("03.12.2026 05:02 UTC  veröffentlicht, Stand "
                                           f"{HASH[:12]}, Ziel local:/srv/katalog")
    assert "Quelle kosten: sql SQL-Abfrage (kosten)" in text and "Lauf 20261203T050000Z" in text


def test_a_held_version_published_later_keeps_the_source_of_its_hold(tmp_path: Path) -> None:
    record.append(tmp_path, record.run_entries(_summary(), {}, []))
    later = DatasetResult(name="fallzahlen", status="published", content_hash="cd" * 32,
                          outcomes=[PublishOutcome("local:/srv/katalog", "published")])
    (held_source,) = [e["source"] for e in record.read(tmp_path) if e["event"] == "held"]
    entries = record.run_entries(RunSummary("r2", "2026-12-04T05:00:00+00:00", results=[later]),
                                 {}, [])
    assert entries[0]["source"] == {} and held_source["faelle"]["file"] == "faelle.csv"
    assert record.with_held_sources(entries, tmp_path)[0]["source"] == held_source
