"""Database sessions, read with one plain statement.

Django's ``db`` session engine, whose read on every request with a session cookie skips the
queryset machinery: building and compiling ``Session.objects.get(...)`` cost more than the
database's answer. Writing, expiry and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("django.security.SuspiciousSession")


class _Row(NamedTuple):
    """What ``load()`` reads of a session row: its data (no model instance per request)."""

    session_data: str


_READ_SQL = (
    f"SELECT session_data FROM {Session._meta.db_table}"  # noqa: S608 - the model's table
    " WHERE session_key = %s AND expire_date > %s"
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        try:
            key = self.session_key  # may raise SuspiciousOperation, as in Django's
            with connection.cursor() as cursor:
                cursor.execute(_READ_SQL, [key, timezone.now()])
                row = cursor.fetchone()
        except SuspiciousOperation as e:
            logger.warning(str(e))
            row = None
        if row is None:
            self._session_key = None
            return None
        return _Row(row[0])
