"""Public statistics and open data, as a journalist would use them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from baladiya.core import memo
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
        memo.forget()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
            assert client.get(_url("transparency:nation")).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] and counts[1] <= 12
    # Names of areas, procedures and categories are kept by the process: a page then reads
    # only the roll-ups, in two queries (totals, then the ranked percentiles).
    cache.clear()
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_an_unknown_area_is_a_404(client, db):
    assert client.get(_url("transparency:area", level="commune", pk=999999)).status_code == 404
    assert client.get(_url("transparency:area", level="planet", pk=1)).status_code == 404
    assert client.get("/open-data/v1/monthly.csv?level=planet").status_code == 404


def test_the_open_data_catalogue_names_its_licence_and_columns(client, db):
    html = client.get(_url("transparency:open-data")).content.decode()
    assert "ODbL" in html and "within_deadline_pct" in html


@pytest.fixture
def reported_commune(pilots):
    """Six street-light concerns in Laghouat, all resolved; five citizens rate the answer."""
    from django.core.cache import cache

    from baladiya.cases import services
    from baladiya.concerns import services as concern_services
    from tests.concerns.helpers import categories, report

    cache.clear()  # pages are cached two minutes: another test may have read this commune
    categories()
    admin = pilots.people["platform_admin"]
    for i in range(6):
        intake = report(ons_code="0301", name="Karim Benali", phone="0550123456")
        case = services.fire(case=intake.case, name="receive", actor=admin)
        case = concern_services.answer(
            case=case, actor=admin, transition="resolve", public_answer="Lampe changée"
        )
        if i < 5:
            concern_services.rate(case=case, score=4 if i < 4 else 1, solved=i < 4)
    return Commune.objects.get(ons_code="0301"), intake.concern.category


def test_a_journalist_compares_concern_categories_and_sees_the_satisfaction(
    client, reported_commune
):
    commune, category = reported_commune
    url = _url("transparency:area", level="commune", pk=commune.pk)
    html = client.get(url).content.decode()
    assert 'id="category"' in html and f'value="{category.pk}"' in html
    assert 'id="concerns-chart-title"' in html
    # 6 received, 6 resolved, 5 ratings averaging (4*4+1)/5 = 3.4, 4 of 5 "solved" = 80 %.
    assert "<dd>6</dd>" in html and "3,4 / 5" in html and "80,0 %" in html  # French page
    assert "Karim" not in html and "0550123456" not in html
    html = client.get(url + f"?category={category.pk}").content.decode()
    assert "3,4 / 5" in html and " selected>" in html
    other = category.__class__.objects.exclude(pk=category.pk).first()
    html = client.get(url + f"?category={other.pk}").content.decode()
    assert "3,4 / 5" not in html  # another category: no rating at all, withheld
    assert client.get(url + "?category=999999").status_code == 404


def test_concern_columns_are_appended_to_the_open_data(client, reported_commune):
    from baladiya.transparency.views import COLUMN_DOCS

    commune, category = reported_commune
    query = f"?level=commune&area={commune.pk}&category={category.pk}"
    text = client.get("/open-data/v1/monthly.csv" + query).text
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert header[:15] == [
        "level", "area_id", "subject", "subject_id", "month", "received", "decided", "open",
        "accepted", "refused", "no_follow_up", "reopened", "median_days", "p90_days",
        "within_deadline_pct",
    ]  # fmt: skip
    assert header == [name for name, _doc in COLUMN_DOCS]
    last = rows[-1]
    assert last["concern_category_id"] == str(category.pk)
    assert (last["concerns_received"], last["concerns_resolved"], last["concerns_rated"]) == (
        "6",
        "6",
        "5",
    )
    assert last["satisfaction"] == "3.4" and last["solved_pct"] == "80.0"
    assert last["concerns_reopened"] == ""  # one reopening: withheld
    data = json.loads(client.get("/open-data/v1/monthly.json" + query).content)
    assert data["months"][-1]["satisfaction"] == 3.4
    assert data["columns"]["solved_pct"]
    assert "Karim" not in text + json.dumps(data)


def test_a_signed_in_visitor_reads_the_same_page_and_leaves_nothing_of_theirs(
    client, busy_commune, pilots
):
    """Pages are kept by address for every visitor; the shell of a kept page names nobody (no
    sign-out form), so the page a signed-in agent caused to be kept is anybody's."""
    from django.test import Client

    commune, _procedure = busy_commune
    url = _url("transparency:area", level="commune", pk=commune.pk)
    agent = Client()
    agent.force_login(pilots.people["agent_a"])
    by_agent = agent.get(url)
    assert "logout" not in by_agent.content.decode()
    assert "csrfmiddlewaretoken" not in by_agent.content.decode()
    first = client.get(url)
    assert first.content == by_agent.content
    assert "max-age=120" in first["Cache-Control"]
    again = client.get(url)
    assert again.content == first.content
