"""Public statistics and open data in a real browser: axe finds nothing in ar, fr and en, the
chart is an image with a name, and Arabic reads right to left."""

from __future__ import annotations

import pytest

from baladiya.territory.models import Commune
from tests.cases.helpers import make_case, simple_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"ar": "ar-DZ", "fr": "fr-DZ", "en": "en-GB"}


@pytest.fixture
def laghouat(pilots):
    procedure = simple_procedure()
    for _ in range(6):
        make_case(procedure, ons_code="0301", applicant=pilots.people["citizen"])
    return Commune.objects.get(ons_code="0301")


@pytest.mark.parametrize("lang", list(LOCALES))
def test_statistics_pages_have_no_axe_violation(
    new_page, live_server, laghouat, lang, assert_no_axe_violations
):
    for path in (
        f"/{lang}/statistics/",
        f"/{lang}/statistics/commune/{laghouat.pk}/",
        f"/{lang}/statistics/wilaya/{laghouat.daira.wilaya_id}/",
        f"/{lang}/open-data/",
    ):
        page = new_page(locale=LOCALES[lang])
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert_no_axe_violations(page)
        if "statistics" in path:
            # Two charts: cases (received, decided) and concerns (received, resolved).
            charts = page.locator("svg[role=img]")
            assert charts.count() == 2
            for i in range(2):
                assert charts.nth(i).get_attribute("aria-labelledby")
