"""Each commune's standing in one row: what supervision reads instead of the per-day backlog.

:class:`~baladiya.transparency.models.CommuneStanding` holds a commune's open cases, the
submission day of its oldest open case, its clock-running cases due before ``due_from``, and
this month's totals (received, decided, with and within the deadline, ratings). The receiver
of ``cases.signals.event_recorded`` (:func:`on_event_recorded`) writes, inside the event's
transaction and in this order:

1. the standing row, in ONE upsert, which locks it: the commune's writers queue there;
2. the per-day backlog (``backlog.record``) and the monthly roll-ups (``rollups.write``);
3. only when the last case of the oldest open day closes: the next oldest day, from the
   per-day backlog.

Step 3 is a statement of its own, run once the lock is held: a writer that had to wait for it
then reads the backlog as the writer before it committed it (a sub-select inside the locking
statement would keep that statement's first snapshot, and could miss a close).

Overdue follows the calendar: a read adds the due days from ``due_from`` to yesterday, none
once :func:`advance` has moved ``due_from`` to today (hourly, from Celery beat), so no figure
waits for the job. Reads agree with the per-day rows (``backlog.of_communes``; a hypothesis
test), and :func:`rebuild` recomputes every row from the backlog and the roll-ups.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from baladiya.core.calendar import local_date
from baladiya.transparency import backlog, literals, rollups
from baladiya.transparency.models import CommuneStanding, OpenBacklog

_T = CommuneStanding._meta.db_table
_B = OpenBacklog._meta.db_table
SUMS = ("received", "decided", "with_deadline", "within_deadline", "rated", "score_sum")
_COLUMNS = ("commune_id", "open_cases", "oldest_open", "overdue_before", "due_from", "month", *SUMS)

# A sum is added within its month, restarted by an event of a later month, and left alone by an
# event of an earlier one (that month is the roll-ups' alone: supervision reads it there).
_LATER = f"(excluded.month > {_T}.month OR {_T}.month IS NULL)"
_UPSERT = (
    f"INSERT INTO {_T} ({', '.join(_COLUMNS)})"  # noqa: S608 - names from the model; values bound
    f" VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    f" ON CONFLICT (commune_id) DO UPDATE SET"
    f" open_cases = {_T}.open_cases + excluded.open_cases,"
    f" oldest_open = CASE WHEN excluded.oldest_open IS NOT NULL AND ({_T}.oldest_open IS NULL"
    f" OR excluded.oldest_open < {_T}.oldest_open) THEN excluded.oldest_open"
    f" ELSE {_T}.oldest_open END,"
    f" overdue_before = {_T}.overdue_before + CASE WHEN %s < {_T}.due_from THEN %s ELSE 0 END,"
    f" month = CASE WHEN {_LATER} THEN excluded.month ELSE {_T}.month END, "
    + ", ".join(
        f"{c} = CASE WHEN excluded.month = {_T}.month THEN {_T}.{c} + excluded.{c}"
        f" WHEN {_LATER} THEN excluded.{c} ELSE {_T}.{c} END"
        for c in SUMS
    )
    + " RETURNING oldest_open"
)
_OLDEST_AGAIN = (
    f"UPDATE {_T} SET oldest_open = (SELECT MIN(day) FROM {_B}"  # noqa: S608 - constants
    f" WHERE commune_id = %s AND kind = {backlog.SUBMITTED_ON} AND cases > 0)"
    " WHERE commune_id = %s"
)


def _due_between(low: str, high: str) -> str:
    """The row's commune's cases due on a day in [low, high) (two SQL expressions: column names
    or literals from ``literals.date``)."""
    return (
        f"COALESCE((SELECT SUM(b.cases) FROM {_B} b WHERE b.commune_id = {_T}.commune_id"  # noqa: S608
        f" AND b.kind = {backlog.DUE_ON} AND b.cases > 0 AND b.day >= {low} AND b.day < {high}),"
        " 0)"
    )


def _overdue_sql(today: datetime.date) -> str:
    """The row's overdue cases on ``today``: those due before ``due_from``, corrected by the due
    days between ``due_from`` and ``today`` (either way round: a clock can move back)."""
    d = literals.date(today)
    due_from = f"{_T}.due_from"
    return (
        f"{_T}.overdue_before + CASE WHEN {due_from} < {d} THEN {_due_between(due_from, d)}"
        f" WHEN {due_from} > {d} THEN -{_due_between(d, due_from)} ELSE 0 END"
    )


# --- writing -----------------------------------------------------------------------------------


def on_event_recorded(*, event: Any, case: Any, **_kwargs: Any) -> None:
    """Receiver of ``event_recorded``: the standing row, the per-day backlog and the roll-ups,
    in that order (see the module's docstring); nothing for an event that changes no figure."""
    counts = rollups.counted(event, case)
    moves = []
    if event.from_status != event.to_status:
        moves = backlog.deltas(
            from_status=event.from_status,
            to_status=event.to_status,
            commune_id=case.commune_id,
            submitted_on=local_date(case.submitted_at) if case.submitted_at else None,
            due_date=case.due_date,
        )
    if counts is None and not moves:
        return
    closes_oldest = write(case.commune_id, counts, moves)
    backlog.record(moves)
    rollups.write(case, counts)
    if closes_oldest:
        with connection.cursor() as cursor:
            cursor.execute(_OLDEST_AGAIN, [case.commune_id, case.commune_id])


def write(
    commune_id: int,
    counts: rollups.Counted | None,
    moves: Iterable[tuple[int, int, datetime.date, int]],
) -> bool:
    """Add an event's figures to its commune's row (one statement). True when it closed a case
    of the oldest open day, whose successor is then read again (step 3)."""
    opened, open_day, running, due_day = 0, None, 0, None
    for _commune, kind, day, delta in moves:
        if kind == backlog.SUBMITTED_ON:
            opened, open_day = delta, day
        else:
            running, due_day = delta, day
    today = local_date(timezone.now())
    sums = dict.fromkeys(SUMS, 0)
    month = None
    if counts is not None:
        month = counts.month
        names = ("rated", "score_sum") if counts.concern else SUMS[:4]
        for name in names:
            sums[name] = counts.deltas.get(name, 0)
    values = [
        commune_id,
        opened,
        open_day if opened > 0 else None,
        running if due_day is not None and due_day < today else 0,  # a new row starts today
        today,
        month,
        *(sums[c] for c in SUMS),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [*values, due_day, running])
        (oldest,) = cursor.fetchone()
    if opened >= 0 or oldest is None:
        return False
    if isinstance(oldest, str):  # SQLite returns dates as text to a plain cursor
        oldest = datetime.date.fromisoformat(oldest)
    return oldest == open_day


def advance(today: datetime.date | None = None) -> int:
    """Move every row's ``due_from`` to ``today``, counting the days passed into
    ``overdue_before``: reads stay exact without it, and cheaper with it. Returns the rows moved.

    The table is locked first: a writer holding a row (and about to add a due day to the
    per-day backlog) finishes before the due days are read, so that no day is counted by
    neither (see the module's docstring for the writers' order)."""
    today = today or local_date(timezone.now())
    d = literals.date(today)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_T} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"UPDATE {_T} SET overdue_before = {_overdue_sql(today)}, due_from = {d}"  # noqa: S608
            f" WHERE due_from <> {d}"
        )
        return cursor.rowcount


