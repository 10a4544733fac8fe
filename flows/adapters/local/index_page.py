"""The catalog's start page: every dataset in theme sections with a table of contents, and a search
with filters by theme, keyword and update frequency.

The search works on a static site: the index is built when the catalog is written (`catalog.json`,
and the same data inside the page, so it also works from a file:// address). Without JavaScript
the search form stays hidden and the full list with its theme sections is the page.
"""

from __future__ import annotations

import json
from typing import Any

from flows.adapters.local.comparison_page import COMPARISON_LINK
from flows.adapters.local.dataset_page import frequency_text, licence, period_text, publisher
from flows.adapters.local.layout import berlin_datetime, esc, page
from flows.metadata import vocabularies as voc
from flows.specs.members import MEMBERS_FOLDER

NO_THEME = "Ohne Thema"
SUMMARY_CHARS = 220


def search_index(entries: list[tuple[str, dict[str, Any], dict[str, Any]]],
                 members: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One record per dataset for the search (`catalog.json`). With `members` (id → name of
    the members of an association) each record also names its member and publisher."""
    records = [{"name": slug, "title": d.get("title") or slug,
             "description": d.get("description", ""), "keywords": d.get("keywords", []),
               "themes": [voc.THEMES.get(t, t) for t in (d.get("dcat") or {}).get("themes") or []]
               or [NO_THEME],
               "frequency": frequency_text(d), "period": period_text(d),
               "modified": m.get("published_at", ""), "version": d.get("version", ""),
               "page": f"{slug}/index.html",
               "downloads": [f"{slug}/{r['path']}" for r in d.get("resources", [])]}
               for slug, d, m in entries]
    if members:
        for record, (_, d, m) in zip(records, entries, strict=True):
            record["member"] = m.get("member") or ""
            record["member_name"] = members.get(record["member"], record["member"])
            record["publisher"] = publisher(d)
    return records


def _short(text: str) -> str:
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def _downloads(slug: str, resource: dict[str, Any], published: dict[str, Any]) -> str:
    links = [f'<a href="{esc(slug)}/{esc(resource["path"])}">CSV</a>']
    excel = resource["path"].rsplit(".", 1)[0] + ".xlsx"
    if excel in published:
        links.append(f'<a href="{esc(slug)}/{esc(excel)}">Excel</a>')
    return f'{esc(resource.get("title") or resource["name"])}: {", ".join(links)}'


def _item(record: dict[str, Any], descriptor: dict[str, Any], marker: dict[str, Any]) -> str:
    slug = record["name"]
    facts = [f for f in (f"Zeitraum: {record['period']}" if record["period"] else "",
                         f"Aktualisierung: {record['frequency']}" if record["frequency"] else "",
                         f"Zuletzt aktualisiert: {berlin_datetime(record['modified'])}"
                         if record["modified"] else "") if f]
    downloads = "; ".join(_downloads(slug, r, marker.get("files") or {})
                          for r in descriptor.get("resources", []))
    facts.append(f"Lizenz: {licence(descriptor)[0]}")
    if "publisher" in record:  # an association of municipalities: who publishes it
        facts.insert(0, f"Herausgeber: {record['publisher'] or record['member_name']}")
    compared = (f'<p><a href="{esc(slug)}/{esc(marker["comparison"])}">{COMPARISON_LINK}</a></p>\n'
                if marker.get("comparison") else "")
    return (f'<li data-name="{esc(slug)}">\n<h3><a href="{esc(slug)}/index.html">'
            f"{esc(record['title'])}</a></h3>\n<p>{esc(_short(record['description']))}</p>\n"
            f"<p>{esc(' · '.join(facts))}</p>\n{compared}<p>Herunterladen: {downloads}</p>\n</li>")


def _options(label: str, ident: str, values: list[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (f'<div><label for="{ident}">{label}</label><select id="{ident}">'
            f'<option value="">alle</option>{options}</select></div>')


def _member_options(records: list[dict[str, Any]], association: str) -> str:
    """The member filter (only for an association): its members with datasets, and the
    association's own datasets (value '-')."""
    if not records or "member" not in records[0]:
        return ""
    names = dict(sorted({(r["member"], r["member_name"]) for r in records if r["member"]},
                        key=lambda item: item[1].casefold()))
    options = "".join(f'<option value="{esc(k)}">{esc(v)}</option>' for k, v in names.items())
    if any(not r["member"] for r in records):
        options += (f'<option value="-">gemeinsame Datensätze'
                    f'{" (" + esc(association) + ")" if association else ""}</option>')
    return ('<div><label for="mitglied">Mitglied</label><select id="mitglied">'
            f'<option value="">alle</option>{options}</select></div>\n')


def _search_form(records: list[dict[str, Any]], association: str = "") -> str:
    themes = sorted({t for r in records for t in r["themes"]})
    keywords = sorted({k for r in records for k in r["keywords"]}, key=str.casefold)
    frequencies = sorted({r["frequency"] for r in records if r["frequency"]})
    return ('<div id="suche" hidden>\n<h2>Suchen und filtern</h2>\n'
            '<form class="filters" role="search" aria-label="Datensätze durchsuchen">\n'
            '<div><label for="suchtext">Suchbegriff</label>'
            '<input id="suchtext" type="search" autocomplete="off"></div>\n'
            + _member_options(records, association)
            + _options("Thema", "thema", themes) + "\n"
            + _options("Schlagwort", "schlagwort", keywords) + "\n"
            + _options("Aktualisierung", "haeufigkeit", frequencies) + "\n</form>\n"
            '<p id="treffer" role="status" aria-live="polite"></p>\n</div>')


SCRIPT = """<script>
(() => {
  const data = JSON.parse(document.getElementById('katalog-daten').textContent);
  const byName = new Map(data.map(d => [d.name, d]));
  const box = document.getElementById('suche');
  box.hidden = false;
  const text = document.getElementById('suchtext');
  const selects = ['thema', 'schlagwort', 'haeufigkeit'].map(id => document.getElementById(id));
  const member = document.getElementById('mitglied');
  const status = document.getElementById('treffer');
  function update() {
    const words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const [theme, keyword, frequency] = selects.map(s => s.value);
    const who = member ? member.value : '';
    const hits = new Set();
    for (const d of data) {
      const hay = [d.title, d.description, ...d.keywords, ...d.themes].join(' ').toLowerCase();
      if (words.every(w => hay.includes(w)) && (!theme || d.themes.includes(theme))
          && (!keyword || d.keywords.includes(keyword))
          && (!frequency || d.frequency === frequency)
          && (!who || (who === '-' ? !d.member : d.member === who))) hits.add(d.name);
    }
    for (const item of document.querySelectorAll('li[data-name]')) {
      item.hidden = !hits.has(item.dataset.name);
    }
    for (const section of document.querySelectorAll('section.thema')) {
      section.hidden = !section.querySelector('li[data-name]:not([hidden])');
    }
    status.textContent = hits.size === data.length ? `Alle ${data.length} Datensätze.`
      : `${hits.size} von ${data.length} Datensätzen gefunden.`;
  }
  text.addEventListener('input', update);
  [...selects, member].filter(Boolean).forEach(s => s.addEventListener('change', update));
  update();
})();
</script>
"""


def render_index(entries: list[tuple[str, dict[str, Any], dict[str, Any]]], *,
                 site: dict[str, Any] | None = None, title: str = "",
                 description: str = "", members: dict[str, str] | None = None,
                 association: str = "") -> str:
    """The start page (see module docstring); `entries` are (slug, descriptor, marker).
    `members` (id → name) and `association` name the members of an association of
    municipalities: the search then filters by member, and each member's catalog is linked."""
    site = site or {}
    records = search_index(entries, members)
    known = {slug: (d, m) for slug, d, m in entries}
    themes: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        for theme in record["themes"]:
            themes.setdefault(theme, []).append(record)
    order = sorted(themes, key=lambda t: (t == NO_THEME, t))
    toc = "".join(f'<li><a href="#thema-{n}">{esc(t)}</a> ({len(themes[t])})</li>'
                  for n, t in enumerate(order))
    sections = "\n".join(
        f'<section class="thema" aria-labelledby="thema-{n}">\n<h2 id="thema-{n}">{esc(t)}</h2>'
        f'\n<ul class="datensaetze">\n'
        + "\n".join(_item(r, *known[r["name"]]) for r in themes[t]) + "\n</ul>\n</section>"
        for n, t in enumerate(order))
    owner = site.get("municipality") or (publisher(entries[0][1]) if entries else "")
    heading = title or f"Offene Daten{' der ' + owner if owner else ''}"
    count = f"{len(entries)} {'Datensatz' if len(entries) == 1 else 'Datensätze'}"
    intro = (f"<p>{esc(description)}</p>\n" if description else "") + (
        f"<p>{count}, frei herunterladbar als CSV, Excel und JSON. Neue und geänderte "
        'Datensätze meldet der <a href="feed.xml">Atom-Feed</a>.</p>')
    body = (f"<h1>{esc(heading)}</h1>\n{intro}\n"
            + (_search_form(records, association) + "\n" if records else "")
            + (f'<nav aria-labelledby="inhalt"><h2 id="inhalt">Themen</h2><ul>{toc}</ul></nav>\n'
               f"{sections}" if records else "<p>Noch keine Datensätze veröffentlicht.</p>")
            + '\n<h2 id="technik">Für Entwicklerinnen und Entwickler</h2>\n'
            '<p>Alle Datensätze als Liste: <a href="catalog.json">catalog.json</a>. Metadaten nach '
            'DCAT-AP.de für GovData: <a href="catalog.ttl">catalog.ttl</a>, '
            '<a href="catalog.rdf">catalog.rdf</a>.</p>' + _member_catalogs(members or {}))
    data = json.dumps(records, ensure_ascii=False).replace("</", "<\\/")
    script = (f'<script type="application/json" id="katalog-daten">{data}</script>\n{SCRIPT}'
              if records else "")
    return page(heading, body, site=site, feed="feed.xml", script=script)


def _member_catalogs(members: dict[str, str]) -> str:
    """Links to the catalog of each member (`mitglieder/<id>/catalog.ttl|rdf`)."""
    if not members:
        return ""
    items = "".join(
        f"<li>{esc(name)}: <a href=\"{MEMBERS_FOLDER}/{esc(key)}/catalog.ttl\">catalog.ttl</a>, "
        f"<a href=\"{MEMBERS_FOLDER}/{esc(key)}/catalog.rdf\">catalog.rdf</a></li>"
        for key, name in members.items())
    return ("\n<p>Jedes Mitglied hat einen eigenen Katalog mit seinen Datensätzen, zum Beispiel "
            "für das Landesportal oder GovData:</p>\n"
            f'<ul class="mitglieder">{items}</ul>')
