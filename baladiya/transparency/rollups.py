"""Incremental roll-ups: what each case event adds to the monthly statistics, and the rebuild.

The receiver of ``cases.signals.event_recorded`` (``standing.on_event_recorded``) turns an event
into deltas with :func:`counted` and writes them with :func:`write`, in ONE ``INSERT ... ON
CONFLICT DO UPDATE`` (PostgreSQL and SQLite both support it) covering the commune, its daïra,
its wilaya and the nation, for the procedure and for "all procedures". Events that change no
count (drafts, messages, transfers, assignments, opinions, closing a decided case) cost nothing.

:func:`rebuild` recomputes the same rows from raw cases and events by replaying each case's
trail through the same :func:`contributions`, with the due date rebuilt from the events the way
``cases.services`` moves it (pauses while waiting for the citizen push it back).

Definitions (also in docs/transparency.md):
- received: ``submitted`` events in the month;
- decided: decisions (to accepted, refused or closed without follow-up) in the month; a case
  reopened and decided again counts once per decision; outcomes split them;
- with_deadline / within_deadline: decisions of cases that have a legal deadline, and those taken
  on or before the due date in force at the time (Algiers dates);
- processing time: working days from the submission's date to the decision's date, minus the
  working days by which waiting for the citizen pushed the due date back (as the law counts them);
- reopened: ``reopened`` events; open at the end of a month = received - decided + reopened, summed
  over all months up to it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, TruncDate

from baladiya.cases.workflow import DECIDED_STATUSES, Status
from baladiya.core.calendar import ALGIERS, calendar, local_date
from baladiya.transparency import literals, settled
from baladiya.transparency.models import TOTALS, Level, MonthlyStat, SubjectKind

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
CONCERN_COUNTERS = ("resolved", "rated", "score_sum", "solved")  # nullable: COALESCE on update
# Every counter of a row, in the order the rebuild writes them (concern ones NULL on procedures).
ALL_COUNTERS = (*COUNTERS, *CONCERN_COUNTERS)
# The events that count for a concern (a concern is never "decided": it is resolved, rated...).
CONCERN_EVENTS = ("submitted", "resolved", "reopened", "rated")
OUTCOME_OF = {
    Status.ACCEPTED: "accepted",
    Status.REFUSED: "refused",
    Status.NO_FOLLOW_UP: "no_follow_up",
}

# procedure id -> legal deadline in working days (None: none). Procedures are few and their
# deadline rarely changes; a save drops the map (signal) so this process reloads it once.
_legal_days: dict[int, int | None] | None = None


def forget_legal_deadlines(**_kwargs: Any) -> None:
    global _legal_days
    _legal_days = None


def legal_days_of(procedure_id: int) -> int | None:
    global _legal_days
    if _legal_days is None or procedure_id not in _legal_days:
        from baladiya.catalogue.models import Procedure

        _legal_days = dict(Procedure.objects.values_list("pk", "legal_deadline_days"))
    return _legal_days.get(procedure_id)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def processing_days(
    submitted_on: datetime.date,
    decided_on: datetime.date,
    due_date: datetime.date | None,
    legal_days: int | None,
) -> int:
    """Working days to decide, minus the working days the due date was pushed back."""
    cal = calendar()
    total = cal.working_days_between(submitted_on, decided_on)
    if due_date is not None and legal_days:
        original = cal.add_working_days(submitted_on, legal_days)
        total -= cal.working_days_between(original, due_date)
    return max(total, 0)


def contributions(
    *,
    kind: str,
    from_status: str,
    to_status: str,
    on: datetime.date,
    submitted_on: datetime.date | None,
    due_date: datetime.date | None,
    legal_days: int | None,
) -> tuple[dict[str, int], int | None]:
    """The counters one event adds to its month, and the histogram bucket it adds to (or None)."""
    if kind == "submitted":
        return {"received": 1}, None
    if kind == "reopened":
        return {"reopened": 1}, None
    if to_status in DECIDED_STATUSES and from_status not in DECIDED_STATUSES:
        deltas = {"decided": 1, OUTCOME_OF[Status(to_status)]: 1}
        if due_date is not None:
            deltas["with_deadline"] = 1
            deltas["within_deadline"] = int(on <= due_date)
        days = processing_days(submitted_on or on, on, due_date, legal_days)
        return deltas, days
    return {}, None


def concern_contributions(kind: str, payload: dict[str, Any] | None) -> dict[str, int]:
    """The counters one concern event adds to its month: every concern counter, zeros included,
    so that concern rows never hold NULL where the rebuild writes 0 (and supervision can sum)."""
    if kind not in CONCERN_EVENTS:
        return {}
    deltas = dict.fromkeys(("received", "reopened", *CONCERN_COUNTERS), 0)
    if kind == "submitted":
        deltas["received"] = 1
    elif kind == "resolved":
        deltas["resolved"] = 1
    elif kind == "reopened":
        deltas["reopened"] = 1
    else:  # rated
        deltas["rated"] = 1
        deltas["score_sum"] = int((payload or {}).get("score", 0))
        deltas["solved"] = int(bool((payload or {}).get("solved")))
    return deltas


# The concern's category when the event happens, read by the upsert itself (one statement, no
# extra round trip); 0 if a concern case somehow has no concern row (the rebuild does the same).
CATEGORY_SQL = "COALESCE((SELECT category_id FROM concerns_concern WHERE case_id = %s), 0)"


# --- writing -----------------------------------------------------------------------------------

_TABLE = MonthlyStat._meta.db_table
_KEY = ("level", "area_id", "subject_kind", "subject_id", "month", "days")


def _area_sql(level: Level) -> str:
    """A scalar SQL expression for the commune's area at ``level`` (one parameter: commune id)."""
    if level == Level.COMMUNE:
        return "%s"
    if level == Level.DAIRA:
        return "(SELECT daira_id FROM territory_commune WHERE id = %s)"
    if level == Level.WILAYA:
        return (
            "(SELECT d.wilaya_id FROM territory_commune c JOIN territory_daira d"
            " ON d.id = c.daira_id WHERE c.id = %s)"
        )
    return "0"


