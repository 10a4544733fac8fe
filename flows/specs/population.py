"""The declared population table: inhabitants per member, for figures per 1,000 inhabitants.

Declared in `datapackages/catalog.yaml` (checked against the meta-schema
`population.schema.json`):

    population:
      path: einwohner.csv                 # relative to datapackages/
      source: Statistisches Landesamt …   # named on every comparison page
      reference_date: "2024-12-31"        # Stichtag of the figures

The CSV (UTF-8, comma-separated) has the columns `ags` (8 digits), `einwohner` (a whole number
above 0) and optionally `jahr` (4 digits): with `jahr` a period uses the figure of its own year,
else of the latest earlier year, else the earliest one. Errors name the file, the row and the
column, never a cell's value.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from flows.errors import ConfigError
from flows.specs.loading import allowed_keys_hint, first_schema_error

COLUMNS = ("ags", "einwohner")
YEAR = "jahr"
AGS = re.compile(r"^\d{8}$")
WHERE = "datapackages/catalog.yaml"


@dataclass(frozen=True)
class Population:
    """Inhabitants per AGS (and year, if the table has years)."""

    path: str
    source: str
    reference_date: str
    figures: dict[str, dict[int | None, int]] = field(default_factory=dict)
    """Per AGS: inhabitants per year (None: the table has no years)."""

    def inhabitants(self, ags: str, year: int | None = None) -> int | None:
        """The inhabitants of `ags` for `year` (see module docstring), or None if unknown."""
        by_year = self.figures.get(ags) or {}
        if None in by_year or not by_year:
            return by_year.get(None)
        if year is None:
            return by_year[max(y for y in by_year if y is not None)]
        earlier = [y for y in by_year if y is not None and y <= year]
        chosen = max(earlier) if earlier else min(y for y in by_year if y is not None)
        return by_year[chosen]


def load_population(project: Path) -> Population | None:
    """`population:` of `datapackages/catalog.yaml` with its table, or None if not declared.

    Raises:
        ConfigError: the block does not follow population.schema.json, or the table is missing
            or malformed (German message naming file, row and column).
    """
    path = project / "datapackages" / "catalog.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    block = data.get("population") if isinstance(data, dict) else None
    if block is None:
        return None
    if not isinstance(block, dict):
        raise ConfigError(f"{WHERE}: Angabe 'population' muss ein Objekt mit path, source und "
                          "reference_date sein. " + allowed_keys_hint("population"))
    first = first_schema_error(block, "population")
    if first is not None:
        where = ".".join(str(p) for p in ["population", *first.absolute_path])
        raise ConfigError(f"{WHERE}: Angabe '{where}' ist ungültig ({first.message}). "
                          + allowed_keys_hint("population"))
    try:
        date.fromisoformat(block["reference_date"])
    except ValueError:
        raise ConfigError(f"{WHERE}: Angabe 'population.reference_date' ist kein gültiges "
                          "Datum. Bitte als JJJJ-MM-TT angeben, z. B. 2024-12-31.") from None
    figures = read_population_table(project / "datapackages" / block["path"],
                                    f"datapackages/{block['path']}")
    return Population(block["path"], block["source"].strip(), block["reference_date"], figures)


def read_population_table(path: Path, shown: str) -> dict[str, dict[int | None, int]]:
    """The CSV of a population table (see module docstring); `shown` is its name in messages.

    Raises:
        ConfigError: the file is missing, lacks a column, or a row is malformed.
    """
    if not path.is_file():
        raise ConfigError(f"{WHERE}: Die Einwohnertabelle {shown} (population.path) fehlt. "
                          "Bitte die Datei anlegen oder den Pfad korrigieren.")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise ConfigError(f"{shown}: Spalte {', '.join(missing)} fehlt. Die Einwohnertabelle "
                              "braucht die Spalten ags und einwohner, optional jahr.")
        at = {name: header.index(name) for name in (*COLUMNS, YEAR) if name in header}
        figures: dict[str, dict[int | None, int]] = {}
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: (row[n].strip() if n < len(row) else "") for name, n in at.items()}
            ags, count = cells["ags"], cells["einwohner"]
            if not AGS.fullmatch(ags):
                raise _row_error(shown, number, "ags", "ist kein achtstelliger Gemeindeschlüssel")
            if not count.isdigit() or int(count) == 0:
                raise _row_error(shown, number, "einwohner",
                                 "ist keine ganze Zahl über 0 (ohne Tausenderpunkte)")
            year: int | None = None
            if YEAR in cells:
                if not re.fullmatch(r"\d{4}", cells[YEAR]):
                    raise _row_error(shown, number, YEAR, "ist keine vierstellige Jahreszahl")
                year = int(cells[YEAR])
            if year in figures.get(ags, {}):
                raise _row_error(shown, number, "ags",
                                 "steht doppelt (dieser Gemeindeschlüssel"
                                 + (" in diesem Jahr" if year else "") + " kommt schon vor)")
            figures.setdefault(ags, {})[year] = int(count)
    return figures


def _row_error(shown: str, number: int, column: str, what: str) -> ConfigError:
    return ConfigError(f"{shown}, Zeile {number}, Spalte {column}: Der Wert {what}. Bitte in der "
                       "Datei korrigieren.")
