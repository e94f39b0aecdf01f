"""The roll-up and the derived status rule, without a database."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from baladiya.plans.progress import Node, Status, compute, expected_progress, plan_progress

TODAY = datetime.date(2026, 11, 22)


def node(
    pk,
    parent=None,
    *,
    kind="milestone",
    weight=1,
    start=-100,
    due=100,
    progress=None,
    updated=0,
    cancelled=False,
) -> Node:
    return Node(
        item=None,
        pk=pk,
        parent_id=parent,
        kind=kind,
        weight=Decimal(weight),
        start_date=TODAY + datetime.timedelta(days=start),
        due_date=TODAY + datetime.timedelta(days=due),
        is_cancelled=cancelled,
        own_progress=progress,
        own_last_update=TODAY - datetime.timedelta(days=updated) if progress is not None else None,
    )


def test_a_project_rolls_up_from_its_milestones_by_weight():
    project = node(1, kind="project")
    roots = compute(
        [project, node(2, 1, weight=1, progress=100), node(3, 1, weight=3, progress=20)], TODAY
    )
    assert roots == [project]
    assert project.progress == (100 * 1 + 20 * 3) / 4


def test_the_plan_rolls_up_from_its_programmes_whatever_the_axes():
    axis_a, axis_b = node(1, kind="axis"), node(2, kind="axis")
    p1 = node(3, 1, kind="programme", weight=1, progress=100)
    p2 = node(4, 2, kind="programme", weight=1, progress=0)
    p3 = node(5, 2, kind="programme", weight=2, progress=50)
    roots = compute([axis_a, axis_b, p1, p2, p3], TODAY)
    assert plan_progress(roots) == (100 + 0 + 100) / 4


def test_cancelled_items_weigh_nothing_and_keep_their_state():
    project = node(1, kind="project")
    cancelled = node(2, 1, progress=0, cancelled=True)
    compute([project, node(3, 1, progress=60), cancelled], TODAY)
    assert project.progress == 60
    assert cancelled.status == Status.CANCELLED


def test_past_due_and_not_done_is_late_whatever_was_reported():
    item = node(1, start=-100, due=-1, progress=99, updated=1)
    compute([item], TODAY)
    assert item.status == Status.LATE


def test_done_beats_late():
    item = node(1, start=-100, due=-1, progress=100)
    compute([item], TODAY)
    assert item.status == Status.DONE


def test_before_its_start_without_progress_it_is_not_started():
    item = node(1, start=10, due=100)
    compute([item], TODAY)
    assert item.status == Status.NOT_STARTED


def test_more_than_20_points_behind_the_expected_progress_is_at_risk(settings):
    settings.PLANS_AT_RISK_GAP = 20
    # Half-way through: 50 % expected.
    behind = node(1, start=-50, due=50, progress=29, updated=1)
    close = node(2, start=-50, due=50, progress=30, updated=1)
    compute([behind, close], TODAY)
    assert behind.status == Status.AT_RISK
    assert close.status == Status.ON_TRACK


def test_no_news_for_more_than_n_days_is_at_risk(settings):
    settings.PLANS_STALE_DAYS = 30
    stale = node(1, start=-10, due=300, progress=10, updated=31)
    fresh = node(2, start=-10, due=300, progress=10, updated=30)
    never = node(3, start=-31, due=3000)
    compute([stale, fresh, never], TODAY)
    assert stale.status == Status.AT_RISK
    assert fresh.status == Status.ON_TRACK
    assert never.status == Status.AT_RISK


def test_a_parent_has_news_when_any_child_has():
    project = node(1, kind="project", start=-10, due=300)
    compute([project, node(2, 1, start=-10, due=300, progress=5, updated=2)], TODAY)
    assert project.last_update == TODAY - datetime.timedelta(days=2)
    assert project.status == Status.ON_TRACK


def test_expected_progress_is_linear_and_bounded():
    start, due = TODAY, TODAY + datetime.timedelta(days=10)
    assert expected_progress(start, due, TODAY) == 0
    assert expected_progress(start, due, TODAY + datetime.timedelta(days=5)) == 50
    assert expected_progress(start, due, TODAY + datetime.timedelta(days=50)) == 100


@hypothesis_settings(deadline=None)  # timing varies on a loaded machine; the rule is pure
@given(
    st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 5), st.booleans()), min_size=1, max_size=12
    )
)
def test_a_parent_lies_between_its_childrens_progress(children):
    parent = node(0, kind="project")
    nodes = [parent] + [
        node(i + 1, 0, progress=p, weight=w, cancelled=c) for i, (p, w, c) in enumerate(children)
    ]
    compute(nodes, TODAY)
    counted = [n.progress for n in nodes[1:] if not n.is_cancelled]
    assert 0 <= parent.progress <= 100
    if counted:
        assert min(counted) - 1e-9 <= parent.progress <= max(counted) + 1e-9
    else:
        assert parent.progress == 0