def upsert_sql(
    columns: Iterable[str],
    *,
    with_histogram: bool,
    all_kind: str = SubjectKind.ALL,
    subject_sql: str = "%s",
) -> str:
    """The statement adding one event's deltas to its 8 (or 16 with a histogram bucket) rows.

    ``all_kind`` is the "all" subject (all procedures or all concerns); ``subject_sql`` the
    expression of the own subject's id (a parameter, or the concern's category sub-select).
    """
    columns = list(columns)
    values: list[str] = []
    if all_kind not in (SubjectKind.ALL, SubjectKind.ALL_CONCERNS):
        raise ValueError(f"Unknown 'all' subject: {all_kind}")
    for level in Level:
        area = _area_sql(level)
        for own in (True, False):
            subject = subject_sql if own else "0"
            kind = "%s" if own else f"'{SubjectKind(all_kind).value}'"
            head = f"{int(level)}, {area}, {kind}, {subject}, %s"
            values.append(f"({head}, {TOTALS}, {', '.join('%s' for _ in columns)})")
            if with_histogram:
                zeros = ", ".join("1" if c == "decided" else "0" for c in columns)
                values.append(f"({head}, %s, {zeros})")
    updates = ", ".join(
        f"{c} = COALESCE({_TABLE}.{c}, 0) + excluded.{c}"
        if c in CONCERN_COUNTERS
        else f"{c} = {_TABLE}.{c} + excluded.{c}"
        for c in columns
    )
    # Column names come from COUNTERS/CONCERN_COUNTERS (checked), values are parameters.
    unknown = set(columns) - set(COUNTERS) - set(CONCERN_COUNTERS)
    if unknown:
        raise ValueError(f"Unknown counters: {unknown}")
    head = f"INSERT INTO {_TABLE} ({', '.join(_KEY)}, {', '.join(columns)}) VALUES "  # noqa: S608
    return (
        head + ", ".join(values) + f" ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates},"
        " updated_at = CURRENT_TIMESTAMP"
    )


