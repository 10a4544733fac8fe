"""The comparison page of a harmonised key figure (`vergleich.html` beside the dataset page):
per measure the members side by side over time, as a line chart and as a table (periods ×
members), absolute and, with a declared population table, per 1,000 inhabitants (naming its
source and reference date). Each figure is the sum over the table's other dimensions; a sum that
includes a suppressed cell stays suppressed (see comparison_data.py), and the page says so in
plain German.

`write_comparison` is the entry point; `write_for_dataset` is what the local target calls for a
dataset being published (`LocalCatalog(..., comparison=ComparisonSetup(members, population))`):
it writes the page when the dataset is a combined table of several members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.adapters.local.chart import UNITS
from flows.adapters.local.comparison_data import (
    AGS_FIELD,
    Cell,
    Comparison,
    MeasureView,
    MemberLike,
    compare,
)
from flows.adapters.local.layout import (
    esc,
    german_date,
    german_number,
    page,
    period_label,
    scroll_table,
)
from flows.adapters.local.line_chart import Line, legend, line_svg
from flows.model.tables import Table, read_table
from flows.specs.population import Population

COMPARISON_FILE = "vergleich.html"
COMPARISON_LINK = "Die Mitglieder im Vergleich (Grafik und Tabelle)"
OPEN_TABLES = 24
"""Tables with up to this many periods are shown open; longer ones in a disclosure."""
PER_TEXT = "je 1.000 Einwohnerinnen und Einwohner"
SUPPRESSED_HTML = '.<span class="sr-only"> (gesperrt)</span>'
EMPTY_HTML = '–<span class="sr-only"> (keine Angabe)</span>'


@dataclass(frozen=True)
class ComparisonSetup:
    """What the local target needs to write comparison pages: the members and, optionally,
    the population table (flows/specs/population.py)."""

    members: Sequence[MemberLike]
    population: Population | None = None


def joined(names: Sequence[str]) -> str:
    """'A, B und C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def comparable_resource(descriptor: dict[str, Any],
                        members: Sequence[MemberLike]) -> dict[str, Any] | None:
    """The resource to compare: the first whose schema has an `ags` field and the dataset's
    period field (dcat temporal_field), in a dataset with at least two members; else None."""
    period = (descriptor.get("dcat") or {}).get("temporal_field")
    if len(members) < 2 or not isinstance(period, str):
        return None
    for resource in descriptor.get("resources", []):
        names = {f.get("name") for f in (resource.get("schema") or {}).get("fields") or []}
        if AGS_FIELD in names and period in names:
            return resource
    return None


def _text(cell: Cell | None, digits: int | None) -> str:
    if cell is None or (cell.value is None and not cell.suppressed):
        return EMPTY_HTML
    if cell.suppressed:
        return SUPPRESSED_HTML
    assert cell.value is not None
    return esc(german_number(cell.value, digits))


def _plain(cell: Cell | None, digits: int | None) -> str:
    if cell is None or (cell.value is None and not cell.suppressed):
        return "keine Angabe"
    return "gesperrt" if cell.suppressed else german_number(cell.value or 0.0, digits)


def _view(n: int, suffix: str, caption: str, figures: dict[tuple[str, str], Cell],
          comparison: Comparison, unit: str, digits: int | None) -> str:
    """Chart and table of one measure in one view (absolute or per 1,000)."""
    ident = f"vergleich-{n}-{suffix}"
    periods, members = comparison.periods, comparison.members
    label = UNITS.get(unit, "Zeitraum")
    lines = [Line(m.name, [figures.get((m.id, p), Cell()).value for p in periods])
             for m in members]
    last = periods[-1]
    latest = "; ".join(f"{m.name} {_plain(figures.get((m.id, last)), digits)}" for m in members)
    gaps = any(c.suppressed for c in figures.values())
    everyone = joined([m.name for m in members])
    desc = (f"Liniendiagramm: {caption}, eine Linie je Mitglied ({everyone}), von "
            f"{period_label(periods[0], unit)} bis {period_label(last, unit)}. "
            f"{period_label(last, unit)}: {latest}."
            + (" Gesperrte Werte sind Lücken in der Linie." if gaps else "")
            + " Alle Werte stehen in der Tabelle unter der Grafik.")
    svg = line_svg(ident, periods, unit, lines, desc)
    rows = [[esc(period_label(p, unit))] + [_text(figures.get((m.id, p)), digits)
                                           for m in members] for p in periods]
    table = scroll_table(f"{esc(caption)}: die Werte ({label} × Mitglied)",
                         [esc(label)] + [esc(m.name) for m in members], rows,
                         ident=f"{ident}-tabelle", numeric=set(range(1, len(members) + 1)),
                         row_headers=True)
    opened = " open" if len(periods) <= OPEN_TABLES else ""
    return (f'<figure>\n<figcaption id="{ident}-t">{esc(caption)}</figcaption>\n'
            f"{legend([m.name for m in members])}\n{svg}\n</figure>\n"
            f"<details{opened}><summary>Die Werte als Tabelle</summary>\n{table}\n</details>")


