"""The mapping between a published Data Package descriptor and a CKAN dataset dict, as data.

Each row says where a descriptor value goes in CKAN and how it comes back. `to_ckan` and
`from_ckan` loop over the table, so adding a metadata field means adding one reviewed row, and a
round-trip test over the table shows any asymmetry at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.metadata import vocabularies as voc

HASH_EXTRA = "kennzahlen_content_hash"
"""Dataset extra holding the bundle's content hash: equal hash → nothing to write."""
CHECKSUM = "kennzahlen_sha256"
"""Resource field with the file's sha256. Not CKAN's `hash`: ckanext-dcat would turn that into an
spdx:checksum, and DCAT-AP 2.1.1's shapes accept only SHA-1 there."""


def _get(descriptor: dict[str, Any], path: str) -> Any:
    value: Any = descriptor
    for part in path.split("."):
        if isinstance(value, list):
            value = value[int(part)] if value and int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _contributor(role: str, key: str) -> Callable[[dict[str, Any]], Any]:
    def pick(descriptor: dict[str, Any]) -> Any:
        for person in descriptor.get("contributors") or []:
            roles = person.get("roles") or [person.get("role")]
            if role in roles:
                return person.get(key)
        return None
    return pick


def _put_contributor(role: str, key: str) -> Callable[[dict[str, Any], Any], None]:
    def put(descriptor: dict[str, Any], value: Any) -> None:
        people = descriptor.setdefault("contributors", [])
        person = next((p for p in people if role in (p.get("roles") or [p.get("role")])), None)
        if person is None:
            person = {"roles": [role]}
            people.append(person)
        person[key] = value
    return put


def _put(path: str) -> Callable[[dict[str, Any], Any], None]:
    def put(descriptor: dict[str, Any], value: Any) -> None:
        parts = path.split(".")
        target: Any = descriptor
        for part, following in zip(parts, parts[1:], strict=False):
            if part.isdigit():
                while len(target) <= int(part):
                    target.append({})
                target = target[int(part)]
            else:
                target = target.setdefault(part, [] if following.isdigit() else {})
        target[parts[-1]] = value
    return put


@dataclass(frozen=True)
class Row:
    """One mapping row: descriptor value ↔ CKAN field."""

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
    """How the value looks in CKAN: text, uri, json-uri-list, json-list, date."""


def _path_row(ckan_key: str, path: str, **converters: Any) -> Row:
    return Row(ckan_key, lambda d: _get(d, path), _put(path), **converters)


def _uri_row(ckan_key: str, path: str, base: str, dcatde: str) -> Row:
    """A code in the descriptor (e.g. MONTHLY) that CKAN holds as its full URI."""
    return _path_row(ckan_key, path, to_ckan=lambda code: base + str(code),
                     from_ckan=lambda uri: uri.removeprefix(base), dcatde=dcatde, form="uri")


def _list_row(ckan_key: str, path: str, dcatde: str, base: str = "",
              form: str = "json-uri-list") -> Row:
    """A list, stored as a JSON-encoded string (as ckanext-dcatde reads list extras)."""
    return _path_row(
        ckan_key, path, dcatde=dcatde, form=form,
        to_ckan=lambda items: json.dumps([base + str(i) for i in items], ensure_ascii=False),
        from_ckan=lambda text: [str(i).removeprefix(base) for i in json.loads(text)])


DATASET_ROWS: tuple[Row, ...] = (
    _path_row("name", "name"),
    _path_row("title", "title"),
    _path_row("notes", "description"),
    _path_row("version", "version"),
    _path_row("url", "homepage"),
    _path_row("license_id", "licenses.0.path"),
    _path_row(
        "tags", "keywords",
        to_ckan=lambda words: [{"name": w} for w in words],
        from_ckan=lambda tags: sorted(t["name"] for t in tags),
    ),
    Row("maintainer", _contributor("maintainer", "title"), _put_contributor("maintainer", "title")),
    Row("maintainer_email", _contributor("maintainer", "email"),
        _put_contributor("maintainer", "email")),
    Row("author", _contributor("author", "title"), _put_contributor("author", "title")),
    Row("author_email", _contributor("author", "email"), _put_contributor("author", "email")),
)


