"""Reads of concerns: the public list, agents' inbox, escalation (derived), similar concerns.

Escalation is never stored: it is read from the deadlines set at intake and today's date.
Past the due date a concern is visible to the supervisor of the level above the structure
handling it (level 1); past three times the deadline, one level more (level 2).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baladiya.cases.models import Case
from baladiya.cases.selectors import CASE_VIAS
from baladiya.cases.workflow import Kind, Status
from baladiya.concerns.models import Category, Concern, Photo
from baladiya.organisation.models import Role, StructureKind
from baladiya.organisation.scoping import Permission, Scope

# Statuses where the concern still waits for an answer: the deadline runs.
AWAITING_ANSWER = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS)
CONCERN_OPEN = (*AWAITING_ANSWER, Status.PLANNED)
PUBLIC_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.RESOLVED,
    Status.NOT_OUR_RESPONSIBILITY,
    Status.DUPLICATE,
    Status.CLOSED,
)


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


def category_tree() -> list[tuple[Category, list[Category]]]:
    """Top-level categories with their active children (one query)."""
    rows = list(categories().order_by("position", "code"))
    tops = [c for c in rows if c.parent_id is None]
    return [(top, [c for c in rows if c.parent_id == top.pk]) for top in tops]


def concerns() -> QuerySet[Case]:
    return Case.objects.filter(kind=Kind.CONCERN).exclude(status=Status.DRAFT)


def public_concerns(*, commune_id: int | None = None, status: str = "") -> QuerySet[Case]:
    """What anyone may see: category, status, dates, the public answer. No personal data.

    Callers read only ``reference``, ``status``, dates, ``concern.category``,
    ``concern.public_answer``, ``concern.public_point`` and approved photos.
    """
    qs = concerns().filter(status__in=PUBLIC_STATUSES)
    if commune_id:
        qs = qs.filter(commune_id=commune_id)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("concern__category__parent", "commune")
        .prefetch_related(
            Prefetch(
                "concern__photos",
                queryset=Photo.objects.filter(approved=True),
                to_attr="approved_photos",
            )
        )
        .only(
            "pk",
            "reference",
            "status",
            "submitted_at",
            "updated_at",
            "closed_at",
            "due_date",
            "commune__id",
            "commune__name_fr",
            "commune__name_ar",
            "commune__name_en",
            "concern__case_id",
            "concern__category",
            "concern__public_answer",
            "concern__latitude",
            "concern__longitude",
            "concern__category__code",
            "concern__category__name_fr",
            "concern__category__name_ar",
            "concern__category__name_en",
            "concern__category__name_kab",
            "concern__category__parent",
        )
        .order_by("-submitted_at", "-pk")
    )


def public_concern(reference: str) -> Case:
    try:
        return public_concerns().get(reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def visible_concerns(scope: Scope) -> QuerySet[Case]:
    return scope.filter_any(concerns(), Permission.VIEW_CASE, CASE_VIAS)


def concern_inbox(scope: Scope, *, status: str = "", open_only: bool = True) -> QuerySet[Case]:
    """An agent's concerns, oldest deadline first; a constant number of queries."""
    qs = visible_concerns(scope)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=CONCERN_OPEN)
    return qs.select_related(
        "concern__category", "handling_structure", "assignee", "commune"
    ).order_by("due_date", "submitted_at", "pk")


