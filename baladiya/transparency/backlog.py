"""The open backlog of each commune, kept per day so that supervision never scans cases.

``OpenBacklog`` holds two small series per commune: open cases counted by the Algiers date of
their submission, and clock-running cases counted by their due date. The receiver of
``cases.signals.event_recorded`` (``standing.on_event_recorded``) moves them by one in the same
transaction as the event, in ONE ``INSERT ... ON CONFLICT DO UPDATE`` (:func:`record`, at most
two rows), and only for events that change a status. Read at any date:

- open = the sum of a commune's submission-day counts;
- overdue = the sum of its due-day counts before today (clock running, due date passed: the
  definition of ``cases.selectors.with_deadline_flags``), so "overdue" follows the calendar
  with no stored flag and no job;
- backlog age = today minus the oldest submission day that still counts a case.

The due date only moves while the clock is stopped (a pause for the citizen pushes it back when
the case resumes), so leaving the due-day series on the pause and re-entering it on resume, at
the case's due date of that moment, keeps the series exact. :func:`rebuild` recomputes both
series from the cases (same numbers, checked by a hypothesis test).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate

from baladiya.cases.workflow import CLOCK_RUNNING, OPEN_STATUSES
from baladiya.core.calendar import ALGIERS
from baladiya.transparency import literals
from baladiya.transparency.models import OpenBacklog

SUBMITTED_ON = OpenBacklog.SUBMITTED_ON
DUE_ON = OpenBacklog.DUE_ON
_TABLE = OpenBacklog._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (commune_id, kind, day, cases) VALUES {{values}}"  # noqa: S608
    f" ON CONFLICT (commune_id, kind, day) DO UPDATE SET cases = {_TABLE}.cases + excluded.cases"
)


def deltas(
    *,
    from_status: str,
    to_status: str,
    commune_id: int,
    submitted_on: datetime.date | None,
    due_date: datetime.date | None,
) -> list[tuple[int, int, datetime.date, int]]:
    """The (commune, kind, day, delta) rows one status change adds: none, one or two."""
    out = []
    opened = int(to_status in OPEN_STATUSES) - int(from_status in OPEN_STATUSES)
    if opened and submitted_on is not None:
        out.append((commune_id, SUBMITTED_ON, submitted_on, opened))
    running = int(to_status in CLOCK_RUNNING) - int(from_status in CLOCK_RUNNING)
    if running and due_date is not None:
        out.append((commune_id, DUE_ON, due_date, running))
    return out


def record(rows: list[tuple[int, int, datetime.date, int]]) -> None:
    """Add the rows' deltas: one statement (the rows have distinct keys: one per kind)."""
    if not rows:
        return
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(values=values), [v for row in rows for v in row])


# --- reading -----------------------------------------------------------------------------------


class Backlog(NamedTuple):
    """A commune's open backlog (a tuple: 100 are built for each dashboard page)."""

    open: int = 0
    overdue: int = 0
    oldest: datetime.date | None = None  # submission day of the oldest open case

    def age_on(self, today: datetime.date) -> int | None:
        return (today - self.oldest).days if self.oldest else None


_READ_SQL = (
    "SELECT commune_id,"  # noqa: S608 - constants, parameters and integer ids only
    f" SUM(cases) FILTER (WHERE kind = {SUBMITTED_ON}),"
    f" SUM(cases) FILTER (WHERE kind = {DUE_ON} AND day < %s),"
    f" MIN(day) FILTER (WHERE kind = {SUBMITTED_ON})"
    f" FROM {_TABLE} WHERE cases > 0{{communes}} GROUP BY commune_id"
)


def of_communes(commune_ids: Iterable[int] | None, today: datetime.date) -> dict[int, Backlog]:
    """Backlog per commune (all communes for ``None``): one query on the counting rows only.

    Plain SQL, ids inlined (integers): the ORM's version cost more in Python than in the
    database, on a page measured in milliseconds.
    """
    communes = literals.ids_in("commune_id", commune_ids)
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL.format(communes=communes), [today])
        found = cursor.fetchall()
    out = {}
    for commune_id, opened, overdue, oldest in found:
        if isinstance(oldest, str):  # SQLite gives the MIN of a date column as text
            oldest = datetime.date.fromisoformat(oldest)
        out[commune_id] = Backlog(opened or 0, overdue or 0, oldest)
    return out


# --- rebuilding --------------------------------------------------------------------------------


def compute_from_raw() -> dict[tuple[int, int, datetime.date], int]:
    """(commune, kind, day) -> cases, recomputed from the cases themselves (zeros absent)."""
    from baladiya.cases.models import Case

    out: dict[tuple[int, int, datetime.date], int] = {}
    submitted = (
        Case.objects.filter(status__in=OPEN_STATUSES, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=ALGIERS))
        .values_list("commune_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for commune, day, n in submitted:
        out[(commune, SUBMITTED_ON, day)] = n
    due = (
        Case.objects.filter(status__in=CLOCK_RUNNING, due_date__isnull=False)
        .values_list("commune_id", "due_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for commune, day, n in due:
        out[(commune, DUE_ON, day)] = n
    return out


def table() -> dict[tuple[int, int, datetime.date], int]:
    """The incremental rows as :func:`compute_from_raw` returns them (zeros dropped)."""
    return {(r.commune_id, r.kind, r.day): r.cases for r in OpenBacklog.objects.exclude(cases=0)}


def rebuild() -> int:
    """Replace the backlog by the counts recomputed from the cases; returns the rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # As rollups.rebuild: writers wait at their upsert, so no event is lost meanwhile.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        rows = compute_from_raw()
        OpenBacklog.objects.all().delete()
        OpenBacklog.objects.bulk_create(
            (OpenBacklog(commune_id=c, kind=k, day=d, cases=n) for (c, k, d), n in rows.items()),
            batch_size=5000,
        )
    from baladiya.transparency.rollups import refresh_planner

    refresh_planner(_TABLE)
    return len(rows)
