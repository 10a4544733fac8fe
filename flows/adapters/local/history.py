"""The change history of a published dataset and the catalog's Atom feed.

Each publication that changes something gets a new version number and a German note of what
changed, kept in the published datapackage.json under `changes` and shown on the page. The number
follows semantic versioning: a changed structure (a table or column added, removed or retyped, a
new key) is a major step, changed data a minor one, changed metadata only a patch. A version the
data steward declared higher than the published one is taken as it is.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from flows.adapters.local.layout import german_number, period_label

COMPARE_LIMIT = 20 * 1024 * 1024
"""Tables up to this size are compared row by row for the change note."""
FEED_ENTRIES = 50


def _parse(version: str) -> tuple[int, int, int]:
    parts = (str(version or "").split(".") + ["0", "0", "0"])[:3]
    try:
        return int(parts[0]), int(parts[1]), int(parts[2])
    except ValueError:
        return 0, 0, 0


def _shape(descriptor: dict[str, Any]) -> dict[str, Any]:
    return {r["name"]: {"fields": [(f["name"], f.get("type", "string"))
                                   for f in (r.get("schema") or {}).get("fields", [])],
                        "key": (r.get("schema") or {}).get("primaryKey")}
            for r in descriptor.get("resources", [])}


def _structure_notes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = [f"Tabelle „{n}“ neu." for n in new if n not in old]
    notes += [f"Tabelle „{n}“ entfällt." for n in old if n not in new]
    for name in (n for n in new if n in old):
        before, after = dict(old[name]["fields"]), dict(new[name]["fields"])
        notes += [f"Spalte „{c}“ neu." for c in after if c not in before]
        notes += [f"Spalte „{c}“ entfällt." for c in before if c not in after]
        notes += [f"Spalte „{c}“ hat jetzt den Typ {after[c]}." for c in after
                  if c in before and before[c] != after[c]]
        if old[name]["key"] != new[name]["key"]:
            notes.append(f"Tabelle „{name}“ hat einen neuen Schlüssel.")
    return notes


def _rows_by_key(path: Path, key: list[str]) -> dict[tuple[str, ...], str] | None:
    if not path.is_file() or path.stat().st_size > COMPARE_LIMIT:
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows: dict[tuple[str, ...], str] = {}
        for n, row in enumerate(reader):
            ident = tuple(row.get(k, "") for k in key) if key else (str(n),)
            rows[ident] = hashlib.sha1("\x1f".join(row.values()).encode(),  # noqa: S324
                                       usedforsecurity=False).hexdigest()
    return rows


def _data_notes(resource: dict[str, Any], old_csv: Path, new_csv: Path) -> list[str]:
    key = (resource.get("schema") or {}).get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    before, after = _rows_by_key(old_csv, key), _rows_by_key(new_csv, key)
    title = resource.get("title") or resource["name"]
    if before is None or after is None:
        return [f"Daten der Tabelle „{title}“ geändert."]
    added = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    changed = sum(1 for k, v in after.items() if k in before and before[k] != v)
    parts = [text for count, text in ((added, "neu"), (changed, "mit geänderten Werten"),
                                      (removed, "entfallen"))
             if count for text in [f"{german_number(count)} {'Zeile' if count == 1 else 'Zeilen'}"
                                   f" {text}"]]
    return [f"Tabelle „{title}“: {', '.join(parts)}."] if parts else []


def _period_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    before = ((old.get("dcat") or {}).get("temporal") or {})
    after = ((new.get("dcat") or {}).get("temporal") or {})
    unit = str((new.get("dcat") or {}).get("temporal_unit") or "")
    if after.get("end") and before.get("end") and after["end"] > before["end"]:
        return f"Die Daten reichen jetzt bis {period_label(after['end'], unit)}."
    return ""


def record(previous: dict[str, Any] | None, previous_dir: Path | None,
           descriptor: dict[str, Any], new_dir: Path, data_changed: bool,
           when: str) -> dict[str, Any]:
    """The descriptor to publish: version set and this publication's change note appended.

    Args:
        previous: the published datapackage.json, or None at the first publication.
        previous_dir: the folder of the published version (its CSV files).
        descriptor: the new descriptor as the bundle built it (declared version).
        new_dir: the folder with the new CSV files.
        data_changed: whether any data file differs from the published one.
        when: the publication time (ISO).
    """
    result = dict(descriptor)
    declared = str(descriptor.get("version") or "1.0.0")
    if previous is None:
        result["changes"] = [{"version": declared, "date": when,
                              "note": "Erste Veröffentlichung."}]
        return result
    old_shape, new_shape = _shape(previous), _shape(descriptor)
    notes = _structure_notes(old_shape, new_shape)
    major, minor, patch = _parse(str(previous.get("version") or "1.0.0"))
    if notes:
        bumped, kind = (major + 1, 0, 0), "major"
    elif data_changed:
        bumped, kind = (major, minor + 1, 0), "minor"
    else:
        bumped, kind = (major, minor, patch + 1), "patch"
    if kind != "major" and data_changed:
        period = _period_note(previous, descriptor)
        notes += [period] if period else []
        for resource in descriptor.get("resources", []):
            if previous_dir is not None:
                notes += _data_notes(resource, previous_dir / resource["path"],
                                     new_dir / resource["path"])
    if kind == "patch":
        notes.append("Beschreibung aktualisiert; die Daten sind unverändert.")
    version = declared if _parse(declared) > bumped else ".".join(map(str, bumped))
    result["version"] = version
    result["changes"] = [*(previous.get("changes") or []),
                         {"version": version, "date": when,
                          "note": " ".join(notes) or "Daten aktualisiert."}]
    return result


def atom_feed(entries: list[tuple[str, dict[str, Any]]], title: str, base_url: str) -> str:
    """An Atom feed of the newest changes of all datasets (`entries`: slug, descriptor)."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    # newest first; two changes of one dataset within a second keep their order of publication
    items = sorted(((c.get("date", ""), n, slug, d, c) for slug, d in entries
                    for n, c in enumerate(d.get("changes") or [])),
                   key=lambda e: (e[0], e[1]), reverse=True)
    updated = items[0][0] if items else "1970-01-01T00:00:00+00:00"
    body = []
    for when, _, slug, descriptor, change in items[:FEED_ENTRIES]:
        link = f"{base}{slug}/index.html"
        name = descriptor.get("title") or slug
        body.append(
            "<entry>\n"
            f"<title>{xml_escape(str(name))}: Version {xml_escape(str(change.get('version')))}"
            "</title>\n"
            f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>\n'
            f"<id>{xml_escape(link)}#version-{xml_escape(str(change.get('version')))}</id>\n"
            f"<updated>{xml_escape(when)}</updated>\n"
            f"<summary>{xml_escape(str(change.get('note', '')))}</summary>\n</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">\n'
            f"<title>{xml_escape(title)}: neue und geänderte Datensätze</title>\n"
            f'<link rel="self" href="{xml_escape(base)}feed.xml"/>\n'
            f'<link rel="alternate" type="text/html" href="{xml_escape(base)}index.html"/>\n'
            f"<id>{xml_escape(base)}feed.xml</id>\n<updated>{xml_escape(updated)}</updated>\n"
            f"<author><name>{xml_escape(title)}</name></author>\n"
            + "\n".join(body) + "\n</feed>\n")
