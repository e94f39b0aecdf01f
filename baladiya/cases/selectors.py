"""Reads of cases, already scoped: inboxes, one case, its trail, public look-ups.

"Overdue" and "due soon" are computed here from the due date and today's date, never stored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.http import Http404
from django.utils import timezone

from baladiya.cases import references
from baladiya.cases.models import Case, CaseEvent, OpinionRequest
from baladiya.cases.workflow import OPEN_STATUSES, Kind, Status
from baladiya.core.calendar import calendar
from baladiya.organisation.scoping import Permission, Scope

CASE_VIAS = ("handling_structure", "owner_structure")
DUE_SOON_WORKING_DAYS = 3


class Tab:
    MINE = "mine"
    UNASSIGNED = "unassigned"
    WAITING = "waiting"
    ALL = "all"
    CHOICES = (MINE, UNASSIGNED, WAITING, ALL)


def today() -> datetime.date:
    return timezone.localdate()


def visible_cases(scope: Scope) -> QuerySet[Case]:
    return scope.filter_any(
        Case.objects.exclude(status=Status.DRAFT), Permission.VIEW_CASE, CASE_VIAS
    )


def with_deadline_flags(qs: QuerySet[Case]) -> QuerySet[Case]:
    now = today()
    soon = calendar().add_working_days(now, DUE_SOON_WORKING_DAYS)
    running = Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.IN_REVIEW])
    return qs.annotate(
        is_overdue=When_(
            When(running & Q(due_date__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_due_soon=When_(
            When(running & Q(due_date__gte=now, due_date__lte=soon), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def inbox(
    scope: Scope,
    *,
    tab: str = Tab.MINE,
    status: str = "",
    procedure_id: int | None = None,
    search: str = "",
) -> QuerySet[Case]:
    """An agent's inbox, overdue first. A constant number of queries whatever its size.

    Procedures only: concerns have their own inbox (``concerns.selectors.concern_inbox``).
    """
    qs = visible_cases(scope).filter(kind=Kind.PROCEDURE)
    if tab == Tab.MINE:
        qs = qs.filter(assignee_id=scope.user.pk, status__in=OPEN_STATUSES)
    elif tab == Tab.UNASSIGNED:
        qs = qs.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
    elif tab == Tab.WAITING:
        pending_opinion = OpinionRequest.objects.filter(
            case=OuterRef("pk"), answered_at__isnull=True
        )
        qs = qs.filter(Q(status=Status.WAITING_CITIZEN) | Exists(pending_opinion))
    if status:
        qs = qs.filter(status=status)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    if search:
        qs = search_cases(qs, search)
    return (
        with_deadline_flags(qs)
        .select_related("procedure", "handling_structure", "assignee", "commune")
        .order_by("-is_overdue", "due_date", "submitted_at", "pk")
    )


def search_cases(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Reference, name or answers; PostgreSQL's full-text search where it runs."""
    text = text.strip()[:100]
    reference = references.normalise(text)
    if reference:
        return qs.filter(reference=reference)
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("search_text", config="simple")
        return qs.annotate(_sv=vector).filter(
            Q(_sv=SearchQuery(text, config="simple", search_type="websearch"))
            | Q(reference__icontains=text)
        )
    return qs.filter(Q(search_text__icontains=text) | Q(reference__icontains=text))


def case_for(scope: Scope, pk: int) -> Case:
    """One case the agent may see; another commune's case is a 404 like a missing one."""
    qs = with_deadline_flags(visible_cases(scope)).select_related(
        "procedure", "form_version", "handling_structure", "owner_structure", "assignee", "commune"
    )
    try:
        return qs.get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def trail(case: Case, *, public_only: bool) -> QuerySet[CaseEvent]:
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("sequence")
    return events.filter(public=True) if public_only else events


def citizen_cases(user) -> QuerySet[Case]:  # type: ignore[no-untyped-def]
    """A citizen's own cases, drafts included, across communes."""
    return with_deadline_flags(
        Case.objects.filter(applicant=user).select_related(
            "procedure", "commune", "concern__category"
        )
    ).order_by("-created_at")


def citizen_case(user, pk: int) -> Case:  # type: ignore[no-untyped-def]
    try:
        return citizen_cases(user).select_related("form_version", "handling_structure").get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class PublicLookup:
    case: Case | None
    reason: str  # "", "malformed", "not_found"


def public_lookup(reference_text: str, phone_last4: str) -> PublicLookup:
    """A case found by its reference AND the last four digits of the applicant's phone.

    A wrong second factor answers exactly like an unknown reference: nothing is learnt.
    """
    reference = references.normalise(reference_text)
    if reference is None:
        return PublicLookup(None, "malformed")
    digits = "".join(c for c in phone_last4 if c.isdigit())
    if len(digits) != 4:
        return PublicLookup(None, "not_found")
    case = (
        with_deadline_flags(Case.objects.filter(reference=reference))
        .select_related("procedure", "handling_structure")
        .first()
    )
    if case is None or not case.applicant_phone.endswith(digits):
        return PublicLookup(None, "not_found")
    return PublicLookup(case, "")
