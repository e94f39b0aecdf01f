"""Reads of plans, already scoped. A plan is loaded in one query and computed in Python.

Who sees what: an item is visible where ``VIEW_PLAN`` holds for its owner structure (its own
agents, and heads and supervisors above); a plan is visible when its owner structure or any of
its items is. The public sees only public plans, minus private items and everything below them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from baladiya.organisation.scoping import Permission, Scope
from baladiya.plans.models import Indicator, Measurement, Plan, PlanItem, ProgressUpdate
from baladiya.plans.progress import Node, Status, compute, plan_progress, walk

PLAN_VIAS = ("owner_structure", "items__owner_structure")


def today() -> datetime.date:
    return timezone.localdate()


def due_soon_days() -> int:
    return int(getattr(settings, "PLANS_DUE_SOON_DAYS", 30))


def reminder_days() -> int:
    return int(getattr(settings, "PLANS_REMINDER_DAYS", 14))


# --- plans ------------------------------------------------------------------------------------


def visible_plans(scope: Scope) -> QuerySet[Plan]:
    ids = scope.filter_any(Plan.objects.all(), Permission.VIEW_PLAN, PLAN_VIAS).values("pk")
    return Plan.objects.filter(pk__in=ids).select_related("owner_structure")


def plan_for(scope: Scope, pk: int) -> Plan:
    plan = visible_plans(scope).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_public=True).select_related("owner_structure")


def public_plan(slug: str) -> Plan:
    plan = public_plans().filter(slug=slug).first()
    if plan is None:
        raise Http404
    return plan


# --- the tree ---------------------------------------------------------------------------------


def _items_with_latest(qs: QuerySet[PlanItem]) -> QuerySet[PlanItem]:
    latest = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by(
        "-reported_on", "-created_at", "-pk"
    )
    return qs.select_related("owner_structure", "responsible", "plan").annotate(
        latest_progress=Subquery(latest.values("progress")[:1]),
        latest_reported_on=Subquery(latest.values("reported_on")[:1]),
    )


def _node(item: PlanItem) -> Node:
    return Node(
        item=item,
        pk=item.pk,
        parent_id=item.parent_id,
        kind=item.kind,
        weight=Decimal(item.weight),
        start_date=item.start_date,
        due_date=item.due_date,
        is_cancelled=item.is_cancelled,
        own_progress=getattr(item, "latest_progress", None),
        own_last_update=getattr(item, "latest_reported_on", None),
    )


@dataclass
class PlanTree:
    """A plan computed for one day: its roots, every node by id, the plan's progress."""

    plan: Plan
    roots: list[Node]
    by_pk: dict[int, Node]
    progress: float
    today: datetime.date
    nodes: list[Node] = field(default_factory=list)

    @property
    def progress_rounded(self) -> int:
        return round(self.progress)

    def visible_to(self, scope: Scope) -> list[Node]:
        return [
            n
            for n in self.nodes
            if scope.can(Permission.VIEW_PLAN, n.item.owner_structure)  # type: ignore[attr-defined]
        ]

    def counts(self, nodes: list[Node] | None = None) -> list[tuple[str, str, int]]:
        """(status, label, how many) for each status, in the order of :class:`Status`."""
        out = {s: 0 for s in Status.values}
        for n in nodes if nodes is not None else self.nodes:
            out[n.status] += 1
        return [(s, str(Status(s).label), out[s]) for s in Status.values]


def _public_subset(items: list[PlanItem]) -> list[PlanItem]:
    """Drop private items and everything below them (a parent comes before its children)."""
    hidden: set[int] = set()
    kept = []
    for item in sorted(items, key=lambda i: _depth_key(i, items)):
        if not item.is_public or (item.parent_id is not None and item.parent_id in hidden):
            hidden.add(item.pk)
        else:
            kept.append(item)
    return kept


def _depth_key(item: PlanItem, items: list[PlanItem]) -> int:
    from baladiya.plans.models import ItemKind

    return list(ItemKind.values).index(item.kind)


def build_tree(plan: Plan, items: list[PlanItem], on: datetime.date) -> PlanTree:
    nodes = [_node(i) for i in items]
    roots = compute(nodes, on)
    ordered = walk(roots)
    return PlanTree(
        plan=plan,
        roots=roots,
        by_pk={n.pk: n for n in ordered},
        progress=plan_progress(roots),
        today=on,
        nodes=ordered,
    )


def plan_tree(plan: Plan, *, on: datetime.date | None = None, public: bool = False) -> PlanTree:
    """The whole plan, one query, computed for ``on`` (today by default).

    ``public=True`` leaves out private items and their subtrees *before* computing, so nothing
    hidden weighs on the published roll-up either.
    """
    items = list(_items_with_latest(PlanItem.objects.filter(plan=plan)))
    if public:
        items = _public_subset(items)
    return build_tree(plan, items, on or today())


