"""Small plans for tests, built directly (the rules under test are in selectors/services)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from baladiya.organisation.models import Structure
from baladiya.plans.models import ItemKind, Plan, PlanItem, ProgressUpdate


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@dataclass
class SmallPlan:
    plan: Plan
    axis: PlanItem
    programme: PlanItem
    project: PlanItem
    milestones: list[PlanItem]


def make_plan(
    owner: Structure,
    *,
    slug: str = "plan",
    item_owner: Structure | None = None,
    public: bool = True,
    start: int = -100,
    due: int = 100,
    milestones: int = 2,
) -> SmallPlan:
    """A plan: axis → programme → project → ``milestones`` milestones (weights 1, 2…)."""
    item_owner = item_owner or owner
    plan = Plan.objects.create(
        slug=slug,
        title_fr=f"Plan {slug}",
        title_ar=f"مخطط {slug}",
        owner_structure=owner,
        start_date=days(start),
        due_date=days(due),
        is_public=public,
    )

    def item(kind: str, code: str, parent: PlanItem | None, weight: int = 1) -> PlanItem:
        return PlanItem.objects.create(
            plan=plan,
            parent=parent,
            kind=kind,
            code=code,
            title_fr=f"{kind} {code}",
            title_ar=f"بند {code}",
            owner_structure=item_owner if kind != ItemKind.AXIS else owner,
            start_date=days(start),
            due_date=days(due),
            weight=Decimal(weight),
        )

    axis = item(ItemKind.AXIS, "1", None)
    programme = item(ItemKind.PROGRAMME, "1.1", axis)
    project = item(ItemKind.PROJECT, "1.1.1", programme)
    ms = [item(ItemKind.MILESTONE, f"1.1.1.{i + 1}", project, i + 1) for i in range(milestones)]
    return SmallPlan(plan, axis, programme, project, ms)


def report(item: PlanItem, progress: int, *, ago: int = 0) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        item=item, progress=progress, reported_on=days(-ago), comment="test"
    )
