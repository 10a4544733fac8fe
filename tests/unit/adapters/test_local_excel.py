"""The Excel-ready download, read back the way a German Excel reads it: typed cells (numbers that
sum, dates shown TT.MM.JJJJ), umlauts intact, one column per field, the marker kept."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from flows.adapters.local import excel
from flows.adapters.local.target import LocalCatalog, write_downloads
from flows.run import sequence
from tests.helpers import MONTHLY, ROOT


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("excel")
    prepared = sequence.prepare(ROOT, MONTHLY, root / "w")
    assert prepared.bundle is not None
    LocalCatalog(root / "catalog").publish(prepared.bundle)
    return root / "catalog" / MONTHLY


def test_the_xlsx_opens_with_typed_columns_as_excel_shows_them(folder: Path) -> None:
    book = load_workbook(folder / "fallzahlen.xlsx")
    assert book.sheetnames == ["Daten", "Erläuterungen"]
    sheet = book["Daten"]
    header = [c.value for c in sheet[1]]
    assert header == ["Monat (erster Tag)", "Verwaltungsleistung", "Zugangskanal",
                      "Anzahl der Fälle", "Mittlere Bearbeitungsdauer (Tage)"]
    with (folder / "fallzahlen.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert sheet.max_row == len(rows) + 1 and sheet.max_column == 5
    first = [c for c in sheet[2]]
    assert first[0].value == datetime(2021, 1, 1) and first[0].number_format == "DD.MM.YYYY"
    assert first[1].value == "Personalausweis beantragen"
    assert first[3].value == 37 and first[3].data_type == "n"
    assert first[4].value == pytest.approx(2.9) and first[4].data_type == "n"
    # a suppressed count stays the marker (text), it does not become 0 or empty
    at = next(n for n, row in enumerate(rows) if row[3] == ".")
    assert sheet.cell(row=at + 2, column=4).value == "."
    # a sum over the column in Excel equals the sum of the published numbers
    total = sum(int(r[3]) for r in rows if r[3] not in ("", "."))
    assert sum(c.value for (c,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4)
               if isinstance(c.value, int)) == total
    notes = [[c.value for c in row] for row in book["Erläuterungen"].iter_rows()]
    assert ["Anzahl der Fälle", "anzahl", notes[4][2]] in notes
    assert any("gesperrter Wert" in str(row[0]) for row in notes)
    assert any(row[0] == "Quellenangabe" and "Stadt Musterstadt" in row[1] for row in notes)


def test_pandas_reads_the_xlsx_as_numbers_and_dates(folder: Path) -> None:
    import pandas as pd

    frame = pd.read_excel(folder / "fallzahlen.xlsx", sheet_name="Daten", na_values=["."])
    assert str(frame["Monat (erster Tag)"].dtype).startswith("datetime64")
    assert frame["Mittlere Bearbeitungsdauer (Tage)"].dtype.kind == "f"
    assert frame["Zugangskanal"].isin(["online", "Schalter", "Post"]).all()


def test_a_table_too_long_for_excel_gets_no_excel_file(folder: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import shutil

    shutil.copy(folder / "fallzahlen.csv", tmp_path / "fallzahlen.csv")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    monkeypatch.setattr(excel, "MAX_ROWS", 100)
    assert write_downloads(tmp_path, descriptor) == []
    assert not (tmp_path / "fallzahlen.xlsx").exists()
    monkeypatch.setattr(excel, "MAX_ROWS", 10_000)
    assert write_downloads(tmp_path, descriptor) == [tmp_path / "fallzahlen.xlsx"]
