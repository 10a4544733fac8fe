"""The comparison page of a harmonised key figure (`vergleich.html` beside the dataset page):
per measure the members side by side over time, as a line chart and as a table (periods ×
members), absolute and, with a declared population table, per 1,000 inhabitants (naming its
source and reference date). Each figure is the sum over the table's other dimensions; a sum that
includes a suppressed cell stays suppressed (see comparison_data.py), and the page says so in
plain German.

`write_comparison` is the entry point; comparison_setup.py says when the local target calls it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flows.adapters.local.chart import UNITS
from flows.adapters.local.comparison_data import (
    Comparison,
    MeasureView,
    MemberLike,
    compare,
)
from flows.adapters.local.comparison_figure import EMPTY_HTML, joined, view_figure
from flows.adapters.local.layout import (
    esc,
    german_date,
    german_number,
    page,
    period_label,
    scroll_table,
)
from flows.model.tables import Table
from flows.specs.population import Population

COMPARISON_FILE = "vergleich.html"
COMPARISON_LINK = "Die Mitglieder im Vergleich (Grafik und Tabelle)"
PER_TEXT = "je 1.000 Einwohnerinnen und Einwohner"


def _section(n: int, k: int, view: MeasureView, comparison: Comparison, unit: str) -> str:
    """One category (k > 0) or all together (k = 0): absolute and per 1,000 inhabitants."""
    per = UNITS.get(unit, "Zeitraum")
    what = f"{view.title}, {view.group}" if view.group else view.title
    over = [d for d in comparison.summed_over if d != comparison.breakdown] if view.group \
        else comparison.summed_over
    parts = [f'<section class="gruppe" data-gruppe="{k}" aria-labelledby="gruppe-{n}-{k}">',
             f'<h3 id="gruppe-{n}-{k}">{esc(view.group or "Insgesamt")}</h3>',
             f"<p>Summe über {esc(joined(over))}.</p>" if over else "",
             _mostly_suppressed(view, comparison),
             '<div data-ansicht="absolut">',
             f'<h4 id="kennzahl-{n}-{k}-absolut">Absolute Zahlen</h4>',
             view_figure(n, f"{k}-absolut", f"{what} je {per}", view.absolute, comparison, unit,
                   None), "</div>"]
    if view.per_thousand is not None:
        parts += ['<div data-ansicht="je1000">',
                  f'<h4 id="kennzahl-{n}-{k}-je1000">{PER_TEXT[0].upper() + PER_TEXT[1:]}</h4>',
                  view_figure(n, f"{k}-je1000", f"{what} {PER_TEXT} je {per}", view.per_thousand,
                        comparison, unit, 2), "</div>"]
    return "\n".join(p for p in parts if p) + "\n</section>"


def _mostly_suppressed(view: MeasureView, comparison: Comparison) -> str:
    """A hint when more than half the sums of a view are suppressed."""
    hidden = sum(c.suppressed for c in view.absolute.values())
    if hidden * 2 <= len(view.absolute):
        return ""
    hint = (f" Je {comparison.breakdown} sind die Summen kleiner und seltener gesperrt: dort "
            "lassen sich die Mitglieder besser vergleichen." if comparison.breakdown
            and view.group is None else "")
    return (f"<p>{german_number(hidden)} von {german_number(len(view.absolute))} Summen sind "
            "gesperrt, weil sie mindestens einen gesperrten Wert enthalten." + esc(hint)
            + "</p>")


def _controls(n: int, views: Sequence[MeasureView], breakdown: str | None) -> str:
    """The choice of category and view; hidden without JavaScript (then all is shown)."""
    parts = []
    if breakdown and len(views) > 1:
        options = "".join(f'<option value="{k}">{esc(v.group or "Insgesamt")}</option>'
                          for k, v in enumerate(views))
        parts.append(f'<div><label for="gruppe-{n}">{esc(breakdown)}</label>'
                     f'<select id="gruppe-{n}" data-wahl="gruppe">{options}</select></div>')
    if views[0].per_thousand is not None:
        parts.append(f'<div><label for="ansicht-{n}">Ansicht</label>'
                     f'<select id="ansicht-{n}" data-wahl="ansicht">'
                     '<option value="absolut">Absolute Zahlen</option>'
                     f'<option value="je1000">{PER_TEXT[0].upper() + PER_TEXT[1:]}</option>'
                     "</select></div>")
    if not parts:
        return ""
    # the box, not the form, is hidden: the form's flex layout would override `hidden`
    return (f'<div class="auswahl" hidden><form class="filters" aria-label="Auswahl für die '
            f'Kennzahl {esc(views[0].title)}">' + "".join(parts) + "</form></div>")


SCRIPT = """<script>
(() => {
  for (const box of document.querySelectorAll('.kennzahl')) {
    const choice = box.querySelector('.auswahl');
    if (!choice) continue;
    choice.hidden = false;
    const form = choice.querySelector('form');
    const group = form.querySelector('[data-wahl=gruppe]');
    const view = form.querySelector('[data-wahl=ansicht]');
    const update = () => {
      for (const s of box.querySelectorAll('section.gruppe')) {
        s.hidden = group ? s.dataset.gruppe !== group.value : false;
      }
      for (const d of box.querySelectorAll('[data-ansicht]')) {
        d.hidden = view ? d.dataset.ansicht !== view.value : false;
      }
    };
    form.addEventListener('change', update);
    const follow = () => {  // a link to a category (table of contents) chooses it
      const hit = /^#gruppe-(\\d+)-(\\d+)$/.exec(location.hash);
      if (hit && group && box.querySelector('#gruppe-' + hit[1])) {
        group.value = hit[2];
        update();
        document.getElementById(location.hash.slice(1)).scrollIntoView();
      }
    };
    window.addEventListener('hashchange', follow);
    update();
    follow();
  }
})();
</script>
"""


def _measure(n: int, views: Sequence[MeasureView], comparison: Comparison, unit: str) -> str:
    sections = "\n".join(_section(n, k, v, comparison, unit) for k, v in enumerate(views))
    return (f'<div class="kennzahl">\n<h2 id="kennzahl-{n}">{esc(views[0].title)}</h2>\n'
            f"{_controls(n, views, comparison.breakdown)}\n{sections}\n</div>")


def _left_out(comparison: Comparison) -> str:
    """Who is not compared: members without data in this version, rows of no member."""
    notes = []
    if comparison.missing:
        names = joined([m.name for m in comparison.missing])
        notes.append(f"Nicht im Vergleich: {names}. Die gemeinsame Tabelle enthält in dieser "
                     "Fassung keine geprüften Daten "
                     + ("dieses Mitglieds." if len(comparison.missing) == 1
                        else "dieser Mitglieder."))
    if comparison.unknown_rows:
        notes.append(f"{german_number(comparison.unknown_rows)} "
                     + ("Zeile gehört" if comparison.unknown_rows == 1 else "Zeilen gehören")
                     + " zu keinem Mitglied (Gemeindeschlüssel unbekannt) und "
                     + ("ist" if comparison.unknown_rows == 1 else "sind")
                     + " nicht berücksichtigt.")
    return "".join(f"<p>{esc(n)}</p>" for n in notes)


def suppression_text() -> str:
    return ('<p class="note">Ein Punkt (.) steht für einen <strong>gesperrten Wert</strong>. '
            "Sehr kleine Fallzahlen werden nicht veröffentlicht, damit niemand auf einzelne "
            "Personen schließen kann. Jede Zahl hier ist eine Summe. Steckt in einer Summe auch "
            "nur ein gesperrter Wert, ist die ganze Summe gesperrt: Sie wird weder mit 0 "
            "gerechnet noch ohne den gesperrten Wert gezeigt, denn sonst ließe sich der "
            "gesperrte Wert ausrechnen. Dasselbe gilt für die Werte je 1.000 Einwohnerinnen "
            "und Einwohner. In der Grafik ist ein gesperrter Wert eine Lücke. Ein Strich (–) "
            "bedeutet: keine Angabe.</p>")


def _population_section(comparison: Comparison, population: Population | None) -> str:
    if population is None:
        return ("<p>Werte je 1.000 Einwohnerinnen und Einwohner gibt es hier nicht: Für diesen "
                "Katalog ist keine Einwohnertabelle angegeben.</p>")
    rows = []
    for member in comparison.members:
        found = population.inhabitants(member.ags)
        rows.append([esc(member.name), esc(member.ags),
                     esc(german_number(found)) if found else EMPTY_HTML])
    return ('<h2 id="einwohner">Einwohnerzahlen</h2>\n'
            f"<p>Quelle: {esc(population.source)}. Stand: "
            f"{esc(german_date(population.reference_date))}.</p>\n"
            + scroll_table("Einwohnerinnen und Einwohner der Mitglieder",
                           ["Mitglied", "Gemeindeschlüssel (AGS)", "Einwohnerinnen und Einwohner"],
                           rows, ident="einwohner-tabelle", numeric={2}, row_headers=True))


def render_comparison(title: str, comparison: Comparison, *, unit: str = "",
                      population: Population | None = None,
                      site: dict[str, Any] | None = None) -> str:
    """The whole page (see module docstring)."""
    names = joined([m.name for m in comparison.members])
    fields: dict[str, list[MeasureView]] = {}
    for view in comparison.measures:
        fields.setdefault(view.field, []).append(view)
    measures = joined([f"„{views[0].title}“" for views in fields.values()])
    per = UNITS.get(unit, "Zeitraum")
    span = (f"von {period_label(comparison.periods[0], unit)} bis "
            f"{period_label(comparison.periods[-1], unit)}")
    split = f" und je {comparison.breakdown}" if comparison.breakdown else ""
    heading = f"{title}: die Mitglieder im Vergleich"
    toc = []
    for n, views in enumerate(fields.values(), start=1):
        parts = "".join(f'<li><a href="#gruppe-{n}-{k}">{esc(v.group or "Insgesamt")}</a></li>'
                        for k, v in enumerate(views))
        toc.append(f'<li><a href="#kennzahl-{n}">{esc(views[0].title)}</a>'
                   + (f"<ul>{parts}</ul>" if len(views) > 1 else "") + "</li>")
    per_note = (f"<p>Die Werte {PER_TEXT} sind die Summe geteilt durch die Einwohnerzahl, mal "
                f"1.000 (Einwohnerzahlen: {esc(population.source)}, Stand "
                f"{esc(german_date(population.reference_date))}).</p>" if population else "")
    body = [f"<h1>{esc(heading)}</h1>",
            f'<p class="summary">{esc(measures)} in {esc(names)} {span}, je {per}, insgesamt'
            f"{esc(split)}: als Grafik und als Tabelle, absolut"
            + (f" und {PER_TEXT}" if population else "") + ".</p>",
            f'<p><a href="index.html">Zum Datensatz „{esc(title)}“</a> mit allen Daten zum '
            "Herunterladen.</p>", _left_out(comparison), suppression_text(), per_note,
            f'<nav aria-labelledby="inhalt"><h2 id="inhalt">Auf dieser Seite</h2><ul>'
            f"{''.join(toc)}"
            + ('<li><a href="#einwohner">Einwohnerzahlen</a></li>' if population else "")
            + "</ul></nav>"]
    body += [_measure(n, views, comparison, unit)
             for n, views in enumerate(fields.values(), start=1)]
    body.append(_population_section(comparison, population))
    return page(heading, "\n".join(p for p in body if p), site=site, home="../",
                feed="../feed.xml", script=SCRIPT)


def write_comparison(folder: Path, table: Table, schema: dict[str, Any],
                     members: Sequence[MemberLike], population: Population | None = None, *,
                     title: str, period_field: str, unit: str = "",
                     measures: Sequence[str] | None = None,
                     site: dict[str, Any] | None = None) -> Path | None:
    """Write `folder/vergleich.html` for a combined table.

    Args:
        folder: the dataset's folder (the page links its `index.html`).
        table: the combined table (the shared schema's fields plus `ags`).
        schema: its Table Schema.
        members: the members to compare (id, name, ags), in the order shown.
        population: the declared population table, for the figures per 1,000 inhabitants.
        title: the dataset's title.
        period_field: the field that gives the period (dcat temporal_field).
        unit: the period's unit (dcat temporal_unit: month, quarter, year, day).
        measures: the fields to compare; default: every number field that can be summed.
        site: municipality and legal links for the page frame.

    Returns:
        The page's path, or None (nothing written) when the table holds fewer than two members,
        no period or no measure.
    """
    comparison = compare(table, schema, members, period_field, measures, population)
    if len(comparison.members) < 2 or not comparison.periods or not comparison.measures:
        return None
    path = folder / COMPARISON_FILE
    partial = folder / f".{COMPARISON_FILE}.tmp"  # a reader never sees half a page
    partial.write_text(render_comparison(title, comparison, unit=unit, population=population,
                                         site=site), encoding="utf-8")
    os.replace(partial, path)
    return path
