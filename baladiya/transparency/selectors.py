"""Reads of the roll-ups for pages, open data and supervision: a few rows, never the cases.

Every public figure goes through ``suppression`` here, so no view can forget it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Max

from baladiya.transparency import settled, suppression
from baladiya.transparency.models import Level, MonthlyStat, SubjectKind

CACHE_SECONDS = 120  # the statistics pages and open data, in the page cache
# Reference data (area names, procedure and category lists) is kept in each process as long as
# that, through core.memo: the roll-ups themselves are read at every page miss.


_EXACT = {0.5: (1, 2), 0.9: (9, 10)}


def rank_of(n: int, q: float) -> int:
    """ceil(q*n) in exact arithmetic (0.9 * 70 is 63.00000000000001 in floating point)."""
    num, den = _EXACT.get(q) or Fraction(q).limit_denominator(1000).as_integer_ratio()
    return max(1, -(-n * num // den))


def percentiles(histogram: dict[int, int], *qs: float) -> list[int | None]:
    """Nearest-rank percentiles: for each q, the smallest d with at least ceil(q*n) cases
    decided in <= d days. One pass over the sorted buckets for all of them."""
    n = sum(histogram.values())
    if n == 0:
        return [None] * len(qs)
    ranks = [rank_of(n, q) for q in qs]
    found: list[int | None] = [None] * len(qs)
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        for i, rank in enumerate(ranks):
            if found[i] is None and seen >= rank:
                found[i] = days
        if all(f is not None for f in found):
            break
    return found


def percentile(histogram: dict[int, int], q: float) -> int | None:
    """Nearest-rank percentile: the smallest d with at least ceil(q*n) cases decided in <= d."""
    return percentiles(histogram, q)[0]


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
        median, p90 = percentiles(self.histogram, 0.5, 0.9)
        return {
            "month": self.month.strftime("%Y-%m") if self.month else "",
            "received": suppression.count(self.received),
            "decided": suppression.count(self.decided),
            "open": suppression.count(self.open),
            "accepted": suppression.count(self.accepted),
            "refused": suppression.count(self.refused),
            "no_follow_up": suppression.count(self.no_follow_up),
            "reopened": suppression.count(self.reopened),
            "median_days": suppression.statistic(median, n),
            "p90_days": suppression.statistic(p90, n),
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


def summary(periods: list[Period]) -> Period:
    total = Period(None)
    for period in periods:
        total.add(period)
    total.open = periods[-1].open if periods else 0
    return total


_TABLE = MonthlyStat._meta.db_table
_ROW_COLUMNS = ", ".join(ROW_COUNTERS)
# Raw SQL: these two run on every page miss, and the ORM's compiling costs as much as PostgreSQL
# answering them. The table name is ours, the values are parameters.
# One branch per subject, each a range of the key index (level, area, kind, subject, month): an
# OR of the two subjects walked every subject of the area (at 2M cases, 128 pages for 2 rows).
_TOTALS_OF_SUBJECT = (
    f"SELECT subject_kind, month, {_ROW_COLUMNS} FROM {_TABLE}"  # noqa: S608
    " WHERE level = %s AND area_id = %s AND subject_kind = %s AND subject_id = %s AND days = -1"
)
# Only three narrow columns of the histogram (the nation has ~50 buckets a month).
_HISTOGRAM_SQL = (
    f"SELECT month, days, decided FROM {_TABLE}"  # noqa: S608
    " WHERE level = %s AND area_id = %s AND subject_kind = %s AND subject_id = %s AND days >= 0"
)


def page_series(
    level: int,
    area_id: int,
    subject_kind: str = SubjectKind.ALL,
    subject_id: int = 0,
    category_id: int = 0,
    since: datetime.date | None = None,
) -> tuple[list[Period], Period, list[Period], Period]:
    """A statistics page's raw figures in two small queries, whatever the number of cases:
    (case months, case summary, concern months, concern summary); only the months from
    ``since`` on when it is given (then "open" counts from zero at its start).

    The totals rows of both subjects (a few dozen), then the procedure histogram's three
    columns; percentiles are ranked here (a database window query costs more than this).
    """
    concern_kind = SubjectKind.CONCERN_CATEGORY if category_id else SubjectKind.ALL_CONCERNS
    kind = str(subject_kind)
    cases: dict[Any, Period] = {}
    concerns: dict[Any, Period] = {}
    from_month = "" if since is None else " AND month >= %s"
    after: list[Any] = [] if since is None else [since]
    with connection.cursor() as cursor:
        own: list[Any] = [level, area_id, kind, subject_id, *after]
        of_concerns: list[Any] = [level, area_id, str(concern_kind), category_id, *after]
        cursor.execute(
            f"{_TOTALS_OF_SUBJECT}{from_month} UNION ALL {_TOTALS_OF_SUBJECT}{from_month}",
            [*own, *of_concerns],
        )
        for row_kind, month, *counters in cursor.fetchall():
            # Period's fields follow ROW_COUNTERS; concern counters are NULL on procedures.
            period = Period(_as_date(month), *(value or 0 for value in counters))  # type: ignore[arg-type]
            (cases if row_kind == kind else concerns)[period.month] = period
        cursor.execute(_HISTOGRAM_SQL + from_month, [level, area_id, kind, subject_id, *after])
        histograms = {month: p.histogram for month, p in cases.items()}
        if connection.vendor == "sqlite":
            histograms.update({str(month): h for month, h in histograms.items()})
        for month, days, decided in cursor.fetchall():
            histogram = histograms.get(month)
            if histogram is not None:
                histogram[days] = decided
    case_months = [cases[m] for m in sorted(cases)]
    running = 0
    for period in case_months:
        running += period.received - period.decided + period.reopened
        period.open = running
    concern_months = [concerns[m] for m in sorted(concerns)]
    return case_months, summary(case_months), concern_months, summary(concern_months)


@dataclass(frozen=True)
class PublicSeries:
    """A page's published figures: each month's, oldest first, and the whole span's."""

    months: list[dict[str, object]]
    summary: dict[str, object]
    concern_months: list[dict[str, object]]
    concern_summary: dict[str, object]
    # Months before this one are settled: what is built from them alone may be kept likewise.
    settled_before: datetime.date


