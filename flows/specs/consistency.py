"""Contradictions between a resource's declarations, found when the dataset is loaded.

Each declaration file may be valid on its own and still contradict another: a field that the
Table Schema requires but small-count protection empties, a `date_format` that cannot describe
the fields it applies to. Found late, such a contradiction fails only on the night a small count
or a date appears, and the message then blames the source file. Here it is a usage error
(`ConfigError`, exit 2) before any data is read, naming the file, the key and what to change.
"""

from __future__ import annotations

from typing import Any

from flows.errors import ConfigError
from flows.specs.datasets import ProtectSpec, SourceSpec
from flows.validation import dates


def period_formats(declared: Any) -> dict[str, Any]:
    """The SourceSpec settings for a declared `date_format`: a string is the format of `date`
    fields; a mapping gives one per field type (`date`, `yearmonth`, `year`)."""
    if declared is None:
        return {}
    formats = {"date": str(declared)} if isinstance(declared, str) else dict(declared)
    settings: dict[str, Any] = {"period_formats": formats}
    if "date" in formats:
        settings["date_format"] = formats["date"]
    return settings


def check_resource(schema: dict[str, Any], source: SourceSpec, protect: ProtectSpec,
                   where: str, *, dataset: str, aggregated: bool) -> None:
    """Refuse contradicting declarations of one resource.

    Args:
        schema: the resource's Table Schema.
        source: its source, with the declared date formats.
        protect: its protection rules.
        where: German location prefix, e.g. "dataset.yaml von 'x', resources.y".
        dataset: dataset name for the error.
        aggregated: the resource declares `aggregate` (its schema describes the result, so the
            date formats apply to source fields the schema does not list).

    Raises:
        ConfigError: the first contradiction found.
    """
    fields = {f["name"]: f for f in schema.get("fields", [])}
    for name in protect.small_count_fields:
        if (fields.get(name, {}).get("constraints") or {}).get("required"):
            raise ConfigError(
                f"{where}.protect.small_counts: Feld '{name}' ist im Table Schema ein Pflichtfeld "
                "(constraints.required) und wird zugleich bei kleinen Fallzahlen gesperrt; eine "
                "gesperrte Zelle wäre dann ein Fehler. Entweder required im Schema entfernen oder "
                "das Feld nicht sperren.", dataset=dataset)
    types = {f.get("type", "string") for f in fields.values()}
    for ftype, fmt in source.period_formats.items():
        reason = dates.problem(ftype, fmt)
        if reason:
            raise ConfigError(f"{where}.source.date_format: {reason}.", dataset=dataset)
        other = next((t for t in ("date", "yearmonth", "year") if t in types), None)
        if aggregated or ftype in types or other is None:
            continue  # a format without any field it could describe changes nothing
        raise ConfigError(
            f"{where}.source.date_format: Das Table Schema hat kein Feld vom Typ {ftype}, für "
            f"das das Format '{fmt}' gelten könnte. Für Felder vom Typ {other}: "
            f"date_format: {{{other}: '{fmt}'}}.", dataset=dataset)
