"""Collect in chunks: every CSV `collect` reads gives the same rows, row numbers and problems
when read by `read_chunks`, whatever the chunk size and however the encoding check's blocks
fall across multi-byte characters and lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.model.tables import RawTable
from flows.stages import collect_stream
from flows.stages.collect import collect
from tests.helpers import FIXTURES, resource

KOSTEN = "digitalisierung-kosten"
FALLZAHLEN = "fallzahlen-verwaltungsleistungen"
CONTEXT_KEYS = ("code", "severity", "row", "field", "message", "hint", "file")


def _problems(problems: list) -> list[tuple]:
    return [tuple(getattr(p, key) for key in CONTEXT_KEYS) for p in problems]


def _chunked(res, dataset: str, rows: int) -> list[RawTable]:
    context = {"dataset": dataset, "resource": res.name,
               "file": res.source.display_path(FIXTURES)}
    return list(collect_stream.read_chunks(res, context, rows))


def _same_as_collect(res, dataset: str, rows: int) -> list[RawTable]:
    whole = collect(res, dataset, FIXTURES)
    chunks = _chunked(res, dataset, rows)
    assert [row for c in chunks for row in c.rows] == whole.rows
    assert [n for c in chunks for n in c.row_numbers] == whole.row_numbers
    assert _problems([p for c in chunks for p in c.problems]) == _problems(whole.problems)
    assert all(c.header == whole.header for c in chunks if c.rows)
    assert all(len(c.rows) <= rows for c in chunks)
    return chunks


CASES = [
    (KOSTEN, "kosten-valid.csv", {}),
    (KOSTEN, "kosten-invalid-ragged-row.csv", {}),
    (KOSTEN, "kosten-invalid-bad-values.csv", {}),
    (KOSTEN, "kosten-invalid-utf8-declared-cp1252.csv", {}),
    (KOSTEN, "kosten-valid.csv", {"encoding": "utf-8"}),
    (KOSTEN, "kosten-valid.csv", {"encoding": "latin-99"}),
    (FALLZAHLEN, "fallzahlen-invalid-non-numeric-count.csv", {}),
    (FALLZAHLEN, "fallzahlen-valid-utf8-no-bom-comma.csv", {"delimiter": ","}),
]


@pytest.mark.parametrize("rows", [1, 2, 1000])
@pytest.mark.parametrize("block", [1, 3, 64 << 10])
@pytest.mark.parametrize(("dataset", "name", "changes"), CASES)
def test_chunks_give_what_collect_gives(dataset: str, name: str, changes: dict, rows: int,
                                        block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect_stream, "BLOCK", block)
    _same_as_collect(resource(dataset, FIXTURES / name, **changes), dataset, rows)


def test_provenance_is_on_the_first_chunk_and_the_last_one_closes_the_file() -> None:
    chunks = _chunked(resource(KOSTEN, FIXTURES / "kosten-invalid-ragged-row.csv"), KOSTEN, 1)
    assert chunks[0].provenance["kind"] == "csv"
    assert chunks[0].provenance["file"].endswith("kosten-invalid-ragged-row.csv")
    assert all(not c.provenance for c in chunks[1:])
    rows = collect(resource(KOSTEN, FIXTURES / "kosten-invalid-ragged-row.csv"), KOSTEN,
                   FIXTURES).rows
    assert len(chunks) == len(rows) + 1 and chunks[-1].rows == []


def test_a_broken_quote_stops_reading_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "kaputt.csv"
    text = (FIXTURES / "kosten-valid.csv").read_bytes().decode("cp1252").splitlines()
    text.insert(2, 'Ein "kaputtes" Feld;"offen;1;2')
    source.write_bytes("\r\n".join(text).encode("cp1252"))
    res = resource(KOSTEN, source)
    whole = collect(res, KOSTEN, tmp_path)
    context = {"dataset": KOSTEN, "resource": res.name, "file": "kaputt.csv"}
    chunks = list(collect_stream.read_chunks(res, context, 1))
    assert "source-unreadable" in {p.code for p in whole.problems}
    assert _problems([p for c in chunks for p in c.problems]) == _problems(whole.problems)
    assert [row for c in chunks for row in c.rows] == whole.rows


def test_a_wrong_delimiter_is_reported_once_after_all_rows(tmp_path: Path) -> None:
    source = tmp_path / "komma.csv"
    source.write_bytes((FIXTURES / "kosten-valid.csv").read_bytes().replace(b";", b","))
    res = resource(KOSTEN, source)
    context = {"dataset": KOSTEN, "resource": res.name, "file": "komma.csv"}
    chunks = list(collect_stream.read_chunks(res, context, 2))
    whole = collect(res, KOSTEN, tmp_path)
    assert whole.problems[0].code == "source-unreadable"
    assert "Trennzeichen" in whole.problems[0].message
    assert _problems(chunks[-1].problems) == _problems(whole.problems)
    assert all(not c.problems for c in chunks[:-1])


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    source = tmp_path / "leer.csv"
    source.write_bytes(b"\r\n\r\n")
    res = resource(KOSTEN, source)
    (chunk,) = list(collect_stream.read_chunks(res, {"file": "leer.csv"}, 2))
    assert [p.code for p in chunk.problems] == ["source-unreadable"]
    assert "keine Kopfzeile" in chunk.problems[0].message


def test_utf8_read_as_cp1252_is_garbled_at_the_first_broken_umlaut(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect_stream, "BLOCK", 5)
    source = tmp_path / "utf8.csv"
    source.write_text("Vorhaben;Kosten\nAmt;1\nMeldebehörde;2\n", encoding="utf-8")
    codec, problem = collect_stream.check_encoding(source, "cp1252", {"dataset": KOSTEN})
    assert codec == "cp1252" and problem is not None
    assert problem.row == 3 and problem.dataset == KOSTEN
    whole = collect(resource(KOSTEN, source), KOSTEN, tmp_path)
    assert (problem.code, problem.message) == (whole.problems[0].code,
                                               whole.problems[0].message)
