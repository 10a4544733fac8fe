from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows import problems
from flows.model.bundle import PublishOutcome
from flows.model.results import Validation
from flows.model.tables import Table
from flows.run import prepare
from flows.stages.publish import InvalidBundleError, JsonWriter, publish
from flows.stages.transform import typed_records
from tests.helpers import ROOT


def _prepared(project: Path, tmp_path: Path, name: str = "digitalisierung-kosten"):  # noqa: ANN202
    return prepare.prepare(project, name, tmp_path / "stage")


def test_bundle_holds_csv_json_and_a_datapackage_that_frictionless_accepts(tmp_path: Path) -> None:
    prepared = _prepared(ROOT, tmp_path)
    bundle = prepared.bundle
    assert bundle is not None
    names = sorted(p.name for p in bundle.directory.iterdir())
    assert names == ["datapackage.json", "kosten.csv", "kosten.json"]
    descriptor = json.loads((bundle.directory / "datapackage.json").read_text())
    resource = descriptor["resources"][0]
    assert resource["hash"] == f"sha256:{bundle.files[0].sha256}"
    assert resource["bytes"] == (bundle.directory / "kosten.csv").stat().st_size
    assert resource["schema"]["fields"][0]["name"] == "projekt"  # inlined, not a name
    frictionless = Path(sys.executable).with_name("frictionless")
    checked = subprocess.run([str(frictionless), "validate", "datapackage.json"],
                             cwd=bundle.directory, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    assert (bundle.directory / "kosten.csv").read_bytes().decode("utf-8").startswith("projekt,")


def test_content_hash_is_stable_and_follows_the_data(project: Path, tmp_path: Path) -> None:
    first = _prepared(project, tmp_path / "a").bundle
    again = _prepared(project, tmp_path / "b").bundle
    assert first and again and first.content_hash == again.content_hash
    source = project / "datapackages/digitalisierung-kosten/source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"8.183,75"))
    changed = _prepared(project, tmp_path / "c").bundle
    assert changed and changed.content_hash != first.content_hash


def test_metadata_change_alone_changes_the_hash(project: Path, tmp_path: Path) -> None:
    first = _prepared(project, tmp_path / "a").bundle
    descriptor = project / "datapackages/digitalisierung-kosten/datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    second = _prepared(project, tmp_path / "b").bundle
    assert first and second and first.content_hash != second.content_hash


class _Recorder:
    label = "recorder"

    def __init__(self) -> None:
        self.calls = 0

    def publish(self, bundle) -> PublishOutcome:  # noqa: ANN001
        self.calls += 1
        return PublishOutcome(self.label, "published")

    def finish(self) -> None:
        pass


def test_publish_refuses_a_bundle_with_failed_validation(tmp_path: Path) -> None:
    prepared = _prepared(ROOT, tmp_path)
    target = _Recorder()
    bad = Validation("kosten", 1, problems=[problems.make("type-error", "Zeile 2: falsch")])
    with pytest.raises(InvalidBundleError):
        publish(prepared.bundle, [bad], target)
    with pytest.raises(InvalidBundleError):
        publish(prepared.bundle, [], target)
    assert target.calls == 0
    assert publish(prepared.bundle, prepared.validations, target).status == "published"


KINDS = ["string", "integer", "number", "boolean", "date"]
CELLS = {"string": st.text(), "date": st.sampled_from(["2025-03-01", "", "."]),
         "integer": st.one_of(st.integers(-10**20, 10**20).map(str), st.sampled_from(["", "."])),
         "number": st.one_of(st.sampled_from(["", ".", "-0", "0.0", "2.50", "1e3", "1E-7", "12"]),
                             st.floats(allow_nan=False, allow_infinity=False).map(repr)),
         "boolean": st.sampled_from(["true", "false", "ja", "0", ""])}


@st.composite
def _tables(draw: st.DrawFn) -> tuple[Table, dict]:
    kinds = draw(st.lists(st.sampled_from(KINDS), max_size=5))
    names = draw(st.lists(st.text(min_size=1), min_size=len(kinds), max_size=len(kinds),
                          unique=True))
    rows = draw(st.lists(st.tuples(*(CELLS[k] for k in kinds)).map(list), max_size=6))
    schema = {"missingValues": ["", "."],
              "fields": [{"name": n, "type": k} for n, k in zip(names, kinds, strict=True)]}
    return Table(fields=names, rows=rows), schema


@settings(max_examples=300, deadline=None)
@given(_tables(), st.integers(1, 4))
def test_json_lines_are_what_json_dumps_gives_for_the_typed_records(
        drawn: tuple[Table, dict], split: int) -> None:
    table, schema = drawn
    with tempfile.TemporaryDirectory() as tmp:
        writer = JsonWriter(Path(tmp) / "t.json", schema)
        for start in range(0, len(table.rows), split):  # written in several chunks
            writer.write(Table(fields=table.fields, rows=table.rows[start:start + split]))
        writer.close()
        written = writer.path.read_text(encoding="utf-8")
    records = typed_records(table, schema)
    expected = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"
    assert written == expected
    assert json.loads(written) == records
