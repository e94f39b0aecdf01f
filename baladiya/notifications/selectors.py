"""Reads of the outbox, already scoped: agents see the messages of the cases they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from baladiya.notifications.models import Notification, NotificationStatus
from baladiya.organisation.scoping import Permission, Scope

_VIA = ("case__handling_structure", "case__owner_structure")


def visible_notifications(scope: Scope) -> QuerySet[Notification]:
    return scope.filter_any(
        Notification.objects.filter(case__isnull=False), Permission.VIEW_CASE, _VIA
    )


def delivery_log(scope: Scope, *, status: str = "") -> QuerySet[Notification]:
    """The messages of the cases this agent sees, failed ones first, newest first."""
    rows = visible_notifications(scope).select_related("case")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def notification_for(scope: Scope, pk: int) -> Notification:
    rows = Notification.objects.select_related(
        "case__procedure", "case__handling_structure", "case__commune"
    ).filter(case__isnull=False)
    found = scope.filter_any(rows, Permission.VIEW_CASE, _VIA).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def case_notifications(case: Any) -> list[Notification]:
    """A case's messages, oldest first, with their attempts (two queries)."""
    return list(
        Notification.objects.filter(case=case)
        .prefetch_related("delivery_attempts")
        .order_by("created_at", "pk")
    )


FAILED = NotificationStatus.FAILED
