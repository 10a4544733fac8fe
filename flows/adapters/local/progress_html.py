"""The progress report as an accessible German HTML page, the same page the PDF is printed from.

Like the catalog's dataset pages: `lang="de"`, one `h1`, headings in order, tables with captions
and header cells, no JavaScript and no external resources. Each field of action has a stacked
bar (inline SVG, `role="img"` with the counts as its text alternative, colours with at least 3:1
contrast that never carry meaning alone: the counts are written beside it). Wide tables scroll
inside a focusable region, so the page itself never scrolls sideways on a phone. A print style
sheet fits a plan of about 50 measures on at most five A4 pages.
"""

from __future__ import annotations

from datetime import date
from html import escape

from flows.model.progress import Change, FieldOfAction, Measure, ProgressReport

PALETTE = ("#595959", "#0b4f9c", "#1e6b2e", "#00666b", "#8a4b00", "#a4161a", "#5b2a86")
"""Status colours in the order of the vocabulary, each at least 4.5:1 on white."""
STYLE = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; background: #fff; line-height: 1.45; }
a { color: #0b4f9c; }
a:focus-visible, .scroll:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
h2 { margin-top: 1.6rem; border-bottom: 1px solid #767676; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border: 1px solid #767676; padding: .2rem .45rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; }
td.num, th.num { text-align: right; }
.scroll { overflow-x: auto; max-width: 100%; }
.bar { display: block; width: 100%; max-width: 30rem; height: 1.1rem; margin: .3rem 0; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem;
          vertical-align: -.1rem; border: 1px solid #1a1a1a; }
.note { border-left: .35rem solid #8a4b00; padding: .3rem .8rem; background: #f6f1ea; }
.small { font-size: .9em; }
@page { size: A4; margin: 14mm 14mm 14mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 8.6pt; line-height: 1.3; }
  h1 { font-size: 15pt; margin: 0 0 .3rem; } h2 { font-size: 11.5pt; margin: .8rem 0 .2rem; }
  h3 { font-size: 9.5pt; margin: .5rem 0 .1rem; }
  p, ul { margin: .2rem 0; } table { margin: .2rem 0 .5rem; width: 100%; }
  th, td { padding: .05rem .3rem; } .scroll { overflow: visible; }
  section { break-inside: auto; } tr, .bar { break-inside: avoid; }
  h2, h3 { break-after: avoid; } a { color: #1a1a1a; text-decoration: none; }
}
"""


def _de_date(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d.%m.%Y")
    except ValueError:
        return iso


def _money(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _colour(report: ProgressReport, status: str) -> str:
    index = report.statuses.index(status) if status in report.statuses else len(PALETTE) - 1
    return PALETTE[min(index, len(PALETTE) - 1)]


def _counts_text(report: ProgressReport, counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "keine Maßnahmen"


def _bar(report: ProgressReport, label: str, counts: dict[str, int]) -> str:
    total = sum(counts.values())
    rects, x = [], 0.0
    for status, n in counts.items():
        if n:
            width = 100 * n / total
            rects.append(f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="10" '
                         f'fill="{_colour(report, status)}"/>')
            x += width
    alt = f"{label}: {_counts_text(report, counts)}"
    return (f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(alt)}">{"".join(rects)}</svg>')


def _table(caption: str, headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A table in a focusable scroll region (cells are escaped here)."""
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{escape(h)}</th>'
                   for i, h in enumerate(headers))
    body = "\n".join("<tr>" + "".join(
        (f'<th scope="row">{escape(c)}</th>' if i == 0 else
         f'<td{" class=num" if i in numeric else ""}>{escape(c)}</td>')
        for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{escape(caption)}">'
            f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table></div>")


def _intro(report: ProgressReport) -> list[str]:
    period = (f" für {report.period[0][:4]}–{report.period[1][:4]}" if report.period
              and report.period[0][:4] != report.period[1][:4] else "")
    done = sum(report.total(s) for s in report.done_statuses)
    legend = "".join(f'<li><span class="swatch" style="background:{_colour(report, s)}">'
                     f"</span>{escape(s)}</li>" for s in report.statuses)
    rows = [[f.name, str(len(f.measures)), *(str(f.counts.get(s, 0)) for s in report.statuses)]
            for f in report.fields]
    rows.append(["Zusammen", str(report.measures),
                 *(str(report.total(s)) for s in report.statuses)])
    return [
        f"<h1>{escape(report.title)}</h1>",
        f"<p><strong>Stand: {_de_date(report.as_of)}.</strong> Datensatz „"
        f"{escape(report.dataset_title)}“{escape(period)}.</p>",
        '<h2 id="ueberblick">Überblick</h2>',
        f"<p>Der Plan umfasst {report.measures} Maßnahmen in {len(report.fields)} "
        f"Handlungsfeldern. {done} davon sind umgesetzt oder laufen als dauerhafte Aufgabe, "
        f"{len(report.overdue)} sind überfällig.</p>",
        _bar(report, "Alle Handlungsfelder", {s: report.total(s) for s in report.statuses}),
        f'<ul class="legend" aria-label="Farben der Balken">{legend}</ul>',
        _table("Maßnahmen je Handlungsfeld und Status", ["Handlungsfeld", "Maßnahmen",
               *report.statuses], rows, set(range(1, len(report.statuses) + 2))),
    ]


CHANGE_TITLES = {
    "new": "Neu in den Plan aufgenommen", "finished": "Abgeschlossen",
    "status": "Status geändert", "postponed": "Zurückgestellt", "dropped": "Entfallen",
    "backwards": "Status zurückgesetzt (bitte prüfen)",
    "removed": "Nicht mehr im Plan (bitte prüfen)",
}


CHANGE_SHORT = {"new": "neu", "finished": "abgeschlossen", "status": "Status geändert",
                "postponed": "zurückgestellt", "dropped": "entfallen",
                "backwards": "Status zurückgesetzt", "removed": "nicht mehr im Plan"}


def _change_item(change: Change) -> str:
    m = change.measure
    text = f"Nr. {m.id} {m.title} ({m.field_of_action})"
    if change.kind in ("status", "backwards", "finished"):
        text += f": {change.old_status} → {m.status}"
    elif change.kind == "new":
        text += f": {m.status}"
    return f"<li>{escape(text)}</li>"


def _changes(report: ProgressReport) -> list[str]:
    parts = ['<h2 id="seit-dem-letzten-bericht">Seit dem letzten Bericht</h2>']
    if report.first:
        return parts + ["<p>Dies ist der erste Bericht zu diesem Plan. Es gibt noch keinen "
                        "früheren Stand zum Vergleich.</p>"]
    found = report.changes
    since = _de_date(report.previous_as_of or "")
    if not found:
        return parts + [f"<p>Seit dem Stand vom {since} hat sich am Status keiner Maßnahme "
                        "etwas geändert.</p>"]
    parts.append(f"<p>Verglichen mit dem zuletzt veröffentlichten Stand vom {since}: "
                 f"{len(found)} Änderungen.</p>")
    for kind, title in CHANGE_TITLES.items():
        items = [c for c in found if c.kind == kind]
        if items:
            parts += [f"<h3>{escape(title)} ({len(items)})</h3>",
                      "<ul>" + "".join(_change_item(c) for c in items) + "</ul>"]
    return parts


def _overdue(report: ProgressReport) -> list[str]:
    parts = ['<h2 id="ueberfaellig">Überfällige Maßnahmen</h2>']
    late = report.overdue
    if not late:
        return parts + ["<p>Keine Maßnahme hat ihr geplantes Ende überschritten.</p>"]
    parts.append(f"<p>{len(late)} Maßnahmen sind nicht abgeschlossen, obwohl ihr geplantes "
                 "Ende vorbei ist.</p>")
    rows = [[m.id, m.title, m.field_of_action, m.status, m.responsible, _de_date(m.end)]
            for m in late]
    return parts + [_table("Überfällige Maßnahmen", ["Nr.", "Maßnahme", "Handlungsfeld",
                                                     "Status", "Verantwortlich", "Ende"],
                           rows, set())]


def _measure_row(m: Measure, late: bool) -> list[str]:
    title = m.title + (f" – {m.remark}" if m.remark else "")
    return [m.id, title, m.status + (" (überfällig)" if late else ""), m.responsible,
            _de_date(m.end) if m.end else "offen"]


def _field(report: ProgressReport, area: FieldOfAction) -> list[str]:
    parts = [f'<section aria-labelledby="{area.anchor}">',
             f'<h2 id="{area.anchor}">{escape(area.name)}</h2>',
             f"<p>{len(area.measures)} Maßnahmen: {escape(_counts_text(report, area.counts))}."
             "</p>", _bar(report, area.name, area.counts)]
    if area.changes:
        kinds = [f"{sum(c.kind == k for c in area.changes)} × {CHANGE_SHORT[k]}"
                 for k in CHANGE_TITLES if any(c.kind == k for c in area.changes)]
        parts.append(f'<p class="small">Seit dem letzten Bericht: {escape(", ".join(kinds))} '
                     '(siehe <a href="#seit-dem-letzten-bericht">Änderungen</a>).</p>')
    costs = [f"{label}: {_money(value)}" for label, value in
             zip(report.cost_labels, area.costs, strict=True) if value]
    if costs:
        parts.append(f'<p class="small">Geplante Kosten: {escape("; ".join(costs))} '
                     "(ohne entfallene Maßnahmen).</p>")
    for figure in area.figures:
        values = "; ".join(f"{p}: {v}" if p else v for p, v in figure.values) or \
            "noch nicht veröffentlicht"
        parts.append(f'<p class="small">Kennzahl: <strong>{escape(figure.title)}</strong> – '
                     f"{escape(values)} (Datensatz „{escape(figure.source)}“).</p>")
    late = {m.id for m in area.overdue}
    rows = [_measure_row(m, m.id in late) for m in area.measures]
    parts += [_table(f"Maßnahmen im Handlungsfeld {area.name}",
                     ["Nr.", "Maßnahme und Stand", "Status", "Verantwortlich", "Ende"], rows,
                     set()), "</section>"]
    return parts


def render_progress(report: ProgressReport) -> str:
    """The whole report as one HTML page (German, accessible, printable).

    Args:
        report: the computed report (flows/stages/progress.py).

    Returns:
        The HTML document.
    """
    body = _intro(report) + _changes(report) + _overdue(report)
    for area in report.fields:
        body += _field(report, area)
    body.append('<p class="small">Erstellt von kennzahlen aus dem veröffentlichten '
                "Maßnahmenplan; die Daten stehen als CSV und JSON im selben Datensatz.</p>")
    title = f"{report.title} – Stand {_de_date(report.as_of)}"
    return (f'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
