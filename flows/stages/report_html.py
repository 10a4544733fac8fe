"""German HTML pages for staff: one per dataset and run, and a run overview linking them.

Plain, accessible HTML without JavaScript or external resources: `lang="de"`, one `h1`, headings
in order, tables with captions and header cells, colours with a contrast of at least 4.5:1 that
never carry meaning alone, a visible focus. The comparison with the last publication is drawn as
inline SVG bar pairs whose text alternative is the table beside them. Messages come from the
problem records, which never hold a flagged value or a secret.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from flows.adapters.local.layout import berlin_datetime
from flows.model.results import OK_STATUSES, STATUS_DE, DatasetResult, RunSummary
from flows.problems import problem_type
from flows.stages.report_text import (
    PLAUSIBILITY_HEADERS,
    flagged_first,
    format_value,
    plausibility_rows,
)

EXAMPLES = 20
CHART_FIGURES = 12
"""Figures drawn in the plausibility chart (those beyond their threshold first); the table
below it lists all."""
STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; background: #fff; line-height: 1.5; overflow-wrap: break-word; }
.scroll { overflow-x: auto; max-width: 100%; margin: .5rem 0 1.5rem; }
.scroll:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
svg { max-width: 100%; height: auto; }
a { color: #0b4f9c; }
a:focus-visible, summary:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px;
       background: #ffe58a; }
table { border-collapse: collapse; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; }
.verdict { border-left: .4rem solid #1a1a1a; padding: .5rem 1rem; background: #f2f2f2; }
.ok { border-color: #1e6b2e; } .bad { border-color: #a4161a; } .held { border-color: #8a4b00; }
code { background: #f2f2f2; padding: 0 .2rem; overflow-wrap: anywhere; }
figure { margin: 1rem 0; } figcaption { font-weight: bold; }
"""
VERDICT_CLASS = {"held": "held", "rejected": "held"}
BAR_OLD, BAR_NEW, BAR_HOT = "#595959", "#0b4f9c", "#a4161a"
"""Bar colours, each at least 4.5:1 on white; the legend and the table carry the meaning."""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n")


