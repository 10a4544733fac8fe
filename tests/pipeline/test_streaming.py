"""Large CSV resources in chunks (flows/streaming.py) give what the in-memory path gives.

Each case runs `prepare.prepare` twice on the same project: once in memory, once streamed in
chunks of two rows (KENNZAHLEN_STREAM_BYTES=1), and compares status, problems, provenance,
protection counts and the bytes of every published file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.adapters.sources import delimited
from flows.run import prepare, streaming
from flows.specs import catalog
from flows.stages import protect
from tests.helpers import COUNTS, FIXTURES, MONTHLY

KOSTEN = "digitalisierung-kosten"
FALLZAHLEN = MONTHLY
SEEDED = FIXTURES / "projects" / "seeded"


def _without_rules(project: Path, name: str) -> None:
    folder = catalog.load(project, name, check=False).folder
    (folder / "rules.yaml").unlink(missing_ok=True)


def _both(project: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[prepare.Prepared, prepare.Prepared]:
    monkeypatch.delenv("KENNZAHLEN_STREAM_BYTES", raising=False)
    in_memory = prepare.prepare(project, name, tmp_path / "memory")
    monkeypatch.setenv("KENNZAHLEN_STREAM_BYTES", "1")
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 2)
    monkeypatch.setattr(delimited, "BLOCK", 7)  # the encoding check crosses blocks
    calls: list[str] = []
    chunked = streaming.process
    monkeypatch.setattr(streaming, "process",
                        lambda resource, *args: calls.append(resource.name) or chunked(
                            resource, *args))
    streamed = prepare.prepare(project, name, tmp_path / "streamed")
    assert calls, "the second run did not stream"
    return in_memory, streamed


def _problems(prepared: prepare.Prepared) -> list[tuple[Any, ...]]:
    return sorted((p.code, p.severity, p.resource or "", p.row or 0, p.field or "", p.message)
                  for p in prepared.result.problems)


def _provenance(prepared: prepare.Prepared) -> dict[str, Any]:
    return {name: {k: v for k, v in found.items() if k != "fetched_at"}
            for name, found in prepared.result.provenance.items()}


def _assert_same(in_memory: prepare.Prepared, streamed: prepare.Prepared) -> None:
    assert streamed.result.status == in_memory.result.status
    assert _problems(streamed) == _problems(in_memory)
    assert _provenance(streamed) == _provenance(in_memory)
    assert streamed.result.protection == in_memory.result.protection
    assert streamed.result.rows == in_memory.result.rows
    if in_memory.bundle is None:
        assert streamed.bundle is None
        return
    assert streamed.bundle is not None
    assert streamed.bundle.content_hash == in_memory.bundle.content_hash
    for ours, theirs in zip(streamed.bundle.files, in_memory.bundle.files, strict=True):
        assert ours.path.read_bytes() == theirs.path.read_bytes(), ours.name


@pytest.mark.parametrize("name", [KOSTEN, FALLZAHLEN])
def test_a_valid_export_streamed_gives_the_same_bundle(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _without_rules(project, name)
    in_memory, streamed = _both(project, name, tmp_path, monkeypatch)
    assert in_memory.result.status == "valid"
    _assert_same(in_memory, streamed)
    assert not any(p.code == "streaming-not-possible" for p in streamed.result.problems)


@pytest.mark.parametrize("fixture", [
    "kosten-invalid-bad-values.csv", "kosten-invalid-ragged-row.csv",
    "kosten-invalid-utf8-declared-cp1252.csv", "kosten-valid.csv",
])
def test_a_bad_export_streamed_gives_the_same_problems(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str) -> None:
    _without_rules(project, KOSTEN)
    shutil.copy(FIXTURES / fixture,
                project / "datapackages" / KOSTEN / "source" / "roadmap-kosten.csv")
    _assert_same(*_both(project, KOSTEN, tmp_path, monkeypatch))


def test_a_non_numeric_count_is_found_in_a_later_chunk(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_rules(project, FALLZAHLEN)
    shutil.copy(FIXTURES / "fallzahlen-invalid-non-numeric-count.csv",
                project / "datapackages" / COUNTS / "source" / "fallzahlen.csv")
    in_memory, streamed = _both(project, FALLZAHLEN, tmp_path, monkeypatch)
    assert in_memory.result.status == "invalid"
    _assert_same(in_memory, streamed)


def test_personal_data_is_counted_over_the_whole_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded export (names, e-mail, IBAN, formulas, small counts, undeclared columns),
    twelve rows long, with at most three findings shown per field: chunks must not each show
    their own first three."""
    project = tmp_path / "seeded"
    shutil.copytree(SEEDED, project)
    folder = project / "datapackages" / "faelle-roh"
    internal = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    del internal["resources"]["faelle"]["protect"]["small_counts"]["groups"]
    (folder / "dataset.yaml").write_text(yaml.safe_dump(internal), encoding="utf-8")
    source = folder / "source" / "faelle.csv"
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join([header, *rows * 3, "01.03.2026;=SUMME(A1);4;x;;;;"]) + "\n",
                      encoding="utf-8")
    monkeypatch.setattr(protect, "MAX_FINDINGS_PER_FIELD", 3)
    monkeypatch.setattr(streaming, "MAX_FINDINGS_PER_FIELD", 3)
    in_memory, streamed = _both(project, "faelle-roh", tmp_path, monkeypatch)
    codes = {p.code for p in in_memory.result.problems}
    assert {"personal-data", "extra-label", "formula-neutralised"} <= codes
    assert any(p.code == "personal-data" and "insgesamt" in p.message
               for p in in_memory.result.problems)
    _assert_same(in_memory, streamed)


