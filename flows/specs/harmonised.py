"""Harmonised key figures: one declaration, one dataset per member plus the combined table.

A dataset folder whose `dataset.yaml` has `members:` declares a key figure that several members
of the association (catalog.yaml `members:`) deliver, each from its own export, with ONE shared
Table Schema:

    resources:
      fallzahlen:
        source: {kind: csv, path: source/fallzahlen.csv, delimiter: ";", decimal: ","}
        protect: {small_counts: {fields: [anzahl]}}
    members:
      musterstadt:                      # empty: the shared declaration as it is
      beispielburg:
        fallzahlen:
          source: {path: source/beispielburg.csv, encoding: cp1252}

The shared `resources.<r>` block gives the defaults. A member's block overrides it key by key:
its `source` is merged into the shared one (replacing it whole when it names another `kind`, so
an XLSX export does not inherit a CSV delimiter); `protect`, `plausibility` and `allow_empty`
replace the shared ones.

The folder `<slug>` expands into one dataset per member, `<slug>-<member>` (collected, validated,
protected and published like any dataset, and belonging to that member: `member: <id>`), and
the combined dataset `<slug>`, the association's: the members' checked tables one below the
other with the member's 8-digit AGS as first column (`ags`, part of the primary key). The
combined dataset has no source of its own (kind `members`); flows/run/harmonised.py builds it.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.errors import ConfigError
from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.specs.loading import check_internal, read_yaml
from flows.specs.members import load_members

KIND = "members"
"""The source kind of a combined dataset's resources: built from its members' tables."""

AGS_FIELD = {
    "name": "ags",
    "title": "Amtlicher Gemeindeschlüssel",
    "description": "Achtstelliger Amtlicher Gemeindeschlüssel des Mitglieds, von dem die Zeile "
                   "stammt.",
    "type": "string",
    "constraints": {"required": True, "pattern": "^[0-9]{8}$"},
}
"""The first column of every combined table."""

REPLACED = ("protect", "plausibility", "allow_empty")
"""Keys of `resources.<r>` that a member's block replaces whole (its `source` is merged)."""


@dataclass(frozen=True)
class Declaration:
    """Where a dataset name is declared, and as what."""

    name: str
    folder: Path
    """The declaring folder `datapackages/<slug>/`."""
    member: str | None = None
    """The member id when `name` is one member's part of a harmonised key figure."""
    parts: tuple[str, ...] = ()
    """The member ids when `name` is a harmonised key figure's combined dataset."""

    @property
    def combined(self) -> bool:
        return bool(self.parts)


def member_ids(internal: dict[str, Any]) -> tuple[str, ...]:
    """The member ids a dataset.yaml declares under `members:` (none: not harmonised)."""
    members = internal.get("members")
    return tuple(members) if isinstance(members, dict) else ()


def expand(root: Path, folder: str) -> list[str]:
    """The dataset names the folder `root/folder` declares: its own name, and before it one per
    member if it is a harmonised key figure (an unreadable dataset.yaml declares only its own
    name; loading it reports the problem)."""
    return [*(f"{folder}-{m}" for m in _members_of(root / folder)), folder]


def find(root: Path, name: str) -> Declaration | None:
    """Which folder of `root` (datapackages/) declares `name`, and as what; None: none does."""
    own = root / name
    if (own / "datapackage.yaml").is_file():
        return Declaration(name, own, parts=_members_of(own))
    for folder in sorted(p for p in root.iterdir() if name.startswith(f"{p.name}-")):
        member = name[len(folder.name) + 1:]
        if (folder / "datapackage.yaml").is_file() and member in _members_of(folder):
            return Declaration(name, folder, member=member)
    return None


def _members_of(folder: Path) -> tuple[str, ...]:
    path = folder / "dataset.yaml"
    if not path.is_file():
        return ()
    try:
        return member_ids(read_yaml(path, folder.name))
    except ConfigError:
        return ()


