"""The page of one dataset for the people who use the data, in plain German.

Top down: what it is (a summary), the facts a reader asks first (period, updates, last change,
publisher, contact, licence, how to cite), then per table a chart of the main measure, a preview
of the rows and what each column means, the change history, how to use the data (addresses and
short examples), and last the technical details for developers (DCAT-AP.de, metadata score,
checksums, field rules).
"""

from __future__ import annotations

import re
from typing import Any

from flows.adapters.local import chart
from flows.adapters.local.comparison_page import COMPARISON_FILE, COMPARISON_LINK
from flows.adapters.local.digest import TableDigest
from flows.adapters.local.layout import (
    berlin_datetime,
    esc,
    german_date,
    german_number,
    page,
    period_label,
    scroll_table,
)
from flows.adapters.local.usage import developer_section, usage_section
from flows.metadata import vocabularies as voc
from flows.metadata.dcat import attribution

TYPES_DE = {"string": "Text", "integer": "ganze Zahl", "number": "Zahl", "date": "Datum",
            "boolean": "ja/nein", "year": "Jahr", "yearmonth": "Jahr und Monat",
            "datetime": "Zeitpunkt"}
LICENCE_TEXTS = {
    "dl-by-de/2.0": "https://www.govdata.de/dl-de/by-2-0",
    "dl-zero-de/2.0": "https://www.govdata.de/dl-de/zero-2-0",
    "dl-by-de/1.0": "https://www.govdata.de/dl-de/by-1-0",
    "cc-by/4.0": "https://creativecommons.org/licenses/by/4.0/deed.de",
    "cc-by-sa/4.0": "https://creativecommons.org/licenses/by-sa/4.0/deed.de",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
    "odbl": "https://opendatacommons.org/licenses/odbl/1-0/",
}
"""Where a person can read a licence (the vocabulary URI is for machines)."""
IDENTIFIER = re.compile(r"(^|_)(jahr|nr|nummer|id|plz|ags|schluessel)($|_)", re.IGNORECASE)
"""Integer fields that are codes or years, shown without thousands separators."""


def licence(descriptor: dict[str, Any]) -> tuple[str, str]:
    """The first licence's title and the address of its readable text."""
    first = (descriptor.get("licenses") or [{}])[0]
    code = str(first.get("path") or "").removeprefix(voc.LICENCE_BASE)
    title = first.get("title") or voc.LICENCES.get(code) or first.get("name") or ""
    return str(title), LICENCE_TEXTS.get(code) or str(first.get("path") or "")


def period_text(descriptor: dict[str, Any]) -> str:
    """'Januar 2021 bis Dezember 2025' from the derived `dcat.temporal`, or ''."""
    block = descriptor.get("dcat") or {}
    span = block.get("temporal") or {}
    if not span.get("start"):
        return ""
    unit = str(block.get("temporal_unit") or "")
    start, end = period_label(span["start"], unit), period_label(span.get("end", ""), unit)
    return start if start == end or not end else f"{start} bis {end}"


def frequency_text(descriptor: dict[str, Any]) -> str:
    return voc.FREQUENCIES.get(str((descriptor.get("dcat") or {}).get("frequency") or ""), "")


def maintainers(descriptor: dict[str, Any]) -> str:
    return ", ".join(
        esc(c.get("title", "")) + (f' (<a href="mailto:{esc(c["email"])}">{esc(c["email"])}</a>)'
                                   if c.get("email") else "")
        for c in descriptor.get("contributors", []) if "maintainer" in (c.get("roles") or []))


def publisher(descriptor: dict[str, Any]) -> str:
    return str(((descriptor.get("dcat") or {}).get("publisher") or {}).get("name") or "")


def _summary(descriptor: dict[str, Any], digests: dict[str, TableDigest]) -> str:
    rows = sum(d.rows for d in digests.values())
    tables = len(descriptor.get("resources", []))
    parts = [f"{publisher(descriptor) or 'Die Verwaltung'} veröffentlicht hier "
             f"„{descriptor.get('title', '')}“ als offene Daten."]
    if period_text(descriptor):
        parts.append(f"Die Daten reichen von {period_text(descriptor)}.")
    if frequency_text(descriptor):
        parts.append(f"Sie werden {frequency_text(descriptor)} aktualisiert.")
    code = str(((descriptor.get("licenses") or [{}])[0]).get("path") or "").removeprefix(
        voc.LICENCE_BASE)
    parts.append(f"{german_number(rows)} {'Zeile' if rows == 1 else 'Zeilen'} in {tables} "
                 f"{'Tabelle' if tables == 1 else 'Tabellen'}, frei nutzbar"
                 + (" mit Quellenangabe." if code in voc.ATTRIBUTION_LICENCES else "."))
    return " ".join(parts)