def test_what_needs_the_whole_table_is_kept_in_memory_and_said(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNZAHLEN_STREAM_BYTES", "1")
    prepared = prepare.prepare(project, FALLZAHLEN, tmp_path / "w")  # it has rules.yaml
    assert prepared.result.status == "valid"
    (notice,) = [p for p in prepared.result.problems if p.code == "streaming-not-possible"]
    assert notice.severity == "info" and "Geschäftsregeln (rules.yaml)" in notice.message
    assert notice.file and notice.file.endswith("fallzahlen.csv")


def test_a_resource_below_the_size_limit_is_read_in_memory(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.specs import catalog

    monkeypatch.delenv("KENNZAHLEN_STREAM_BYTES", raising=False)
    (resource,) = catalog.load(project, KOSTEN).resources
    assert streaming.decide(resource) == (False, None)
    monkeypatch.setenv("KENNZAHLEN_STREAM_BYTES", "viel")
    with pytest.raises(streaming.ConfigError, match="KENNZAHLEN_STREAM_BYTES"):
        streaming.decide(resource)


def test_a_flagged_cell_never_reaches_the_spool_file(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunked path writes each chunk after protect: flagged cells go to disk blank."""
    project = tmp_path / "seeded"
    shutil.copytree(SEEDED, project)
    spec = prepare.catalog.load(project, "faelle-roh")
    (resource,) = spec.resources
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 2)
    written: list[str] = []
    real_close = streaming.RowWriter.close

    def close(writer: streaming.RowWriter) -> None:
        real_close(writer)
        written.append(writer.csv_path.read_text(encoding="utf-8"))

    monkeypatch.setattr(streaming.RowWriter, "close", close)
    done = streaming.process(resource, "faelle-roh", "faelle.csv", tmp_path / "spool")
    assert {p.row for p in done.problems if p.code == "personal-data"} == {2, 3, 4, 5}
    (text,) = written
    for value in ("erika.mustermann@example.org", "Max Mustermann", "0176 12345678",
                  "DE02 1203 0000 0000 2020 51", "03.04.1971"):
        assert value not in text
    assert "Wohngeld" in text  # the rest of the row is written


def test_the_next_run_removes_a_spool_a_killed_run_left(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    root = tmp_path / f"{streaming.SPOOL_ROOT}-{os.getuid()}"
    root.mkdir(mode=0o700)
    dead = root / "999999999-abc"  # no such process
    dead.mkdir()
    (dead / "faelle.csv").write_text("left behind", encoding="utf-8")
    with streaming.private_spool(None) as spool:
        assert spool.parent == root and spool.is_dir()
        assert not dead.exists()
        assert oct(root.stat().st_mode & 0o777) == "0o700"
    assert not spool.exists()


def test_a_streamed_resource_reports_its_rows(project: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.run import throughput

    _without_rules(project, KOSTEN)
    monkeypatch.setenv("KENNZAHLEN_STREAM_BYTES", "1")
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 2)
    seen: list[throughput.RowsRead] = []
    with throughput.reporting(seen.append, every=0):
        prepared = prepare.prepare(project, KOSTEN, tmp_path / "work")
    rows = prepared.result.rows["kosten"]
    assert rows > 2
    assert [item.rows for item in seen] == [*range(2, rows + 1, 2), *([rows] if rows % 2 else []),
                                            rows]
    assert seen[-1].finished and seen[-1].dataset == KOSTEN
