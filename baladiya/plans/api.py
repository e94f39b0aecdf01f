"""Action plans in the JSON API: read plans and items; an owner's system posts progress.

Scoped like the pages: a plan is listed when its owner or one of its items is visible, an item
of another commune is a 404, and only the owner structure's agents may post progress (403 for
those who only follow it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from baladiya.organisation.scoping import Scope
from baladiya.plans import exports, selectors, services

router = Router()


class PlanOut(Schema):
    id: int
    slug: str
    title: dict[str, str]
    owner: str
    start_date: datetime.date
    due_date: datetime.date
    is_public: bool


class PlanSummaryOut(PlanOut):
    progress: float


class ItemOut(Schema):
    id: int
    code: str
    parent_id: int | None
    kind: str
    title: dict[str, str]
    owner: str
    start_date: datetime.date
    due_date: datetime.date
    weight: float
    progress: float
    expected_progress: float
    status: str
    last_update: datetime.date | None


class PlanDetailOut(PlanSummaryOut):
    items: list[ItemOut]


class UpdateIn(Schema):
    progress: int
    comment: str
    reported_on: datetime.date | None = None


class UpdateOut(Schema):
    id: int
    item_id: int
    progress: int
    comment: str
    reported_on: datetime.date
    via_api: bool
    item_progress: float
    item_status: str


class ErrorOut(Schema):
    detail: Any


def _plan(plan: Any, progress: float | None = None) -> dict[str, Any]:
    out = {
        "id": plan.pk,
        "slug": plan.slug,
        "title": {"fr": plan.title_fr, "ar": plan.title_ar, "en": plan.title_en},
        "owner": str(plan.owner_structure.name),
        "start_date": plan.start_date,
        "due_date": plan.due_date,
        "is_public": plan.is_public,
    }
    if progress is not None:
        out["progress"] = round(progress, 1)
    return out


@router.get("/plans", response=list[PlanSummaryOut])
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """Plans you may see, with their progress today."""
    trees = selectors.trees_for(Scope.of(request.user))
    return [_plan(t.plan, t.progress) for t in trees]


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, 404: ErrorOut})
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """A plan with the items you may see (progress and status computed today)."""
    scope = Scope.of(request.user)
    plan = selectors.plan_for(scope, plan_id)
    tree = selectors.plan_tree(plan)
    return {
        **_plan(plan, tree.progress),
        "items": [exports.record_of(n) for n in tree.visible_to(scope)],
    }


@router.get("/plans/items/{item_id}", response={200: ItemOut, 404: ErrorOut})
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = selectors.item_for(Scope.of(request.user), item_id)
    return exports.record_of(selectors.plan_tree(item.plan).by_pk[item.pk])


@router.post(
    "/plans/items/{item_id}/updates",
    response={201: UpdateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def post_update(request: HttpRequest, item_id: int, payload: UpdateIn) -> Any:
    """Post a progress update as the item's owner (its agents, or their system's token)."""
    item = selectors.item_for(Scope.of(request.user), item_id)
    try:
        update = services.post_update(
            item=item,
            actor=request.user,
            progress=payload.progress,
            comment=payload.comment,
            reported_on=payload.reported_on,
            via_api=True,
        )
    except PermissionDenied:
        return Status(
            403, {"detail": "Only the owner structure reports the progress of this item."}
        )
    except ValidationError as exc:
        return Status(400, {"detail": exc.message_dict})
    node = selectors.plan_tree(item.plan).by_pk[item.pk]
    return Status(
        201,
        {
            "id": update.pk,
            "item_id": item.pk,
            "progress": update.progress,
            "comment": update.comment,
            "reported_on": update.reported_on,
            "via_api": update.via_api,
            "item_progress": round(node.progress, 1),
            "item_status": node.status,
        },
    )