def trees_for(scope: Scope, *, on: datetime.date | None = None) -> list[PlanTree]:
    """Every plan the user may see, computed (one query for all their items, one for plans)."""
    plans = {p.pk: p for p in visible_plans(scope)}
    items_by_plan: dict[int, list[PlanItem]] = {pk: [] for pk in plans}
    for item in _items_with_latest(PlanItem.objects.filter(plan_id__in=list(plans))):
        items_by_plan[item.plan_id].append(item)
    on = on or today()
    return [build_tree(plans[pk], items_by_plan[pk], on) for pk in plans]


# --- follow-up --------------------------------------------------------------------------------


@dataclass
class FollowUp:
    late: list[Node]
    due_soon: list[Node]
    stale: list[Node]
    reminders: list[Node]
    stale_days: int
    due_soon_days: int


def _open(node: Node) -> bool:
    return node.status not in {Status.DONE, Status.CANCELLED}


def is_stale(node: Node, on: datetime.date) -> bool:
    from baladiya.plans.progress import stale_days

    if not _open(node) or on < node.start_date:
        return False
    since = node.last_update or node.start_date
    return (on - since).days > stale_days()


def follow_up(scope: Scope, *, on: datetime.date | None = None) -> FollowUp:
    """What a supervisor follows below them: late, due soon, without news. Bounded queries."""
    from baladiya.plans.progress import stale_days

    on = on or today()
    nodes: list[Node] = []
    for tree in trees_for(scope, on=on):
        nodes += tree.visible_to(scope)
    horizon = on + datetime.timedelta(days=due_soon_days())
    late = sorted((n for n in nodes if n.status == Status.LATE), key=lambda n: n.due_date)
    soon = sorted(
        (n for n in nodes if _open(n) and n.status != Status.LATE and n.due_date <= horizon),
        key=lambda n: n.due_date,
    )
    stale = sorted(
        (n for n in nodes if is_stale(n, on)),
        key=lambda n: n.last_update or n.start_date,
    )
    reportable = [
        n
        for n in nodes
        if scope.can(Permission.REPORT_PROGRESS, n.item.owner_structure)  # type: ignore[attr-defined]
    ]
    return FollowUp(
        late=late,
        due_soon=soon,
        stale=stale,
        reminders=needing_reminder(reportable, on),
        stale_days=stale_days(),
        due_soon_days=due_soon_days(),
    )


def needing_reminder(nodes: list[Node], on: datetime.date) -> list[Node]:
    """Due within ``PLANS_REMINDER_DAYS``, or late since at most that many days ("newly late")."""
    window = datetime.timedelta(days=reminder_days())
    picked = [
        n
        for n in nodes
        if _open(n)
        and (
            (n.status != Status.LATE and n.due_date <= on + window)
            or (n.status == Status.LATE and n.due_date >= on - window)
        )
    ]
    return sorted(picked, key=lambda n: n.due_date)


def items_needing_reminder(on: datetime.date | None = None) -> list[Node]:
    """For the notifications engine: every item whose owner should be reminded today.

    Each node's ``item`` has its ``owner_structure`` and ``responsible`` loaded. One query for
    all plans' items; the rule is :func:`needing_reminder`.
    """
    on = on or today()
    items_by_plan: dict[int, list[PlanItem]] = {}
    plans: dict[int, Plan] = {}
    for item in _items_with_latest(PlanItem.objects.all()):
        items_by_plan.setdefault(item.plan_id, []).append(item)
        plans[item.plan_id] = item.plan
    nodes: list[Node] = []
    for pk, items in items_by_plan.items():
        nodes += build_tree(plans[pk], items, on).nodes
    return needing_reminder(nodes, on)


# --- one item ---------------------------------------------------------------------------------


def item_for(scope: Scope, pk: int) -> PlanItem:
    return scope.get_or_404(
        PlanItem.objects.select_related("plan", "owner_structure", "responsible", "parent"),
        Permission.VIEW_PLAN,
        "owner_structure",
        pk=pk,
    )


def history(item: PlanItem) -> QuerySet[ProgressUpdate]:
    """Every update of the item, newest first, with its evidence (two queries)."""
    return item.updates.select_related("author").prefetch_related("evidence")


def indicators_of(item_ids: list[int]) -> list[Indicator]:
    """Indicators of these items with their measurements in date order (two queries)."""
    return list(
        Indicator.objects.filter(item_id__in=item_ids).prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "pk"))
        )
    )


def evidence_for(scope: Scope, pk: int):  # type: ignore[no-untyped-def]
    from baladiya.plans.models import Evidence

    return scope.get_or_404(
        Evidence.objects.select_related("update__item"),
        Permission.VIEW_PLAN,
        "update__item__owner_structure",
        pk=pk,
    )
