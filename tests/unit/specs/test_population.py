"""`population:` in catalog.yaml and its table: checked against population.schema.json, German
errors that name file, row and column and never quote a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.errors import ConfigError
from flows.specs.population import load_population
from tests.helpers import ROOT

BLOCK = """title: Katalog
population:
  path: einwohner.csv
  source: Statistisches Landesamt (Beispielwerte)
  reference_date: "2024-12-31"
"""


def _project(tmp_path: Path, catalog: str, table: str | None) -> Path:
    (tmp_path / "datapackages").mkdir()
    (tmp_path / "datapackages" / "catalog.yaml").write_text(catalog, encoding="utf-8")
    if table is not None:
        (tmp_path / "datapackages" / "einwohner.csv").write_text(table, encoding="utf-8")
    return tmp_path


def test_a_declared_table_is_read_with_source_date_and_years(tmp_path: Path) -> None:
    found = load_population(_project(tmp_path, BLOCK, "\ufeffags,jahr,einwohner\n"
                                     "07318000,2023,50100\n07318000,2024,50500\n"
                                     "07319000,2024,84000\n"))
    assert found is not None
    assert (found.source, found.reference_date) == ("Statistisches Landesamt (Beispielwerte)",
                                                    "2024-12-31")
    assert found.figures == {"07318000": {2023: 50100, 2024: 50500}, "07319000": {2024: 84000}}
    assert found.inhabitants("07318000", 2023) == 50100
    assert found.inhabitants("07318000") == 50500


def test_no_block_means_no_population(tmp_path: Path) -> None:
    assert load_population(_project(tmp_path, "title: Katalog\n", None)) is None


@pytest.mark.parametrize(("catalog", "expected"), [
    (BLOCK.replace("  source: Statistisches Landesamt (Beispielwerte)\n", ""),
     "Angabe 'population' ist ungültig ('source' is a required property)"),
    (BLOCK.replace('"2024-12-31"', '"31.12.2024"'), "Angabe 'population.reference_date'"),
    (BLOCK.replace('"2024-12-31"', '"2024-02-30"'), "kein gültiges Datum"),
    (BLOCK.replace("einwohner.csv", "../einwohner.csv"), "Angabe 'population.path'"),
    (BLOCK + "  farbe: rot\n", "population.schema.json"),
])
def test_a_wrong_block_is_named_in_german(tmp_path: Path, catalog: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_population(_project(tmp_path, catalog, "ags,einwohner\n07318000,1\n"))
    assert expected in caught.value.message
    assert caught.value.message.startswith("datapackages/catalog.yaml: ")


@pytest.mark.parametrize(("table", "expected"), [
    (None, "Die Einwohnertabelle datapackages/einwohner.csv (population.path) fehlt"),
    ("ags,anzahl\n07318000,5\n", "datapackages/einwohner.csv: Spalte einwohner fehlt"),
    ("ags,einwohner\n7318000,50000\n", "Zeile 2, Spalte ags: Der Wert ist kein achtstelliger"),
    ("ags,einwohner\n07318000,50000\n07319000,84.000\n",
     "Zeile 3, Spalte einwohner: Der Wert ist keine ganze Zahl über 0"),
    ("ags,einwohner,jahr\n07318000,50000,24\n", "Zeile 2, Spalte jahr"),
    ("ags,einwohner\n07318000,50000\n\n07318000,50001\n", "Zeile 4, Spalte ags: Der Wert steht "
     "doppelt"),
])
def test_a_wrong_table_names_file_row_and_column_without_quoting(
        tmp_path: Path, table: str | None, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_population(_project(tmp_path, BLOCK, table))
    assert expected in caught.value.message
    for value in ("7318000,", "84.000", "50001"):
        assert value not in caught.value.message


def test_the_example_project_declares_its_population_with_source_and_date() -> None:
    found = load_population(ROOT)
    assert found is not None and "Beispielwerte" in found.source
    assert found.reference_date == "2024-12-31" and len(found.figures) >= 3