def record(
    *,
    commune_id: int,
    subject_kind: str,
    subject_id: int,
    month: datetime.date,
    deltas: dict[str, int],
    bucket: int | None,
    all_kind: str = SubjectKind.ALL,
    subject_sql: str = "%s",
) -> None:
    """Add ``deltas`` (and a histogram bucket) to every level's rows: one SQL statement.

    ``subject_id`` is the parameter of ``subject_sql`` (the procedure id, or the concern's case
    id for the category sub-select)."""
    settled.touched(month)
    columns = sorted(deltas)
    if bucket is not None and "decided" not in columns:
        columns.append("decided")
    params: list[Any] = []
    for level in Level:
        area_params = [] if level == Level.NATION else [commune_id]
        for own in (True, False):
            subject = [subject_kind, subject_id] if own else []
            params += [*area_params, *subject, month, *(deltas.get(c, 0) for c in columns)]
            if bucket is not None:
                params += [*area_params, *subject, month, bucket]
    # Kind first, then id: the placeholders appear as "%s, %s" for an own subject.
    with connection.cursor() as cursor:
        sql = upsert_sql(
            columns, with_histogram=bucket is not None, all_kind=all_kind, subject_sql=subject_sql
        )
        cursor.execute(sql, params)


class Counted(NamedTuple):
    """What one event adds to its month's rows (see :func:`counted`)."""

    month: datetime.date
    deltas: dict[str, int]
    bucket: int | None  # the processing-time histogram's bucket, for a decision
    concern: bool


def counted(event: Any, case: Any) -> Counted | None:
    """The counters ``event`` adds to the roll-ups, or None for an event that counts nothing."""
    if getattr(case, "kind", "procedure") == "concern":
        concern_deltas = concern_contributions(event.kind, event.payload)
        if not concern_deltas:
            return None
        return Counted(month_of(local_date(event.created_at)), concern_deltas, None, True)
    if event.kind not in ("submitted", "reopened") and event.to_status not in DECIDED_STATUSES:
        return None
    on = local_date(event.created_at)
    legal = None
    if event.to_status in DECIDED_STATUSES and case.due_date is not None:
        legal = legal_days_of(case.procedure_id)
    deltas, bucket = contributions(
        kind=event.kind,
        from_status=event.from_status,
        to_status=event.to_status,
        on=on,
        submitted_on=local_date(case.submitted_at) if case.submitted_at else None,
        due_date=case.due_date,
        legal_days=legal,
    )
    if not deltas:
        return None
    return Counted(month_of(on), deltas, bucket, False)


def write(case: Any, found: Counted | None) -> None:
    """Add what :func:`counted` found for an event of ``case`` to its rows (one statement)."""
    if found is None:
        return
    if found.concern:
        record(
            commune_id=case.commune_id,
            subject_kind=SubjectKind.CONCERN_CATEGORY,
            subject_id=case.pk,  # the parameter of CATEGORY_SQL
            month=found.month,
            deltas=found.deltas,
            bucket=None,
            all_kind=SubjectKind.ALL_CONCERNS,
            subject_sql=CATEGORY_SQL,
        )
    else:
        record(
            commune_id=case.commune_id,
            subject_kind=SubjectKind.PROCEDURE,
            subject_id=case.procedure_id,
            month=found.month,
            deltas=found.deltas,
            bucket=found.bucket,
        )


# --- reading the commune totals ------------------------------------------------------------

# Every value is a literal (constants, dates, integer ids): a statement with no parameter has one
# plan, made once per connection and month. With the dates as parameters PostgreSQL judged a
# plan of its own for each run better, and planning (0.8 ms at 2M cases) cost as much as the
# reading. The literal constants also let the planner match the partial covering index of
# commune totals (migration 0005) and read it alone.
_COMMUNE_SUMS_SQL = (
    "SELECT area_id, month >= {open_from},"  # noqa: S608 - constants, dates and integer ids
    f" SUM(received) FILTER (WHERE subject_kind = '{SubjectKind.ALL.value}'),"
    f" SUM(decided) FILTER (WHERE subject_kind = '{SubjectKind.ALL.value}'),"
    f" SUM(with_deadline) FILTER (WHERE subject_kind = '{SubjectKind.ALL.value}'),"
    f" SUM(within_deadline) FILTER (WHERE subject_kind = '{SubjectKind.ALL.value}'),"
    f" SUM(rated) FILTER (WHERE subject_kind = '{SubjectKind.ALL_CONCERNS.value}'),"
    f" SUM(score_sum) FILTER (WHERE subject_kind = '{SubjectKind.ALL_CONCERNS.value}')"
    f" FROM {MonthlyStat._meta.db_table}"
    f" WHERE level = {int(Level.COMMUNE)} AND subject_id = 0 AND days = {TOTALS}"
    f" AND subject_kind IN ('{SubjectKind.ALL.value}', '{SubjectKind.ALL_CONCERNS.value}')"
    " AND month >= {since}{areas}"
    " GROUP BY area_id, month >= {open_from}"
)
# received, decided, with/within the deadline (all procedures); rated, score sum (all concerns)
CommuneSums = tuple[int, int, int, int, int, int]
NO_SUMS: CommuneSums = (0, 0, 0, 0, 0, 0)


