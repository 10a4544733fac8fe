"""The members of an association of municipalities (a Stadtverbund) that publishes for all of
them from one installation.

Declared once in `datapackages/catalog.yaml` (checked against the meta-schema
`members.schema.json`); both keys are optional, and a project without them has exactly one
publisher, the `dataset_defaults`, as before:

    association: {name: "Stadtverbund Musterland"}   # names the joint publisher on the pages
    members:
      musterstadt:                                    # member id, used in dataset.yaml
        name: Stadt Musterstadt
        ags: "07318000"
        place: Musterstadt
        centroid: POINT(8.4311 49.3172)
        publisher: {name: Stadt Musterstadt, uri: https://www.musterstadt.example,
                    type: LocalAuthority}
        contributor_id: [http://dcat-ap.de/def/contributors/openGovernmentDataPortalRheinlandPfalz]
        ckan: {owner_org: stadt-musterstadt, organization_title: Stadt Musterstadt}
        base_url: https://daten.musterstadt.example/kennzahlen   # optional: its own catalog

A dataset.yaml with `member: musterstadt` belongs to that member: the publisher-dependent
DCAT-AP.de values (publisher, AGS, place, centroid, contributor ID) and the CKAN organisation
follow the member, unless the dataset's own `dcat:` block sets them. Without `member:` a dataset
belongs to the association (dataset_defaults and its own `ckan:` block).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.errors import ConfigError
from flows.metadata.descriptor import CatalogInfo
from flows.specs.loading import allowed_keys_hint, first_schema_error

CATALOG_PATH = "datapackages/catalog.yaml"

MEMBERS_FOLDER = "mitglieder"
"""Where a member's catalog lies below the published catalog: `mitglieder/<id>/`."""

DCAT_KEYS = ("publisher", "contributor_id", "ags", "place", "centroid")
"""The keys of a dataset's `dcat:` block that follow its member."""


@dataclass(frozen=True)
class Member:
    """One member municipality of the association."""

    id: str
    name: str
    ags: str
    place: str
    centroid: str
    publisher: dict[str, str] = field(default_factory=dict)
    """name, uri (optional) and type (ADMS, e.g. LocalAuthority)."""
    contributor_id: tuple[str, ...] = ()
    owner_org: str = ""
    """The member's CKAN organisation."""
    organization_title: str = ""
    base_url: str = ""
    """Where the member's own catalog is served ('' when it has none of its own)."""

    @property
    def catalog_title(self) -> str:
        """The title of the member's DCAT catalog."""
        return f"Kennzahlen der {self.name}"

    def dcat_defaults(self) -> dict[str, Any]:
        """The member's values for a dataset's `dcat:` block (they replace the catalog's
        dataset_defaults; the dataset's own values still win)."""
        return {"publisher": dict(self.publisher), "contributor_id": list(self.contributor_id),
                "ags": self.ags, "place": self.place, "centroid": self.centroid}


@dataclass(frozen=True)
class Association:
    """The association itself: the joint publisher of the datasets that name no member."""

    name: str


def load_members(project: Path) -> dict[str, Member]:
    """The declared members by id, in declaration order ({} when catalog.yaml declares none).

    Raises:
        ConfigError: `members:` or `association:` does not follow members.schema.json, or two
            members share a CKAN organisation.
    """
    block = _checked(project).get("members") or {}
    members = {key: _member(key, decl) for key, decl in block.items()}
    seen: dict[str, str] = {}
    for member in members.values():
        if member.owner_org in seen:
            raise ConfigError(
                f"{CATALOG_PATH}, Mitglied '{member.id}': die CKAN-Organisation "
                f"'{member.owner_org}' gehört schon dem Mitglied '{seen[member.owner_org]}'. "
                "Jedes Mitglied braucht eine eigene Organisation (ckan.owner_org).")
        seen[member.owner_org] = member.id
    return members


def load_association(project: Path) -> Association | None:
    """`association:` of catalog.yaml, or None when it is not declared.

    Raises:
        ConfigError: the block does not follow members.schema.json.
    """
    block = _checked(project).get("association")
    return Association(name=str(block["name"])) if block else None


def member_of(spec: Any, members: dict[str, Member]) -> Member | None:
    """The member a dataset (anything with a `member` attribute, e.g. a DatasetSpec) belongs
    to; None: it belongs to the association."""
    key = getattr(spec, "member", None)
    return members.get(key) if key else None


def resolve(members: dict[str, Member], key: str | None, dataset: str) -> Member | None:
    """The member named by `member:` in a dataset.yaml (None when it names none).

    Raises:
        ConfigError: the name is not a declared member.
    """
    if not key:
        return None
    if key not in members:
        known = ", ".join(members) or "keine (catalog.yaml deklariert keine members:)"
        raise ConfigError(
            f"dataset.yaml von '{dataset}': Mitglied '{key}' ist in {CATALOG_PATH} nicht "
            f"deklariert. Deklarierte Mitglieder: {known}.", dataset=dataset)
    return members[key]


