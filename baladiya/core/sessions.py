"""Database sessions, read with one plain statement.

Django's ``db`` session engine, whose read on every request with a session cookie skips the
queryset machinery: building and compiling ``Session.objects.get(...)`` cost more than the
database's answer. Writing, expiry and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

logger = logging.getLogger("django.security.SuspiciousSession")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        meta = Session._meta
        try:
            key = self.session_key  # may raise SuspiciousOperation, as in Django's
            rows = list(
                Session.objects.raw(
                    f"SELECT session_key, session_data, expire_date FROM {meta.db_table}"  # noqa: S608 - the model's table
                    " WHERE session_key = %s AND expire_date > %s",
                    [key, timezone.now()],
                )
            )
        except SuspiciousOperation as e:
            logger.warning(str(e))
            rows = []
        if not rows:
            self._session_key = None
            return None
        return rows[0]
