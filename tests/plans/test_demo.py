"""The demo plan: four pilot communes, a mix of statuses today, a private programme hidden."""

from __future__ import annotations

import pytest
from django.test import Client

from baladiya.organisation import demo as organisation_demo
from baladiya.plans import demo, selectors
from baladiya.plans.models import Plan
from baladiya.plans.progress import Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_mix_of_statuses_and_hides_its_private_programme():
    organisation_demo.seed()
    plan = demo.seed()
    assert demo.seed() == plan and Plan.objects.count() == 1  # idempotent
    tree = selectors.plan_tree(plan)
    statuses = {n.status for n in tree.nodes if n.kind == "project"}
    assert {Status.LATE, Status.ON_TRACK, Status.AT_RISK, Status.DONE} <= statuses
    communes = {
        n.item.owner_structure.parent.commune.ons_code
        for n in tree.nodes
        if n.kind == "project"
        and n.item.owner_structure.parent
        and n.item.owner_structure.parent.commune
    }
    assert communes == {"3501", "0301", "0920", "4431"}
    for lang in ("ar", "fr", "en"):
        assert len(Client().get(f"/{lang}/plans/{plan.slug}/").content) < 60_000
    page = Client().get(f"/fr/plans/{plan.slug}/").content.decode()
    assert "confidentiel" not in page.lower()
    assert "Agents formés" in page and "Procédures en ligne" in page
