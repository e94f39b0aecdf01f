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
from baladiya.organisation.selectors import ancestor_paths


def case_reminders(now: datetime.datetime) -> list[Notification]:
    today = timezone.localtime(now).date()
    horizon = calendar().add_working_days(today, settings.REMINDER_WORKING_DAYS)
    # Two windows, each bounded: due soon, and overdue since at most a month (older ones were
    # told when they became overdue; years of backlog must not crowd out today's reminders).
    running = Case.objects.filter(status__in=CLOCK_RUNNING).select_related(
        "handling_structure", "procedure", "assignee"
    )
    batch = settings.REMINDER_BATCH
    cases = list(running.filter(due_date__gte=today, due_date__lte=horizon)[:batch]) + list(
        running.filter(
            due_date__lt=today, due_date__gte=today - datetime.timedelta(days=30)
        ).order_by("-due_date")[:batch]
    )
    if not cases:
        return []
    paths = {c.handling_structure.path for c in cases}
    wanted = set(paths) | {a for p in paths for a in ancestor_paths(p)}
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
        elif getattr(case, "kind", "procedure") == "procedure":
            # Concerns escalate by their own rule (concern_escalations). For a case, the nearest
            # level above with supervisors hears of it (a commune service: its daïra).
            for ancestor in reversed(ancestor_paths(path)):
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


def _supervisors_at(paths: set[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    if paths:
        for m in Membership.objects.filter(
            structure__path__in=paths, role=Role.SUPERVISOR, user__is_active=True
        ).select_related("user", "structure"):
            found[m.structure.path].append(m.user)
    return found


def concern_escalations(now: datetime.datetime) -> list[Notification]:
    """Supervisors hear of a concern past its deadline (level 1), and the level above them past
    three times it (level 2). Escalation itself is derived when their pages are read."""
    from baladiya.concerns.selectors import concerns_newly_escalated

    # A week back: a sweep that did not run for days still tells everyone, once (dedup keys).
    escalations = concerns_newly_escalated(now - datetime.timedelta(days=7), now)
    people = _supervisors_at({path for e in escalations for path in e.target_paths})
    rows: list[Notification] = []
    for escalation in escalations:
        users = people.get(escalation.target_paths[-1], []) if escalation.target_paths else []
        rows += staff_rows(
            kind="staff_escalated",
            key=f"escalated:{escalation.case.pk}:{escalation.level}",
            users=users,
            case=escalation.case,
        )
    return rows


def plan_reminders(now: datetime.datetime) -> list[Notification]:
    """Owners of action-plan items: before the due date, and when an item becomes late."""
    from baladiya.plans.progress import Status as PlanStatus
    from baladiya.plans.selectors import items_needing_reminder

    nodes = items_needing_reminder(timezone.localtime(now).date())
    owners = {n.item.owner_structure_id for n in nodes if not n.item.responsible_id}  # type: ignore[attr-defined]
    agents: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        structure_id__in=owners,
        role__in=[Role.AGENT, Role.HEAD_OF_SERVICE],
        user__is_active=True,
    ).select_related("user"):
        agents[m.structure_id].append(m.user)
    rows: list[Notification] = []
    for node in nodes:
        item: Any = node.item
        late = node.status == PlanStatus.LATE
        users = [item.responsible] if item.responsible_id else agents[item.owner_structure_id]
        for user in users:
            language = user.preferred_language if user.preferred_language != "kab" else "fr"
            title = getattr(item, f"title_{language}", "") or item.title_fr
            rows += staff_rows(
                kind="plan_late" if late else "plan_due_soon",
                key=f"plan:{item.pk}:{node.due_date}:{'late' if late else 'soon'}",
                users=[user],
                context={"item": title[:120], "due_date": node.due_date.strftime("%d/%m/%Y")},
            )
    return rows
