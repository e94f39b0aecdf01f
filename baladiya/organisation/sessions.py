"""Database sessions that read the signed-in user with the session, in one statement.

Django's ``db`` session engine on :class:`~baladiya.organisation.models.Session`, whose row
also names the user signed in to it. Every signed-in page used to read its session, then its
user and their grants (two round trips); :func:`session_with_user` reads the three at once,
with a plain statement rather than the queryset machinery (building and compiling
``Session.objects.get(...)`` cost more than the database's answer).

The ``user`` column never decides who is signed in: Django's ``auth.get_user`` still takes the
user id (and the password hash check) from the session's signed data, and
:class:`AuthenticationMiddleware` only offers it the user already read when the ids agree
(``ScopedModelBackend.get_user``). Writing, expiry and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from baladiya.organisation.scoping import session_with_user

logger = logging.getLogger("django.security.SuspiciousSession")

# The user the session's statement read, offered to the backend while ``auth.get_user`` runs:
# set and reset around that one call, so it never outlives the request that read it.
read_with_session: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "read_with_session", default=None
)


class _Row(NamedTuple):
    """What ``load()`` reads of a session row: its data (no model instance per request)."""

    session_data: str


class SessionStore(db.SessionStore):
    #: The user read with the session (with their scope), ``None`` for nobody or not read yet.
    user_read: Any = None

    @classmethod
    def get_model_class(cls) -> type:
        from baladiya.organisation.models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row: Any = super().create_model_instance(data)
        row.user_id = _user_id(data.get(auth.SESSION_KEY))  # organisation.Session's column
        return row

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        row: Any = await super().acreate_model_instance(data)
        row.user_id = _user_id(data.get(auth.SESSION_KEY))
        return row

    def _get_session_from_db(self) -> Any:
        self.user_read = None
        try:
            key = self.session_key  # may raise SuspiciousOperation, as in Django's
            found = session_with_user(key, timezone.now()) if key else None
        except SuspiciousOperation as e:
            logger.warning(str(e))
            found = None
        if found is None:
            self._session_key = None
            return None
        data, self.user_read = found
        return _Row(data)


def _user_id(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # a user model with another kind of key: the column stays empty


def get_user(request: HttpRequest) -> Any:
    """``auth.get_user`` (session checks and all), offered the user the session read."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(auth.SESSION_KEY)  # loads the session (and its user) if not loaded yet
        token = read_with_session.set(getattr(session, "user_read", None))
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            read_with_session.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, whose ``request.user`` comes from :func:`get_user`."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(_lazy(request))  # type: ignore[assignment]


def _lazy(request: HttpRequest) -> Callable[[], Any]:
    return lambda: get_user(request)
