"""Reads of cases, already scoped: inboxes, one case, its trail, public look-ups.

"Overdue" and "due soon" are computed here from the due date and today's date, never stored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models import Case as When_
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from baladiya.cases import references
from baladiya.cases.models import Case, CaseEvent, OpinionRequest
from baladiya.cases.workflow import OPEN_STATUSES, Kind, Status
from baladiya.catalogue.text import LANGUAGES
from baladiya.core.calendar import calendar
from baladiya.core.params import whole_number
from baladiya.organisation.models import Structure, User
from baladiya.organisation.scoping import Permission, Scope

CASE_VIAS = ("handling_structure", "owner_structure")
DUE_SOON_WORKING_DAYS = 3
INBOX_PAGE_SIZE = 25
# Counting stops here: an exact COUNT(*) reads every matching row (a busy commune's "All" tab is
# 100,000 cases at national scale), and "1000+" tells an agent as much as the exact figure.
COUNT_CAP = 1000
# Overdue first, then by due date; the primary key makes pages stable.
INBOX_ORDER = ("-is_overdue", "due_date", "submitted_at", "pk")


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


# The statuses in which a case can be overdue or due soon.
DEADLINE_RUNNING = (Status.SUBMITTED, Status.RECEIVED, Status.IN_REVIEW)


def _deadline_window() -> tuple[datetime.date, datetime.date]:
    """Today, and the last day that is "due soon" (DUE_SOON_WORKING_DAYS working days on)."""
    now = today()
    return now, calendar().add_working_days(now, DUE_SOON_WORKING_DAYS)


def with_deadline_flags(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.annotate(**deadline_flags())


def flag_deadline(case: Case) -> Case:
    """``is_overdue`` and ``is_due_soon`` on one case already read, as :func:`deadline_flags`
    computes them in SQL (a page about one case need not build the expressions)."""
    now, soon = _deadline_window()
    due = case.due_date
    running = case.status in DEADLINE_RUNNING and due is not None
    case.is_overdue = running and due < now  # type: ignore[attr-defined, operator]
    case.is_due_soon = running and now <= due <= soon  # type: ignore[attr-defined, operator]
    return case


def deadline_flags() -> dict[str, When_]:
    """``is_overdue`` and ``is_due_soon`` as expressions, for ``annotate()``."""
    now, soon = _deadline_window()
    running = Q(status__in=DEADLINE_RUNNING)
    return {
        "is_overdue": When_(
            When(running & Q(due_date__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "is_due_soon": When_(
            When(running & Q(due_date__gte=now, due_date__lte=soon), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    }


def deadline_flags_sql() -> dict[str, RawSQL]:
    """The same flags as :func:`deadline_flags`, written as SQL for the inbox's hot query:
    resolving, hashing and compiling the ``Case``/``When`` trees was a quarter of its time.
    The columns are unqualified so that the expressions hold in a subquery too (the inbox's
    other tables have no ``status`` or ``due_date``); 1 or 0, which sort like booleans."""
    now, soon = _deadline_window()
    running = DEADLINE_RUNNING
    is_running = "status IN (%s, %s, %s)"
    return {
        "is_overdue": RawSQL(  # noqa: S611 - constant SQL, every value a parameter
            f"CASE WHEN {is_running} AND due_date < %s THEN 1 ELSE 0 END",
            (*running, now),
            output_field=IntegerField(),
        ),
        "is_due_soon": RawSQL(  # noqa: S611 - constant SQL, every value a parameter
            f"CASE WHEN {is_running} AND due_date >= %s AND due_date <= %s THEN 1 ELSE 0 END",
            (*running, now, soon),
            output_field=IntegerField(),
        ),
    }


def inbox(
    scope: Scope,
    *,
    tab: str = Tab.MINE,
    status: str = "",
    procedure_id: int | None = None,
    search: str = "",
) -> QuerySet[Case]:
    """An agent's inbox, overdue first, as a queryset (the API paginates it).

    Procedures only: concerns have their own inbox (``concerns.selectors.concern_inbox``).
    The web inbox reads :func:`inbox_page`, which counts and fetches a page in one query.
    """
    qs = Case.objects.filter(_inbox_q(scope, tab=tab, status=status, procedure_id=procedure_id))
    if search:
        qs = search_cases(qs, search)
    return (
        with_deadline_flags(qs)
        .select_related("procedure", "handling_structure", "assignee", "commune")
        .order_by(*INBOX_ORDER)
    )


def _procedures_q(scope: Scope) -> Q:
    """Procedure cases the agent may see (drafts are the citizen's alone)."""
    return (
        ~Q(status=Status.DRAFT)
        & Q(kind=Kind.PROCEDURE)
        & scope.any_q(Permission.VIEW_CASE, CASE_VIAS)
    )


def _inbox_q(scope: Scope, *, tab: str, status: str, procedure_id: int | None) -> Q:
    q = _procedures_q(scope)
    # Every tab but "All" holds open cases only: bounded by the open workload, not by the
    # years of history behind it (a case closed with an opinion unanswered waits on nobody).
    if tab != Tab.ALL:
        q &= Q(status__in=OPEN_STATUSES)
    if tab == Tab.MINE:
        q &= Q(assignee_id=scope.user.pk)
    elif tab == Tab.UNASSIGNED:
        q &= Q(assignee__isnull=True)
    elif tab == Tab.WAITING:
        pending_opinion = OpinionRequest.objects.filter(
            case=OuterRef("pk"), answered_at__isnull=True
        )
        q &= Q(status=Status.WAITING_CITIZEN) | Q(Exists(pending_opinion))
    if status:
        q &= Q(status=status)
    if procedure_id:
        q &= Q(procedure_id=procedure_id)
    return q


@dataclass(frozen=True)
class BoundedCount:
    """A count that stops at :data:`COUNT_CAP`: ``capped`` means "at least ``value``"."""

    value: int
    capped: bool

    def __str__(self) -> str:
        return f"{self.value}+" if self.capped else str(self.value)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """What an inbox row shows, read as plain values (no model instance per row)."""

    pk: int
    reference: str
    status: str
    due_date: datetime.date | None
    applicant_name: str
    procedure_id: int | None
    is_overdue: bool
    is_due_soon: bool
    assignee: str  # the assignee's display name, "" when nobody


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox, with the bounded counts the page shows (same shape as a Django
    ``Page`` for the pagination links, without its exact ``COUNT(*)``)."""

    object_list: list[InboxRow]
    number: int
    count: BoundedCount  # the cases matching the tab and filters
    tab_counts: dict[str, BoundedCount]  # "mine" and "unassigned", whatever the filters
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> str:
        """The last page's number, or "40+" when the count is capped."""
        pages = max(1, -(-self.count.value // INBOX_PAGE_SIZE))
        return f"{pages}+" if self.count.capped else str(pages)

    @property
    def paginator(self) -> InboxPage:
        # core/pagination.html reads page.paginator.num_pages.
        return self


# The inbox's statements, as compiled for one agent's grants, tab, filters, page and day (see
# inbox_page). Only SQL and its parameters: the rows are read at every request.
_compiled: dict[tuple, tuple[str, tuple, int]] = {}
_COMPILED_MAX = 4096
_ROW_FIELDS = (
    "pk",
    "reference",
    "status",
    "due_date",
    "applicant_name",
    "procedure_id",
    "is_overdue",
    "is_due_soon",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def inbox_page(
    scope: Scope,
    *,
    tab: str = Tab.MINE,
    status: str = "",
    procedure_id: int | None = None,
    search: str = "",
    page: str | int | None = None,
) -> InboxPage:
    """A page of the inbox in one query whatever the number of cases.

    The page's rows (one more fetched, to know whether a next page exists) carry the bounded
    counts as uncorrelated subqueries, which the database evaluates once per statement: on a
    loaded server each round trip costs more than the counting. An empty page falls back to a
    second query for the counts.

    Building and compiling the querysets, not the database, was most of this page's time: the
    statement is compiled once per agent (with their grants), tab, filters, page and day in
    each process, and only executed after that.
    """
    number = max(1, whole_number(page, 1, maximum=100_000))
    key = (scope.user.pk, scope.is_platform_admin, scope.grants, tab, status, procedure_id, search)
    rows, n_counts = _read_rows(scope, key, number)
    if rows:
        counts = [_bounded(v) for v in rows[0][len(_ROW_FIELDS) :]]
    else:
        querysets = _inbox_querysets(scope, tab, status, procedure_id, search)[0]
        if number == 1:  # nothing matches: only the tabs are left to count
            counts = bounded_counts(*querysets[:2]) + [BoundedCount(0, False)] * (n_counts - 2)
        else:
            counts = bounded_counts(*querysets)
    total = counts[2] if len(counts) == 3 else counts[0 if tab == Tab.MINE else 1]
    last = max(1, -(-total.value // INBOX_PAGE_SIZE))
    if not rows and number > last:  # past the end, like Paginator.get_page: the last page
        number = last
        rows = _read_rows(scope, key, number)[0]
    return InboxPage(
        object_list=[_row(r) for r in rows[:INBOX_PAGE_SIZE]],
        number=number,
        count=total,
        tab_counts={Tab.MINE: counts[0], Tab.UNASSIGNED: counts[1]},
        has_next=len(rows) > INBOX_PAGE_SIZE,
    )


def _inbox_querysets(
    scope: Scope, tab: str, status: str, procedure_id: int | None, search: str
) -> tuple[list[QuerySet[Case]], QuerySet[Case]]:
    """The querysets counted (mine, unassigned and, when filtered, the tab's) and the tab's."""
    open_cases = Case.objects.filter(_procedures_q(scope), status__in=OPEN_STATUSES)
    mine = open_cases.filter(assignee_id=scope.user.pk)
    unassigned = open_cases.filter(assignee__isnull=True)
    if tab == Tab.MINE:
        filtered = mine
    elif tab == Tab.UNASSIGNED:
        filtered = unassigned
    else:
        filtered = Case.objects.filter(_inbox_q(scope, tab=tab, status="", procedure_id=None))
    if status:
        filtered = filtered.filter(status=status)
    if procedure_id:
        filtered = filtered.filter(procedure_id=procedure_id)
    if search:
        filtered = search_cases(filtered, search)
    counted = [mine, unassigned, filtered]
    if not (search or status or procedure_id) and tab in (Tab.MINE, Tab.UNASSIGNED):
        counted.pop()  # the tab's own count is the page's: counted once
    return counted, filtered


def _read_rows(scope: Scope, key: tuple, number: int) -> tuple[list[tuple], int]:
    """The page's rows (values of _ROW_FIELDS, then the counts) and how many counts."""
    flags = deadline_flags_sql()
    key = (*key, number, *(p for f in flags.values() for p in f.params))
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compile_listing(scope, key, number, flags)
        if len(_compiled) >= _COMPILED_MAX:
            _compiled.clear()
        _compiled[key] = compiled
    sql, params, n_counts = compiled
    if not sql:  # a scope that reaches no structure
        return [], n_counts
    with connections[Case.objects.db].cursor() as cursor:
        # No parameters at all (a statement with its values inlined): None, so that nothing in
        # the SQL is read as a placeholder.
        cursor.execute(sql, params or None)
        return cursor.fetchall(), n_counts


def _compile_listing(
    scope: Scope, key: tuple, number: int, flags: dict[str, RawSQL]
) -> tuple[str, tuple, int]:
    tab, status, procedure_id, search = key[3:7]
    counted, filtered = _inbox_querysets(scope, tab, status, procedure_id, search)
    subqueries: dict[str, Any] = {  # SQL compiled by Django, every value a bound parameter
        f"_count_{i}": RawSQL(*_bounded_count_sql(qs), output_field=IntegerField())  # noqa: S611
        for i, qs in enumerate(counted)
    }
    own = _own_count(tab, len(counted))
    if own is not None:
        # The tab's own count, over the rows the listing sorts anyway: a second scan of the
        # same cases cost as much as the listing (0.5 ms for a busy service at 2M cases).
        subqueries[f"_count_{own}"] = Window(Count("pk"))
    start = (number - 1) * INBOX_PAGE_SIZE
    window = slice(start, start + INBOX_PAGE_SIZE + 1)
    if tab == Tab.ALL:
        # Sort the narrow rows first, then join and read the page's only: joining every case
        # of the structure's history before the sort made "All" cost that history.
        ids = filtered.annotate(**flags).order_by(*INBOX_ORDER).values("pk")[window]
        rows, window = Case.objects.filter(pk__in=ids), slice(None)
    else:
        rows = filtered
    listing = (
        rows.annotate(**flags, **subqueries)
        .order_by(*INBOX_ORDER)
        .values_list(*_ROW_FIELDS, *subqueries)[window]
    )
    try:
        sql, params = listing.query.get_compiler(using=listing.db).as_sql()
    except EmptyResultSet:
        return "", (), len(counted)
    connection = connections[listing.db]
    if connection.vendor == "postgresql" and not search:
        # The values inlined, quoted by psycopg (ids, statuses, dates; never the typed search):
        # a statement without parameters has one plan, made when the connection prepares it.
        # With parameters PostgreSQL planned it again at every run (0.28 ms, as long as the
        # run itself at 2M cases); a generic plan for all statements slowed the search 3.5x.
        inlined: str = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]
        return inlined, (), len(counted)
    return sql, tuple(params), len(counted)


def _own_count(tab: str, n_counts: int) -> int | None:
    """Which count is the listed tab's own, when the listing holds exactly its rows (the
    "mine" and "unassigned" tabs, unfiltered: two counts; see ``_inbox_querysets``)."""
    if n_counts != 2:
        return None
    return {Tab.MINE: 0, Tab.UNASSIGNED: 1}.get(tab)


def _row(values: tuple) -> InboxRow:
    pk, reference, status, due, applicant, procedure, late, soon, username, first, last = values[
        : len(_ROW_FIELDS)
    ]
    if isinstance(due, str):  # SQLite hands dates back as text to a plain cursor
        due = datetime.date.fromisoformat(due)
    name = User.name_of(first or "", last or "", username or "")
    return InboxRow(
        pk, reference or "", status, due, applicant or "", procedure, bool(late), bool(soon), name
    )


def _bounded_count_sql(qs: QuerySet[Case]) -> tuple[str, tuple]:
    inner = qs.order_by().values("pk")[: COUNT_CAP + 1]
    try:
        sql, params = inner.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # a scope that reaches no structure: nothing to count
        return "SELECT 0", ()
    return f"SELECT COUNT(*) FROM ({sql}) bounded", tuple(params)  # noqa: S608 - compiled


def _bounded(value: int) -> BoundedCount:
    return BoundedCount(min(value, COUNT_CAP), value > COUNT_CAP)


def bounded_counts(*querysets: QuerySet[Case]) -> list[BoundedCount]:
    """Each queryset's size up to :data:`COUNT_CAP`, all in one round trip.

    ``SELECT COUNT(*) FROM (… LIMIT cap+1)`` stops reading at the cap, where ``COUNT(*)`` or
    ``Paginator.count`` would read every matching row.
    """
    parts = [_bounded_count_sql(qs) for qs in querysets]
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"({sql})" for sql, _ in parts),
            [p for _, params in parts for p in params],
        )
        values = cursor.fetchone()
    return [_bounded(v) for v in values]


def search_cases(qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Reference, name or answers; PostgreSQL's full-text search where it runs."""
    text = text.strip()[:100]
    reference = references.normalise(text)
    if reference:
        return qs.filter(reference=reference)
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # The same expression as the GIN index of migration 0003: the search reads the index
        # instead of computing the vector of every visible case.
        vector = SearchVector("search_text", config="simple")
        matches = Q(_sv=SearchQuery(text, config="simple", search_type="websearch"))
        if any(c.isdigit() or c == "-" for c in text):
            # A piece of a reference ("26-A7K"): references hold digits and dashes. Matching it
            # reads every visible case, so words alone (a name) keep to the index.
            matches |= Q(reference__icontains=text)
        return qs.annotate(_sv=vector).filter(matches)
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


# Only status changes appear on the public status page: messages stay in the citizen's space.
PUBLIC_STATUS_EVENTS = (
    "submitted",
    "received",
    "review_started",
    "correction_requested",
    "citizen_responded",
    "accepted",
    "accepted_instantly",
    "refused",
    "closed_without_follow_up",
    "closed",
    "reopened",
    "transferred",
    "document_issued",
)
# What the public status page reads of a case, its procedure and its structure. The SELECT of
# every column of the three (the procedure alone has some forty) cost more to build than the
# database took to answer it.
_STATUS_PAGE_FIELDS = (
    "id",
    "reference",
    "kind",
    "status",
    "due_date",
    *(f"procedure__name_{code}" for code in LANGUAGES),
    *(f"handling_structure__{name}" for name in Structure.NAME_FIELDS),
)


def status_page_case(reference: str) -> Case:
    """The case the public status page shows (the link of the receipt's QR code), or 404."""
    found = list(
        Case.objects.select_related("procedure", "handling_structure")
        .only(*_STATUS_PAGE_FIELDS)
        .filter(reference=reference)[:1]
    )
    if not found:
        raise Http404
    return flag_deadline(found[0])


def public_status_events(case: Case) -> QuerySet[CaseEvent]:
    """The status changes of ``case`` a visitor of its status page sees, oldest first."""
    return (
        CaseEvent.objects.filter(case=case, public=True, kind__in=PUBLIC_STATUS_EVENTS)
        .only("case_id", "kind", "created_at", "payload", "public")
        .order_by("sequence")
    )


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
