"""The territory admin lists do not query once per row."""

import pytest
from django.urls import reverse

from baladiya.territory.models import Commune

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.territory.admin_urls")]


@pytest.mark.parametrize("model", ["wilaya", "daira", "commune"])
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, model, django_assert_max_num_queries
):
    # 69 wilayas, then 100 daïras or communes per page: a per-row query would blow the limit.
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse(f"admin:territory_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("commune", "3501", "Boumerdès"),
        ("commune", "بوفاريك", "Boufarik"),
        ("commune", "09001", "Boufarik"),
        ("daira", "Bathia", "Bathia"),
        ("wilaya", "59", "Aflou"),
        ("wilaya", "Aflou", "Aflou"),
    ],
)
def test_search(admin_client, model, query, expected):
    response = admin_client.get(reverse(f"admin:territory_{model}_changelist"), {"q": query})
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_filter_communes_by_wilaya(admin_client):
    wilaya_id = Commune.objects.get(ons_code="0319").daira.wilaya_id
    response = admin_client.get(
        reverse("admin:territory_commune_changelist"), {"daira__wilaya__id__exact": wilaya_id}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 12  # Aflou, wilaya 59


def test_change_form_uses_autocomplete(admin_client, django_assert_max_num_queries):
    commune = Commune.objects.get(ons_code="4431")
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:territory_commune_change", args=[commune.pk]))
    assert response.status_code == 200
    assert "admin-autocomplete" in response.content.decode()
