"""The frame every page of the local catalog shares: style, header, footer, tables that scroll in
their own box, and German dates and numbers.

The style reflows down to 320 px: the page never scrolls sideways, a wide table scrolls inside a
focusable region of its own, charts shrink with the page. No external resources, colours with a
contrast of at least 4.5:1, a visible keyboard focus.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")
SITE_LINKS = (("impressum", "Impressum"), ("datenschutz", "Datenschutz"),
              ("barrierefreiheit", "Barrierefreiheit"), ("kontakt", "Kontakt und Rückmeldung"))
"""The links a public body's site must offer (catalog.yaml, `site:`), in footer order."""
STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 0 auto; padding: 1rem;
       color: #1a1a1a; background: #fff; line-height: 1.5; overflow-wrap: break-word; }
a { color: #0b4f9c; }
a:focus-visible, summary:focus-visible, input:focus-visible, select:focus-visible,
.scroll:focus-visible, button:focus-visible {
       outline: 3px solid #1a1a1a; outline-offset: 2px; }
a:focus-visible { background: #ffe58a; }
h1 { font-size: 1.7rem; line-height: 1.25; } h2 { margin-top: 2rem; }
.site { border-bottom: 1px solid #767676; margin-bottom: 1rem; }
.site p { margin: .3rem 0; }
footer { border-top: 1px solid #767676; margin-top: 3rem; padding-top: .5rem; }
footer ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0 0 1.5rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-title { font-weight: bold; margin: 1rem 0 .2rem; }
.name { display: block; font-weight: normal; font-size: .85rem; color: #4d4d4d; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr);
           gap: .3rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 30rem) { dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: .4rem; } }
.summary { font-size: 1.1rem; }
.note { border-left: .4rem solid #8a4b00; padding: .4rem .8rem; background: #f7f0e6; }
pre, code { font-family: ui-monospace, monospace; background: #f2f2f2; }
pre { padding: .6rem; overflow-x: auto; max-width: 100%; }
code { padding: 0 .2rem; overflow-wrap: anywhere; }
figure { margin: 1rem 0; } figcaption { font-weight: bold; }
svg { max-width: 100%; height: auto; display: block; }
textarea { width: 100%; font: inherit; }
label { font-weight: bold; display: block; }
input, select { font: inherit; max-width: 100%; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
.filters > div { min-width: 12rem; flex: 1 1 12rem; }
.filters input, .filters select { width: 100%; }
details { margin: .5rem 0; }
ul.datensaetze { list-style: none; padding: 0; }
ul.datensaetze > li { border-top: 1px solid #767676; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;
           clip: rect(0 0 0 0); white-space: nowrap; }
ul.legende { list-style: none; padding: 0; margin: .3rem 0; display: flex; flex-wrap: wrap;
             gap: .2rem 1.2rem; }
ul.legende svg { display: inline-block; vertical-align: middle; }
"""


def esc(value: Any) -> str:
    return html.escape(str(value))


def page(title: str, body: str, *, site: dict[str, Any] | None = None, home: str = "",
         feed: str = "", script: str = "") -> str:
    """A whole German page: the site header (municipality, link to the index), `body` as main,
    and a footer with the legal links of catalog.yaml (`site:`)."""
    site = site or {}
    owner = esc(site.get("municipality") or "")
    back = f'<p><a href="{esc(home)}index.html">Alle Datensätze</a></p>' if home else ""
    alternate = (f'<link rel="alternate" type="application/atom+xml" title="Neue und geänderte '
                 f'Datensätze" href="{esc(feed)}">\n') if feed else ""
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{alternate}<style>{STYLE}</style>
</head>
<body>
<header class="site"><p><strong>{owner or "Offene Daten"}</strong> · Offene Daten</p>{back}</header>
<main>
{body}
</main>
{footer(site)}
{script}</body>
</html>
"""


def footer(site: dict[str, Any]) -> str:
    """Impressum, Datenschutz, Barrierefreiheit and contact from catalog.yaml; a missing one is
    named as missing, so nobody publishes a catalog without noticing."""
    items = []
    for key, label in SITE_LINKS:
        url = str((site.get("links") or {}).get(key) or "")
        if url:
            items.append(f'<li><a href="{esc(url)}">{label}</a></li>')
        else:
            items.append(f"<li>{label}: noch nicht eingetragen (catalog.yaml, site.{key})</li>")
    return f'<footer>\n<ul>{"".join(items)}</ul>\n</footer>'


def scroll_table(caption: str, headers: list[str], rows: list[list[str]], *,
                 ident: str, numeric: set[int] | frozenset[int] = frozenset(),
                 row_headers: bool = False) -> str:
    """A table in a box that scrolls sideways on its own (keyboard-focusable, both named by
    the title above them). Caption, header and cell strings are HTML already."""
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for n, cell in enumerate(row):
            if n == 0 and row_headers:
                cells.append(f'<th scope="row">{cell}</th>')
            else:
                cells.append(f'<td class="num">{cell}</td>' if n in numeric else f"<td>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # the title stands above the box, not as a caption inside it, so on a phone it wraps to
    # the screen instead of running off with the table
    return (f'<p class="table-title" id="{ident}">{caption}</p>\n'
            f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{ident}">\n'
            f'<table aria-labelledby="{ident}">\n<thead><tr>{head}</tr></thead>'
            "\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n</div>")


def berlin_datetime(stamp: str) -> str:
    """'3. Dezember 2026, 07:12 Uhr' from an ISO timestamp (UTC or with offset), in Berlin time;
    the text unchanged if it is not a timestamp."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if moment.tzinfo is None:
        return german_date(moment.date())
    local = moment.astimezone(BERLIN)
    return f"{german_date(local.date())}, {local:%H:%M} Uhr"


def german_date(value: date | str) -> str:
    """'15. Januar 2025' from a date or an ISO date; other text unchanged."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def period_label(value: str, unit: str = "") -> str:
    """A period as people say it: 'Januar 2021' (month), '2021' (year), '15.01.2025' (day)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    if month and (unit == "month" or not day):
        return f"{MONTHS[int(month) - 1]} {year}"
    if unit == "year" or not month:
        return year
    if unit == "quarter":
        return f"{(int(month) - 1) // 3 + 1}. Quartal {year}"
    return f"{day}.{month}.{year}"


def german_number(value: float | int, digits: int | None = None) -> str:
    """1234567.5 → '1.234.567,5' (German separators; `digits` fixed decimals if given)."""
    if digits is None:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    else:
        text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
