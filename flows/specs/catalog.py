"""The declared datasets: `datapackages/<slug>/` folders plus the Table Schemas in `schemas/`.

Each folder holds a public `datapackage.yaml` (a Frictionless Data Package whose resources name
their schema, `schema: <table>`) and an internal `dataset.yaml` (where the data comes from and
where it goes). Loading checks both before any data is read and raises `ConfigError` with a German
message that names the file and the key.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from flows.errors import ConfigError, UnknownDatasetError
from flows.metadata import descriptor as metadata
from flows.metadata import reference
from flows.specs import harmonised, members
from flows.specs.consistency import check_resource, period_formats
from flows.specs.datasets import (
    AggregateSpec,
    DatasetSpec,
    ProtectSpec,
    ResourceSpec,
    SourceSpec,
)
from flows.specs.harmonised import harmonised_resource
from flows.specs.loading import check_internal, read_yaml
from flows.specs.rules import load_rules, plausibility_spec

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def find_project_dir(start: Path | None = None) -> Path:
    """The project folder (holding `datapackages/` and `schemas/`): $KENNZAHLEN_PROJECT, else the
    nearest parent of the working directory (or `start`) holding both, else the working directory
    itself; `dataset_names` and `load` then say that no project was found."""
    if os.environ.get("KENNZAHLEN_PROJECT"):
        return Path(os.environ["KENNZAHLEN_PROJECT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "datapackages").is_dir() and (candidate / "schemas").is_dir():
            return candidate
    return here


def require_project(project: Path) -> Path:
    """`project/datapackages`, the folder of the dataset declarations.

    Raises:
        ConfigError: the folder does not exist (no project found, or a wrong project given).
    """
    root = project / "datapackages"
    if not root.is_dir():
        raise ConfigError(
            f"Kein Projektordner gefunden: {project} enthält keinen Ordner datapackages/. "
            "KENNZAHLEN_PROJECT setzen oder --project angeben (der Ordner mit datapackages/ und "
            "schemas/), oder kennzahlen in diesem Ordner aufrufen."
        )
    return root


def dataset_names(project: Path) -> list[str]:
    """The declared datasets, sorted.

    Raises:
        ConfigError: `project` has no folder datapackages/.
    """
    root = require_project(project)
    return sorted(name for p in root.iterdir() if (p / "datapackage.yaml").is_file()
                  for name in harmonised.expand(root, p.name))


def in_waves(project: Path, names: list[str]) -> list[list[str]]:
    """`names` in the order they must run: a dataset whose progress report (progress.yaml)
    shows key figures of other datasets of `names` comes in a later wave than those, so that
    the report shows this run's figures and a second, unchanged run changes nothing. Within a
    wave the given order is kept; a circle of references ends up in one last wave."""
    root = require_project(project)  # a combined table waits for its members, too
    needs = {name: (_linked(project, name) | harmonised.parts_of(root, name)) & set(names)
             - {name} for name in names}
    waves: list[list[str]] = []
    done: set[str] = set()
    while len(done) < len(names):
        wave = [n for n in names if n not in done and needs[n] <= done]
        wave = wave or [n for n in names if n not in done]
        waves.append(wave)
        done.update(wave)
    return waves


def _linked(project: Path, name: str) -> set[str]:
    """The datasets whose figures `name`'s progress report shows (none if it has no report or
    its declaration cannot be read; loading the dataset reports that)."""
    path = project / "datapackages" / name / "progress.yaml"
    if not path.is_file():
        return set()
    try:
        data = read_yaml(path, name)
    except ConfigError:
        return set()
    figures = data.get("key_figures") if isinstance(data, dict) else None
    return {str(f["dataset"]) for f in figures or [] if isinstance(f, dict) and f.get("dataset")}


def load(project: Path, name: str, *, check: bool = True) -> DatasetSpec:
    """Load and check one dataset's declaration (`check=False` skips the frictionless check of
    the descriptor, for quick listings).

    Raises:
        UnknownDatasetError: no folder `datapackages/<name>/` exists.
        ConfigError: `project` has no folder datapackages/, or a descriptor, dataset.yaml or
            schema is missing or invalid.
    """
    origin = harmonised.find(require_project(project), name)
    if origin is None:
        known = ", ".join(dataset_names(project)) or "keine"
        raise UnknownDatasetError(
            f"Unbekannter Datensatz '{name}'. Deklarierte Datensätze: {known}. "
            f"Ein neuer Datensatz braucht den Ordner datapackages/{name}/ mit datapackage.yaml "
            "und dataset.yaml.",
            dataset=name,
        )
    folder = origin.folder
    raw = read_yaml(folder / "datapackage.yaml", folder.name)
    internal = read_yaml(folder / "dataset.yaml", folder.name)
    check_internal(internal, folder.name)
    if harmonised.member_ids(internal):
        raw, internal = harmonised.view(project, origin, raw, internal)
    member = members.resolve(members.load_members(project), internal.get("member"), name)
    descriptor = metadata.complete(raw, members.inherited(metadata.load_catalog(project), member))
    owner_org, organization_title = members.organisation(internal, member, name)
    if descriptor.get("name") != name:
        raise ConfigError(
            f"datapackage.yaml von '{name}': 'name' ist '{descriptor.get('name')}', muss aber dem "
            f"Ordnernamen '{name}' entsprechen (er ist auch der Kurzname im Portal).",
            dataset=name,
        )
    if name == members.MEMBERS_FOLDER:
        raise ConfigError(
            f"Der Datensatzname '{name}' ist vergeben: unter {name}/ liegen im veröffentlichten "
            "Katalog die Kataloge der Mitglieder eines Verbunds. Bitte Ordner und 'name' in "
            "datapackage.yaml anders nennen, z. B. 'mitglieder-liste'.",
            dataset=name,
        )
    resources = tuple(
        _resource(project, folder, name, declared, internal)
        for declared in descriptor.get("resources") or []
    )
    if not resources:
        raise ConfigError(
            f"datapackage.yaml von '{name}' deklariert keine Ressource (resources).", dataset=name
        )
    rules = load_rules(folder, name, {r.name: r.schema for r in resources})
    resources = tuple(dataclasses.replace(r, rules=rules.get(r.name, ())) for r in resources)
    if origin.combined:
        resources = tuple(harmonised_resource(r) for r in resources)
    spec = DatasetSpec(
        name=name,
        folder=folder,
        descriptor=descriptor,
        resources=resources,
        owner_org=owner_org,
        organization_title=organization_title,
        approval=dict(internal.get("approval") or {}),
        notify=dict(internal.get("notify") or {}),
        member=member.id if member else None,
        parts=origin.parts,
    )
    if check:
        found = metadata.check(spec.public_descriptor(), name, reference.find(project))
        if found:
            raise InvalidMetadataError(found[0].message, dataset=name, problems=found)
        _check_descriptor(spec)
    return spec


class InvalidMetadataError(ConfigError):
    """The DCAT-AP.de metadata of a descriptor is missing or malformed (see `problems`)."""

    def __init__(self, message: str, *, problems: list[Any], **context: Any) -> None:
        super().__init__(message, **context)
        self.problems = problems


def _resource(
    project: Path, folder: Path, dataset: str, declared: dict[str, Any], internal: dict[str, Any]
) -> ResourceSpec:
    rname = declared.get("name")
    schema_ref = declared.get("schema")
    if not isinstance(schema_ref, str):
        raise ConfigError(
            f"datapackage.yaml von '{dataset}', Ressource '{rname}': 'schema' muss der Name "
            "einer Schema-Datei in schemas/ sein (z. B. 'schema: kosten' für "
            "schemas/kosten.schema.yaml).",
            dataset=dataset,
        )
    if not SLUG.match(schema_ref):
        raise ConfigError(
            f"datapackage.yaml von '{dataset}': Schema-Verweis '{schema_ref}' ist kein "
            "einfacher Name (keine Pfade wie ../).",
            dataset=dataset,
        )
    schema_path = project / "schemas" / f"{schema_ref}.schema.yaml"
    if not schema_path.is_file():
        raise ConfigError(
            f"Datensatz '{dataset}', Ressource '{rname}': Schema-Datei "
            f"schemas/{schema_ref}.schema.yaml fehlt.",
            dataset=dataset,
        )
    schema = read_yaml(schema_path, dataset)
    source_decl = (internal.get("resources") or {}).get(rname)
    if source_decl is None:
        raise ConfigError(
            f"dataset.yaml von '{dataset}': keine Quelle für Ressource '{rname}' "
            f"(resources.{rname}.source fehlt).",
            dataset=dataset,
        )
    src = dict(source_decl["source"])
    src_path = None
    if src.get("path"):
        raw_path = Path(os.path.expandvars(str(src.pop("path"))))
        src_path = raw_path if raw_path.is_absolute() else folder / raw_path
    missing = tuple(str(v) for v in src.pop("missing_values", [""]))
    src.update(period_formats(src.pop("date_format", None)))
    common = {f.name for f in dataclasses.fields(SourceSpec)}
    options = {k: src.pop(k) for k in list(src) if k not in common}
    url = str(options.get("url", ""))
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        # a relative SQLite file is relative to the dataset folder, not the working directory
        options["url"] = f"sqlite:///{(folder / url.removeprefix('sqlite:///')).resolve()}"
    source = SourceSpec(path=src_path, missing_values=missing, options=options, **src)
    agg = source_decl.get("aggregate")
    aggregate = AggregateSpec(tuple(agg["group_by"]), tuple(agg["measures"]),
                              agg.get("period")) if agg else None
    protect = _protect(source_decl.get("protect") or {}, schema, dataset, rname)
    check_resource(schema, source, protect, f"dataset.yaml von '{dataset}', resources.{rname}",
                   dataset=dataset, aggregated=bool(agg))
    compared = plausibility_spec(source_decl.get("plausibility"), schema, dataset, rname)
    return ResourceSpec(
        name=rname,
        path=str(declared.get("path") or f"{rname}.csv"),
        schema_name=schema_ref,
        schema=schema,
        source=source,
        protect=protect,
        aggregate=aggregate,
        plausibility=compared,
        allow_empty=bool(source_decl.get("allow_empty", False)),
    )


def _protect(decl: dict[str, Any], schema: dict[str, Any], dataset: str, rname: str) -> ProtectSpec:
    counts = decl.get("small_counts") or {}
    spec = ProtectSpec(
        small_count_fields=tuple(counts.get("fields") or ()),
        k=int(counts.get("k", 3)),
        marker=str(counts.get("marker", ".")),
        groups=tuple(counts.get("groups") or ()),
        zeros=bool(counts.get("zeros", False)),
        min_width=int(counts.get("min_width", 1)),
        exceptions=tuple(decl.get("exceptions") or ()),
    )
    types = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    where = f"dataset.yaml von '{dataset}', resources.{rname}.protect"
    named = list(spec.small_count_fields) + [e["field"] for e in spec.exceptions]
    named += [n for g in spec.groups for n in [*g["by"], *(g.get("total") or {})]]
    for name in named:
        if name not in types:
            raise ConfigError(f"{where}: Feld '{name}' gibt es im Schema nicht.", dataset=dataset)
    for name in spec.small_count_fields:
        if types[name] != "integer":
            raise ConfigError(f"{where}: '{name}' ist kein integer-Feld und kann nicht als "
                              "Fallzahl geschützt werden.", dataset=dataset)
    if spec.small_count_fields and spec.k - (1 if spec.zeros else 2) < spec.min_width:
        raise ConfigError(
            f"{where}: Mit k={spec.k} kann ein gesperrter Wert nur "
            f"{'0 bis' if spec.zeros else '1 bis'} {spec.k - 1} sein; wer die Regel kennt, grenzt "
            f"ihn damit enger ein als die verlangte Schutzbreite min_width={spec.min_width}. "
            "k erhöhen, min_width senken oder Nullen mitsperren (zeros: true).", dataset=dataset)
    if spec.small_count_fields and spec.marker not in schema.get("missingValues", [""]):
        raise ConfigError(
            f"{where}: Das Sperrzeichen '{spec.marker}' muss im Table Schema unter missingValues "
            "stehen, sonst wären gesperrte Zellen ungültig.", dataset=dataset)
    return spec


def _check_descriptor(spec: DatasetSpec) -> None:
    from frictionless import Package

    report = Package.validate_descriptor(spec.public_descriptor())
    if not report.valid:
        notes = "; ".join(f"{code}: {note}" for code, note in report.flatten(["type", "note"]))
        raise ConfigError(
            f"Beschreibung des Datensatzes '{spec.name}' (datapackage.yaml oder Schema) ist "
            f"ungültig: {notes}",
            dataset=spec.name,
        )
