"""The memory-over-time chart: an inline SVG drawn on the server, no script, no style attribute.

Two series from ``overview.growth``: every observation written so far (a shaded area) and the
active ones among them (a line). Colours come from the stylesheet through class names, so the
page's Content-Security-Policy needs no inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from memgit.overview import GrowthPoint
from memgit.web.html import Markup, fragment

WIDTH = 1000
HEIGHT = 230
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value`` (and at least 1)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def growth_chart(points: Sequence[GrowthPoint]) -> Markup:
    if not points:
        return Markup('<p class="muted">No memory yet.</p>')
    top = nice_ceiling(max(p.total for p in points))
    start, end = points[0].moment, points[-1].moment
    span = max((end - start).total_seconds(), 1.0)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(point: GrowthPoint) -> float:
        if len(points) == 1:
            return LEFT + plot_w
        return LEFT + plot_w * (point.moment - start).total_seconds() / span

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / top)

    total_line = " ".join(f"{x(p):.1f},{y(p.total):.1f}" for p in points)
    active_line = " ".join(f"{x(p):.1f},{y(p.active):.1f}" for p in points)
    area = f"{x(points[0]):.1f},{y(0):.1f} {total_line} {x(points[-1]):.1f},{y(0):.1f}"
    parts = []
    for value in (0, top // 2, top) if top > 1 else (0, top):
        parts.append(
            fragment(
                '<line class="grid" x1="$x1" x2="$x2" y1="$y" y2="$y"/>'
                '<text class="axis" x="$lx" y="$ty" text-anchor="end">$label</text>',
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=f"{y(value):.1f}",
                lx=LEFT - 8,
                ty=f"{y(value) + 4:.1f}",
                label=f"{value:,}",
            )
        )
    middle = points[len(points) // 2]
    for point, anchor in ((points[0], "start"), (middle, "middle"), (points[-1], "end")):
        if len(points) == 1 and anchor != "end":
            continue
        parts.append(
            fragment(
                '<text class="axis" x="$x" y="$y" text-anchor="$anchor">$label</text>',
                x=f"{x(point):.1f}",
                y=HEIGHT - 8,
                anchor=anchor,
                label=f"{point.moment:%Y-%m-%d}",
            )
        )
    last = points[-1]
    summary = (
        f"Memory over time, {start:%Y-%m-%d} to {end:%Y-%m-%d}: "
        f"{last.total:,} observations written, {last.active:,} active now"
    )
    return fragment(
        '<svg class="chart" viewBox="0 0 $w $h" role="img" aria-labelledby="chart-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">$summary</title>'
        '$grid<polygon class="total" points="$area"/>'
        '<polyline class="total-line" points="$total"/>'
        '<polyline class="active" points="$active"/></svg>',
        w=WIDTH,
        h=HEIGHT,
        summary=summary,
        grid=Markup("".join(parts)),
        area=area,
        total=total_line,
        active=active_line,
    )


def bar(value: int, largest: int, width: int = 120) -> Markup:
    """A small horizontal bar for a count, as SVG (widths in attributes, not inline styles)."""
    filled = 0.0 if largest <= 0 else width * value / largest
    return fragment(
        '<svg class="bar" width="$w" height="10" viewBox="0 0 $w 10" aria-hidden="true">'
        '<rect class="bar-bg" width="$w" height="10" rx="2"/>'
        '<rect class="bar-fill" width="$f" height="10" rx="2"/></svg>',
        w=width,
        f=f"{filled:.1f}",
    )


__all__ = ["bar", "growth_chart", "nice_ceiling"]
