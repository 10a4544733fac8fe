"""The chart of a dataset page, drawn on the server as inline SVG (no JavaScript): columns over the
period covered, or one bar per category. The SVG scales with the page; its text alternative names
the range and the extremes, and the same figures follow as a table.
"""

from __future__ import annotations

import math

from flows.adapters.local.digest import Series
from flows.adapters.local.layout import esc, german_number, period_label, scroll_table

WIDTH, HEIGHT = 560, 300
LEFT, BOTTOM, TOP = 64, 34, 12
FONT = 14
BAR = "#0b4f9c"
GRID = "#767676"
SHORT_MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
UNITS = {"month": "Monat", "year": "Jahr", "quarter": "Quartal", "day": "Tag"}
TICKS = 7
"""Period labels written under the columns at most (the table has every one)."""


def figure(series: Series, ident: str, unit: str = "") -> str:
    """The chart with caption, text alternative and its data as a table (in a disclosure)."""
    label = (lambda key: period_label(key, unit)) if series.kind == "period" else str
    what = (f"{series.aggregate} von „{series.y_title}“" if series.aggregate != "Anzahl der Zeilen"
            else "Anzahl der Zeilen")
    axis = UNITS.get(unit, series.x_title) if series.kind == "period" else series.x_title
    caption = f"{what} je {axis}"
    svg = _columns(series, unit) if series.kind == "period" else _bars(series)
    values = [v for _, v in series.points]
    high = max(series.points, key=lambda p: p[1])
    low = min(series.points, key=lambda p: p[1])
    span = (f"von {label(series.points[0][0])} bis {label(series.points[-1][0])}"
            if series.kind == "period" else f"für {len(values)} Werte von „{series.x_title}“")
    desc = (f"{'Säulen' if series.kind == 'period' else 'Balken'}diagramm: {what} {span}. "
            f"Höchster Wert {german_number(high[1])} ({label(high[0])}), niedrigster Wert "
            f"{german_number(low[1])} ({label(low[0])}). Alle Werte stehen in der Tabelle "
            "unter der Grafik.")
    notes = []
    if series.suppressed:
        notes.append(f"{german_number(series.suppressed)} gesperrte Werte sind nicht mitgezählt; "
                     "die Summen sind daher etwas zu klein.")
    if series.left_out:
        notes.append(f"Gezeigt sind die {len(values)} größten Werte; {series.left_out} weitere "
                     "stehen in den Daten.")
    table = scroll_table(esc(caption), [esc(axis), esc(what)],
                         [[esc(label(k)), esc(german_number(v))] for k, v in series.points],
                         ident=f"{ident}-data", numeric={1})
    return (f'<figure>\n<figcaption id="{ident}-t">{esc(caption)}</figcaption>\n'
            f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} '
            f'{svg[1]}" width="{WIDTH}" height="{svg[1]}" font-size="{FONT}" '
            'font-family="system-ui, sans-serif" fill="#1a1a1a">\n'
            f'<desc id="{ident}-d">{esc(desc)}</desc>\n{svg[0]}\n</svg>\n</figure>\n'
            + "".join(f"<p>{esc(n)}</p>\n" for n in notes)
            + f"<details><summary>Die Werte der Grafik als Tabelle</summary>\n{table}\n</details>")


def nice_top(peak: float) -> tuple[float, float]:
    """A round axis maximum ≥ peak and its tick step (1, 2 or 5 × 10ⁿ, four steps or so)."""
    if peak <= 0:
        return 1.0, 0.25
    raw = peak / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(peak / step), step


def value_axis(top: float, step: float, plot_h: float, right: float) -> list[str]:
    """Grid lines and labels of the value axis, from 0 to `top` in `step`s."""
    shapes = []
    tick = 0.0
    while tick <= top + step / 2:
        y = TOP + plot_h - tick / top * plot_h
        shapes.append(f'<line x1="{LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
                      f'stroke="{GRID}" stroke-width="0.5"/>'
                      f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end">'
                      f"{esc(german_number(round(tick, 6)))}</text>")
        tick += step
    return shapes


def short_period(key: str, unit: str) -> str:
    if unit == "month" and len(key) >= 7 and key[4] == "-" and key[5:7].isdigit():
        return f"{SHORT_MONTHS[int(key[5:7]) - 1]} {key[:4]}"
    return period_label(key, unit)


def _columns(series: Series, unit: str) -> tuple[str, int]:
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    values = [max(v, 0.0) for _, v in series.points]
    top, step = nice_top(max(values))
    shapes = value_axis(top, step, plot_h, WIDTH - 8)
    slot = plot_w / len(values)
    every = max(1, math.ceil(len(values) / TICKS))
    for n, ((key, _), value) in enumerate(zip(series.points, values, strict=True)):
        x = LEFT + n * slot
        h = value / top * plot_h
        shapes.append(f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot_h - h:.1f}" '
                      f'width="{max(slot * 0.8, 1):.1f}" height="{h:.1f}" fill="{BAR}"/>')
        if n % every == 0:
            shapes.append(f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle">'
                          f"{esc(short_period(key, unit))}</text>")
    return "\n".join(shapes), HEIGHT


def _bars(series: Series) -> tuple[str, int]:
    """One bar per category with its label above it, so long labels fit on a phone."""
    row = 42
    height = 8 + row * len(series.points)
    peak = max((max(v, 0.0) for _, v in series.points), default=0.0) or 1.0
    room = WIDTH - 110
    shapes = []
    for n, (key, value) in enumerate(series.points):
        y = 8 + n * row
        size = max(value, 0.0) / peak * room
        label = key if len(key) <= 70 else key[:68] + " …"
        shapes.append(f'<text x="0" y="{y + FONT}">{esc(label)}</text>'
                      f'<rect x="0" y="{y + 19}" width="{size:.1f}" height="14" fill="{BAR}"/>'
                      f'<text x="{size + 6:.1f}" y="{y + 31}">{esc(german_number(value))}</text>')
    return "\n".join(shapes), height
