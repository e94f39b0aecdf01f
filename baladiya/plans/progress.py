"""The roll-up and the derived status of plan items. Pure Python over a tree loaded once.

Progress
    A leaf (a milestone, or a project without milestones) has the progress of its latest update
    (by report date, then by time of posting), 0 without any. A parent's progress is the
    weighted mean of its children's, by their weights, cancelled children left out (when every
    weight is zero, the children count equally): a project
    rolls up from its milestones, a programme from its projects, an axis from its programmes.
    The plan's progress is the weighted mean of its programmes (axes only group them).

Status (derived on every read, never stored; ``today`` is the local date)
    1. cancelled — the item's explicit flag, the only state set by hand;
    2. done — progress is 100 %;
    3. late — the due date has passed and it is not done;
    4. not started — today is before its start date and there is no progress;
    5. at risk — the expected progress by now, linear from 0 % at the start date to 100 % at
       the due date, exceeds the reported progress by more than ``PLANS_AT_RISK_GAP`` points
       (20 by default); or the item has started and had no update (its own or below it) for
       more than ``PLANS_STALE_DAYS`` days (30 by default), counted from its start when never
       updated;
    6. on track — otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


def at_risk_gap() -> int:
    return int(getattr(settings, "PLANS_AT_RISK_GAP", 20))


def stale_days() -> int:
    return int(getattr(settings, "PLANS_STALE_DAYS", 30))


@dataclass
class Node:
    """One item of the tree with what was computed for it."""

    item: object  # a PlanItem (kept loose so the rule can be tested without a database)
    pk: int
    parent_id: int | None
    kind: str
    weight: Decimal
    start_date: datetime.date
    due_date: datetime.date
    is_cancelled: bool
    own_progress: int | None = None  # of its latest update, None when never updated
    own_last_update: datetime.date | None = None
    children: list[Node] = field(default_factory=list)
    progress: float = 0.0
    last_update: datetime.date | None = None
    expected: float = 0.0
    status: str = Status.NOT_STARTED
    depth: int = 0

    @property
    def progress_rounded(self) -> int:
        return round(self.progress)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def is_late(self) -> bool:
        return self.status == Status.LATE


def expected_progress(start: datetime.date, due: datetime.date, today: datetime.date) -> float:
    """Linear from 0 at the start date to 100 at the due date."""
    if today <= start:
        return 0.0
    if today >= due:
        return 100.0
    return 100.0 * (today - start).days / max((due - start).days, 1)


def derive_status(node: Node, today: datetime.date) -> str:
    """The status of one node whose progress and last update are already computed."""
    if node.is_cancelled:
        return Status.CANCELLED
    if node.progress >= 100:
        return Status.DONE
    if node.due_date < today:
        return Status.LATE
    if today < node.start_date and node.progress <= 0:
        return Status.NOT_STARTED
    if node.expected - node.progress > at_risk_gap():
        return Status.AT_RISK
    since = node.last_update or node.start_date
    if today >= node.start_date and (today - since).days > stale_days():
        return Status.AT_RISK
    return Status.ON_TRACK


def _weighted(children: list[Node]) -> float:
    counted = [c for c in children if not c.is_cancelled]
    total = sum((c.weight for c in counted), Decimal(0))
    if not counted:
        return 0.0
    if total <= 0:
        return sum(c.progress for c in counted) / len(counted)
    return float(sum(Decimal(str(c.progress)) * c.weight for c in counted) / total)


def compute(nodes: Iterable[Node], today: datetime.date) -> list[Node]:
    """Link the nodes into trees, roll progress up and derive every status. Returns the roots.

    Nodes whose parent is absent from ``nodes`` become roots (so a public subtree can be
    computed on its own, without what is hidden).
    """
    by_pk = {n.pk: n for n in nodes}
    roots: list[Node] = []
    for node in by_pk.values():
        node.children = []
    for node in by_pk.values():
        parent = by_pk.get(node.parent_id) if node.parent_id is not None else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    def visit(node: Node, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            visit(child, depth + 1)
        if node.children:
            node.progress = _weighted(node.children)
            dates = [c.last_update for c in node.children if c.last_update] + (
                [node.own_last_update] if node.own_last_update else []
            )
            node.last_update = max(dates) if dates else None
        else:
            node.progress = float(node.own_progress or 0)
            node.last_update = node.own_last_update
        node.expected = expected_progress(node.start_date, node.due_date, today)
        node.status = derive_status(node, today)

    for root in roots:
        visit(root, 0)
    return roots


def walk(roots: list[Node]) -> list[Node]:
    """Depth-first, in tree order."""
    out: list[Node] = []

    def visit(node: Node) -> None:
        out.append(node)
        for child in node.children:
            visit(child)

    for root in roots:
        visit(root)
    return out


def plan_progress(roots: list[Node], programme_kind: str = "programme") -> float:
    """The plan's progress: weighted mean of its programmes (axes only group them)."""
    programmes = [n for n in walk(roots) if n.kind == programme_kind]
    return _weighted(programmes) if programmes else _weighted(roots)