EXTRA_ROWS: tuple[Row, ...] = (
    _path_row("identifier", "dcat.identifier", dcatde="dct:identifier"),
    _path_row("issued", "dcat.issued", to_ckan=str, dcatde="dct:issued", form="date"),
    _list_row("contributorID", "dcat.contributor_id", "dcatde:contributorID"),
    _uri_row("politicalGeocodingLevelURI", "dcat.geocoding_level", voc.LEVEL_BASE,
             "dcatde:politicalGeocodingLevelURI"),
    _path_row("politicalGeocodingURI", "dcat.ags", dcatde="dcatde:politicalGeocodingURI",
              form="json-uri-list",
              to_ckan=lambda ags: json.dumps([voc.MUNICIPALITY_KEY_BASE + str(ags)]),
              from_ckan=lambda text: json.loads(text)[0].removeprefix(voc.MUNICIPALITY_KEY_BASE)),
    _uri_row("spatial_uri", "dcat.ags", voc.MUNICIPALITY_KEY_BASE, "dct:spatial"),
    _path_row("spatial_text", "dcat.place", dcatde="dct:spatial"),
    _list_row("theme", "dcat.themes", "dcat:theme", base=voc.THEME_BASE),
    _list_row("language", "dcat.language", "dct:language", base=voc.LANGUAGE_BASE),
    _uri_row("frequency", "dcat.frequency", voc.FREQUENCY_BASE, "dct:accrualPeriodicity"),
    _uri_row("access_rights", "dcat.access_rights", voc.ACCESS_RIGHTS_BASE, "dct:accessRights"),
    _path_row("temporal_start", "dcat.temporal.start", dcatde="dct:temporal", form="date"),
    _path_row("temporal_end", "dcat.temporal.end", dcatde="dct:temporal", form="date"),
    _path_row("references", "dcat.musterdatensatz.uri", to_ckan=lambda uri: json.dumps([uri]),
              from_ckan=lambda text: json.loads(text)[0], dcatde="dct:references",
              form="json-uri-list"),
    _path_row("publisher_name", "dcat.publisher.name", dcatde="dct:publisher"),
    _path_row("publisher_uri", "dcat.publisher.uri", dcatde="dct:publisher", form="uri"),
    _uri_row("publisher_type", "dcat.publisher.type", voc.PUBLISHER_TYPE_BASE, "dct:publisher"),
    Row("contact_name", _contributor("maintainer", "title"),
        _put_contributor("maintainer", "title"), dcatde="dcat:contactPoint"),
    Row("contact_email", _contributor("maintainer", "email"),
        _put_contributor("maintainer", "email"), dcatde="dcat:contactPoint"),
)
"""Dataset extras: what ckanext-dcat (euro_dcat_ap_2) and ckanext-dcatde read for DCAT-AP.de."""


def groups(descriptor: dict[str, Any]) -> list[dict[str, str]]:
    """EU data themes as CKAN groups named like GovData's theme groups (`gove`, `soci` …)."""
    return [{"name": str(code).lower()} for code in _get(descriptor, "dcat.themes") or []]


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


def resource_fields(descriptor: dict[str, Any], format_name: str, mediatype: str) -> dict[str, Any]:
    """DCAT-AP.de fields of one resource (K31 format, K32 licence, K35 attribution)."""
    from flows.metadata.dcat import attribution, licence_code

    code = licence_code(descriptor)
    fields = {
        "format": voc.FILE_TYPE_BASE + voc.FILE_TYPES[format_name.lower()],
        "mimetype": voc.IANA_BASE + mediatype,
        "license": voc.LICENCE_BASE + code,
    }
    if code in voc.ATTRIBUTION_LICENCES:
        fields["licenseAttributionByText"] = attribution(descriptor)
    return fields


RESOURCE_FIELDS = {"format": "dct:format", "mimetype": "dcat:mediaType", "license": "dct:license",
                   "licenseAttributionByText": "dcatde:licenseAttributionByText",
                   "size": "dcat:byteSize", "modified": "dct:modified"}
"""Resource fields ckanext-dcatde reads, with the property they become."""


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
