"""Figures of settled months, kept in each process.

Every event counts in the month of its own time (``rollups.counted``), so once a month
has ended, and a margin longer than any transaction has passed, nothing can add to it: its
figures are final. A page miss then reads only the months still open (this one, and the last
one during the first hour of a month) and takes the others from here.

What can still change a settled month, and how each reaches this memo:

- a rebuild (``rollups.rebuild``, the generator): forgotten when it commits in this process;
- a roll-up row saved through the ORM (tests): forgotten on the signal;
- an event dated in a month this process already treats as settled (a clock moved back, in
  tests): ``rollups.record`` calls :func:`touched`;
- any of these in *another* process: every :data:`CHECK_SECONDS` this process compares a
  fingerprint of the national rows of settled months (their number and newest update), which
  every write to any settled row changes, and forgets everything when it moved.

Entries are a page's 24 months of public figures, bounded by :data:`MAX_ENTRIES`, least
recently used dropped first. A value read while the memo was being forgotten (a rebuild
committing in between) is not kept: :func:`lookup` hands out a generation that :func:`keep`
checks.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from baladiya.core.calendar import local_date

# Longer than any transaction: an event stamped before the month's end is committed by then.
SETTLE_MARGIN = datetime.timedelta(hours=1)
# How often a process looks for a rebuild made by another one (a rebuild is an operator's act,
# rare; ten seconds of older figures after it are not a wrong answer: the page cache keeps
# pages for two minutes anyway). The test suite sets it to infinity (tests/conftest.py).
CHECK_SECONDS: float = 10.0
# A page's entry is ~35 KB (24 months of figures, a histogram): ~35 MB at most per process.
MAX_ENTRIES = 1024

T = TypeVar("T")

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()  # gunicorn's threads share the memo (an OrderedDict is not atomic)
_highest_boundary: datetime.date | None = None
# Raised whenever everything is forgotten: a value read before that is not kept (see keep).
_generation = 0
_fingerprint: tuple | None = None
_checked_at = 0.0


def boundary(now: datetime.datetime | None = None) -> datetime.date:
    """The first month that is not settled yet (every month before it is final)."""
    day = local_date((now or timezone.now()) - SETTLE_MARGIN)
    return day.replace(day=1)


def lookup(key: Hashable, bound: datetime.date) -> tuple[Any | None, int]:
    """What was kept for ``key`` with these settled months (or None), and the memo's
    generation now: pass it to :func:`keep` with what is read after this call."""
    _check()
    with _lock:
        found = _entries.get((key, bound))
        if found is not None:
            _entries.move_to_end((key, bound))
        return found, _generation


def keep(key: Hashable, bound: datetime.date, value: T, generation: int) -> T:
    """Keep ``value``, read from the months before ``bound`` after :func:`lookup` returned
    ``generation``; returns it. Nothing is kept if the memo was forgotten meanwhile: the value
    may have been read before the change that made it forget (a rebuild's commit)."""
    global _highest_boundary
    with _lock:
        if generation != _generation:
            return value
        if _highest_boundary is None or bound > _highest_boundary:
            _highest_boundary = bound
        _entries[(key, bound)] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def kept(key: Hashable, bound: datetime.date, load: Callable[[], T]) -> T:
    found, generation = lookup(key, bound)
    return found if found is not None else keep(key, bound, load(), generation)


def touched(month: datetime.date) -> None:
    """A roll-up of ``month`` is being written: if this process treats it as settled, what it
    kept is forgotten now and again at commit (a page read in between saw the old rows)."""
    if _highest_boundary is not None and month < _highest_boundary:
        forget()
        transaction.on_commit(forget)


def forget(**_kwargs: Any) -> None:
    """Drop everything kept (a signal receiver too: it ignores the signal's arguments)."""
    global _highest_boundary, _fingerprint, _checked_at, _generation
    with _lock:
        _entries.clear()
        _generation += 1
    _highest_boundary = None
    _fingerprint = None
    _checked_at = 0.0  # the next use reads the fingerprint first, before anything is kept


def _check() -> None:
    global _fingerprint, _checked_at, _generation
    now = time.monotonic()
    if now - _checked_at < CHECK_SECONDS:
        return
    bound = boundary()
    current = (bound, *_read_fingerprint(bound))
    if current != _fingerprint:
        with _lock:
            _entries.clear()
            _generation += 1
        _fingerprint = current
    _checked_at = now


def _read_fingerprint(bound: datetime.date) -> tuple:
    from baladiya.transparency.models import Level, MonthlyStat

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(updated_at) FROM {MonthlyStat._meta.db_table}"  # noqa: S608
            " WHERE level = %s AND month < %s",
            [int(Level.NATION), bound],
        )
        return tuple(cursor.fetchone() or ())


# Not post_delete: a receiver would make Django fetch every row a bulk delete removes (the
# rebuild's, on SQLite), and the rebuild forgets anyway.
post_save.connect(forget, sender="transparency.MonthlyStat", dispatch_uid="settled-monthlystat")
