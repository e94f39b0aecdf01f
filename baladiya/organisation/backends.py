"""How a signed-in request finds its user: Django's model backend, reading the user and their
grants (organisation.scoping) in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from baladiya.organisation.models import User
from baladiya.organisation.scoping import user_with_scope


class ScopedModelBackend(ModelBackend):
    """``ModelBackend`` (passwords, permissions, inactive users refused), whose ``get_user``
    — called on every signed-in request — also builds the user's :class:`Scope`."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_with_scope(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
