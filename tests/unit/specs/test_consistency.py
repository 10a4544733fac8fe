"""Contradicting declarations are refused when a dataset is loaded, before data is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.errors import ConfigError
from flows.specs import catalog

FOLDER = "fallzahlen-verwaltungsleistungen"
DATASET = f"{FOLDER}-musterstadt"  # Musterstadt's part of the harmonised counts


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_required_field_that_small_counts_empty_is_refused(project: Path) -> None:
    _edit(project / "schemas/fallzahlen-verwaltungsleistungen.schema.yaml",
          "type: integer\n    constraints: {minimum: 0}",
          "type: integer\n    constraints: {minimum: 0, required: true}")
    with pytest.raises(ConfigError, match="Pflichtfeld.*gesperrt"):
        catalog.load(project, DATASET, check=False)


@pytest.mark.parametrize(("declared", "fragment"), [
    ('"TT.MM.JJJJ"', "keine Platzhalter"),
    ('"%d.%m."', "kein Jahr"),
    ("{yearmonth: '%d.%m.%Y'}", "Typ yearmonth"),
])
def test_a_date_format_that_cannot_fit_is_refused(project: Path, declared: str,
                                                  fragment: str) -> None:
    _edit(project / f"datapackages/{FOLDER}/dataset.yaml", 'date_format: "%d.%m.%Y"',
          f"date_format: {declared}")
    with pytest.raises(ConfigError, match=fragment) as caught:
        catalog.load(project, DATASET, check=False)
    assert "date_format" in caught.value.message


def test_a_month_format_for_date_fields_of_a_month_schema_names_the_fix(project: Path) -> None:
    _edit(project / "schemas/fallzahlen-verwaltungsleistungen.schema.yaml", "type: date",
          "type: yearmonth")
    _edit(project / f"datapackages/{FOLDER}/dataset.yaml", 'date_format: "%d.%m.%Y"',
          'date_format: "%m.%Y"')
    with pytest.raises(ConfigError, match=r"date_format: \{yearmonth: '%m.%Y'\}"):
        catalog.load(project, DATASET, check=False)


def test_formats_per_type_are_loaded(project: Path) -> None:
    _edit(project / "schemas/fallzahlen-verwaltungsleistungen.schema.yaml", "type: date",
          "type: yearmonth")
    _edit(project / f"datapackages/{FOLDER}/dataset.yaml", 'date_format: "%d.%m.%Y"',
          "date_format: {yearmonth: '%m.%Y'}")
    (project / f"datapackages/{FOLDER}/rules.yaml").unlink()  # its period rule wants dates
    source = catalog.load(project, DATASET, check=False).resources[0].source
    assert source.format_for("yearmonth") == "%m.%Y" and source.format_for("year") is None
    assert source.format_for("date") == source.date_format == "%Y-%m-%d"


def test_allow_empty_and_limits_are_read(project: Path) -> None:
    _edit(project / f"datapackages/{FOLDER}/dataset.yaml", 'date_format: "%d.%m.%Y"',
          'date_format: "%d.%m.%Y"\n      max_cell_length: 200\n      max_columns: 12')
    spec = catalog.load(project, DATASET, check=False)
    assert spec.resources[0].source.max_cell_length == 200
    assert spec.resources[0].source.max_columns == 12
    assert spec.resources[0].allow_empty is False