def concern_for(scope: Scope, pk: int) -> Case:
    """One concern the agent may see; another commune's is a 404 like a missing one."""
    try:
        return (
            visible_concerns(scope)
            .select_related(
                "concern__category__parent",
                "concern__duplicate_of",
                "handling_structure",
                "owner_structure",
                "commune",
                "assignee",
            )
            .get(pk=pk)
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc


# --- escalation (derived) ---------------------------------------------------------------------


def _today(now: datetime.datetime | None) -> datetime.date:
    return timezone.localtime(now or timezone.now()).date()


def escalation_level(case: Case, now: datetime.datetime | None = None) -> int:
    """0, 1 (past the deadline) or 2 (past three times the deadline), read from the dates.

    A concern the citizen sent back twice ("not solved") is at least level 1.
    """
    concern: Concern = case.concern
    if concern.referred_to_supervisor and case.status == Status.RESOLVED:
        return max(1, _level(case, concern, now))
    if case.status not in AWAITING_ANSWER:
        return 0
    return _level(case, concern, now)


def _level(case: Case, concern: Concern, now: datetime.datetime | None) -> int:
    today = _today(now)
    if case.status not in AWAITING_ANSWER or case.due_date is None or today <= case.due_date:
        return 0
    if concern.late_date is not None and today > concern.late_date:
        return 2
    return 1


def _parent_path(path: str) -> str:
    """``/a/b/c/`` → ``/a/b/`` (a structure's parent, from its materialised path)."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else "/"


def escalation_targets(case: Case, level: int) -> list[str]:
    """Paths of the structures whose supervisors see the concern at ``level`` (1 or 2).

    The base is the territorial structure handling it (a service's or a sector body's parent);
    level 1 is the one above (e.g. the daïra for a commune), level 2 the one above that.
    """
    handling = case.handling_structure
    base = handling.path
    if handling.kind in {StructureKind.SERVICE, StructureKind.SECTOR_BODY}:
        base = _parent_path(base)
    targets = []
    for _step in range(level):
        base = _parent_path(base)
        targets.append(base)
    return targets


def escalated_concerns(scope: Scope, now: datetime.datetime | None = None) -> list[Case]:
    """Concerns escalated to this supervisor: past deadline, above where they are handled."""
    supervisor_paths = [g.path for g in scope.grants if g.role == Role.SUPERVISOR]
    if not supervisor_paths and not scope.is_platform_admin:
        return []
    today = _today(now)
    candidates = (
        visible_concerns(scope)
        .filter(
            Q(status__in=AWAITING_ANSWER, due_date__lt=today)
            | Q(status=Status.RESOLVED, concern__referred_to_supervisor=True)
        )
        .select_related("concern__category", "handling_structure", "commune")
        .order_by("due_date", "pk")
    )
    result = []
    for case in candidates:
        level = escalation_level(case, now)
        if level == 0:
            continue
        targets = escalation_targets(case, level)
        # Exactly the level(s) reached: the daïra's supervisor at level 1, the wilaya's at 2.
        if scope.is_platform_admin or any(t in supervisor_paths for t in targets):
            case.escalation = level  # type: ignore[attr-defined]
            result.append(case)
    return result


@dataclass(frozen=True)
class Escalation:
    case: Case
    level: int
    target_paths: list[str]


def concerns_newly_escalated(
    since: datetime.datetime, now: datetime.datetime | None = None
) -> list[Escalation]:
    """Concerns whose escalation level rose between ``since`` and ``now`` (for alerts).

    Level 1 begins the day after the due date, level 2 the day after the late date.
    """
    start, end = _today(since), _today(now)
    if end <= start:
        return []
    day = datetime.timedelta(days=1)
    # A threshold crossed in (start, end]: due_date + 1 in that window, i.e. due_date in
    # [start, end - 1]; likewise for the late date.
    qs = (
        concerns()
        .filter(status__in=AWAITING_ANSWER)
        .filter(
            Q(due_date__gte=start, due_date__lte=end - day)
            | Q(concern__late_date__gte=start, concern__late_date__lte=end - day)
        )
        .select_related("concern", "handling_structure")
    )
    result = []
    for case in qs:
        level = escalation_level(case, now)
        if level:
            result.append(Escalation(case, level, escalation_targets(case, level)))
    return result


# --- similar concerns nearby ------------------------------------------------------------------


def similar_open_concerns(
    *,
    commune_id: int,
    category_id: int | None = None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    limit: int = 5,
) -> list[Case]:
    """Open concerns of the same category in the commune, nearest first when a point is given."""
    qs = public_concerns(commune_id=commune_id).filter(status__in=CONCERN_OPEN)
    if category_id:
        qs = qs.filter(
            Q(concern__category_id=category_id) | Q(concern__category__parent_id=category_id)
        )
    rows: Iterable[Case] = qs[:50]
    if latitude is not None and longitude is not None:
        lat, lon = float(latitude), float(longitude)

        def distance(case: Case) -> float:
            point = case.concern.public_point
            if point is None:
                return 1e9
            return (point[0] - lat) ** 2 + (point[1] - lon) ** 2

        rows = sorted(rows, key=distance)
    return list(rows)[:limit]
