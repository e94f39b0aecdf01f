"""API authentication: a bearer token (other structures' systems) or the browser session."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from baladiya.organisation.models import ApiToken


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = hashlib.sha256(token.encode()).hexdigest()
        record = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=digest, revoked=False, user__is_active=True)
            .first()
        )
        if record is None:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


def user_auth() -> list:
    """Token first, then session (with Django's CSRF check for writes)."""
    return [ApiTokenAuth(), SessionAuth()]
