"""The local catalog's HTML pages for data consumers, in German and accessible: an index of
all datasets and one page per dataset that documents its fields (from the Table Schema)."""

from __future__ import annotations

import html
from typing import Any

TYPES_DE = {"string": "Text", "integer": "ganze Zahl", "number": "Zahl", "date": "Datum",
            "boolean": "Wahrheitswert", "year": "Jahr", "yearmonth": "Jahr und Monat",
            "datetime": "Zeitpunkt"}
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; background: #fff; line-height: 1.5; }
a { color: #0b4f9c; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; }
dt { font-weight: bold; }
"""


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def _rules(field: dict[str, Any]) -> str:
    constraints = field.get("constraints") or {}
    parts = []
    if constraints.get("required"):
        parts.append("Pflichtfeld")
    if constraints.get("unique"):
        parts.append("eindeutig")
    if "minimum" in constraints:
        parts.append(f"mindestens {constraints['minimum']}")
    if "maximum" in constraints:
        parts.append(f"höchstens {constraints['maximum']}")
    if constraints.get("enum"):
        parts.append("einer von: " + ", ".join(str(v) for v in constraints["enum"]))
    if constraints.get("pattern"):
        parts.append(f"Muster {constraints['pattern']}")
    return "; ".join(parts)


def quality_text(marker: dict[str, Any]) -> str:
    """'Metadatenqualität: 405 von 405 Punkten (ausgezeichnet)' from a publish marker, or ''."""
    quality = marker.get("metadata_quality")
    if not quality:
        return ""
    text = (f"Metadatenqualität (MQA von data.europa.eu): {quality['score']} von {quality['max']} "
            f"Punkten ({quality['rating']})")
    if quality.get("missing"):
        text += "; es fehlen: " + ", ".join(f"{m['criterion']} ({m['points']})"
                                            for m in quality["missing"])
    return html.escape(text) + "."


def render_dataset(slug: str, descriptor: dict[str, Any], marker: dict[str, Any]) -> str:
    """One dataset: description, licence, contact, downloads and a documented field list."""
    esc = html.escape
    title = descriptor.get("title") or slug
    licences = ", ".join(
        f'<a href="{esc(lic.get("path", ""))}">{esc(lic.get("title") or lic.get("name", ""))}</a>'
        for lic in descriptor.get("licenses", []))
    contacts = ", ".join(
        esc(c.get("title", "")) + (f' (<a href="mailto:{esc(c["email"])}">{esc(c["email"])}</a>)'
                                   if c.get("email") else "")
        for c in descriptor.get("contributors", []) if "maintainer" in (c.get("roles") or []))
    facts = [("Lizenz", licences or "nicht angegeben"), ("Version", esc(str(
        descriptor.get("version", "")))), ("Ansprechpartner", contacts or "nicht angegeben"),
        ("Schlagwörter", esc(", ".join(descriptor.get("keywords", [])))),
        ("Stand", esc(marker.get("published_at", ""))),
        ("Metadaten", quality_text(marker) or "nicht bewertet"),
        ("DCAT-AP.de", '<a href="dataset.ttl">Turtle</a>, <a href="dataset.rdf">RDF/XML</a>')]
    if marker.get("documents"):
        facts.append(("Berichte", ", ".join(f'<a href="{esc(name)}">{esc(title)}</a>'
                                            for name, title in marker["documents"].items())))
    parts = [f'<header><p><a href="../index.html">Alle Datensätze</a></p>'
             f"<h1>{esc(title)}</h1></header>\n<main>",
             f"<p>{esc(descriptor.get('description', ''))}</p>",
             "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"]
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema") or {}
        csv_name = resource["path"]
        json_name = csv_name.rsplit(".", 1)[0] + ".json"
        size = f"{resource.get('bytes', 0):,}".replace(",", ".")
        parts += [f"<h2>{esc(resource.get('title') or resource['name'])}</h2>",
                  f"<p>{esc(resource.get('description', ''))}</p>",
                  f'<p>Download: <a href="{esc(csv_name)}">CSV</a> ({size} Bytes, UTF-8), '
                  f'<a href="{esc(json_name)}">JSON</a>, '
                  '<a href="datapackage.json">Beschreibung (datapackage.json)</a></p>']
        if "." in (schema.get("missingValues") or []):
            parts.append("<p>Ein Punkt (.) steht für einen gesperrten Wert: kleine Fallzahlen "
                         "werden zum Schutz personenbezogener Daten nicht veröffentlicht.</p>")
        rows = "\n".join(
            f'<tr><th scope="row">{esc(f["name"])}</th><td>{esc(f.get("title", ""))}</td>'
            f'<td>{esc(TYPES_DE.get(f.get("type", "string"), f.get("type", "")))}</td>'
            f'<td>{esc(f.get("description", ""))}</td><td>{esc(_rules(f))}</td></tr>'
            for f in schema.get("fields", []))
        parts.append('<table>\n<caption>Felder</caption>\n<thead><tr><th scope="col">Name</th>'
                     '<th scope="col">Bedeutung</th><th scope="col">Typ</th>'
                     '<th scope="col">Beschreibung</th><th scope="col">Regeln</th></tr></thead>'
                     f"\n<tbody>\n{rows}\n</tbody>\n</table>")
    parts.append("</main>")
    return _page(title, "\n".join(parts))


def render_index(entries: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> str:
    """An accessible German HTML page listing every dataset with its downloads."""
    esc = html.escape
    sections = []
    for slug, descriptor, marker in entries:
        rows = []
        for resource in descriptor.get("resources", []):
            csv_name = resource["path"]
            json_name = csv_name.rsplit(".", 1)[0] + ".json"
            size = f"{resource.get('bytes', 0):,}".replace(",", ".")
            rows.append(
                f"<tr><th scope=\"row\">{esc(resource.get('title') or resource['name'])}</th>"
                f"<td><a href=\"{esc(slug)}/{esc(csv_name)}\">CSV</a> ({size} Bytes)</td>"
                f"<td><a href=\"{esc(slug)}/{esc(json_name)}\">JSON</a></td></tr>"
            )
        licences = ", ".join(
            f"<a href=\"{esc(lic.get('path', ''))}\">"
            f"{esc(lic.get('title') or lic.get('name', ''))}</a>"
            for lic in descriptor.get("licenses", [])
        )
        sections.append(
            f"<section aria-labelledby=\"{esc(slug)}\">\n"
            f"<h2 id=\"{esc(slug)}\"><a href=\"{esc(slug)}/index.html\">"
            f"{esc(descriptor.get('title', slug))}</a></h2>\n"
            f"<p>{esc(descriptor.get('description', ''))}</p>\n"
            f"<p>Lizenz: {licences or 'nicht angegeben'}. Stand: "
            f"{esc(marker.get('published_at', 'unbekannt'))}. "
            f"<a href=\"{esc(slug)}/datapackage.json\">Beschreibung (datapackage.json)</a></p>\n"
            f"<p>{quality_text(marker)}</p>\n"
            "<table>\n<caption>Downloads</caption>\n<thead><tr><th scope=\"col\">Ressource</th>"
            "<th scope=\"col\">CSV</th><th scope=\"col\">JSON</th></tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>\n</section>"
        )
    body = "\n".join(sections) or "<p>Noch keine Datensätze veröffentlicht.</p>"
    title = "Offene Daten: Kennzahlen der Verwaltung"
    return _page(title, f"""<header><h1>{title}</h1>
<p>{len(entries)} Datensätze, maschinenlesbar als CSV und JSON, mit Beschreibung nach dem
Frictionless-Data-Package-Standard. Metadaten nach DCAT-AP.de für GovData:
<a href="catalog.ttl">catalog.ttl</a>, <a href="catalog.rdf">catalog.rdf</a>.</p></header>
<main>
{body}
</main>""")
