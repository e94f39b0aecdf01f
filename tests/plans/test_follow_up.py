"""User stories of the staff pages: a supervisor follows, an owner reports, others are refused."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from baladiya.organisation.scoping import Scope
from baladiya.plans import selectors
from baladiya.plans.models import PlanItem, ProgressUpdate
from baladiya.plans.progress import Status
from tests.cases.helpers import png_upload
from tests.conftest import Pilots
from tests.plans.helpers import days, make_plan, report

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commune_plan(pilots: Pilots):
    """A ministry plan whose project and milestones belong to commune A's état civil."""
    return make_plan(pilots.ministry, slug="numerique", item_owner=pilots.civil_status_a)


def test_a_ministry_supervisor_sees_late_items_at_a_glance_and_reads_the_history(
    pilots: Pilots, commune_plan
):
    late = commune_plan.milestones[0]
    PlanItem.objects.filter(pk=late.pk).update(start_date=days(-60), due_date=days(-3))
    report(late, 40, ago=10)
    report(late, 60, ago=2)
    other = make_plan(pilots.ministry, slug="b", item_owner=pilots.civil_status_b)
    PlanItem.objects.filter(pk=other.milestones[0].pk).update(
        due_date=days(-1), start_date=days(-9)
    )
    supervisor = client_of(pilots.people["supervisor_ministry"])

    page = supervisor.get(reverse("plans:follow-up"))
    assert page.status_code == 200
    late_codes = [n.item.code for n in page.context["data"].late]
    assert late_codes == ["1.1.1.1", "1.1.1.1"]  # one in each commune, earliest due first
    assert Status.LATE in {n.status for n in page.context["data"].late}

    item_page = supervisor.get(reverse("plans:staff-item", args=[late.pk]))
    assert item_page.status_code == 200
    assert [u.progress for u in item_page.context["updates"]] == [60, 40]
    assert item_page.context["node"].status == Status.LATE
    assert not item_page.context["can_report"]  # supervisors follow, owners report


def test_a_wilaya_supervisor_does_not_follow_another_wilaya(pilots: Pilots, commune_plan):
    make_plan(pilots.ministry, slug="b", item_owner=pilots.civil_status_b)
    data = selectors.follow_up(Scope.of(pilots.people["supervisor_wilaya_a"]), on=days(200))
    owners = {n.item.owner_structure for n in data.late}
    assert owners == {pilots.civil_status_a}