# --- reading -----------------------------------------------------------------------------------


class Standing(NamedTuple):
    """A commune's row as supervision reads it on a given day."""

    backlog: backlog.Backlog
    month: datetime.date | None  # the month of ``sums``
    sums: tuple[int, int, int, int, int, int]  # in the order of SUMS


#: A row as :func:`read_rows` gives it: (commune_id, open, oldest open day, overdue, month,
#: then the six SUMS), dates as dates on every database. Hashable, so it can key a memo.
Raw = tuple[Any, ...]


def read_rows(commune_ids: Iterable[int] | None, today: datetime.date) -> list[Raw]:
    """The rows of these communes (every commune for ``None``) as plain tuples: one small scan.

    Literals only (dates and integer ids), as in ``supervision``: a statement without
    parameters has one plan per connection and day."""
    where = literals.ids_in("commune_id", commune_ids, keyword="WHERE")
    sql = (
        f"SELECT commune_id, open_cases, oldest_open, {_overdue_sql(today)},"  # noqa: S608
        f" month, {', '.join(SUMS)} FROM {_T}{where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchall()
    if connection.vendor == "sqlite":  # dates come back as text from a plain cursor
        found = [(r[0], r[1], _day(r[2]), r[3], _day(r[4]), *r[5:]) for r in found]
    return found


def _day(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def parse(row: Raw) -> Standing:
    _id, opened, oldest, overdue, month, *sums = row
    return Standing(backlog.Backlog(opened, overdue, oldest), month, tuple(sums))  # type: ignore[arg-type]


def read(commune_ids: Iterable[int] | None, today: datetime.date) -> dict[int, Standing]:
    """The rows of these communes (every commune for ``None``), by commune."""
    return {row[0]: parse(row) for row in read_rows(commune_ids, today)}


# --- rebuilding --------------------------------------------------------------------------------


def compute(today: datetime.date) -> dict[int, CommuneStanding]:
    """Every commune's row recomputed from the per-day backlog and this month's roll-ups."""
    month = today.replace(day=1)
    rows: dict[int, CommuneStanding] = {}

    def row(commune_id: int) -> CommuneStanding:
        if commune_id not in rows:
            rows[commune_id] = CommuneStanding(commune_id=commune_id, due_from=today)
        return rows[commune_id]

    for commune_id, found in backlog.of_communes(None, today).items():
        r = row(commune_id)
        r.open_cases, r.oldest_open, r.overdue_before = found.open, found.oldest, found.overdue
    next_month = (month + datetime.timedelta(days=31)).replace(day=1)
    this_month, _later = rollups.commune_sums(None, month, next_month)
    for commune_id, (received, decided, with_deadline, within, rated, score) in this_month.items():
        r = row(commune_id)
        r.month, r.received, r.decided = month, received, decided
        r.with_deadline, r.within_deadline = with_deadline, within
        r.rated, r.score_sum = rated, score
    return rows


def rebuild(today: datetime.date | None = None) -> int:
    """Replace every row by :func:`compute` (after the backlog and roll-ups are rebuilt)."""
    today = today or local_date(timezone.now())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_T} IN SHARE ROW EXCLUSIVE MODE")
        rows = compute(today)
        CommuneStanding.objects.all().delete()
        CommuneStanding.objects.bulk_create(rows.values(), batch_size=2000)
    rollups.refresh_planner(_T)
    return len(rows)