@dataclass(frozen=True)
class _SettledPart:
    """The months before a boundary, final (see ``settled``): never modified once kept."""

    months: tuple[dict[str, object], ...]
    total: Period  # raw sums, histograms merged; ``open``: cases open at the last month's end
    concern_months: tuple[dict[str, object], ...]
    concern_total: Period


def _settle(cases: list[Period], concerns: list[Period], bound: datetime.date) -> _SettledPart:
    old = [p for p in cases if p.month is not None and p.month < bound]
    old_concerns = [p for p in concerns if p.month is not None and p.month < bound]
    return _SettledPart(
        months=tuple(p.public() for p in old),
        total=summary(old),
        concern_months=tuple(p.public_concerns() for p in old_concerns),
        concern_total=summary(old_concerns),
    )


def public_series(
    level: int,
    area_id: int,
    subject_kind: str = SubjectKind.ALL,
    subject_id: int = 0,
    category_id: int = 0,
) -> PublicSeries:
    """What a statistics page and its files publish, suppressed.

    Settled months come from this process's memo (``settled``): a miss of the page reads only
    the months still open, in the same two queries, and publishes only those. The first read
    of a page (or after a new month) reads every month, as ``page_series`` does.
    """
    bound = settled.boundary()
    key = ("series", level, area_id, str(subject_kind), subject_id, category_id)
    part: _SettledPart | None
    part, generation = settled.lookup(key, bound)
    if part is None:
        cases, _t, concerns, _c = page_series(level, area_id, subject_kind, subject_id, category_id)
        part = settled.keep(key, bound, _settle(cases, concerns, bound), generation)
        live = [p for p in cases if p.month is not None and p.month >= bound]
        live_concerns = [p for p in concerns if p.month is not None and p.month >= bound]
    else:
        live, _t, live_concerns, _c = page_series(
            level, area_id, subject_kind, subject_id, category_id, since=bound
        )
        # Open cases carry on from the settled months' end.
        for period in live:
            period.open += part.total.open
    return PublicSeries(
        months=[*part.months, *(p.public() for p in live)],
        summary=_continued(part.total, live).public(),
        concern_months=[*part.concern_months, *(p.public_concerns() for p in live_concerns)],
        concern_summary=_continued(part.concern_total, live_concerns).public_concerns(),
        settled_before=bound,
    )


def _continued(settled_total: Period, live: list[Period]) -> Period:
    """The whole span's figures: the settled sums (copied, never changed) plus the live months."""
    total = replace(settled_total, histogram=dict(settled_total.histogram))
    for period in live:
        total.add(period)
    if live:
        total.open = live[-1].open
    return total


def _as_date(value: Any) -> datetime.date:
    # SQLite hands raw SQL dates back as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def updated_at() -> datetime.datetime | None:
    """When the statistics last changed: every change touches a national row."""
    return MonthlyStat.objects.filter(level=Level.NATION).aggregate(at=Max("updated_at"))["at"]
