"""How a signed-in request finds its user: Django's model backend, reading the user and their
grants (organisation.scoping) in one query, or taking them from the session's statement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from baladiya.organisation.models import User
from baladiya.organisation.scoping import user_with_scope
from baladiya.organisation.sessions import read_with_session


class ScopedModelBackend(ModelBackend):
    """``ModelBackend`` (passwords, permissions, inactive users refused), whose ``get_user``
    — called on every signed-in request — also builds the user's :class:`Scope`."""

    def get_user(self, user_id: Any) -> User | None:
        user = read_with_session.get()
        if user is None or str(user.pk) != str(user_id):
            user = user_with_scope(user_id)  # not read with this request's session
        return user if user is not None and self.user_can_authenticate(user) else None
