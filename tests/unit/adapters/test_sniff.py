"""sniff: files that are not delimited text are named by their first bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from flows.adapters.sources.sniff import sniff
from tests.fixtures.broken.make_fixtures import FILES, GOOD


@pytest.mark.parametrize(("name", "what", "kind"), [
    ("arbeitsmappe.xlsx.csv", "Excel-Arbeitsmappe", "xlsx"),
    ("tabelle.ods.csv", "OpenDocument-Tabelle", "ods"),
    ("brief.docx.csv", "Word-Dokument", None),
    ("archiv.zip.csv", "ZIP-Archiv", None),
    ("export.csv.gz", "gzip", None),
    ("export.csv.bz2", "bzip2", None),
    ("export.csv.xz", "xz", None),
    ("bericht.pdf.csv", "PDF", None),
    ("diagramm.png.csv", "PNG", None),
    ("foto.jpg.csv", "JPEG", None),
    ("animation.gif.csv", "GIF", None),
    ("alt-excel.xls.csv", "Excel 97", None),
])
def test_binary_files_are_named(tmp_path: Path, name: str, what: str, kind: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(FILES[name]())
    found = sniff(path)
    assert found is not None and what in found.what and found.kind == kind
    assert found.message("CSV-Datei").startswith("Die Datei ist ")


@pytest.mark.parametrize(("data", "wide"), [
    (codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"), "utf-16"),
    (GOOD.encode("utf-16-le"), "utf-16"),  # no BOM: every other byte is NUL
    (GOOD.encode("utf-16-be"), "utf-16"),
    (codecs.BOM_UTF32_LE + GOOD.encode("utf-32-le"), "utf-32"),
    (GOOD.encode("utf-32-le"), "utf-32"),
])
def test_utf16_and_utf32_are_recognised_unless_declared(tmp_path: Path, data: bytes,
                                                         wide: str) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(data)
    found = sniff(path, "cp1252")
    assert found is not None and found.encoding == wide
    assert f"`encoding: {wide}`" in found.message("CSV-Datei", "cp1252")
    assert "nicht in cp1252" in found.message("CSV-Datei", "cp1252")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or wide == "utf-32":
        assert sniff(path, wide) is None  # declared: read as such


@pytest.mark.parametrize("data", [
    GOOD.encode("utf-8"), GOOD.encode("cp1252"), codecs.BOM_UTF8 + GOOD.encode(), b"",
    b"a;b\r\n1;\x00\r\n",  # one NUL in text is a cell problem, not UTF-16
])
def test_text_files_pass(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "text.csv"
    path.write_bytes(data)
    assert sniff(path) is None


def test_a_text_file_declared_as_workbook_is_named(tmp_path: Path) -> None:
    from flows.adapters.sources.sniff import sniff_workbook

    path = tmp_path / "export.xlsx"
    path.write_bytes(GOOD.encode("cp1252"))
    found = sniff_workbook(path)
    assert found is not None and "`kind: csv`" in found.message("XLSX-Arbeitsmappe")
    path.write_bytes(FILES["arbeitsmappe.xlsx.csv"]())
    assert sniff_workbook(path).kind == "xlsx"  # type: ignore[union-attr]
