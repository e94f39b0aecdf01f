"""Server-rendered, accessible SVG charts: bars of received and decided cases per month.

The chart is an image with a title and a description; the table under it carries the same
numbers for screen readers and for copying. Suppressed months draw no bar (their label says why).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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
    base = HEIGHT - AXIS
    # Plain f-strings: every value below is a number we computed, or a "YY-MM" month label we
    # formatted (format_html on each of ~50 shapes cost a millisecond a chart).
    shapes = []
    for i, (month, received, decided) in enumerate(values):
        x = PAD + i * slot
        for offset, value, css in ((0, received, "#1d4f73"), (bar + 1, decided, "#8cb8d8")):
            h = int(value) * scale  # type: ignore[call-overload]
            shapes.append(
                f'<rect x="{x + offset:.1f}" y="{base - h:.1f}" width="{bar:.1f}"'
                f' height="{h:.1f}" fill="{css}"></rect>'
            )
        if i % 3 == 0:
            shapes.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="11" fill="#222">'
                f"{escape(month[2:])}</text>"
            )
    description = (
        description
        or _(
            "Bars: cases received (dark) and decided (light) each month, up to %(top)s a month. "
            "The table below gives the same numbers."
        )
    ) % {"top": top}
    return mark_safe(  # noqa: S308 - numbers, escaped texts
        f'<svg class="stat-chart" width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' direction="ltr" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        ' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="#222"></line>'
        f"{''.join(shapes)}</svg>"
    )