def commune_sums(
    commune_ids: list[int] | None, since: datetime.date, open_from: datetime.date
) -> tuple[dict[int, CommuneSums], dict[int, CommuneSums]]:
    """Each commune's totals rows summed from ``since`` (all communes for ``None``): (months
    before ``open_from``, months from it on). Supervision's figures, and each commune's standing
    row when it is rebuilt."""
    sql = _COMMUNE_SUMS_SQL.format(
        open_from=literals.date(open_from),
        since=literals.date(since),
        areas=literals.ids_in("area_id", commune_ids),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchall()
    old: dict[int, CommuneSums] = {}
    live: dict[int, CommuneSums] = {}
    for area_id, is_open, *sums in found:
        (live if is_open else old)[area_id] = tuple(v or 0 for v in sums)  # type: ignore[assignment]
    return old, live


# --- rebuilding --------------------------------------------------------------------------------

# Events that count or move the due date; the others (received, messages…) are not read.
_REPLAY_Q = (
    Q(kind__in=("submitted", "reopened"))
    | Q(to_status__in=[*DECIDED_STATUSES, Status.WAITING_CITIZEN])
    | Q(from_status=Status.WAITING_CITIZEN)
)


def _replay(
    submitted_on: datetime.date,
    legal: int | None,
    events: list[tuple[str, str, str, datetime.date]],
) -> Iterable[tuple[datetime.date, dict[str, int], int | None]]:
    """One case's contributions, with its due date rebuilt as ``cases.services`` moves it."""
    cal = calendar()
    due = cal.add_working_days(submitted_on, legal) if legal else None
    paused_since: datetime.date | None = None
    for kind, from_status, to_status, on in events:
        if to_status == Status.WAITING_CITIZEN:
            paused_since = on
        elif from_status == Status.WAITING_CITIZEN and paused_since is not None:
            paused = cal.working_days_between(paused_since, on)
            if due is not None and paused and paused_since <= due:
                due = cal.add_working_days(due, paused)
            paused_since = None
        deltas, bucket = contributions(
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            on=on,
            submitted_on=submitted_on,
            due_date=due,
            legal_days=legal,
        )
        if deltas:
            yield on, deltas, bucket


def commune_rows(case_filter: dict[str, Any] | None = None) -> dict[tuple, list[int]]:
    """(commune, procedure, month, days) -> counters (in COUNTERS order), from raw cases/events.

    One ordered stream of the events that matter, joined to their case, with Algiers dates
    computed by the database: constant memory, a few microseconds per event.
    """
    from baladiya.cases.models import CaseEvent
    from baladiya.catalogue.models import Procedure

    legal = dict(Procedure.objects.values_list("pk", "legal_deadline_days"))
    events = (
        CaseEvent.objects.filter(
            _REPLAY_Q,
            case__submitted_at__isnull=False,
            case__kind="procedure",
            **(case_filter or {}),
        )
        .order_by("case_id", "sequence")
        .annotate(
            on=TruncDate("created_at", tzinfo=ALGIERS),
            submitted_on=TruncDate("case__submitted_at", tzinfo=ALGIERS),
        )
        .values_list(
            "case_id",
            "case__commune_id",
            "case__procedure_id",
            "submitted_on",
            "kind",
            "from_status",
            "to_status",
            "on",
        )
    )
    index = {name: i for i, name in enumerate(COUNTERS)}
    rows: dict[tuple, list[int]] = {}
    width = len(COUNTERS)

    def flush(facts: tuple, trail: list) -> None:
        commune, procedure, submitted_on = facts
        for on, deltas, bucket in _replay(submitted_on, legal.get(procedure), trail):
            month = on.replace(day=1)
            row = rows.get((commune, procedure, month, TOTALS))
            if row is None:
                row = rows[(commune, procedure, month, TOTALS)] = [0] * width
            for name, value in deltas.items():
                row[index[name]] += value
            if bucket is not None:
                key = (commune, procedure, month, bucket)
                row = rows.get(key)
                if row is None:
                    row = rows[key] = [0] * width
                row[1] += 1  # decided

    current: int | None = None
    facts: tuple = ()
    trail: list = []
    for case_id, commune, procedure, submitted_on, *event in events.iterator(chunk_size=50000):
        if case_id != current:
            if trail:
                flush(facts, trail)
            trail, current, facts = [], case_id, (commune, procedure, submitted_on)
        trail.append(event)
    if trail:
        flush(facts, trail)
    return rows


def concern_rows(case_filter: dict[str, Any] | None = None) -> dict[tuple, list[int]]:
    """(commune, category, month, TOTALS) -> counters (in ALL_COUNTERS order) of concerns.

    A concern counts under the category it has when each event happens: the replay starts
    from the category it was filed in and follows its ``recategorised`` events, as the
    incremental upsert reads the category at the time of the event.
    """
    from baladiya.cases.models import CaseEvent
    from baladiya.concerns.models import Category

    code_to_id = dict(Category.objects.values_list("code", "pk"))
    events = (
        CaseEvent.objects.filter(
            kind__in=(*CONCERN_EVENTS, "recategorised"),
            case__submitted_at__isnull=False,
            case__kind="concern",
            **(case_filter or {}),
        )
        .order_by("case_id", "sequence")
        .annotate(
            on=TruncDate("created_at", tzinfo=ALGIERS),
            first_category=Coalesce(
                "case__concern__initial_category_id", "case__concern__category_id", Value(0)
            ),
        )
        .values_list("case_id", "case__commune_id", "first_category", "kind", "payload", "on")
    )
    index = {name: i for i, name in enumerate(ALL_COUNTERS)}
    width = len(ALL_COUNTERS)
    rows: dict[tuple, list[int]] = {}
    current: int | None = None
    category = 0
    for case_id, commune, first_category, kind, payload, on in events.iterator(chunk_size=50000):
        if case_id != current:
            current, category = case_id, first_category
        if kind == "recategorised":
            category = code_to_id.get(str((payload or {}).get("to", "")), category)
            continue
        key = (commune, category, on.replace(day=1), TOTALS)
        row = rows.get(key)
        if row is None:
            row = rows[key] = [0] * width
        for name, value in concern_contributions(kind, payload).items():
            row[index[name]] += value
    return rows


def expand(
    rows: dict[tuple, list[int]], concerns: dict[tuple, list[int]] | None = None
) -> dict[tuple, dict[str, int | None]]:
    """Commune rows summed up to every level and to "all" (for tests): procedure rows (COUNTERS
    order, concern counters None) and concern rows (ALL_COUNTERS order)."""
    from baladiya.territory.models import Commune

    areas = {
        pk: (daira, wilaya)
        for pk, daira, wilaya in Commune.objects.values_list("pk", "daira_id", "daira__wilaya_id")
    }
    out: dict[tuple, dict[str, int | None]] = {}
    sources = [
        (rows, SubjectKind.PROCEDURE, SubjectKind.ALL),
        (concerns or {}, SubjectKind.CONCERN_CATEGORY, SubjectKind.ALL_CONCERNS),
    ]
    for source, own_kind, all_kind in sources:
        for (commune, subject_id, month, days), counters in source.items():
            daira, wilaya = areas[commune]
            for level, area in (
                (Level.COMMUNE, commune),
                (Level.DAIRA, daira),
                (Level.WILAYA, wilaya),
                (Level.NATION, 0),
            ):
                for kind, subject in ((own_kind, subject_id), (all_kind, 0)):
                    key = (int(level), area, str(kind), subject, month, days)
                    target = out.get(key)
                    if target is None:
                        target = out[key] = dict.fromkeys(COUNTERS, 0)
                        for name in CONCERN_COUNTERS:
                            target[name] = None if own_kind == SubjectKind.PROCEDURE else 0
                    for name, value in zip(ALL_COUNTERS, counters, strict=False):
                        target[name] = (target[name] or 0) + value
    return out


def compute_from_raw(
    case_filter: dict[str, Any] | None = None,
) -> dict[tuple, dict[str, int | None]]:
    """Every row's counters at every level, recomputed from cases and events."""
    return expand(commune_rows(case_filter), concern_rows(case_filter))


def rebuild(batch_size: int = 10000) -> int:
    """Replace every roll-up by the numbers recomputed from raw cases and events.

    Commune × procedure and commune × concern category rows are computed in Python (the due
    date needs the calendar), written in bulk, then summed up to daïras, wilayas, the nation and
    "all procedures" / "all concerns" by SQL.
    """
    table = _TABLE
    counters = ", ".join(ALL_COUNTERS)
    # SUM of NULLs stays NULL: procedure rows keep their concern counters empty.
    sums = ", ".join(f"SUM(t.{c})" for c in ALL_COUNTERS)
    key = "t.month, t.days"
    with transaction.atomic(), connection.cursor() as cursor:
        # Settled months change here: this process forgets them (other processes within
        # settled.CHECK_SECONDS, from the rows' new update times).
        settled.forget()
        transaction.on_commit(settled.forget)
        if connection.vendor == "postgresql":
            # Events committed while the cases are read would be lost (their upsert hits rows
            # about to be replaced): writers wait at their upsert until the rebuild commits,
            # then add their count to the rebuilt rows. SQLite writes one at a time anyway.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        rows = commune_rows()
        concerns = concern_rows()
        ours = list(SubjectKind)
        if connection.vendor == "postgresql" and not (
            MonthlyStat.objects.exclude(subject_kind__in=ours).exists()
        ):
            cursor.execute(f"TRUNCATE {table}")  # far faster than DELETE at national scale
        else:
            MonthlyStat.objects.filter(subject_kind__in=ours).delete()
        commune = int(Level.COMMUNE)
        proc = SubjectKind.PROCEDURE.value
        category = SubjectKind.CONCERN_CATEGORY.value
        empty = (None,) * len(CONCERN_COUNTERS)
        data = [
            (commune, c, proc, p, month, days, *values, *empty)
            for (c, p, month, days), values in rows.items()
        ]
        data += [
            (commune, c, category, k, month, days, *values)
            for (c, k, month, days), values in concerns.items()
        ]
        columns = f"level, area_id, subject_kind, subject_id, month, days, {counters}"
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (6 + len(ALL_COUNTERS)))
            for start in range(0, len(data), batch_size):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    data[start : start + batch_size],
                )
        # Up the levels, for each procedure: daïra, wilaya, nation.
        ups = [
            (Level.DAIRA, "c.daira_id", "JOIN territory_commune c ON c.id = t.area_id"),
            (
                Level.WILAYA,
                "d.wilaya_id",
                "JOIN territory_commune c ON c.id = t.area_id"
                " JOIN territory_daira d ON d.id = c.daira_id",
            ),
            (Level.NATION, "0", ""),
        ]
        for level, area, join in ups:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {int(level)}, {area}, t.subject_kind,"  # noqa: S608
                f" t.subject_id, {key}, {sums} FROM {table} t {join}"
                f" WHERE t.level = {commune} AND t.subject_kind IN (%s, %s)"
                f" GROUP BY {area + ', ' if join else ''}t.subject_kind, t.subject_id, {key}",
                [proc, category],
            )
        # "All procedures" and "all concerns" at every level.
        for all_kind, own_kind in ((SubjectKind.ALL, proc), (SubjectKind.ALL_CONCERNS, category)):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT t.level, t.area_id, %s, 0, {key},"  # noqa: S608
                f" {sums} FROM {table} t WHERE t.subject_kind = %s"
                f" GROUP BY t.level, t.area_id, {key}",
                [all_kind.value, own_kind],
            )
        # updated_at: every row inserted above took the column's default (the statement's time);
        # an UPDATE of every row here rewrote the whole table (2M rows at 500k cases).
    refresh_planner(table)
    return MonthlyStat.objects.count()


def refresh_planner(*tables: str) -> None:
    """After a bulk write (PostgreSQL): fresh statistics for the planner and, outside a
    transaction, VACUUM too, whose visibility map lets the covering indexes answer alone (an
    index-only scan); without it, the supervision page read 1,700 heap pages after a rebuild."""
    if connection.vendor != "postgresql":
        return
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{verb} {table}")
