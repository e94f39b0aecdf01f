"""Values written into the SQL of the hot reads (supervision, its backlog, the standing rows).

A statement without parameters has one plan per connection (PostgreSQL planned the
parameterised ones again at every run). Only values that cannot carry SQL are written in:
dates (digits and dashes) and integers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable


def date(day: datetime.date) -> str:
    """A date as an SQL literal: digits and dashes only (both databases compare it as a date)."""
    if not isinstance(day, datetime.date):
        raise TypeError(day)
    return f"'{day.isoformat()}'"


def ids_in(column: str, ids: Iterable[int] | None, *, keyword: str = "AND") -> str:
    """`` AND column IN (1, 2, …)`` with the ids written in as integers, or nothing for None
    (every row); an empty list matches nothing. ``keyword``: "WHERE" to open the clause."""
    if ids is None:
        return ""
    return f" {keyword} {column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"
