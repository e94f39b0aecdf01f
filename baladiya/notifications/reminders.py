"""Who is reminded of what, and when: deadlines for agents, overdue cases for supervisors.

"Overdue" itself is derived from the due date whenever a page is read; these are only the
messages that tell people about it. Each is keyed by (case, due date, person, channel), so a
sweep can run every few minutes, or miss a day, and nobody is told twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from baladiya.cases.models import Case
from baladiya.cases.workflow import CLOCK_RUNNING
from baladiya.core.calendar import calendar
from baladiya.notifications.models import Notification
from baladiya.notifications.services import staff_rows
from baladiya.organisation.models import Membership, Role


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def case_reminders(now: datetime.datetime) -> list[Notification]:
    today = timezone.localtime(now).date()
    horizon = calendar().add_working_days(today, settings.REMINDER_WORKING_DAYS)
    cases = list(
        Case.objects.filter(status__in=CLOCK_RUNNING, due_date__isnull=False, due_date__lte=horizon)
        .select_related("handling_structure", "procedure", "assignee")
        .order_by("due_date")[: settings.REMINDER_BATCH]
    )
    if not cases:
        return []
    paths = {c.handling_structure.path for c in cases}
    wanted = set(paths) | {a for p in paths for a in _ancestor_paths(p)}
    people: dict[tuple[str, str], list[Any]] = defaultdict(list)
    memberships = Membership.objects.filter(
        structure__path__in=wanted,
        role__in=[Role.HEAD_OF_SERVICE, Role.SUPERVISOR],
        user__is_active=True,
    ).select_related("user", "structure")
    for m in memberships:
        people[(m.structure.path, m.role)].append(m.user)
    rows: list[Notification] = []
    for case in cases:
        path = case.handling_structure.path
        assert case.due_date is not None  # filtered above
        if case.due_date >= today:
            users = [case.assignee] if case.assignee else people[(path, Role.HEAD_OF_SERVICE)]
            rows += staff_rows(
                kind="staff_due_soon",
                key=f"due:{case.pk}:{case.due_date}",
                users=users,
                case=case,
            )
        else:
            # The nearest level above with supervisors hears of it (a commune service: its daïra).
            for ancestor in reversed(_ancestor_paths(path)):
                supervisors = people[(ancestor, Role.SUPERVISOR)]
                if supervisors:
                    rows += staff_rows(
                        kind="staff_overdue",
                        key=f"overdue:{case.pk}:{case.due_date}",
                        users=supervisors,
                        case=case,
                    )
                    break
    return rows