def check_members(internal: dict[str, Any], known: dict[str, str], resources: list[str],
                  dataset: str) -> None:
    """Refuse a `members:` block that names an undeclared member or resource.

    Args:
        internal: the folder's dataset.yaml (already checked against the meta-schema).
        known: member id → name, as catalog.yaml declares them.
        resources: the resource names of datapackage.yaml.
        dataset: the folder's name, for messages.

    Raises:
        ConfigError: the first problem, in German, naming the key and what to do.
    """
    where = f"dataset.yaml von '{dataset}', members"
    for member, block in (internal.get("members") or {}).items():
        if member not in known:
            listed = ", ".join(sorted(known)) or "keine"
            raise ConfigError(
                f"{where}.{member}: '{member}' ist kein Mitglied des Verbunds. In "
                f"datapackages/catalog.yaml unter members: eintragen oder einen der Schlüssel "
                f"verwenden: {listed}.", dataset=dataset)
        for resource in block or {}:
            if resource not in resources:
                raise ConfigError(
                    f"{where}.{member}.{resource}: Die Ressource '{resource}' gibt es in "
                    f"datapackage.yaml nicht (vorhanden: {', '.join(resources)}).",
                    dataset=dataset)


def view(project: Path, declared: Declaration, raw: dict[str, Any], internal: dict[str, Any]
         ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The datapackage.yaml and dataset.yaml of one part of a harmonised key figure: a member's
    dataset (its block of `members:` applied) or the combined one (the shared declaration).

    Raises:
        ConfigError: `members:` names an undeclared member or resource, or a member's merged
            declaration is invalid (named where the member's block sets the key).
    """
    folder = declared.folder.name
    known = load_members(project)
    check_members(internal, {m: info.name for m, info in known.items()},
                  [str(r.get("name")) for r in raw.get("resources") or []], folder)
    if declared.member is None:
        return raw, {k: v for k, v in internal.items() if k != "members"}
    member = declared.member
    mine = member_internal(internal, member)
    check_internal(mine, folder, lambda keys: overridden(internal, member, keys))
    return member_descriptor(raw, member, known[member].place), mine


def member_internal(internal: dict[str, Any], member: str) -> dict[str, Any]:
    """The dataset.yaml of one member's part: the shared declaration with the member's block
    applied, `member: <id>` set, `members:` and the association's `ckan:` removed (the CKAN
    organisation follows the member)."""
    view = {k: copy.deepcopy(v) for k, v in internal.items() if k not in ("members", "ckan")}
    view["member"] = member
    for rname, override in ((internal.get("members") or {}).get(member) or {}).items():
        shared = view["resources"][rname]
        if "source" in override:
            mine = dict(override["source"])
            same = mine.get("kind", shared["source"]["kind"]) == shared["source"]["kind"]
            shared["source"] = {**shared["source"], **mine} if same else mine
        for key in REPLACED:
            if key in override:
                shared[key] = copy.deepcopy(override[key])
    return view


def overridden(internal: dict[str, Any], member: str, path: list[str]) -> str | None:
    """Where in `members:` the member's block set the key at `path` of its merged dataset.yaml
    (e.g. resources.fallzahlen.source.encoding → members.beispielburg.fallzahlen.source
    .encoding); None when the key comes from the shared declaration."""
    if len(path) < 3 or path[0] != "resources":
        return None
    block = ((internal.get("members") or {}).get(member) or {}).get(path[1]) or {}
    if path[2] in block and (path[2] != "source" or len(path) < 4 or path[3] in block["source"]):
        return ".".join(["members", member, *path[1:]])
    return None


def member_descriptor(raw: dict[str, Any], member: str, place: str) -> dict[str, Any]:
    """The shared datapackage.yaml as one member's dataset: its own name, the member's place
    in the title (the publisher names the member itself)."""
    view = copy.deepcopy(raw)
    view["name"] = f"{raw.get('name')}-{member}"
    view["title"] = f"{raw.get('title') or raw.get('name')} – {place}"
    return view


def combined_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The shared Table Schema with the AGS as first field and first part of the primary key."""
    view = copy.deepcopy(schema)
    view["fields"] = [copy.deepcopy(AGS_FIELD), *view.get("fields", [])]
    key = view.get("primaryKey")
    if key:
        view["primaryKey"] = ["ags", *([key] if isinstance(key, str) else key)]
    return view


def harmonised_resource(resource: ResourceSpec) -> ResourceSpec:
    """A resource of the combined dataset: the shared schema with the AGS, no source of its own
    (its members' checked tables), no rules of its own (rules.yaml holds for each member's
    table; the combined table is checked against the schema, whose primary key now starts with
    the AGS), compared with its last publication per member (the AGS is the first group)."""
    compared = resource.plausibility
    if compared.groups or compared.measures:
        compared = dataclasses.replace(compared, groups=("ags", *compared.groups))
    return dataclasses.replace(resource, schema=combined_schema(resource.schema),
                               source=SourceSpec(kind=KIND), aggregate=None, rules=(),
                               plausibility=compared)