def _facts(descriptor: dict[str, Any], marker: dict[str, Any], belongs: str = "") -> str:
    title, url = licence(descriptor)
    block = descriptor.get("dcat") or {}
    themes = ", ".join(voc.THEMES.get(t, t) for t in block.get("themes") or [])
    facts = [("Zeitraum", esc(period_text(descriptor) or "kein Zeitraum (Stichtagsdaten)")),
             ("Aktualisierung", esc(frequency_text(descriptor) or "nicht angegeben")),
             ("Zuletzt aktualisiert", esc(berlin_datetime(marker.get("published_at", "")))),
             ("Erstmals veröffentlicht", esc(german_date(str(block.get("issued") or ""))
                                             or "nicht angegeben")),
             ("Version", esc(descriptor.get("version", ""))),
             ("Herausgeber", esc(publisher(descriptor) or "nicht angegeben")),
             *([("Verbund", esc(belongs))] if belongs else []),
             ("Kontakt", maintainers(descriptor) or "nicht angegeben"),
             ("Lizenz", f'<a href="{esc(url)}">{esc(title)}</a>' if url else esc(title)),
             ("Themen", esc(themes or "nicht angegeben")),
             ("Schlagwörter", esc(", ".join(descriptor.get("keywords", []))))]
    if marker.get("documents"):  # e.g. the progress report of a measures plan, HTML and PDF
        facts.append(("Berichte", ", ".join(f'<a href="{esc(name)}">{esc(title)}</a>'
                                            for name, title in marker["documents"].items())))
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def citation(descriptor: dict[str, Any]) -> str:
    """The source note to copy: publisher, title, licence and its address, version."""
    title, url = licence(descriptor)
    return (f"{attribution(descriptor)}, Version {descriptor.get('version', '')} "
            f"({title}{', ' + url if url else ''})")


def _cite(descriptor: dict[str, Any]) -> str:
    return ('<h2 id="zitieren">Quelle angeben</h2>\n<p>Wer die Daten weitergibt oder darauf '
            "aufbaut, nennt die Quelle, zum Beispiel so (zum Kopieren):</p>\n"
            '<label for="quelle">Quellenangabe</label>\n'
            f'<textarea id="quelle" readonly rows="3">{esc(citation(descriptor))}</textarea>')


def _cell(value: str, kind: str, markers: set[str]) -> str:
    if value in markers or value == "":
        return esc(value)
    try:
        if kind == "integer":
            return esc(german_number(int(value)))
        if kind == "number":
            return esc(german_number(float(value)))
    except ValueError:
        return esc(value)
    if kind == "date" and len(value) == 10:
        return esc(f"{value[8:10]}.{value[5:7]}.{value[:4]}")
    return esc(value)


def _preview(resource: dict[str, Any], table: TableDigest, ident: str) -> str:
    schema = resource.get("schema") or {}
    fields = table.fields
    markers = {m for m in schema.get("missingValues") or [""] if m}
    numeric = {n for n, f in enumerate(fields) if f.get("type") in ("integer", "number")}
    headers = [f"{esc(f.get('title') or f['name'])}<span class=\"name\">{esc(f['name'])}</span>"
               for f in fields]
    key = schema.get("primaryKey") or []
    # identifiers and years stay as written ("2025", not "2.025"): no number format in the key
    kinds = [("string" if f.get("type") == "integer" and (
        f["name"] in key or IDENTIFIER.search(f["name"])) else f.get("type", "string"))
        for f in fields]
    rows = [[_cell(v, kinds[n] if n < len(kinds) else "string", markers)
             for n, v in enumerate(row)] for row in table.preview]
    what = ("Die einzige Zeile" if table.rows == 1 else f"Alle {german_number(table.rows)} Zeilen"
            if table.whole else
            f"Die ersten {len(table.preview)} von {german_number(table.rows)} Zeilen")
    return scroll_table(f"{what} der Tabelle „{esc(resource.get('title') or resource['name'])}“",
                        headers, rows, ident=ident, numeric=numeric)


def suppression_note(schema: dict[str, Any]) -> str:
    if "." not in (schema.get("missingValues") or []):
        return ""
    return ('<p class="note">Ein Punkt (.) steht für einen <strong>gesperrten Wert</strong>: '
            "Sehr kleine Fallzahlen werden nicht veröffentlicht, damit niemand auf einzelne "
            "Personen schließen kann. Der Wert ist nicht 0, er wird nur nicht gezeigt. Ein "
            "leeres Feld bedeutet: keine Angabe.</p>")


