"""Algerian working days, for the deadlines of administrative procedures.

A day is worked unless it is a Friday or a Saturday (the weekend since August 2009) or a public
holiday of the ``holidays`` package (country "DZ"), and a :class:`CalendarException` entered by an
administrator overrides both: ``day_off`` makes a day off (an exceptional holiday, or the official
date of an Islamic holiday the package only estimates), ``working_day`` makes a day worked (the
estimated date of a holiday that was moved away).

Conventions, all on dates in Africa/Algiers:

* ``add_working_days(start, n)``: day 0 is ``start`` itself if it is a working day, else the next
  working day; day ``n`` is the ``n``-th working day after day 0. So a file submitted on a
  Thursday with 2 days is due on the second working day after that Thursday, and one submitted
  on the Friday after is due on the second working day after the Sunday.
* ``working_days_between(start, end)``: the working days ``d`` with ``start < d <= end``. For a
  working day ``s``, ``working_days_between(s, add_working_days(s, n)) == n``.
* A pause from ``a`` to ``b`` (dates of the moments the clock stopped and restarted) stops the
  working days ``a < d <= b``: the day it starts still counts, the day it ends does not.

Days are indexed once per year as a sorted list of ordinals, so counting and adding use
``bisect`` and never walk day by day, and each :class:`WorkingCalendar` reads the exceptions with
one query.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import get_language

from baladiya.core.models import CalendarException

ALGIERS = ZoneInfo("Africa/Algiers")
COUNTRY = "DZ"
# date.weekday(): Friday is 4, Saturday is 5. Before 14 August 2009 it was Thursday–Friday; the
# platform has no deadline that old.
WEEKEND = frozenset({4, 5})
# How long calendar() reuses one instance (see calendar() for why this is enough).
CACHE_SECONDS = 60.0
# The holidays package speaks Arabic, French, English and Kabyle; Django's codes to its codes.
_PACKAGE_LANGUAGES = {"ar": "ar", "fr": "fr", "en": "en_US", "kab": "kab"}


def local_date(moment: datetime) -> date:
    """The date in Algiers of an aware datetime (a naive one is refused: its zone is unknown)."""
    if timezone.is_naive(moment):
        raise ValueError("An aware datetime is required.")
    return moment.astimezone(ALGIERS).date()


class WorkingCalendar:
    """Working days: weekend and ``holidays`` package, corrected by :class:`CalendarException`.

    ``years`` is the span whose exceptions the first use reads in one query (default: last year
    to two years ahead); a date outside it costs one more query for the missing years.
    ``exceptions`` given explicitly (saved or not) replace the database, which is then never read.
    Holidays of the package are computed per year, on first use of that year.
    """

    def __init__(
        self,
        years: Iterable[int] | None = None,
        exceptions: Iterable[CalendarException] | None = None,
    ) -> None:
        if years is None:
            this_year = timezone.now().astimezone(ALGIERS).year
            years = range(this_year - 1, this_year + 3)
        wanted = sorted(years)
        if not wanted:
            raise ValueError("years is empty")
        self._window = (wanted[0], wanted[-1])
        self._fixed = exceptions is not None
        self._exceptions: dict[date, CalendarException] = {e.date: e for e in exceptions or ()}
        self._loaded: tuple[int, int] | None = None  # years whose exceptions are read
        self._package: dict[tuple[int, str], dict[date, str]] = {}
        self._working: dict[int, list[int]] = {}  # year -> sorted ordinals of its working days
        self._lock = threading.RLock()

    # Loading

    def _exception(self, day: date) -> CalendarException | None:
        if not self._fixed:
            self._load_exceptions(day.year)
        return self._exceptions.get(day)

    def _load_exceptions(self, year: int) -> None:
        loaded = self._loaded
        if loaded is not None and loaded[0] <= year <= loaded[1]:
            return
        with self._lock:
            loaded = self._loaded
            if loaded is None:
                first, last = min(self._window[0], year), max(self._window[1], year)
                todo = (first, last)
            elif year < loaded[0]:
                first, last = year, loaded[1]
                todo = (year, loaded[0] - 1)
            elif year > loaded[1]:
                first, last = loaded[0], year
                todo = (loaded[1] + 1, year)
            else:
                return
            rows = CalendarException.objects.filter(
                date__gte=date(todo[0], 1, 1), date__lte=date(todo[1], 12, 31)
            )
            self._exceptions.update((row.date, row) for row in rows)
            self._loaded = (first, last)

    def _package_holidays(self, year: int, language: str) -> dict[date, str]:
        key = (year, language)
        found = self._package.get(key)
        if found is None:
            found = dict(holidays.country_holidays(COUNTRY, years=year, language=language))
            self._package[key] = found
        return found

    def _working_ordinals(self, year: int) -> list[int]:
        """The ordinals of the working days of ``year``, sorted (built once per year)."""
        found = self._working.get(year)
        if found is not None:
            return found
        with self._lock:
            found = self._working.get(year)
            if found is not None:
                return found
            if not self._fixed:
                self._load_exceptions(year)
            off = self._package_holidays(year, "ar")
            found = []
            for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
                day = date.fromordinal(ordinal)
                exception = self._exceptions.get(day)
                if exception is not None:
                    working = exception.kind == CalendarException.Kind.WORKING_DAY
                else:
                    working = day.weekday() not in WEEKEND and day not in off
                if working:
                    found.append(ordinal)
            self._working[year] = found
            return found

    # Questions

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is worked."""
        ordinals = self._working_ordinals(day.year)
        i = bisect_right(ordinals, day.toordinal())
        return i > 0 and ordinals[i - 1] == day.toordinal()

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday on ``day`` in the active language, or None.

        An administrator's ``day_off`` gives its own name, a ``working_day`` cancels the holiday;
        the package's Islamic holidays say "(estimated)" until an administrator confirms them.
        The weekend has no name.
        """
        exception = self._exception(day)
        if exception is not None:
            if exception.kind == CalendarException.Kind.DAY_OFF:
                return exception.name
            return None
        language = (get_language() or "fr").split("-")[0]
        names = self._package_holidays(day.year, _PACKAGE_LANGUAGES.get(language, "fr"))
        return names.get(day)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end`` (0 if ``end <= start``)."""
        if end <= start:
            return 0
        low, high = start.toordinal(), end.toordinal()
        count = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._working_ordinals(year)
            count += bisect_right(ordinals, high) - bisect_right(ordinals, low)
        return count

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day strictly after ``day`` (``n >= 1``)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        year = day.year
        ordinals = self._working_ordinals(year)
        i = bisect_right(ordinals, day.toordinal())
        while n > len(ordinals) - i:
            n -= len(ordinals) - i
            year += 1
            ordinals = self._working_ordinals(year)
            i = 0
        return date.fromordinal(ordinals[i + n - 1])

    def add_working_days(self, start: date, n: int) -> date:
        """Day ``n`` counted from ``start`` (``n >= 0``).

        Day 0 is ``start`` if it is a working day, else the first working day after it; day
        ``n`` is the ``n``-th working day after day 0. The result is always a working day.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        if self.is_working_day(start):
            return start if n == 0 else self.nth_working_day_after(start, n)
        return self.nth_working_day_after(start, n + 1)

    def due_date(
        self,
        start: datetime,
        working_days: int,
        paused: Iterable[tuple[datetime, datetime | None]] = (),
        *,
        now: datetime | None = None,
    ) -> date:
        """The due date of a case submitted at ``start`` with ``working_days`` of legal delay.

        Without pauses it is ``add_working_days(date of start, working_days)``. Each pause
        ``(stopped, restarted)`` stops the clock on the working days ``d`` with
        ``date(stopped) < d <= date(restarted)``, which push the due date back by as many
        working days. Overlapping pauses count once; paused days before day 0 or after the
        due date change nothing (a pause that begins once the delay has run out does not revive
        it). A pause still open (``restarted`` None) is taken to end today (``now``, default the
        current time): the answer is the due date if the clock restarts today, and moves on by
        one working day for each further working day of waiting. All datetimes must be aware.
        """
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        day0 = self.add_working_days(local_date(start), 0)
        today = local_date(now or timezone.now())
        spans: list[tuple[date, date]] = []
        for stopped, restarted in paused:
            if restarted is not None and restarted < stopped:
                raise ValueError("A pause cannot end before it starts.")
            a = local_date(stopped)
            b = local_date(restarted) if restarted is not None else today
            if b > a:
                spans.append((a, b))
        spans.sort()

        cursor, remaining = day0, working_days
        if remaining == 0:
            return day0
        for a, b in spans:
            if b <= cursor:
                continue  # already paused or before day 0: (a, b] adds nothing after cursor
            running = self.working_days_between(cursor, a)
            if running >= remaining:
                return self.nth_working_day_after(cursor, remaining)
            remaining -= running
            cursor = b
        return self.nth_working_day_after(cursor, remaining)


# The shared instance, kept in this module rather than in Django's cache: it holds lazily built
# indexes that Redis would pickle and unpickle on every read, for no gain in freshness.
# - Saving or deleting a CalendarException (admin, shell, loaddata) fires a signal that drops the
#   shared instance when the transaction commits (at once in autocommit).
# - Until then, the writing thread gets private instances, which see its uncommitted rows; a
#   shared instance never holds them, so a rollback leaves nothing behind. "Until then" is read
#   from Django's list of pending on-commit callbacks, which a rollback empties.
# - Instances read the database on first use, after being shared, so none can be shared with
#   rows read before a commit that did not drop it.
# - Other processes (gunicorn workers) and writes that skip signals (QuerySet.update,
#   bulk_create, raw SQL) are covered by the expiry: CACHE_SECONDS for a rare administrative act.
_shared: tuple[float, WorkingCalendar] | None = None


def calendar() -> WorkingCalendar:
    """The working calendar, shared for up to CACHE_SECONDS (see the comment above)."""
    global _shared
    if _uncommitted_change():
        return WorkingCalendar()
    entry = _shared
    now = time.monotonic()
    if entry is None or entry[0] <= now:
        entry = (now + CACHE_SECONDS, WorkingCalendar())
        _shared = entry
    return entry[1]


def clear_calendar_cache() -> None:
    """Forget the shared calendar of this process; the next calendar() builds a new one."""
    global _shared
    _shared = None


def exceptions_changed(using: str) -> None:
    """Called when a CalendarException is saved or deleted on database ``using``."""
    transaction.on_commit(clear_calendar_cache, using=using)


def _uncommitted_change() -> bool:
    """Whether this thread's open transaction changed exceptions (its drop is still pending)."""
    connection = transaction.get_connection(router.db_for_read(CalendarException))
    if not connection.in_atomic_block:
        return False
    # Entries are (savepoint ids, callback, robust); a rollback to a savepoint drops its own.
    return any(entry[1] is clear_calendar_cache for entry in connection.run_on_commit)
