"""The mapping between a published Data Package descriptor and a CKAN dataset dict, as data.

The rows are compiled from the DCAT field table (flows/metadata/fields.py): each says where a
descriptor value goes in CKAN and how it comes back. `to_ckan` and `from_ckan` loop over them, so
adding a metadata field means adding one reviewed row to that table, and a round-trip test over
the rows shows any asymmetry at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.metadata.dcat import Distribution, distribution_values, keywords
from flows.metadata.fields import DATASET_FIELDS, DISTRIBUTION_FIELDS, DcatField, curie, get

HASH_EXTRA = "kennzahlen_content_hash"
"""Dataset extra holding the bundle's content hash: equal hash → nothing to write."""
CHECKSUM = "kennzahlen_sha256"
"""Resource field with the file's sha256. Not CKAN's `hash`: ckanext-dcat would turn that into an
spdx:checksum, and DCAT-AP 2.1.1's shapes accept only SHA-1 there."""


@dataclass(frozen=True)
class Row:
    """One mapping row: descriptor value ↔ CKAN field, compiled from a DCAT field table row."""

    ckan_key: str
    """A dataset field, or for EXTRA_ROWS the key of a dataset extra."""
    read: Callable[[dict[str, Any]], Any]
    """Takes the value from the descriptor."""
    write: Callable[[dict[str, Any], Any], None]
    """Puts a CKAN value back into a descriptor."""
    to_ckan: Callable[[Any], Any] = lambda value: value
    from_ckan: Callable[[Any], Any] = lambda value: value
    dcatde: str = ""
    """The DCAT-AP.de property ckanext-dcatde makes of the value ('' if it reads none)."""
    form: str = "text"
    """How the value looks in CKAN: text, uri, json-uri-list, date, tags."""


def _converters(row: DcatField, form: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """How a value of the row goes into CKAN in that form, and how it comes back."""
    base = row.base
    if form == "tags":
        return (lambda words: [{"name": w} for w in words],
                lambda tags: sorted(t["name"] for t in tags))
    if form == "page":
        return lambda uri: f"{uri}/", lambda url: str(url).removesuffix("/")
    if form == "json-uri-list" and row.many:
        return (lambda items: json.dumps([base + str(i) for i in items], ensure_ascii=False),
                lambda text: [str(i).removeprefix(base) for i in json.loads(text)])
    if form == "json-uri-list":
        return (lambda value: json.dumps([base + str(value)]),
                lambda text: json.loads(text)[0].removeprefix(base))
    if form == "uri":
        return lambda code: base + str(code), lambda uri: uri.removeprefix(base)
    if form == "date":
        return str, lambda value: value
    return (lambda value: value), (lambda value: value)


def _rows(extras: bool) -> tuple[Row, ...]:
    rows = []
    for field in DATASET_FIELDS:
        for target in (t for t in field.ckan if t.extra == extras):
            to, back = _converters(field, target.form)
            dcatde = (target.dcatde or curie(field.predicate)) if extras and field.predicate else ""
            read = keywords if target.form == "tags" else field.get
            rows.append(Row(target.key, read, field.put, to, back, dcatde, target.form))
    return tuple(rows)


DATASET_ROWS = _rows(extras=False)
"""CKAN dataset fields, from the DCAT field table (flows/metadata/fields.py)."""
EXTRA_ROWS = _rows(extras=True)
"""Dataset extras: what ckanext-dcat (euro_dcat_ap_2) and ckanext-dcatde read for DCAT-AP.de."""


def groups(descriptor: dict[str, Any]) -> list[dict[str, str]]:
    """EU data themes as CKAN groups named like GovData's theme groups (`gove`, `soci` …)."""
    return [{"name": str(code).lower()} for code in get(descriptor, "dcat.themes") or []]


def extras_to_ckan(descriptor: dict[str, Any]) -> dict[str, str]:
    result = {}
    for row in EXTRA_ROWS:
        value = row.read(descriptor)
        if value not in (None, "", []):
            result[row.ckan_key] = str(row.to_ckan(value))
    return result


def extras_from_ckan(package: dict[str, Any]) -> dict[str, Any]:
    descriptor: dict[str, Any] = {}
    for row in EXTRA_ROWS:
        value = extra(package, row.ckan_key)
        if value not in (None, ""):
            row.write(descriptor, row.from_ckan(value))
    return descriptor


def resource_fields(descriptor: dict[str, Any], item: Distribution, url: str
                    ) -> dict[str, Any]:
    """The DCAT-AP.de fields of one CKAN resource, from the DISTRIBUTION_FIELDS rows: the same
    values the local catalog states (`dcat.distribution_values`), with `url` (the portal's
    copy) as download URL. Codes become vocabulary URIs, except the media type: CKAN serves
    `mimetype` as the download's Content-Type, so it stays `text/csv`, and our ckanext-dcat
    profile (ckan/ckanext-kennzahlen) states the IANA IRI in the RDF."""
    values = distribution_values(descriptor, item, url, "")
    fields: dict[str, Any] = {}
    for row in DISTRIBUTION_FIELDS:
        value = values[row.predicate]
        for target in row.ckan:
            if value not in (None, ""):
                fields[target.key] = row.base + str(value) if target.form == "uri" else \
                    str(value) if target.form in ("date", "mediatype") else value
    return fields


RESOURCE_FIELDS = {target.key: curie(field.predicate) for field in DISTRIBUTION_FIELDS
                   if field.predicate for target in field.ckan}
"""Resource fields ckanext-dcat and ckanext-dcatde read, with the property they become."""


def to_ckan(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The CKAN dataset fields for a descriptor (only those the descriptor sets)."""
    result: dict[str, Any] = {}
    for row in DATASET_ROWS:
        value = row.read(descriptor)
        if value not in (None, "", []):
            result[row.ckan_key] = row.to_ckan(value)
    return result


def from_ckan(package: dict[str, Any]) -> dict[str, Any]:
    """The descriptor values a CKAN dataset dict carries (inverse of `to_ckan`)."""
    descriptor: dict[str, Any] = {}
    for row in DATASET_ROWS:
        value = package.get(row.ckan_key)
        if value not in (None, "", []):
            row.write(descriptor, row.from_ckan(value))
    return descriptor


def merge_extras(existing: list[dict[str, str]], ours: dict[str, str]) -> list[dict[str, str]]:
    """All extras after setting ours: CKAN replaces the whole list on patch, so keep the others."""
    kept = [e for e in existing if e.get("key") not in ours]
    return kept + [{"key": k, "value": v} for k, v in sorted(ours.items())]


def extra(package: dict[str, Any], key: str) -> str | None:
    for item in package.get("extras") or []:
        if item.get("key") == key:
            return item.get("value")
    return None