def _table(caption: str, headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                     for row in rows)
    ident = "t-" + hashlib.sha1(caption.encode(), usedforsecurity=False).hexdigest()[:10]
    # a wide table scrolls in its own (focusable, named) box; the page never scrolls sideways
    return (f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{ident}">\n'
            f'<table>\n<caption id="{ident}">{escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>")


def _verdict(result: DatasetResult) -> str:
    css = VERDICT_CLASS.get(result.status, "ok" if result.status in OK_STATUSES else "bad")
    verdict = STATUS_DE.get(result.status, result.status)
    text = (f'<p class="verdict {css}"><strong>Ergebnis: {escape(verdict)}.</strong> '
            f"{escape(result.reason)}</p>")
    if result.status == "held":
        text += ("\n<p>Die neue Version ist unter <code>"
                 f"{escape(str((result.approval or {}).get('folder', '')))}</code> gespeichert; "
                 "die bisherige bleibt veröffentlicht, bis jemand entscheidet: "
                 f"<code>kennzahlen approve {escape(result.name)} --comment …</code> "
                 "veröffentlicht genau diese Version, "
                 f"<code>kennzahlen reject {escape(result.name)} --comment …</code> behält die "
                 "bisherige. Dieselben Daten werden danach nicht erneut vorgelegt.</p>")
    return text


def _links(result: DatasetResult, run_folder: Path | None) -> str:
    """Links to the run overview, the held copy and the published page (absolute, so they also
    work from the copy of this report kept beside the held version)."""
    links = []
    if run_folder is not None:
        links.append(f'<a href="{escape((run_folder / "index.html").as_uri())}">Übersicht des '
                     "Laufs</a>")
    folder = str((result.approval or {}).get("folder") or "")
    if result.status == "held" and folder:
        links.append(f'<a href="{escape(_file_url(Path(folder)))}">zurückgehaltene Version</a>')
    for outcome in result.outcomes:
        if outcome.target.startswith("local:") and outcome.location:
            url = _file_url(Path(outcome.location) / "index.html")
        elif outcome.location.startswith(("http://", "https://")):
            url = outcome.location
        else:
            continue
        links.append(f'<a href="{escape(url)}">veröffentlichte Seite ({escape(outcome.target)})'
                     "</a>")
    return f'<nav aria-label="Verweise"><p>{" · ".join(links)}</p></nav>' if links else ""


def _file_url(path: Path) -> str:
    return path.as_uri() if path.is_absolute() else str(path)


def dataset_page(result: DatasetResult, run_folder: Path | None = None) -> str:
    """The report of one dataset: verdict first, then what was read, the comparison with the last
    publication, the metadata score and every problem kind (`run_folder`: where the run's
    overview is, for the links)."""
    parts = [f"<h1>Prüfbericht: {escape(result.title or result.name)}</h1>",
             _links(result, run_folder), _verdict(result)]
    rows = [[name, count, result.protection.get(name, {}).get("suppressed_primary", 0)
             + result.protection.get(name, {}).get("suppressed_secondary", 0),
             _narrowest(result.protection.get(name, {}))]
            for name, count in result.rows.items()]
    parts += ["<h2>Überblick</h2>",
              _table("Gelesene Daten je Ressource",
                     ["Ressource", "Zeilen", "Gesperrte Werte",
                      "Mögliche Werte je gesperrter Zahl (mindestens)"], rows)]
    sources = [[name, p.get("kind", ""), p.get("file") or p.get("location", ""),
                p.get("fetched_at", "")] for name, p in result.provenance.items()]
    if sources:
        parts.append(_table("Herkunft der Daten", ["Ressource", "Art", "Quelle", "Gelesen am"],
                            sources))
    if result.plausibility:
        parts += _plausibility(result)
    if result.metadata_quality:
        parts += _quality(result.metadata_quality)
    parts += _problems(result)
    return _page(f"Prüfbericht {result.title or result.name}", "\n".join(parts))


def _narrowest(protection: dict[str, int]) -> str:
    """What the suppression audit leaves a reader: the fewest values a hidden count can still
    take (width + 1), or a dash without hidden counts."""
    width = protection.get("audit_narrowest_width")
    return "–" if width is None else str(width + 1)


def _plausibility(result: DatasetResult) -> list[str]:
    flagged = sum(1 for e in result.plausibility if e.get("exceeds"))
    intro = (f"{flagged} von {len(result.plausibility)} Kennzahlen ändern sich stärker als "
             "erlaubt." if flagged else "Alle Änderungen liegen innerhalb der Schwellen.")
    parts = ["<h2>Vergleich mit der letzten Veröffentlichung</h2>", f"<p>{escape(intro)}</p>"]
    numeric = [e for e in flagged_first(result.plausibility)
               if _is_number(e.get("old")) or _is_number(e.get("new"))]
    if numeric:
        parts.append(_chart(numeric[:CHART_FIGURES]))
    parts.append(_table("Kennzahlen im Vergleich", PLAUSIBILITY_HEADERS,
                        plausibility_rows(result)))
    return parts


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _chart(entries: list[dict[str, Any]]) -> str:
    """Bar pairs (last published, new) per figure, each pair scaled to its larger value so
    small and large figures are equally readable; the table below says the same in text."""
    width, label_w, bar_h, gap = 760, 300, 14, 14
    height = 30 + len(entries) * (2 * bar_h + gap)
    shapes = [f'<rect x="{label_w}" y="4" width="12" height="12" fill="{BAR_OLD}"/>'
              f'<text x="{label_w + 16}" y="15">zuletzt veröffentlicht</text>'
              f'<rect x="{label_w + 190}" y="4" width="12" height="12" fill="{BAR_NEW}"/>'
              f'<text x="{label_w + 206}" y="15">neu (rot: über der Schwelle)</text>']
    y = 30
    for entry in entries:
        lines = _label_lines(str(entry.get("label", "")))
        first = y + bar_h + 4 - 7 * (len(lines) - 1)
        shapes += [f'<text x="0" y="{first + 14 * n}">{escape(line)}</text>'
                   for n, line in enumerate(lines)]
        top = max(abs(v) for v in (entry.get("old"), entry.get("new")) if _is_number(v)) or 1
        scale = (width - label_w - 90) / top
        for offset, key, colour in ((0, "old", BAR_OLD), (bar_h, "new", BAR_NEW)):
            value = entry.get(key)
            if key == "new" and entry.get("exceeds"):
                colour = BAR_HOT
            size = abs(value) * scale if _is_number(value) else 0
            shapes.append(f'<rect x="{label_w}" y="{y + offset}" width="{size:.1f}" '
                          f'height="{bar_h - 2}" fill="{colour}"/>'
                          f'<text x="{label_w + size + 4:.1f}" y="{y + offset + bar_h - 3}">'
                          f"{escape(format_value(value))}</text>")
        y += 2 * bar_h + gap
    return ('<figure>\n<figcaption id="chart-title">Zuletzt veröffentlicht und neu, je '
            "Kennzahl</figcaption>\n"
            f'<svg role="img" aria-labelledby="chart-title chart-desc" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" font-size="12" '
            'font-family="system-ui, sans-serif" fill="#1a1a1a">\n'
            '<desc id="chart-desc">Balkenpaare je Kennzahl; die Werte stehen in der Tabelle '
            "„Kennzahlen im Vergleich“.</desc>\n" + "\n".join(shapes) + "\n</svg>\n</figure>")


def _label_lines(label: str, width: int = 42) -> list[str]:
    """A figure's label in at most two lines beside its bars (the table has it in full)."""
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return lines


def _quality(quality: dict[str, Any]) -> list[str]:
    parts = ["<h2>Metadatenqualität</h2>",
             f"<p>{quality['score']} von {quality['max']} Punkten nach der Metadaten-"
             f"Qualitätsbewertung (MQA) von data.europa.eu: <strong>{escape(quality['rating'])}"
             "</strong> (ab 351 ausgezeichnet, ab 221 gut, ab 121 ausreichend).</p>",
             _table("Punkte je Bereich", ["Bereich", "Punkte", "Höchstens"],
                    [[d["name"], d["points"], d["max"]] for d in quality["dimensions"]])]
    if quality["missing"]:
        parts.append(_table("Was Punkte kostet", ["Kriterium", "Bereich", "Punkte"],
                            [[m["criterion"], m.get("dimension", ""), m["points"]]
                             for m in quality["missing"]]))
    return parts


def _problems(result: DatasetResult) -> list[str]:
    counts = Counter(p.code for p in result.problems)
    parts = ["<h2>Probleme</h2>"]
    if not counts:
        return parts + ["<p>Keine Probleme gefunden.</p>"]
    parts.append(_table("Probleme nach Art", ["Art", "Anzahl", "Schwere"],
                        [[_describe(code)[0], count, _severity(result, code)]
                         for code, count in _ordered(counts)]))
    for code, count in _ordered(counts):
        title, hint = _describe(code)
        found = [p for p in result.problems if p.code == code]
        parts += [f"<h3>{escape(title)} ({count}, {_severity(result, code)})</h3>",
                  f"<p><strong>Was tun?</strong> {escape(_hint(result, found[0].hint or hint))}"
                  "</p>",
                  _table(f"{title}: die ersten Fälle ({min(count, EXAMPLES)} von {count})",
                         ["Zeile", "Feld", "Datei", "Meldung"],
                         [[p.row or "", p.field or "", p.file or p.resource or "", p.message]
                          for p in found[:EXAMPLES]])]
    return parts


def _hint(result: DatasetResult, hint: str) -> str:
    """The problem's hint, fitting the dataset's state: while it is held, someone must decide,
    so "nothing to do" would mislead."""
    if result.status != "held":
        return hint
    kept = re.sub(r"[^.:]*nichts zu tun[^.]*\.\s*", "", hint, flags=re.IGNORECASE).strip()
    return (f"{kept} Der Datensatz wartet auf eine Entscheidung: ist alles richtig, "
            f"„kennzahlen approve {result.name}“, sonst „kennzahlen reject {result.name}“.").strip()


def _ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _severity(result: DatasetResult, code: str) -> str:
    severities = {p.severity for p in result.problems if p.code == code}
    levels = (("error", "Fehler"), ("warning", "Warnung"), ("info", "Hinweis"))
    return next(label for level, label in levels if level in severities or level == "info")


def run_page(summary: RunSummary) -> str:
    """The overview of a run, linking every dataset's page."""
    counts = ", ".join(f"{n} {STATUS_DE.get(s, s)}" for s, n in summary.counts().items())
    rows = "\n".join(
        f'<tr><th scope="row"><a href="{escape(r.name)}.html">{escape(r.title or r.name)}</a>'
        f"</th><td>{escape(STATUS_DE.get(r.status, r.status))}</td><td>{len(r.errors)}</td>"
        f"<td>{len(r.problems) - len(r.errors)}</td><td>{escape(r.reason)}</td></tr>"
        for r in summary.results)
    css = "held" if summary.held and summary.ok else "ok" if summary.ok else "bad"
    waiting = len(summary.held)
    held = (f"<p>{waiting} {'Datensatz wartet' if waiting == 1 else 'Datensätze warten'} auf "
            "eine Freigabe: <code>kennzahlen review</code> zeigt sie.</p>\n" if waiting else "")
    body = (f"<h1>Lauf vom {escape(berlin_datetime(summary.started_at))}</h1>\n"
            f'<p class="verdict {css}"><strong>{escape(counts or "keine Datensätze")}'
            f"</strong>. Ziele: {escape(', '.join(summary.targets) or 'nur Prüfung')}.</p>\n"
            f'{held}<div class="scroll" role="region" tabindex="0" aria-labelledby="laufliste">'
            '\n<table>\n<caption id="laufliste">Datensätze dieses Laufs</caption>\n<thead><tr>'
            '<th scope="col">Datensatz</th><th scope="col">Ergebnis</th>'
            '<th scope="col">Fehler</th><th scope="col">Warnungen</th>'
            f'<th scope="col">Grund</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n'
            "</div>")
    return _page(f"Lauf {summary.run_id}", body)


def _describe(code: str) -> tuple[str, str]:
    try:
        ptype = problem_type(code)
    except KeyError:
        return code, ""
    return ptype.title, ptype.hint
