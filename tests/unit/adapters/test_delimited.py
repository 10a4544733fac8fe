"""The one CSV reader: read in chunks, a file gives the rows, row numbers and problems it gives
read all at once (as `collect` reads it), whatever the chunk size and however the encoding
check's blocks fall across multi-byte characters and lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.adapters.sources import delimited
from flows.model.tables import RawTable
from flows.stages.collect import collect
from tests.helpers import FIXTURES, resource

KOSTEN = "digitalisierung-kosten"
FALLZAHLEN = "fallzahlen-verwaltungsleistungen-musterstadt"
CONTEXT_KEYS = ("code", "severity", "row", "field", "message", "hint", "file")


def _problems(problems: list) -> list[tuple]:
    return [tuple(getattr(p, key) for key in CONTEXT_KEYS) for p in problems]


def _context(res, dataset: str, base: Path = FIXTURES) -> dict:
    return {"dataset": dataset, "resource": res.name, "file": res.source.display_path(base)}


def _chunked(res, dataset: str, rows: int | None) -> list[RawTable]:
    return list(delimited.read_chunks(res.source, _context(res, dataset), rows))


def _same_as_whole(whole: RawTable, chunks: list[RawTable], rows: int) -> None:
    assert [row for c in chunks for row in c.rows] == whole.rows
    assert [n for c in chunks for n in c.row_numbers] == whole.row_numbers
    assert _problems([p for c in chunks for p in c.problems]) == _problems(whole.problems)
    assert all(c.header == whole.header for c in chunks if c.rows)
    assert all(len(c.rows) <= rows for c in chunks)


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
def test_chunks_give_what_the_whole_file_gives(dataset: str, name: str, changes: dict,
                                               rows: int, block: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    res = resource(dataset, FIXTURES / name, **changes)
    whole = collect(res, dataset, FIXTURES)  # the file in one block of the encoding check
    (alone,) = _chunked(res, dataset, None)
    _same_as_whole(whole, [alone], len(whole.rows))
    monkeypatch.setattr(delimited, "BLOCK", block)
    _same_as_whole(whole, _chunked(res, dataset, rows), rows)


def test_every_csv_fixture_reads_the_same_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(FIXTURES.glob("*.csv")):
        dataset = KOSTEN if path.name.startswith("kosten") else FALLZAHLEN
        res = resource(dataset, path)
        whole = delimited.read(res.source, _context(res, dataset))
        monkeypatch.setattr(delimited, "BLOCK", 3)
        _same_as_whole(whole, _chunked(res, dataset, 2), 2)
        monkeypatch.undo()


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
    chunks = list(delimited.read_chunks(res.source, _context(res, KOSTEN, tmp_path), 1))
    assert "source-unreadable" in {p.code for p in whole.problems}
    assert _problems([p for c in chunks for p in c.problems]) == _problems(whole.problems)
    assert [row for c in chunks for row in c.rows] == whole.rows


def test_a_wrong_delimiter_is_reported_once_after_all_rows(tmp_path: Path) -> None:
    source = tmp_path / "komma.csv"
    source.write_bytes((FIXTURES / "kosten-valid.csv").read_bytes().replace(b";", b","))
    res = resource(KOSTEN, source)
    chunks = list(delimited.read_chunks(res.source, _context(res, KOSTEN, tmp_path), 2))
    whole = collect(res, KOSTEN, tmp_path)
    assert whole.problems[0].code == "source-unreadable"
    assert "Trennzeichen" in whole.problems[0].message
    assert _problems(chunks[-1].problems) == _problems(whole.problems)
    assert all(not c.problems for c in chunks[:-1])


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    source = tmp_path / "leer.csv"
    source.write_bytes(b"\r\n\r\n")
    res = resource(KOSTEN, source)
    (chunk,) = list(delimited.read_chunks(res.source, {"file": "leer.csv"}, 2))
    assert [p.code for p in chunk.problems] == ["source-unreadable"]
    assert "keine Kopfzeile" in chunk.problems[0].message


def test_blank_and_ragged_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    source = tmp_path / "luecken.csv"
    source.write_bytes(b"\r\n a ;b\r\n1;2\r\n;\r\n  ;  \r\n3\r\n4;5;6\r\n7;8;\r\n ;9\r\n")
    res = resource(KOSTEN, source)
    table = delimited.read(res.source, _context(res, KOSTEN, tmp_path))
    assert table.header == ["a", "b"]
    assert table.rows == [["1", "2"], ["3", ""], ["4", "5"], ["7", "8"], [" ", "9"]]
    assert table.row_numbers == [3, 6, 7, 8, 9]
    assert [(p.code, p.row) for p in table.problems] == [("missing-cell", 6), ("extra-cell", 7)]


@pytest.mark.parametrize("encoding", ["base64", "rot13", "undefined", "punycode", "latin-99"])
@pytest.mark.parametrize("data", [b"a;b\r\n1;2\r\n", b""])
def test_a_codec_that_is_no_text_encoding_is_unknown(encoding: str, data: bytes,
                                                     tmp_path: Path) -> None:
    source = tmp_path / "kosten.csv"
    source.write_bytes(data)
    res = resource(KOSTEN, source, encoding=encoding)
    problems = collect(res, KOSTEN, tmp_path).problems
    assert [(p.code, p.message) for p in problems] == [
        ("config-error", f"Unbekannte Zeichenkodierung '{encoding}' in dataset.yaml.")]


@pytest.mark.parametrize("block", [1, 2, 3, 4, 64 << 10])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_bom_does_not_shift_the_undecodable_byte(encoding: str, block: int, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbfa;b\r\n1;2\r\n\x81;3\r\n")
    monkeypatch.setattr(delimited, "BLOCK", block)
    (problem,) = collect(resource(KOSTEN, source, encoding=encoding), KOSTEN, tmp_path).problems
    assert problem.code == "source-encoding" and problem.row == 3
    assert f"nicht in {encoding} kodiert (Zeile 3, Byte 0x81)" in problem.message


@pytest.mark.parametrize("block", [1, 3, 64 << 10])
@pytest.mark.parametrize("bom", [b"", "\ufeff".encode("utf-16-le")])
def test_utf16_is_read_as_a_whole_decode_reads_it(bom: bytes, block: int, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a BOM in the machine's byte order (the incremental decoder would refuse it)."""
    source = tmp_path / "utf16.csv"
    data = bom + "Vorhaben;Kosten\r\nMeldebehörde;2\r\n".encode("utf-16-le")
    source.write_bytes(data)
    res = resource(KOSTEN, source, encoding="utf-16")
    whole = collect(res, KOSTEN, tmp_path)
    lines = [line.split(";") for line in data.decode("utf-16").splitlines()]
    assert ([whole.header, *whole.rows], whole.row_numbers) == (lines, [2])
    monkeypatch.setattr(delimited, "BLOCK", block)
    chunks = list(delimited.read_chunks(res.source, _context(res, KOSTEN, tmp_path), 1))
    _same_as_whole(whole, chunks, 1)


def test_utf8_read_as_cp1252_is_garbled_at_the_first_broken_umlaut(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "utf8.csv"
    source.write_text("Vorhaben;Kosten\nAmt;1\nMeldebehörde;2\n", encoding="utf-8")
    whole = collect(resource(KOSTEN, source), KOSTEN, tmp_path)
    monkeypatch.setattr(delimited, "BLOCK", 5)
    codec, problem = delimited.check_encoding(source, "cp1252", {"dataset": KOSTEN})
    assert codec == "cp1252" and problem is not None
    assert problem.row == 3 and problem.dataset == KOSTEN
    assert (problem.code, problem.message) == (whole.problems[0].code,
                                               whole.problems[0].message)