def organisation(internal: dict[str, Any], member: Member | None,
                 dataset: str) -> tuple[str, str]:
    """The CKAN organisation (owner_org, title) of a dataset: its member's, else its own
    `ckan:` block's.

    Raises:
        ConfigError: neither is given, or the `ckan:` block names another organisation than
            the dataset's member.
    """
    own = internal.get("ckan") or {}
    if member is not None:
        if own.get("owner_org") and own["owner_org"] != member.owner_org:
            raise ConfigError(
                f"dataset.yaml von '{dataset}': gehört dem Mitglied '{member.id}' (CKAN-"
                f"Organisation '{member.owner_org}'), nennt aber ckan.owner_org "
                f"'{own['owner_org']}'. Den ckan:-Block weglassen: die Organisation folgt dem "
                "Mitglied.", dataset=dataset)
        return member.owner_org, member.organization_title or member.owner_org
    if not own.get("owner_org"):
        raise ConfigError(
            f"dataset.yaml von '{dataset}': ckan.owner_org fehlt. Die CKAN-Organisation angeben "
            "(ckan: {owner_org: ...}) oder mit member: ein Mitglied aus "
            "datapackages/catalog.yaml nennen.", dataset=dataset)
    return own["owner_org"], own.get("organization_title") or own["owner_org"]


def with_member_defaults(defaults: dict[str, Any], member: Member | None) -> dict[str, Any]:
    """The catalog's dataset_defaults with the member's publisher-dependent values in place
    (unchanged when `member` is None)."""
    merged = copy.deepcopy(defaults)
    if member is not None:
        merged.update(member.dcat_defaults())
    return merged


def member_catalog(catalog: CatalogInfo, member: Member) -> CatalogInfo:
    """The DCAT catalog of one member: its title and publisher, served at
    `<base_url>/mitglieder/<id>/` (its datasets keep their URIs in the joint catalog)."""
    return dataclasses.replace(
        catalog, title=member.catalog_title,
        description=(f"Die Kennzahlen der Verwaltung der {member.name}, veröffentlicht im "
                     f"gemeinsamen Katalog „{catalog.title}“."),
        homepage=member.base_url or catalog.homepage,
        defaults=with_member_defaults(catalog.defaults, member),
        node=f"{catalog.base_url}/{MEMBERS_FOLDER}/{member.id}/")


def _member(key: str, decl: dict[str, Any]) -> Member:
    ckan = decl["ckan"]
    return Member(
        id=key, name=str(decl["name"]), ags=str(decl["ags"]), place=str(decl["place"]),
        centroid=str(decl["centroid"]),
        publisher={k: str(v) for k, v in decl["publisher"].items()},
        contributor_id=tuple(str(i) for i in decl["contributor_id"]),
        owner_org=str(ckan["owner_org"]),
        organization_title=str(ckan.get("organization_title") or ckan["owner_org"]),
        base_url=str(decl.get("base_url") or "").rstrip("/"))


def _checked(project: Path) -> dict[str, Any]:
    """catalog.yaml's content, with `association:` and `members:` checked ({} when the file
    is missing or unreadable: loading the catalog itself reports that)."""
    path = project / CATALOG_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    block = {k: data[k] for k in ("association", "members") if k in data and data[k] is not None}
    first = first_schema_error(block, "members")
    if first is not None:
        raise ConfigError(_message(first))
    return block


HINTS = {
    "ags": "der Amtliche Gemeindeschlüssel: genau 8 Ziffern in Anführungszeichen, die ersten "
           "zwei das Land (01–16), z. B. \"07318000\"",
    "centroid": "ein WKT-Punkt wie 'POINT(8.4311 49.3172)', erst Länge, dann Breite",
    "owner_org": "der Kurzname der CKAN-Organisation: Kleinbuchstaben, Ziffern, - und _",
    "type": "der ADMS-Typ, für eine Kommune LocalAuthority",
    "uri": "eine http(s)-Adresse",
    "base_url": "eine http(s)-Adresse",
    "contributor_id": "eine Liste mit der GovData-ID aus http://dcat-ap.de/def/contributors/",
}


def _message(error: Any) -> str:
    """A German message for a violation of members.schema.json, naming catalog.yaml, the
    member and the key."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        path, problem = [*path, missing], "fehlt"
    elif error.validator == "additionalProperties":
        unknown = ", ".join(re.findall(r"'([^']+)'", error.message))
        problem = f"enthält unbekannte Angaben ({unknown})"
    elif "propertyNames" in error.absolute_schema_path:
        path = [*path, str(error.instance)]
        problem = ("hat einen ungültigen Namen: Mitglieder heißen mit Kleinbuchstaben, Ziffern "
                   "und Bindestrichen, z. B. 'musterstadt'")
    else:
        problem = "ist ungültig"
    hint = HINTS.get(path[-1]) if path else None
    where = ("Mitglied '" + path[1] + "'" + (": Angabe '" + ".".join(path[2:]) + "'"
                                              if len(path) > 2 else "")
             if len(path) > 1 and path[0] == "members" else "Angabe '" + ".".join(path) + "'")
    text = f"{CATALOG_PATH}, {where} {problem}"
    text += f" (erwartet: {hint})." if hint and problem != "fehlt" else "."
    return text + " " + allowed_keys_hint("members")
