"""One view of a comparison (absolute or per 1,000 inhabitants): the line chart with legend and
text alternative, and its table (periods × members); suppressed figures as "." with
"gesperrt" for screen readers, missing ones as "–"."""

from __future__ import annotations

from collections.abc import Sequence

from flows.adapters.local.chart import UNITS
from flows.adapters.local.comparison_data import Cell, Comparison
from flows.adapters.local.layout import esc, german_number, period_label, scroll_table
from flows.adapters.local.line_chart import Line, legend, line_svg

OPEN_TABLES = 24
"""Tables with up to this many periods are shown open; longer ones in a disclosure."""
SUPPRESSED_HTML = '.<span class="sr-only"> (gesperrt)</span>'
EMPTY_HTML = '–<span class="sr-only"> (keine Angabe)</span>'


def joined(names: Sequence[str]) -> str:
    """'A, B und C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def cell_html(cell: Cell | None, digits: int | None) -> str:
    if cell is None or (cell.value is None and not cell.suppressed):
        return EMPTY_HTML
    if cell.suppressed:
        return SUPPRESSED_HTML
    assert cell.value is not None
    return esc(german_number(cell.value, digits))


def cell_text(cell: Cell | None, digits: int | None) -> str:
    if cell is None or (cell.value is None and not cell.suppressed):
        return "keine Angabe"
    return "gesperrt" if cell.suppressed else german_number(cell.value or 0.0, digits)


def view_figure(n: int, suffix: str, caption: str, figures: dict[tuple[str, str], Cell],
          comparison: Comparison, unit: str, digits: int | None) -> str:
    """Chart and table of one measure in one view (absolute or per 1,000)."""
    ident = f"vergleich-{n}-{suffix}"
    periods, members = comparison.periods, comparison.members
    label = UNITS.get(unit, "Zeitraum")
    lines = [Line(m.name, [figures.get((m.id, p), Cell()).value for p in periods])
             for m in members]
    last = periods[-1]
    latest = "; ".join(f"{m.name} {cell_text(figures.get((m.id, last)), digits)}" for m in members)
    gaps = any(c.suppressed for c in figures.values())
    everyone = joined([m.name for m in members])
    desc = (f"Liniendiagramm: {caption}, eine Linie je Mitglied ({everyone}), von "
            f"{period_label(periods[0], unit)} bis {period_label(last, unit)}. "
            f"{period_label(last, unit)}: {latest}."
            + (" Gesperrte Werte sind Lücken in der Linie." if gaps else "")
            + " Alle Werte stehen in der Tabelle unter der Grafik.")
    svg = line_svg(ident, periods, unit, lines, desc)
    rows = [[esc(period_label(p, unit))] + [cell_html(figures.get((m.id, p)), digits)
                                           for m in members] for p in periods]
    table = scroll_table(f"{esc(caption)}: die Werte ({label} × Mitglied)",
                         [esc(label)] + [esc(m.name) for m in members], rows,
                         ident=f"{ident}-tabelle", numeric=set(range(1, len(members) + 1)),
                         row_headers=True)
    opened = " open" if len(periods) <= OPEN_TABLES else ""
    return (f'<figure>\n<figcaption id="{ident}-t">{esc(caption)}</figcaption>\n'
            f"{legend([m.name for m in members])}\n{svg}\n</figure>\n"
            f"<details{opened}><summary>Die Werte als Tabelle<span class=\"sr-only\">: "
            f"{esc(caption)}</span></summary>\n{table}\n</details>")
