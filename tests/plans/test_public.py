"""The accountability page: public plans only, private items never, data as CSV/XLSX/JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baladiya.plans.models import Indicator, Measurement, PlanItem
from tests.conftest import Pilots
from tests.plans.helpers import days, make_plan, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_plan(pilots: Pilots):
    small = make_plan(pilots.ministry, slug="ouvert", item_owner=pilots.apc_a)
    secret = PlanItem.objects.create(
        plan=small.plan,
        parent=small.axis,
        kind="programme",
        code="9",
        title_fr="Dossier secret",
        title_ar="ملف سري",
        owner_structure=pilots.ministry,
        start_date=days(-10),
        due_date=days(-1),
        is_public=False,
        weight=50,
    )
    PlanItem.objects.create(
        plan=small.plan,
        parent=secret,
        kind="project",
        code="9.1",
        title_fr="Sous-dossier caché",
        title_ar="ملف فرعي",
        owner_structure=pilots.ministry,
        start_date=days(-10),
        due_date=days(-1),
    )
    report(small.milestones[0], 50)
    indicator = Indicator.objects.create(
        item=small.project,
        title_fr="Procédures en ligne",
        title_ar="الإجراءات عبر الإنترنت",
        baseline=4,
        target=20,
    )
    Measurement.objects.create(indicator=indicator, measured_on=days(-30), value=7)
    Measurement.objects.create(indicator=indicator, measured_on=days(-1), value=11)
    return small


def test_the_public_sees_items_progress_and_indicators_but_nothing_private(public_plan):
    for lang in ("ar", "fr", "en"):
        page = Client().get(f"/{lang}/plans/{public_plan.plan.slug}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert (
            "dossier secret" not in html.lower() and "caché" not in html and "ملف سري" not in html
        )
        assert "<svg" in html and "<table" in html
        assert len(page.content) < 60_000
    tree = Client().get("/fr/plans/ouvert/").context["tree"]
    # The private programme (weight 50, late) weighs nothing on the public progress.
    assert tree.progress == pytest.approx(50 * 1 / 3)


def test_the_downloads_hold_the_same_public_data(public_plan):
    data = Client().get("/plans/ouvert/data.json".join(["/fr", ""])).json()
    codes = {item["code"] for item in data["items"]}
    assert codes == {"1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2"}
    csv = Client().get("/fr/plans/ouvert/data.csv").content.decode("utf-8-sig")
    assert "secret" not in csv.lower() and len(csv.splitlines()) == 6
    assert Client().get("/fr/plans/ouvert/data.xlsx").status_code == 200


def test_a_private_plan_has_no_public_page(pilots: Pilots):
    make_plan(pilots.ministry, slug="interne", public=False)
    assert Client().get("/fr/plans/interne/").status_code == 404
    assert Client().get("/fr/plans/interne/data.json").status_code == 404
    assert "interne" not in Client().get("/fr/plans/").content.decode()


def test_the_public_page_runs_a_bounded_number_of_queries(public_plan):
    url = "/fr/plans/ouvert/"
    Client().get(url)
    with CaptureQueriesContext(connection) as few:
        Client().get(url)
    for i in range(18):
        item = PlanItem.objects.create(
            plan=public_plan.plan,
            parent=public_plan.project,
            kind="milestone",
            code=f"m{i}",
            title_fr="m",
            title_ar="م",
            owner_structure=public_plan.project.owner_structure,
            start_date=days(-3),
            due_date=days(3),
        )
        report(item, 5)
    with CaptureQueriesContext(connection) as many:
        Client().get(url)
    assert len(few) == len(many)


def test_public_plans_are_in_the_sitemap_and_private_ones_are_not(pilots: Pilots):
    from django.core.cache import cache

    make_plan(pilots.ministry, slug="ouvert-a-tous")
    make_plan(pilots.ministry, slug="reserve", public=False)
    cache.clear()
    xml = Client().get("/sitemap.xml").content.decode()
    assert "/fr/plans/ouvert-a-tous/" in xml and "/fr/plans/" in xml
    assert "reserve" not in xml


def test_kabyle_readers_get_the_page_with_french_titles_marked(public_plan):
    page = Client().get("/kab/plans/ouvert/")
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()  # no Kabyle title: the French one, marked