def test_the_owner_posts_an_update_with_evidence_and_the_roll_up_changes(
    pilots: Pilots, commune_plan
):
    agent = client_of(pilots.people["agent_a"])
    milestone = commune_plan.milestones[1]  # weight 2 of 3
    before = selectors.plan_tree(commune_plan.plan).by_pk[commune_plan.project.pk].progress
    response = agent.post(
        reverse("plans:staff-item", args=[milestone.pk]),
        {
            "progress": "90",
            "reported_on": days(0).isoformat(),
            "comment": "Guichet ouvert au public.",
            "evidence": [png_upload("photo.png")],
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(item=milestone)
    assert update.author == pilots.people["agent_a"]
    assert update.evidence.get().content_type == "image/png"
    tree = selectors.plan_tree(commune_plan.plan)
    assert before == 0
    assert tree.by_pk[commune_plan.project.pk].progress == pytest.approx(90 * 2 / 3)
    assert tree.progress == pytest.approx(90 * 2 / 3)

    # A second update is a new row; the first stays, word for word.
    agent.post(
        reverse("plans:staff-item", args=[milestone.pk]),
        {"progress": "95", "reported_on": days(0).isoformat(), "comment": "Presque fini."},
    )
    assert list(
        ProgressUpdate.objects.filter(item=milestone).values_list("progress", flat=True)
    ) == [95, 90]
    evidence = update.evidence.get()
    assert agent.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 200
    assert (
        client_of(pilots.people["agent_b"])
        .get(reverse("plans:evidence", args=[evidence.pk]))
        .status_code
        == 404
    )


def test_an_agent_of_another_commune_can_neither_see_nor_update(pilots: Pilots, commune_plan):
    milestone = commune_plan.milestones[0]
    stranger = client_of(pilots.people["agent_b"])
    url = reverse("plans:staff-item", args=[milestone.pk])
    assert stranger.get(url).status_code == 404
    response = stranger.post(
        url, {"progress": "100", "reported_on": days(0).isoformat(), "comment": "x"}
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()
    assert stranger.get(reverse("plans:staff-plan", args=[commune_plan.plan.pk])).status_code == 404


def test_a_supervisor_may_not_post_progress_for_the_owner(pilots: Pilots, commune_plan):
    url = reverse("plans:staff-item", args=[commune_plan.milestones[0].pk])
    response = client_of(pilots.people["supervisor_daira_a"]).post(
        url, {"progress": "100", "reported_on": days(0).isoformat(), "comment": "x"}
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_progress_of_a_parent_is_computed_not_reported(pilots: Pilots, commune_plan):
    response = client_of(pilots.people["agent_a"]).post(
        reverse("plans:staff-item", args=[commune_plan.project.pk]),
        {"progress": "100", "reported_on": days(0).isoformat(), "comment": "Tout est fait"},
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_a_fake_evidence_file_is_refused_and_nothing_is_recorded(pilots: Pilots, commune_plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.png", b"not really a png at all", content_type="image/png")
    response = client_of(pilots.people["agent_a"]).post(
        reverse("plans:staff-item", args=[commune_plan.milestones[0].pk]),
        {"progress": "10", "reported_on": days(0).isoformat(), "comment": "x", "evidence": [fake]},
    )
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_an_update_cannot_be_dated_in_the_future(pilots: Pilots, commune_plan):
    response = client_of(pilots.people["agent_a"]).post(
        reverse("plans:staff-item", args=[commune_plan.milestones[0].pk]),
        {"progress": "10", "reported_on": days(3).isoformat(), "comment": "x"},
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_owners_see_their_reminders(pilots: Pilots, commune_plan):
    soon = commune_plan.milestones[0]
    PlanItem.objects.filter(pk=soon.pk).update(due_date=days(5))
    page = client_of(pilots.people["agent_a"]).get(reverse("plans:follow-up"))
    assert [n.pk for n in page.context["data"].reminders] == [soon.pk]
    assert "Reminders" in page.content.decode() or "reminders" in page.content.decode()
    # Supervisors do not report: no reminders for them.
    page = client_of(pilots.people["supervisor_ministry"]).get(reverse("plans:follow-up"))
    assert page.context["data"].reminders == []


def test_items_needing_reminder_are_due_soon_or_newly_late(pilots: Pilots, commune_plan):
    first, second = commune_plan.milestones
    PlanItem.objects.filter(pk=first.pk).update(due_date=days(10))
    PlanItem.objects.filter(pk=second.pk).update(due_date=days(-2))
    picked = {n.pk for n in selectors.items_needing_reminder(days(0))}
    assert {first.pk, second.pk} <= picked
    assert commune_plan.axis.pk not in picked  # due in 100 days
    # Long late: no longer "newly" late.
    assert second.pk not in {n.pk for n in selectors.items_needing_reminder(days(60))}


def _grow(plan, n: int):
    project = plan.project
    for i in range(n):
        PlanItem.objects.create(
            plan=plan.plan,
            parent=project,
            kind="milestone",
            code=f"x{i}",
            title_fr="m",
            title_ar="م",
            owner_structure=project.owner_structure,
            start_date=days(-5),
            due_date=days(5),
        )
        report(PlanItem.objects.get(plan=plan.plan, code=f"x{i}"), 10)


@pytest.mark.parametrize("route", ["plans:staff-plan", "plans:timeline"])
def test_plan_pages_run_the_same_number_of_queries_for_2_and_20_items(
    pilots: Pilots, commune_plan, route
):
    supervisor = client_of(pilots.people["supervisor_ministry"])
    url = reverse(route, args=[commune_plan.plan.pk])
    supervisor.get(url)
    counts = []
    for extra in (0, 18):
        _grow(commune_plan, extra)
        with CaptureQueriesContext(connection) as queries:
            assert supervisor.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_follow_up_and_plan_tree_are_bounded(pilots: Pilots, commune_plan):
    scope = Scope.of(pilots.people["supervisor_ministry"])
    with CaptureQueriesContext(connection) as few:
        selectors.follow_up(scope)
    _grow(commune_plan, 20)
    make_plan(pilots.ministry, slug="other", item_owner=pilots.civil_status_b)
    with CaptureQueriesContext(connection) as many:
        selectors.follow_up(scope)
    assert len(few) == len(many) <= 3
    with CaptureQueriesContext(connection) as one:
        selectors.plan_tree(commune_plan.plan)
    assert len(one) == 1


def test_every_view_exports_to_csv_and_xlsx(pilots: Pilots, commune_plan):
    supervisor = client_of(pilots.people["supervisor_ministry"])
    csv = supervisor.get(reverse("plans:staff-plan", args=[commune_plan.plan.pk]) + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 5 and lines[1].startswith("1,")
    xlsx = supervisor.get(reverse("plans:timeline", args=[commune_plan.plan.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 6
    late = supervisor.get(reverse("plans:follow-up") + "?list=late&format=csv")
    assert late.status_code == 200 and late["Content-Type"].startswith("text/csv")


def test_the_owner_records_a_measurement_of_an_indicator(pilots: Pilots, commune_plan):
    from baladiya.plans.models import Indicator, Measurement

    indicator = Indicator.objects.create(
        item=commune_plan.milestones[0],
        title_fr="Agents formés",
        title_ar="أعوان",
        baseline=0,
        target=120,
    )
    url = reverse("plans:staff-item", args=[commune_plan.milestones[0].pk])
    data = {"indicator": indicator.pk, "value": "30", "measured_on": days(0).isoformat()}
    assert client_of(pilots.people["agent_a"]).post(url, data).status_code == 302
    assert client_of(pilots.people["supervisor_ministry"]).post(url, data).status_code == 403
    assert client_of(pilots.people["agent_b"]).post(url, data).status_code == 404
    assert list(Measurement.objects.values_list("value", flat=True)) == [30]
    page = client_of(pilots.people["agent_a"]).get(url).content.decode()
    assert "أعوان" in page and "<svg" in page  # Arabic: the default language


def test_the_timeline_of_one_programme_lists_it_and_what_is_below(pilots: Pilots, commune_plan):
    make_plan(pilots.ministry, slug="b", item_owner=pilots.civil_status_b)
    page = client_of(pilots.people["supervisor_ministry"]).get(
        f"/ar/staff/plans/{commune_plan.plan.pk}/timeline/", {"item": commune_plan.programme.pk}
    )
    codes = [bar.node.item.code for bar in page.context["gantt"].bars]
    assert codes == ["1.1", "1.1.1", "1.1.1.1", "1.1.1.2"]
    assert page.context["gantt"].rtl  # in Arabic, time runs from right to left
    first = page.context["gantt"].bars[0]
    assert first.x + first.width <= page.context["gantt"].width