def _measure(n: int, view: MeasureView, comparison: Comparison, unit: str,
             population: Population | None) -> str:
    per = UNITS.get(unit, "Zeitraum")
    parts = [f'<h2 id="kennzahl-{n}">{esc(view.title)}</h2>',
             f'<h3 id="kennzahl-{n}-absolut">Absolute Zahlen</h3>',
             _view(n, "absolut", f"{view.title} je {per}", view.absolute, comparison, unit, None)]
    if view.per_thousand is not None and population is not None:
        parts += [f'<h3 id="kennzahl-{n}-je1000">{esc(PER_TEXT[0].upper() + PER_TEXT[1:])}</h3>',
                  f"<p>{esc(view.title)} geteilt durch die Einwohnerzahl, mal 1.000 "
                  f"(Einwohnerzahlen: {esc(population.source)}, Stand "
                  f"{esc(german_date(population.reference_date))}).</p>",
                  _view(n, "je1000", f"{view.title} {PER_TEXT} je {per}",
                        view.per_thousand, comparison, unit, 2)]
    return "\n".join(parts)


def suppression_text(summed_over: Sequence[str]) -> str:
    over = f" über alle Werte von {joined(summed_over)}" if summed_over else ""
    return ('<p class="note">Ein Punkt (.) steht für einen <strong>gesperrten Wert</strong>. '
            "Sehr kleine Fallzahlen werden nicht veröffentlicht, damit niemand auf einzelne "
            f"Personen schließen kann. Jede Zahl hier ist eine Summe{esc(over)}. Steckt in "
            "einer Summe auch nur ein gesperrter Wert, ist die ganze Summe gesperrt: Sie wird "
            "weder mit 0 gerechnet noch ohne den gesperrten Wert gezeigt, denn sonst ließe "
            "sich der gesperrte Wert ausrechnen. Dasselbe gilt für die Werte je 1.000 "
            "Einwohnerinnen und Einwohner. In der Grafik ist ein gesperrter Wert eine Lücke. "
            "Ein Strich (–) bedeutet: keine Angabe.</p>")


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
    measures = joined([f"„{v.title}“" for v in comparison.measures])
    per = UNITS.get(unit, "Zeitraum")
    span = (f"von {period_label(comparison.periods[0], unit)} bis "
            f"{period_label(comparison.periods[-1], unit)}")
    over = (f", jeweils als Summe über {joined(comparison.summed_over)}"
            if comparison.summed_over else "")
    heading = f"{title}: die Mitglieder im Vergleich"
    toc = []
    for n, view in enumerate(comparison.measures, start=1):
        views = [f'<a href="#kennzahl-{n}-absolut">absolut</a>']
        if view.per_thousand is not None:
            views.append(f'<a href="#kennzahl-{n}-je1000">{PER_TEXT}</a>')
        toc.append(f'<li><a href="#kennzahl-{n}">{esc(view.title)}</a>: {", ".join(views)}</li>')
    body = [f"<h1>{esc(heading)}</h1>",
            f'<p class="summary">{esc(measures)} in {esc(names)} {span}, je {per}{esc(over)}.</p>',
            f'<p><a href="index.html">Zum Datensatz „{esc(title)}“</a> mit allen Daten zum '
            "Herunterladen.</p>",
            suppression_text(comparison.summed_over),
            f'<nav aria-labelledby="inhalt"><h2 id="inhalt">Auf dieser Seite</h2><ul>'
            f"{''.join(toc)}"
            + ('<li><a href="#einwohner">Einwohnerzahlen</a></li>' if population else "")
            + "</ul></nav>"]
    body += [_measure(n, v, comparison, unit, population)
             for n, v in enumerate(comparison.measures, start=1)]
    body.append(_population_section(comparison, population))
    return page(heading, "\n".join(body), site=site, home="../", feed="../feed.xml")


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
    path.write_text(render_comparison(title, comparison, unit=unit, population=population,
                                      site=site), encoding="utf-8")
    return path


def write_for_dataset(folder: Path, descriptor: dict[str, Any], setup: ComparisonSetup,
                      site: dict[str, Any] | None = None) -> Path | None:
    """Write the comparison page into a dataset folder being published, if the dataset is a
    combined table of several members (`comparable_resource`); else None, nothing written."""
    resource = comparable_resource(descriptor, setup.members)
    if resource is None or not (folder / resource["path"]).is_file():
        return None
    with (folder / resource["path"]).open(encoding="utf-8", newline="") as handle:
        table = read_table(handle)
    block = descriptor.get("dcat") or {}
    return write_comparison(folder, table, resource.get("schema") or {}, setup.members,
                            setup.population, title=str(descriptor.get("title") or ""),
                            period_field=str(block["temporal_field"]),
                            unit=str(block.get("temporal_unit") or ""), site=site)
