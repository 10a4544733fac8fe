"""Reading declaration files: YAML into dicts, and the JSON meta-schemas they must follow.

The meta-schemas (`dataset.schema.json` for dataset.yaml, `rules.schema.json` for rules.yaml) are
package data in `flows/specs/meta/` and are read with importlib.resources, so an installed wheel
finds them without a checkout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from flows.errors import ConfigError

META_PACKAGE = "flows.specs"
META_FOLDER = "meta"


def read_yaml(path: Path, dataset: str) -> dict[str, Any]:
    """The YAML object in `path`.

    Raises:
        ConfigError: the file is missing, is not valid YAML or holds no mapping.
    """
    if not path.is_file():
        raise ConfigError(f"Datei {path.name} fehlt im Ordner datapackages/{dataset}/.",
                          dataset=dataset)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" in Zeile {mark.line + 1}" if mark else ""
        raise ConfigError(
            f"{path.name} von '{dataset}' ist kein gültiges YAML{where}: {exc}", dataset=dataset
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} von '{dataset}' muss ein YAML-Objekt sein.",
                          dataset=dataset)
    return data


def meta_schema_location(name: str) -> str:
    """Where the meta-schema `name` lies, as shown to staff: the path inside the installed
    package (the same path from the root of a checkout)."""
    return f"{META_PACKAGE.replace('.', '/')}/{META_FOLDER}/{name}.schema.json"


def allowed_keys_hint(name: str) -> str:
    """The German sentence pointing staff to the meta-schema `name`."""
    return (f"Erlaubte Angaben beschreibt das Meta-Schema {meta_schema_location(name)} "
            "im Paket kennzahlen.")


@cache
def meta_schema(name: str) -> dict[str, Any]:
    """The JSON meta-schema `name` (`dataset` or `rules`), read from the package data."""
    resource = files(META_PACKAGE) / META_FOLDER / f"{name}.schema.json"
    return json.loads(resource.read_text(encoding="utf-8"))


def first_schema_error(data: dict[str, Any], name: str) -> Any:
    """The first violation of the meta-schema `name` by `data` (by path), or None."""
    import jsonschema  # only needed when declarations load

    validator = jsonschema.Draft202012Validator(meta_schema(name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return errors[0] if errors else None


def check_internal(internal: dict[str, Any], dataset: str,
                   locate: Callable[[list[str]], str | None] | None = None) -> None:
    """Check a dataset.yaml against its meta-schema (`locate`: where a key at a path was
    really written, for a declaration derived from another, or None to name the path).

    Raises:
        ConfigError: the first violation, naming the key.
    """
    first = first_schema_error(internal, "dataset")
    if first is not None:
        keys = [str(p) for p in first.absolute_path]
        where = (locate(keys) if locate else None) or ".".join(keys) or "(oberste Ebene)"
        raise ConfigError(
            f"dataset.yaml von '{dataset}': Angabe '{where}' ist ungültig ({first.message}). "
            + allowed_keys_hint("dataset"), dataset=dataset)
