"""The action plans pages pass axe in Arabic, French and English; the public page is public.

The accountability page is the one the public sees (and the issue asks for no violation in
ar, fr and en); the staff pages (follow-up, plan, timeline, item with its form) are checked too.
"""

from __future__ import annotations

import pytest

from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role
from baladiya.plans.models import Indicator, Measurement, PlanItem
from tests.browser.test_journey import PASSWORD, sign_in
from tests.factories import UserFactory
from tests.plans.helpers import days, make_plan, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plan():
    from baladiya.organisation.models import Structure, StructureKind

    ministry = Structure.objects.get(kind=StructureKind.MINISTRY)
    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0301")
    small = make_plan(ministry, slug="transparence", item_owner=apc)
    PlanItem.objects.create(
        plan=small.plan,
        parent=small.axis,
        kind="programme",
        code="9",
        title_fr="Dossier secret",
        title_ar="ملف سري",
        owner_structure=ministry,
        start_date=days(-10),
        due_date=days(-1),
        is_public=False,
    )
    PlanItem.objects.filter(pk=small.milestones[0].pk).update(due_date=days(-2))
    report(small.milestones[0], 40, ago=3)
    report(small.milestones[1], 20, ago=1)
    indicator = Indicator.objects.create(
        item=small.project,
        title_fr="Agents formés",
        title_ar="الأعوان المكوَّنون",
        title_en="Agents trained",
        baseline=0,
        target=120,
    )
    for ago, value in ((60, 10), (30, 40), (1, 70)):
        Measurement.objects.create(indicator=indicator, measured_on=days(-ago), value=value)
    return small, apc


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_accountability_page_passes_axe_and_hides_private_items(
    new_page, live_server, assert_no_axe_violations, lang
):
    small, _apc = _plan()
    page = new_page()
    for path in ("/plans/", f"/plans/{small.plan.slug}/"):
        response = page.goto(f"{live_server.url}/{lang}{path}")
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
    assert "dossier secret" not in page.content().lower() and "ملف سري" not in page.content()
    assert page.locator("svg[role=img]").count() >= 2  # indicator chart and timeline


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_staff_pages_pass_axe(new_page, live_server, assert_no_axe_violations, lang):
    small, apc = _plan()
    agent = UserFactory(username=f"plans-agent-{lang}", password=PASSWORD)
    org_services.grant_membership(actor=None, user=agent, structure=apc, role=Role.AGENT)
    page = new_page()
    sign_in(page, live_server.url, lang, agent.username)
    for path in (
        "/staff/plans/",
        f"/staff/plans/{small.plan.pk}/",
        f"/staff/plans/{small.plan.pk}/timeline/",
        f"/staff/plans/items/{small.milestones[1].pk}/",
    ):
        response = page.goto(f"{live_server.url}/{lang}{path}")
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
