"""The plans API: read scoped, and an owner's system posts progress with a token."""

from __future__ import annotations

import pytest
from django.test import Client

from baladiya.organisation.services import create_api_token
from baladiya.plans.models import ProgressUpdate
from tests.conftest import Pilots
from tests.plans.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_plan(pilots: Pilots):
    return make_plan(pilots.ministry, slug="api", item_owner=pilots.civil_status_a)


def test_an_owners_system_posts_progress_with_its_token(pilots: Pilots, commune_plan):
    key, _ = create_api_token(user=pilots.people["agent_a"], name="Logiciel état civil")
    milestone = commune_plan.milestones[0]
    response = Client().post(
        f"/api/v1/plans/items/{milestone.pk}/updates",
        {"progress": 60, "comment": "Registre numérisé à 60 %"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["item_progress"] == 60
    update = ProgressUpdate.objects.get()
    assert update.via_api and update.author == pilots.people["agent_a"]
    item = Client().get(
        f"/api/v1/plans/items/{commune_plan.project.pk}", headers={"Authorization": f"Bearer {key}"}
    )
    assert item.json()["progress"] == pytest.approx(60 / 3, abs=0.1)


def test_another_communes_token_sees_nothing_and_writes_nothing(pilots: Pilots, commune_plan):
    key, _ = create_api_token(user=pilots.people["agent_b"], name="Autre")
    auth = {"Authorization": f"Bearer {key}"}
    milestone = commune_plan.milestones[0]
    assert Client().get(f"/api/v1/plans/{commune_plan.plan.pk}", headers=auth).status_code == 404
    response = Client().post(
        f"/api/v1/plans/items/{milestone.pk}/updates",
        {"progress": 100, "comment": "x"},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 404
    assert Client().get("/api/v1/plans", headers=auth).json() == []
    assert not ProgressUpdate.objects.exists()


def test_a_plan_lists_only_the_items_you_may_see(pilots: Pilots, commune_plan):
    key, _ = create_api_token(user=pilots.people["agent_a"], name="x")
    body = (
        Client()
        .get(f"/api/v1/plans/{commune_plan.plan.pk}", headers={"Authorization": f"Bearer {key}"})
        .json()
    )
    # The axis belongs to the ministry: the commune's agent sees the programme and below.
    assert [i["code"] for i in body["items"]] == ["1.1", "1.1.1", "1.1.1.1", "1.1.1.2"]


def test_the_routes_are_in_the_openapi_schema():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/plans",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/items/{item_id}",
        "/api/v1/plans/items/{item_id}/updates",
    } <= set(paths)
