"""Version numbers and German change notes of published datasets, and the Atom feed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from flows.adapters.local import history
from flows.adapters.local.target import LocalCatalog
from flows.metadata.descriptor import load_catalog
from flows.run import sequence

DESCRIPTOR = {"name": "d", "title": "D", "version": "1.0.0", "resources": [
    {"name": "t", "path": "t.csv", "title": "Tabelle",
     "schema": {"fields": [{"name": "monat", "type": "date"}, {"name": "n", "type": "integer"}],
                "primaryKey": ["monat"]}}],
    "dcat": {"temporal": {"start": "2025-01-01", "end": "2025-02-28"}, "temporal_unit": "month"}}


def _csv(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "t.csv").write_text(text, encoding="utf-8")
    return folder


def test_first_publication_keeps_the_declared_version(tmp_path: Path) -> None:
    result = history.record(None, None, DESCRIPTOR, tmp_path, True, "2026-01-01T00:00:00+00:00")
    assert result["version"] == "1.0.0"
    assert result["changes"] == [{"version": "1.0.0", "date": "2026-01-01T00:00:00+00:00",
                                  "note": "Erste Veröffentlichung."}]


def test_changed_data_is_a_minor_step_with_a_note_of_what_changed(tmp_path: Path) -> None:
    old = _csv(tmp_path / "old", "monat,n\n2025-01-01,5\n2025-02-01,7\n")
    new = _csv(tmp_path / "new", "monat,n\n2025-01-01,5\n2025-02-01,8\n2025-03-01,9\n")
    previous = history.record(None, None, DESCRIPTOR, old, True, "2026-01-01T00:00:00+00:00")
    grown = copy.deepcopy(DESCRIPTOR)
    grown["dcat"]["temporal"]["end"] = "2025-03-31"
    result = history.record(previous, old, grown, new, True, "2026-02-01T00:00:00+00:00")
    assert result["version"] == "1.1.0"
    assert result["changes"][-1]["note"] == (
        "Die Daten reichen jetzt bis März 2025. Tabelle „Tabelle“: 1 Zeile neu, "
        "1 Zeile mit geänderten Werten.")
    assert len(result["changes"]) == 2


def test_a_changed_structure_is_a_major_step_and_metadata_only_a_patch(tmp_path: Path) -> None:
    old = _csv(tmp_path / "old", "monat,n\n2025-01-01,5\n")
    previous = history.record(None, None, DESCRIPTOR, old, True, "t0")
    wider = copy.deepcopy(DESCRIPTOR)
    wider["resources"][0]["schema"]["fields"].append({"name": "kanal", "type": "string"})
    result = history.record(previous, old, wider, old, True, "t1")
    assert result["version"] == "2.0.0"
    assert result["changes"][-1]["note"] == "Spalte „kanal“ neu."
    retitled = {**DESCRIPTOR, "title": "Neuer Titel"}
    patch = history.record(previous, old, retitled, old, False, "t1")
    assert patch["version"] == "1.0.1"
    assert "die Daten sind unverändert" in patch["changes"][-1]["note"]
    declared = {**DESCRIPTOR, "version": "3.0.0"}
    assert history.record(previous, old, declared, old, True, "t1")["version"] == "3.0.0"


def test_a_correction_bumps_the_published_version_shows_the_note_and_feeds_it(
        project: Path, tmp_path: Path) -> None:
    catalog = LocalCatalog(tmp_path / "catalog", load_catalog(project))
    name = "digitalisierung-kosten"
    first = sequence.prepare(project, name, tmp_path / "w1").bundle
    assert first is not None
    catalog.publish(first)
    source = project / "datapackages" / name / "source" / "roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"9.999,99"))
    second = sequence.prepare(project, name, tmp_path / "w2").bundle
    assert second is not None
    assert catalog.publish(second).status == "published"
    catalog.finish()
    folder = tmp_path / "catalog" / name
    published = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert published["version"] == "1.1.0"
    assert published["changes"][-1]["note"] == (
        "Tabelle „Projektkosten der Digitalisierungs-Roadmap“: 1 Zeile mit geänderten Werten.")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<strong>Version 1.1.0, " in page and "1 Zeile mit geänderten Werten" in page
    assert "Version 1.1.0 (Datenlizenz" in page  # the citation names the new version
    feed = ElementTree.parse(tmp_path / "catalog" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")]
    assert titles == ["Kosten der Digitalisierungs-Roadmap 2019–2020: Version 1.1.0",
                      "Kosten der Digitalisierungs-Roadmap 2019–2020: Version 1.0.0"]
    link = feed.find(f"{atom}entry/{atom}link").get("href")
    assert link == f"https://daten.musterstadt.example/kennzahlen/{name}/index.html"
    # the same bundle again: nothing is written, the version stays
    assert catalog.publish(second).status == "unchanged"


@pytest.mark.parametrize("version", ["", "x.y", "2"])
def test_odd_versions_do_not_break_the_count(version: str, tmp_path: Path) -> None:
    old = _csv(tmp_path / "old", "monat,n\n2025-01-01,5\n")
    previous = {**history.record(None, None, DESCRIPTOR, old, True, "t0"), "version": version}
    assert history.record(previous, old, DESCRIPTOR, old, True, "t1")["version"].count(".") == 2
