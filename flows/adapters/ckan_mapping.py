"""The mapping between a published Data Package descriptor and a CKAN dataset dict, as data.

Each row says where a descriptor value goes in CKAN and how it comes back. `to_ckan` and
`from_ckan` loop over the table, so adding a metadata field means adding one reviewed row, and a
round-trip test over the table shows any asymmetry at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HASH_EXTRA = "kennzahlen_content_hash"
"""Dataset extra holding the bundle's content hash: equal hash → nothing to write."""


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
    read: Callable[[dict[str, Any]], Any]
    """Takes the value from the descriptor."""
    write: Callable[[dict[str, Any], Any], None]
    """Puts a CKAN value back into a descriptor."""
    to_ckan: Callable[[Any], Any] = lambda value: value
    from_ckan: Callable[[Any], Any] = lambda value: value


def _path_row(ckan_key: str, path: str, **converters: Any) -> Row:
    return Row(ckan_key, lambda d: _get(d, path), _put(path), **converters)


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
