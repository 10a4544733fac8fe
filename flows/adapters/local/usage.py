"""The lower part of a dataset page: how to use the data (addresses that stay, short examples in
pandas, R and frictionless) and the technical details for developers (DCAT-AP.de, the metadata
score with an honest label, checksums, field rules)."""

from __future__ import annotations

from typing import Any

from flows.adapters.local.layout import esc, scroll_table

SHACL_CRITERION = "DCAT-AP-konform"
"""Start of the MQA criterion that only a SHACL check without violation earns."""


def _url(base_url: str, slug: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/{slug}/{name}" if base_url else name


def usage_section(slug: str, descriptor: dict[str, Any], base_url: str) -> str:
    """Direct addresses of every file and two-line examples for pandas, R and frictionless."""
    resources = descriptor.get("resources", [])
    if not resources:
        return ""
    first = resources[0]
    csv_url = _url(base_url, slug, first["path"])
    markers = [m for m in (first.get("schema") or {}).get("missingValues") or [""] if m]
    na_py = f", na_values={markers!r}" if markers else ""
    na_r = ", na.strings = c(\"\", " + ", ".join(f'"{m}"' for m in markers) + ")" if markers \
        else ""
    rows = []
    for resource in resources:
        stem = resource["path"].rsplit(".", 1)[0]
        for label, name in (("CSV", resource["path"]), ("Excel", f"{stem}.xlsx"),
                            ("JSON", f"{stem}.json")):
            url = _url(base_url, slug, name)
            rows.append([esc(resource.get("title") or resource["name"]), label,
                         f'<a href="{esc(url)}"><code>{esc(url)}</code></a>'])
    package = _url(base_url, slug, "datapackage.json")
    rows.append(["Beschreibung aller Tabellen", "datapackage.json",
                 f'<a href="{esc(package)}"><code>{esc(package)}</code></a>'])
    examples = [
        ("Python mit pandas", f'import pandas as pd\ndaten = pd.read_csv("{csv_url}"{na_py})'),
        ("R", f'daten <- read.csv("{csv_url}", encoding = "UTF-8"{na_r})\nhead(daten)'),
        ("Python mit frictionless (prüft Typen und Regeln)",
         f'from frictionless import Package\nzeilen = Package("{package}")'
         f'.get_resource("{first["name"]}").read_rows()'),
    ]
    code = "\n".join(f"<h3>{esc(title)}</h3>\n<pre tabindex=\"0\"><code>{esc(text)}</code></pre>"
                     for title, text in examples)
    return ('<h2 id="nutzen">So nutzen Sie die Daten</h2>\n'
            "<p>Die Adressen bleiben gleich: Dort liegt immer die neueste Version. Die CSV-Datei "
            "ist UTF-8-kodiert und durch Kommas getrennt; die Excel-Datei öffnet sich direkt in "
            "Excel oder LibreOffice.</p>\n"
            + scroll_table("Direkte Adressen", ["Tabelle", "Format", "Adresse"], rows,
                           ident="adressen") + "\n" + code)


def quality_label(quality: dict[str, Any] | None) -> str:
    """The metadata score in words, honest about a check that did not run."""
    if not quality:
        return "Die Metadaten wurden nicht bewertet."
    checked = quality.get("shacl_checked")
    if checked is None:  # records written before the flag: a published dataset has no violation
        checked = not any(m["criterion"].startswith(SHACL_CRITERION)
                          for m in quality.get("missing", []))
    points = f"{quality['score']} von {quality['max']} Punkten"
    if not checked:
        return (f"Die Prüfung gegen die Regeln von DCAT-AP.de (SHACL) ist nicht gelaufen, daher "
                f"keine Gesamtnote. Ohne diese Prüfung erreichen die Metadaten {points} nach "
                "der Metadaten-Qualitätsbewertung (MQA) von data.europa.eu.")
    return (f"{points} nach der Metadaten-Qualitätsbewertung (MQA) von data.europa.eu: "
            f"{quality['rating']}. Die Prüfung gegen DCAT-AP.de (SHACL) fand keinen Verstoß.")


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


def developer_section(descriptor: dict[str, Any], marker: dict[str, Any]) -> str:
    """DCAT-AP.de files, metadata score, checksums and the rules of every field."""
    quality = marker.get("metadata_quality")
    parts = ['<h2 id="technik">Für Entwicklerinnen und Entwickler</h2>',
             "<p>Metadaten nach DCAT-AP.de (für GovData und Landesportale): "
             '<a href="dataset.ttl">Turtle</a>, <a href="dataset.rdf">RDF/XML</a>; '
             'Beschreibung als Frictionless Data Package: <a href="datapackage.json">'
             "datapackage.json</a>.</p>",
             f"<p>Metadatenqualität: {esc(quality_label(quality))}</p>"]
    if quality and quality.get("missing"):
        parts.append(scroll_table("Was Punkte kostet", ["Kriterium", "Punkte"],
                                  [[esc(m["criterion"]), str(m["points"])]
                                   for m in quality["missing"]], ident="mqa", numeric={1}))
    files = marker.get("files") or {}
    if files:
        parts.append(scroll_table("Prüfsummen (SHA-256)", ["Datei", "SHA-256"],
                                  [[esc(name), f"<code>{esc(digest)}</code>"]
                                   for name, digest in sorted(files.items())],
                                  ident="pruefsummen"))
    for n, resource in enumerate(descriptor.get("resources", []), start=1):
        schema = resource.get("schema") or {}
        rows = [[f"<code>{esc(f['name'])}</code>", esc(f.get("type", "string")),
                 esc(_rules(f))] for f in schema.get("fields", [])]
        key = schema.get("primaryKey")
        parts.append(scroll_table(
            f"Regeln der Tabelle {esc(resource['name'])} (Schlüssel: "
            f"{esc(', '.join(key) if isinstance(key, list) else key or 'keiner')})",
            ["Feld", "Typ (Table Schema)", "Regeln"], rows, ident=f"regeln-{n}"))
    return "\n".join(parts)
