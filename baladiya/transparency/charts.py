"""Server-rendered, accessible SVG charts: bars of received and decided cases per month.

The chart is an image with a title and a description; the table under it carries the same
numbers for screen readers and for copying. Suppressed months draw no bar (their label says why).
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD, AXIS = 720, 240, 8, 28


CASE_BARS = ("received", "decided")
CONCERN_BARS = ("concerns_received", "concerns_resolved")


def monthly_bars(
    months: list[dict[str, object]],
    *,
    chart_id: str,
    title: str,
    bars: tuple[str, str] = CASE_BARS,
    description: str = "",
) -> SafeString:
    """Two bars a month (dark, light) for the columns ``bars`` of ``months``, the last 24."""
    dark, light = bars
    values = [
        (str(m["month"]), m.get(dark) or 0, m.get(light) or 0)  # None (suppressed) draws nothing
        for m in months[-24:]
    ]
    top = max([max(int(r), int(d)) for _m, r, d in values] + [1])  # type: ignore[call-overload]
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    bar = max(slot / 2 - 2, 1)
    scale = (HEIGHT - AXIS - PAD) / top
    shapes = []
    for i, (_month, received, decided) in enumerate(values):
        x = PAD + i * slot
        for offset, value, css in ((0, received, "#1d4f73"), (bar + 1, decided, "#8cb8d8")):
            h = int(value) * scale  # type: ignore[call-overload]
            shapes.append(
                (
                    f"{x + offset:.1f}",
                    f"{HEIGHT - AXIS - h:.1f}",
                    f"{bar:.1f}",
                    f"{h:.1f}",
                    css,
                )
            )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
        shapes,
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" fill="#222">{}</text>',
        (
            (f"{PAD + i * slot:.1f}", HEIGHT - 8, month[2:])
            for i, (month, _r, _d) in enumerate(values)
            if i % 3 == 0
        ),
    )
    description = (
        description
        or _(
            "Bars: cases received (dark) and decided (light) each month, up to %(top)s a month. "
            "The table below gives the same numbers."
        )
    ) % {"top": top}
    return format_html(
        '<svg class="stat-chart" width="100%" viewBox="0 0 {w} {h}" role="img" direction="ltr" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{pad}" y1="{base}" x2="{right}" y2="{base}" stroke="#222"></line>'
        "{rects}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        pad=PAD,
        base=HEIGHT - AXIS,
        right=WIDTH - PAD,
        rects=rects,
        labels=labels,
    )
