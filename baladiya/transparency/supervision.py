"""Supervision: the communes below a supervisor side by side, from roll-ups plus one aggregate
of the open cases (overdue and backlog age are derived from today's date, never stored).

A constant number of queries whatever the number of communes or cases: the scope (1), the
communes (1), the roll-ups (1), the open cases (1, on a partial index of open cases); the rows
are then cached for a minute.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from baladiya.cases.models import Case
from baladiya.cases.workflow import CLOCK_RUNNING, OPEN_STATUSES
from baladiya.organisation.models import StructureKind
from baladiya.organisation.scoping import Permission, Scope
from baladiya.territory.models import Commune
from baladiya.transparency import suppression
from baladiya.transparency.models import TOTALS, Level, MonthlyStat, SubjectKind

SORTS = ("name", "received", "decided", "open", "overdue", "backlog_days", "within_deadline_pct")


@dataclass
class CommuneRow:
    """Plain values only (no model instances): cheap to cache and to unpickle."""

    commune_id: int
    name: str
    daira_name: str
    wilaya_name: str
    received: int = 0
    decided: int = 0
    open: int = 0
    overdue: int = 0
    backlog_days: int | None = None
    within_deadline_pct: float | None = None
    satisfaction: float | None = None  # filled once concerns are merged (ratings)


def supervised_communes(scope: Scope) -> QuerySet[Commune]:
    structures = scope.structures(Permission.VIEW_SUPERVISION).filter(kind=StructureKind.COMMUNE)
    return Commune.objects.filter(pk__in=structures.values("commune_id")).select_related(
        "daira__wilaya"
    )


def may_supervise(scope: Scope) -> bool:
    return scope.is_platform_admin or bool(scope._reaches(Permission.VIEW_SUPERVISION))


CACHE_SECONDS = 60


def rows(scope: Scope, *, months: int = 12, sort: str = "name") -> list[CommuneRow]:
    """Cached a minute per set of grants: a ministry supervisor's 1,541 communes are computed
    once a minute, not on every sort or page (the figures are live enough for supervision)."""
    grants = (
        "all"
        if scope.is_platform_admin
        else ",".join(sorted(g.path for _r, g in scope._reaches(Permission.VIEW_SUPERVISION)))
    )
    key = (
        "transparency:supervision:"
        + hashlib.sha256(f"{grants}|{months}|{timezone.localdate()}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _rows(scope, months=months)
        cache.set(key, found, CACHE_SECONDS)
    return sort_rows(found, sort)


def _rows(scope: Scope, *, months: int) -> list[CommuneRow]:
    communes = list(supervised_communes(scope).order_by("name_fr"))
    ids = [c.pk for c in communes]
    # A wilaya or the ministry: scanning the month range (index monthlystat_by_month) and the
    # partial index of open cases beats probing a list of hundreds of ids; rows not ours are
    # simply not looked up below.
    wide = len(ids) > 100
    area_filter = {} if wide else {"area_id__in": ids}
    commune_filter = {} if wide else {"commune_id__in": ids}
    today = timezone.localdate()
    since = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    stats = (
        MonthlyStat.objects.filter(
            level=Level.COMMUNE,
            subject_kind=SubjectKind.ALL,
            days=TOTALS,
            month__gte=since,
            **area_filter,
        )
        .values("area_id")
        .annotate(
            received=Sum("received"),
            decided=Sum("decided"),
            with_deadline=Sum("with_deadline"),
            within_deadline=Sum("within_deadline"),
        )
    )
    by_area = {s["area_id"]: s for s in stats}
    open_cases = (
        Case.objects.filter(status__in=OPEN_STATUSES, **commune_filter)
        .values("commune_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=CLOCK_RUNNING, due_date__lt=today)),
            oldest=Min("submitted_at"),
        )
    )
    by_commune = {o["commune_id"]: o for o in open_cases}
    out = []
    for commune in communes:
        s = by_area.get(commune.pk, {})
        o = by_commune.get(commune.pk, {})
        oldest = o.get("oldest")
        out.append(
            CommuneRow(
                commune_id=commune.pk,
                name=commune.name,
                daira_name=commune.daira.name,
                wilaya_name=str(commune.daira.wilaya),
                received=s.get("received") or 0,
                decided=s.get("decided") or 0,
                open=o.get("open", 0),
                overdue=o.get("overdue", 0),
                backlog_days=(today - timezone.localtime(oldest).date()).days if oldest else None,
                within_deadline_pct=suppression.share(
                    s.get("within_deadline") or 0, s.get("with_deadline") or 0
                ),
            )
        )
    return out


def sort_rows(out: list[CommuneRow], sort: str) -> list[CommuneRow]:
    out = list(out)
    field = sort.lstrip("-")
    if field in SORTS:
        out.sort(
            key=lambda r: (
                (getattr(r, field) is None, getattr(r, field) or 0)
                if field != "name"
                else (0, r.name)
            ),
            reverse=sort.startswith("-"),
        )
    return out


def overdue_cases(scope: Scope, commune_id: int) -> QuerySet[Case]:
    """The overdue cases of a commune that this supervisor may open (scoped like the inbox)."""
    from baladiya.cases import selectors as case_selectors

    overdue = Q(status__in=CLOCK_RUNNING, due_date__lt=timezone.localdate())
    return (
        case_selectors.with_deadline_flags(
            case_selectors.visible_cases(scope).filter(overdue, commune_id=commune_id)
        )
        .select_related("procedure", "handling_structure")
        .order_by("due_date", "pk")
    )
