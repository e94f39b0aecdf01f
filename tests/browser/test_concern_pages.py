"""Concerns' public pages in a real browser: the form, the public list (with the map opened on
demand), the orientation results and the citizen's follow-up page pass axe in ar, fr and en,
and the form sends a concern with JavaScript off."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"ar": "ar-DZ", "fr": "fr-DZ", "en": "en-GB"}


@pytest.fixture
def concerns_data():
    from baladiya.concerns.models import Concern
    from tests.concerns.helpers import categories, report, technical_service

    categories()
    technical_service("0920")
    case = report(latitude="36.57123", longitude="2.91234").case
    return Concern.objects.get(case=case)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
@pytest.mark.parametrize(
    "path",
    ["concerns/new/", "concerns/", "orientation/?q=dou+mkhassar", "follow"],
)
def test_concern_pages_pass_axe(
    new_page, live_server, assert_no_axe_violations, page_errors, concerns_data, lang, path
):
    if path == "follow":
        from baladiya.concerns.views import follow_url

        path = follow_url(concerns_data.case).split("/", 2)[2]
    page = new_page(locale=LOCALES[lang])
    response = page.goto(f"{live_server.url}/{lang}/{path}")
    assert response is not None and response.status == 200
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    assert_no_axe_violations(page)
    assert page_errors(page) == []


def test_the_public_map_opens_on_demand_without_breaking_the_policy(
    new_page, live_server, settings, page_errors, concerns_data
):
    import io

    from PIL import Image

    tile = io.BytesIO()
    Image.new("RGB", (256, 256), "white").save(tile, format="PNG")
    page = new_page(locale="fr-DZ")
    # The tile server stands in for the configured one: the policy must let its images in.
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile.getvalue()),
    )
    page.goto(f"{live_server.url}/fr/concerns/")
    assert page.locator("#concern-map").is_hidden()
    page.click("#concern-map-show")
    page.wait_for_selector("#concern-map .leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.wait_for_selector("#concern-map img.leaflet-tile-loaded")
    assert page_errors(page) == []


def test_the_form_works_without_javascript(new_page, live_server, concerns_data):
    from baladiya.concerns.models import Category, Concern
    from baladiya.territory.models import Commune

    page = new_page(locale="ar-DZ", java_script_enabled=False)
    page.goto(f"{live_server.url}/ar/concerns/new/")
    page.select_option("#id_category", str(Category.objects.get(code="waste").pk))
    page.select_option("#id_commune", str(Commune.objects.get(ons_code="0920").pk))
    page.fill("#id_address", "قرب السوق")
    page.fill("#id_description", "النفايات متراكمة منذ أسبوع")
    page.click("button[type=submit]")
    page.wait_for_url("**/concerns/follow/**")
    assert Concern.objects.count() == 2
