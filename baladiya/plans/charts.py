"""Server-rendered SVG: indicator charts and the Gantt timeline.

Each figure is an ``<svg role="img">`` with a title and a description, and the page shows the
same data as a table next to it, so nothing depends on seeing the drawing. Colours are
presentation attributes (no inline style, for the strict CSP). In right-to-left pages the time
axis runs from right to left.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format

from baladiya.plans.progress import Node, Status

STATUS_COLOURS = {
    Status.NOT_STARTED: "#6b6b6b",
    Status.ON_TRACK: "#1e6b3a",
    Status.AT_RISK: "#8a5a00",
    Status.LATE: "#b00020",
    Status.DONE: "#0b4f8a",
    Status.CANCELLED: "#6b6b6b",
}


@dataclass
class Bar:
    node: Node
    y: int
    x: float
    width: float
    done_width: float
    label_x: float
    colour: str


@dataclass
class Gantt:
    width: int
    height: int
    bars: list[Bar]
    today_x: float | None
    ticks: list[tuple[float, str]]
    row_height: int
    rtl: bool
    label_anchor: str


def gantt(nodes: list[Node], today: datetime.date, *, rtl: bool = False, width: int = 720) -> Gantt:
    """Positions of one bar per node on a shared time axis (mirrored when ``rtl``)."""
    row_height = 28
    top = 24
    if not nodes:
        return Gantt(width, top, [], None, [], row_height, rtl, "start")
    start = min(n.start_date for n in nodes)
    end = max(n.due_date for n in nodes)
    span = max((end - start).days, 1)

    def x_of(day: datetime.date) -> float:
        offset = width * (day - start).days / span
        return round(width - offset if rtl else offset, 1)

    bars = []
    for index, node in enumerate(nodes):
        a, b = x_of(node.start_date), x_of(node.due_date)
        left, bar_width = min(a, b), max(abs(b - a), 2.0)
        done = bar_width * min(max(node.progress, 0.0), 100.0) / 100
        bars.append(
            Bar(
                node=node,
                y=top + index * row_height,
                x=left,
                width=round(bar_width, 1),
                done_width=round(done, 1),
                label_x=left + bar_width - done if rtl else left,
                colour=STATUS_COLOURS.get(Status(node.status), "#1e6b3a"),
            )
        )
    ticks = []
    month = datetime.date(start.year, start.month, 1)
    step = 3 if span > 400 else 1
    while month <= end:
        if month >= start:
            ticks.append((x_of(month), date_format(month, "YEAR_MONTH_FORMAT")))
        year, mon = divmod(month.month - 1 + step, 12)
        month = datetime.date(month.year + year, mon + 1, 1)
    today_x = x_of(today) if start <= today <= end else None
    return Gantt(
        width,
        top + len(nodes) * row_height + 8,
        bars,
        today_x,
        ticks,
        row_height,
        rtl,
        "end" if rtl else "start",
    )


@dataclass
class IndicatorChart:
    indicator: Any
    width: int
    height: int
    points: str
    dots: list[tuple[float, float, Any]]
    baseline_y: float
    target_y: float
    rows: list[Any]


def indicator_chart(indicator: Any, *, rtl: bool = False) -> IndicatorChart:
    """A line of the measurements between the baseline and the target lines."""
    width, height, pad = 320, 140, 16
    rows = list(indicator.measurements.all())
    values = [Decimal(indicator.baseline), Decimal(indicator.target)] + [m.value for m in rows]
    low, high = min(values), max(values)
    spread = (high - low) or Decimal(1)

    def y_of(value: Decimal) -> float:
        return round(float(height - pad - (Decimal(height - 2 * pad) * (value - low) / spread)), 1)

    dots = []
    count = len(rows)
    for index, m in enumerate(rows):
        offset = pad + (width - 2 * pad) * (index / (count - 1) if count > 1 else 0.5)
        x = round(width - offset if rtl else offset, 1)
        dots.append((x, y_of(m.value), m))
    return IndicatorChart(
        indicator=indicator,
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y, _m in dots),
        dots=dots,
        baseline_y=y_of(Decimal(indicator.baseline)),
        target_y=y_of(Decimal(indicator.target)),
        rows=rows,
    )