def _fields(resource: dict[str, Any], ident: str) -> str:
    rows = [[esc(f.get("title") or f["name"]) + f'<span class="name">{esc(f["name"])}</span>',
             esc(TYPES_DE.get(f.get("type", "string"), f.get("type", ""))),
             esc(f.get("description", ""))]
            for f in (resource.get("schema") or {}).get("fields", [])]
    title = esc(resource.get("title") or resource["name"])
    return scroll_table(f"Was die Spalten der Tabelle „{title}“ bedeuten",
                        ["Spalte", "Art des Werts", "Erklärung"], rows, ident=ident,
                        row_headers=True)


def _resource(n: int, resource: dict[str, Any], table: TableDigest | None, unit: str,
              files: set[str]) -> str:
    name = resource["name"]
    stem = resource["path"].rsplit(".", 1)[0]
    links = [f'<a href="{esc(resource["path"])}">CSV</a> ({size_text(resource.get("bytes", 0))})']
    if f"{stem}.xlsx" in files:
        links.append(f'<a href="{esc(stem)}.xlsx">Excel</a>')
    elif resource["path"].endswith(".csv"):
        links.append("keine Excel-Datei (die Tabelle ist dafür zu lang, bitte CSV verwenden)")
    links.append(f'<a href="{esc(stem)}.json">JSON</a>')
    parts = [f'<h2 id="tabelle-{esc(name)}">{esc(resource.get("title") or name)}</h2>',
             f"<p>{esc(resource.get('description', ''))}</p>" if resource.get("description")
             else "", "<p>Herunterladen: " + ", ".join(links) + "</p>"]
    if table is not None:
        parts.append(f"<p>{german_number(table.rows)} {'Zeile' if table.rows == 1 else 'Zeilen'}"
                     f", {len(table.fields)} Spalten.</p>")
        if table.series is not None:
            parts.append(chart.figure(table.series, f"grafik-{n}", unit))
        parts += [f"<h3>Vorschau: {esc(resource.get('title') or name)}</h3>",
                  suppression_note(resource.get("schema") or {}),
                  _preview(resource, table, f"vorschau-{n}")]
    parts.append(_fields(resource, f"spalten-{n}"))
    return "\n".join(p for p in parts if p)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} Byte"
    if size < 1024 * 1024:
        return f"{german_number(round(size / 1024))} KB"
    return f"{german_number(size / 1024 / 1024, 1)} MB"


def changes_section(descriptor: dict[str, Any]) -> str:
    changes = descriptor.get("changes") or []
    if not changes:
        return ""
    items = "".join(f"<li><strong>Version {esc(c.get('version', ''))}, "
                    f"{esc(berlin_datetime(c.get('date', '')))}:</strong> "
                    f"{esc(c.get('note', ''))}</li>" for c in reversed(changes))
    return f'<h2 id="aenderungen">Änderungen</h2>\n<ul>{items}</ul>'


def render_dataset(slug: str, descriptor: dict[str, Any], marker: dict[str, Any], *,
                   digests: dict[str, TableDigest] | None = None, files: set[str] | None = None,
                   site: dict[str, Any] | None = None, base_url: str = "",
                   belongs: str = "") -> str:
    """The dataset's page (see module docstring).

    Args:
        slug: the dataset's name (its folder).
        descriptor: the published datapackage.json.
        marker: the publication record (time, file checksums, metadata score).
        digests: per resource name, what was read of its CSV (rows, preview, chart).
        files: the names of the files in the dataset folder (to offer only what exists).
        site: municipality and legal links from catalog.yaml.
        base_url: where the catalog is served, for the direct addresses ('' = relative).
        belongs: in an association of municipalities, the member (or the association) the
            dataset belongs to; '' for a single municipality.
    """
    digests = digests or {}
    files = files or set()
    title = descriptor.get("title") or slug
    unit = str((descriptor.get("dcat") or {}).get("temporal_unit") or "")
    parts = [f"<h1>{esc(title)}</h1>",
             f'<p class="summary">{esc(_summary(descriptor, digests))}</p>',
             f"<p>{esc(descriptor.get('description', ''))}</p>",
             f'<p><a href="{COMPARISON_FILE}">{COMPARISON_LINK}</a></p>'
             if COMPARISON_FILE in files else "", _facts(descriptor, marker, belongs),
             _cite(descriptor)]
    for n, resource in enumerate(descriptor.get("resources", []), start=1):
        parts.append(_resource(n, resource, digests.get(resource["name"]), unit, files))
    parts += [changes_section(descriptor), usage_section(slug, descriptor, base_url),
              developer_section(descriptor, marker)]
    return page(title, "\n".join(p for p in parts if p), site=site, home="../",
                feed="../feed.xml")
