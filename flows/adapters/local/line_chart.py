"""A line chart drawn on the server as inline SVG (no JavaScript): one line per series over the
periods, told apart not by colour alone but by a dash pattern and a marker shape of its own,
named in a legend that shows the same line and marker. A missing or suppressed value is a gap in
the line. The SVG scales with the page; its text alternative is given by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flows.adapters.local.chart import (
    FONT,
    HEIGHT,
    LEFT,
    TICKS,
    TOP,
    WIDTH,
    nice_top,
    short_period,
    value_axis,
)
from flows.adapters.local.layout import esc

BOTTOM = 34
RIGHT = 12
MARKS = 12
"""Markers drawn per line at most (plus every isolated point and the last one)."""
STYLES = (("#0b4f9c", "", "circle"), ("#a33c00", "9 4", "square"),
          ("#1d6b35", "2 4", "triangle"), ("#6b2c91", "12 4 3 4", "diamond"),
          ("#1a1a1a", "5 3", "cross"))
"""Colour (contrast ≥ 4.5:1 on white), dash pattern and marker per line, in order."""


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]
    """One per period; None: no value or suppressed (a gap)."""


def marker(kind: str, x: float, y: float, colour: str, size: float = 4.5) -> str:
    """A marker shape centred on (x, y)."""
    s = size
    if kind == "square":
        return (f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
                f'fill="{colour}"/>')
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - s * 1.2:.1f} {x + s * 1.1:.1f},{y + s:.1f} '
                f'{x - s * 1.1:.1f},{y + s:.1f}" fill="{colour}"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - s * 1.3:.1f} {x + s * 1.3:.1f},{y:.1f} '
                f'{x:.1f},{y + s * 1.3:.1f} {x - s * 1.3:.1f},{y:.1f}" fill="{colour}"/>')
    if kind == "cross":
        return (f'<path d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}M{x - s:.1f},'
                f'{y + s:.1f}L{x + s:.1f},{y - s:.1f}" stroke="{colour}" stroke-width="2.5"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" fill="{colour}"/>'


def legend(labels: Sequence[str]) -> str:
    """The legend as an HTML list (it wraps on a phone): per line its dash and marker, then the
    name; the drawn sample is decoration, the name is the text."""
    items = []
    for n, label in enumerate(labels):
        colour, dash, kind = STYLES[n % len(STYLES)]
        items.append(
            '<li><svg aria-hidden="true" focusable="false" width="44" height="16" '
            'viewBox="0 0 44 16">'
            f'<line x1="2" x2="42" y1="8" y2="8" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            + marker(kind, 22, 8, colour, 4) + f"</svg> {esc(label)}</li>")
    return '<ul class="legende">' + "".join(items) + "</ul>"


def line_svg(ident: str, periods: Sequence[str], unit: str, lines: Sequence[Line],
             desc: str) -> str:
    """The chart as an `<svg role="img">` named by `<ident>-t` (the caption) and its `desc`."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for line in lines for v in line.values if v is not None]
    top, step = nice_top(max([max(v, 0.0) for v in values], default=0.0))
    shapes = value_axis(top, step, plot_h, WIDTH - RIGHT)
    count = len(periods)
    slot = plot_w / max(count - 1, 1)

    def x_of(n: int) -> float:
        return LEFT + (n * slot if count > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return TOP + plot_h - max(value, 0.0) / top * plot_h

    if unit == "month" and count > 12:  # years under their Januaries
        ticks = [(n, key[:4]) for n, key in enumerate(periods) if key[5:7] == "01"]
    else:
        every = max(1, math.ceil(count / TICKS))
        ticks = [(n, short_period(key, unit)) for n, key in enumerate(periods) if n % every == 0]
    for n, text in ticks:
        anchor = "end" if x_of(n) > WIDTH - RIGHT - 30 else "middle"
        shapes.append(f'<text x="{x_of(n):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}">'
                      f"{esc(text)}</text>")
    spacing = max(1, math.ceil(count / MARKS))
    for index, line in enumerate(lines):
        colour, dash, kind = STYLES[index % len(STYLES)]
        path, marks = [], []
        offset = index * spacing // max(len(lines), 1)  # markers of the lines do not overlap
        for n, value in enumerate(line.values):
            if value is None:
                continue
            before = n > 0 and line.values[n - 1] is not None
            after = n < count - 1 and line.values[n + 1] is not None
            path.append(f"{'L' if before else 'M'}{x_of(n):.1f},{y_of(value):.1f}")
            if (n + offset) % spacing == 0 or not (before or after) or n == count - 1:
                marks.append(marker(kind, x_of(n), y_of(value), colour))
        if path:
            shapes.append(f'<path d="{"".join(path)}" fill="none" stroke="{colour}" '
                          'stroke-width="2.5" stroke-linejoin="round"'
                          + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        shapes.extend(marks)
    return (f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} '
            f'{HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-size="{FONT}" '
            'font-family="system-ui, sans-serif" fill="#1a1a1a">\n'
            f'<desc id="{ident}-d">{esc(desc)}</desc>\n' + "\n".join(shapes) + "\n</svg>")
