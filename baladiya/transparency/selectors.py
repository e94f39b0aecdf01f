"""Reads of the roll-ups for pages, open data and supervision: a few rows, never the cases.

Every public figure goes through ``suppression`` here, so no view can forget it.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max

from baladiya.transparency import suppression
from baladiya.transparency.models import TOTALS, Level, MonthlyStat, SubjectKind

CACHE_SECONDS = 120


def percentile(histogram: dict[int, int], q: float) -> int | None:
    """Nearest-rank percentile: the smallest d with at least ceil(q*n) cases decided in <= d."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    return None  # pragma: no cover


@dataclass
class Period:
    """Raw (unsuppressed) figures of one month, or of the whole span for the summary."""

    month: datetime.date | None
    received: int = 0
    decided: int = 0
    accepted: int = 0
    refused: int = 0
    no_follow_up: int = 0
    with_deadline: int = 0
    within_deadline: int = 0
    reopened: int = 0
    # Concerns only (rows of a concern category or of all concerns).
    resolved: int = 0
    rated: int = 0
    score_sum: int = 0
    solved: int = 0
    open: int = 0
    histogram: dict[int, int] = field(default_factory=dict)

    def add(self, other: Period) -> None:
        for name in ROW_COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for days, n in other.histogram.items():
            self.histogram[days] = self.histogram.get(days, 0) + n

    def public(self) -> dict[str, object]:
        """The publishable figures: suppressed counts are None ("fewer than 5")."""
        n = sum(self.histogram.values())
        return {
            "month": self.month.strftime("%Y-%m") if self.month else "",
            "received": suppression.count(self.received),
            "decided": suppression.count(self.decided),
            "open": suppression.count(self.open),
            "accepted": suppression.count(self.accepted),
            "refused": suppression.count(self.refused),
            "no_follow_up": suppression.count(self.no_follow_up),
            "reopened": suppression.count(self.reopened),
            "median_days": suppression.statistic(percentile(self.histogram, 0.5), n),
            "p90_days": suppression.statistic(percentile(self.histogram, 0.9), n),
            "within_deadline_pct": suppression.share(self.within_deadline, self.with_deadline),
        }

    @property
    def satisfaction(self) -> float | None:
        """Mean rating (1–5, one decimal), withheld under 5 ratings."""
        if self.rated < suppression.THRESHOLD:
            return None
        return round(self.score_sum / self.rated, 1)

    def public_concerns(self) -> dict[str, object]:
        """The publishable concern figures; ``solved_pct`` is the share of ratings saying
        "solved"; the mean rating and that share are withheld under 5 ratings."""
        return {
            "month": self.month.strftime("%Y-%m") if self.month else "",
            "concerns_received": suppression.count(self.received),
            "concerns_resolved": suppression.count(self.resolved),
            "concerns_reopened": suppression.count(self.reopened),
            "concerns_rated": suppression.count(self.rated),
            "satisfaction": self.satisfaction,
            "solved_pct": suppression.share(self.solved, self.rated),
        }


COUNTERS = (
    "received",
    "decided",
    "accepted",
    "refused",
    "no_follow_up",
    "with_deadline",
    "within_deadline",
    "reopened",
)
CONCERN_COUNTERS = ("resolved", "rated", "score_sum", "solved")
ROW_COUNTERS = (*COUNTERS, *CONCERN_COUNTERS)
CONCERN_COLUMNS = (
    "concerns_received",
    "concerns_resolved",
    "concerns_reopened",
    "concerns_rated",
    "satisfaction",
    "solved_pct",
)
COLUMNS = (
    "month",
    "received",
    "decided",
    "open",
    "accepted",
    "refused",
    "no_follow_up",
    "reopened",
    "median_days",
    "p90_days",
    "within_deadline_pct",
)


def raw_series(
    level: int, area_id: int, subject_kind: str = SubjectKind.ALL, subject_id: int = 0
) -> list[Period]:
    """Months in order with their raw figures and the open count at each month's end. 1 query."""
    rows = MonthlyStat.objects.filter(
        level=level, area_id=area_id, subject_kind=subject_kind, subject_id=subject_id
    ).values_list("month", "days", *ROW_COUNTERS)
    months: dict[datetime.date, Period] = {}
    for month, days, *counters in rows:
        period = months.setdefault(month, Period(month))
        if days == TOTALS:
            for name, value in zip(ROW_COUNTERS, counters, strict=True):
                setattr(period, name, value or 0)  # concern counters are NULL on procedures
        else:
            period.histogram[days] = period.histogram.get(days, 0) + counters[1]
    running = 0
    ordered = [months[m] for m in sorted(months)]
    for period in ordered:
        running += period.received - period.decided + period.reopened
        period.open = running
    return ordered


def summary(periods: list[Period]) -> Period:
    total = Period(None)
    for period in periods:
        total.add(period)
    total.open = periods[-1].open if periods else 0
    return total


def public_series(
    level: int, area_id: int, subject_kind: str = SubjectKind.ALL, subject_id: int = 0
) -> dict[str, object]:
    """What a statistics page shows, suppressed, cached briefly (the roll-ups move each event)."""
    key = f"transparency:series:{level}:{area_id}:{subject_kind}:{subject_id}"
    found = cache.get(key)
    if found is None:
        periods = raw_series(level, area_id, subject_kind, subject_id)
        found = {
            "months": [p.public() for p in periods],
            "summary": summary(periods).public(),
        }
        cache.set(key, found, CACHE_SECONDS)
    return found


def public_concern_series(level: int, area_id: int, category_id: int = 0) -> dict[str, object]:
    """The concern figures of an area (one category, or all concerns), suppressed, cached."""
    kind = SubjectKind.CONCERN_CATEGORY if category_id else SubjectKind.ALL_CONCERNS
    key = f"transparency:concerns:{level}:{area_id}:{category_id}"
    found = cache.get(key)
    if found is None:
        periods = raw_series(level, area_id, kind, category_id)
        found = {
            "months": [p.public_concerns() for p in periods],
            "summary": summary(periods).public_concerns(),
        }
        cache.set(key, found, CACHE_SECONDS)
    return found


def updated_at() -> datetime.datetime | None:
    """When the statistics last changed: every change touches a national row."""
    return MonthlyStat.objects.filter(level=Level.NATION).aggregate(at=Max("updated_at"))["at"]


def by_area(
    level: int,
    area_ids: list[int],
    subject_kind: str = SubjectKind.ALL,
    subject_id: int = 0,
) -> dict[int, Period]:
    """Whole-span figures of several areas side by side (supervision). One query."""
    rows = MonthlyStat.objects.filter(
        level=level, area_id__in=area_ids, subject_kind=subject_kind, subject_id=subject_id
    ).values_list("area_id", "month", "days", *ROW_COUNTERS)
    periods: dict[int, Period] = defaultdict(lambda: Period(None))
    for area_id, _month, days, *counters in rows:
        period = periods[area_id]
        if days == TOTALS:
            for name, value in zip(ROW_COUNTERS, counters, strict=True):
                setattr(period, name, getattr(period, name) + (value or 0))
        else:
            period.histogram[days] = period.histogram.get(days, 0) + counters[1]
    for period in periods.values():
        period.open = period.received - period.decided + period.reopened
    return periods
