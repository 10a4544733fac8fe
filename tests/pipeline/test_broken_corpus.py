"""The broken-file corpus (tests/fixtures/broken/): every file gets its own diagnosis.

Each file of the corpus becomes the source of a one-resource dataset, checked with
`kennzahlen validate --format json`; the manifest says which exit code, problem code and message
fragment are expected. `benchmarks/broken_corpus.py` runs the same corpus in separate processes
and prints time and peak memory per file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows import cli
from tests.fixtures.broken.make_fixtures import build

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "broken"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
REPORT_BYTES = 100_000
COLUMNS = {"Monat": "monat", "Leistung": "leistung", "Kanal": "kanal", "Anzahl": "anzahl",
           "Jahr": "jahr"}


def make_project(root: Path, entry: dict[str, Any], source_file: Path) -> Path:
    """A project with one dataset `kaputt` whose only resource reads `source_file`."""
    (root / "datapackages" / "kaputt").mkdir(parents=True)
    shutil.copy(ROOT / "tests/fixtures/projects/seeded/datapackages/catalog.yaml",
                root / "datapackages" / "catalog.yaml")
    shutil.copytree(CORPUS / "schemas", root / "schemas")
    schema = entry.get("schema", "zahlen")
    descriptor = {"name": "kaputt", "title": "Kaputte Testdatei",
                  "description": "Eine Datei aus der Sammlung kaputter Exporte.",
                  "keywords": ["Test"],
                  "contributors": [{"title": "Testteam", "email": "test@musterstadt.example",
                                    "roles": ["maintainer"]}],
                  "dcat": {"themes": ["GOVE"], "frequency": "MONTHLY", "issued": "2025-01-15"},
                  "resources": [{"name": "daten", "path": "daten.csv", "schema": schema}]}
    source = {"kind": "csv", "path": str(source_file), "delimiter": ";", "columns": COLUMNS,
              **({"date_format": "%d.%m.%Y"} if schema.startswith("zahlen") else {}),
              **entry.get("source", {})}
    internal = {"ckan": {"owner_org": "test-org"},
                "resources": {"daten": {"source": source, **entry.get("resource", {})}}}
    folder = root / "datapackages" / "kaputt"
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True))
    (folder / "dataset.yaml").write_text(yaml.safe_dump(internal, allow_unicode=True))
    return root


def run_validate(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--project", str(project), "validate", "--format", "json", "kaputt"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    build(folder)
    return folder


def test_manifest_covers_every_file_and_has_at_least_40() -> None:
    from tests.fixtures.broken.make_fixtures import FILES

    listed = [entry["file"] for entry in MANIFEST["files"]]
    assert sorted(listed) == sorted(FILES)
    assert len(listed) >= 40


STREAMED = {"nur-kopfzeile.csv", "nur-leerzeilen.csv", "nullbreite-leerzeichen.csv",
            "richtungs-override.csv", "lange-zelle.csv", "zehntausend-spalten.csv",
            "utf16le-bom.csv", "arbeitsmappe.xlsx.csv", "monate-falsch.csv", "datum-falsch.csv"}


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda e: e["file"])
def test_broken_file(entry: dict[str, Any], corpus: Path, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    check_entry(entry, corpus, tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize("entry", [e for e in MANIFEST["files"] if e["file"] in STREAMED],
                         ids=lambda e: e["file"])
def test_broken_file_read_in_chunks(entry: dict[str, Any], corpus: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Large files are read in chunks (flows/run/streaming.py): the same diagnosis."""
    monkeypatch.setenv("KENNZAHLEN_STREAM_BYTES", "1")
    check_entry(entry, corpus, tmp_path, monkeypatch, capsys)


def check_entry(entry: dict[str, Any], corpus: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
    project = make_project(tmp_path / "project", entry, corpus / entry["file"])
    expect = entry["expect"]
    code, out, err = run_validate(project, capsys)
    assert code == expect["exit"], (out[-3000:], err[-3000:])
    absent = entry.get("absent", MANIFEST["defaults"]["absent"])
    for fragment in absent:
        assert fragment not in out + err
    if expect["exit"] == 2:
        assert expect["message"] in err
        return
    assert len(out.encode()) < REPORT_BYTES  # bounded: per code and field a few cases
    report = json.loads(out)
    if "code" not in expect:
        assert not [p for p in report["problems"] if p["severity"] == "error"]
        return
    messages = [p["message"] for p in report["problems"] if p["code"] == expect["code"]]
    assert messages, [p["code"] for p in report["problems"]]
    assert any(expect["message"] in m for m in messages), messages
    assert not {p["code"] for p in report["problems"]} & set(expect.get("without", []))
    if "omitted" in expect:
        (entry,) = [o for o in report["problems_omitted"] if o["code"] == expect["code"]]
        assert entry["total"] == expect["omitted"] > entry["listed"] == len(messages)
