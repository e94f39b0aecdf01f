"""Public statistics and open data, as a journalist would use them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from baladiya.territory.models import Commune
from tests.cases.helpers import make_case, simple_procedure


def _url(name: str, **kwargs) -> str:
    from django.urls import reverse

    with translation.override("fr"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def busy_commune(pilots, citizen):
    """Seven cases in Laghouat, three of them accepted; the rest of the country is quiet."""
    procedure = simple_procedure()
    agent = pilots.people["agent_a"]
    from baladiya.cases import services

    for i in range(7):
        case = make_case(procedure, ons_code="0301", applicant=citizen)
        if i < 3:
            services.fire(case=case, name="receive", actor=agent)
            services.fire(case=case, name="accept", actor=agent)
    return Commune.objects.get(ons_code="0301"), procedure


def test_a_journalist_reads_a_communes_month_with_small_counts_withheld(client, busy_commune):
    commune, _procedure = busy_commune
    response = client.get(_url("transparency:area", level="commune", pk=commune.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<table>" in html
    # 7 received is shown; 3 decisions and 3 accepted are withheld.
    assert "<td>7</td>" in html
    assert "<td>3</td>" not in html and "&lt;5" in html
    assert "Amina" not in html  # no personal data
    assert len(response.content) < 60_000


def test_the_csv_and_json_give_the_same_suppressed_numbers(client, busy_commune):
    commune, procedure = busy_commune
    query = f"?level=commune&area={commune.pk}&procedure={procedure.pk}"
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/v1/monthly.csv" + query).text)))
    assert rows[-1]["received"] == "7" and rows[-1]["decided"] == ""
    data = json.loads(client.get("/open-data/v1/monthly.json" + query).content)
    assert data["months"][-1]["received"] == 7 and data["months"][-1]["decided"] is None
    assert data["licence"]["name"].startswith("Open Data Commons")
    assert data["updated_at"]
    text = json.dumps(data) + "".join(str(r) for r in rows)
    assert "Amina" not in text and "+213" not in text


@pytest.mark.parametrize("level", ["nation", "wilaya", "daira", "commune"])
def test_every_level_answers_in_all_languages(client, busy_commune, level):
    commune, _procedure = busy_commune
    pk = {
        "nation": 0,
        "wilaya": commune.daira.wilaya_id,
        "daira": commune.daira_id,
        "commune": commune.pk,
    }[level]
    for language in ("ar", "fr", "en"):
        with translation.override(language):
            from django.urls import reverse

            url = (
                reverse("transparency:nation")
                if level == "nation"
                else reverse("transparency:area", kwargs={"level": level, "pk": pk})
            )
        response = client.get(url)
        assert response.status_code == 200, (language, level)
        if language == "ar":
            assert 'dir="rtl"' in response.content.decode()


def test_statistics_pages_run_the_same_queries_for_2_and_20_cases(
    pilots, citizen, client, django_assert_max_num_queries
):
    from django.core.cache import cache

    procedure = simple_procedure()
    commune = Commune.objects.get(ons_code="0301")
    url = _url("transparency:area", level="commune", pk=commune.pk)
    counts = []
    for total in (2, 20):
        from baladiya.cases.models import Case

        while Case.objects.count() < total:
            make_case(procedure, ons_code="0301", applicant=citizen)
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
            assert client.get(_url("transparency:nation")).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] and counts[1] <= 12


def test_an_unknown_area_is_a_404(client, db):
    assert client.get(_url("transparency:area", level="commune", pk=999999)).status_code == 404
    assert client.get(_url("transparency:area", level="planet", pk=1)).status_code == 404
    assert client.get("/open-data/v1/monthly.csv?level=planet").status_code == 404


def test_the_open_data_catalogue_names_its_licence_and_columns(client, db):
    html = client.get(_url("transparency:open-data")).content.decode()
    assert "ODbL" in html and "within_deadline_pct" in html
