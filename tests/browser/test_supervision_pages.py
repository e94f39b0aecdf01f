"""Supervision pages pass axe in Arabic, French and English: the wilaya supervisor's table of
communes (sortable headers, the scrollable region) and the drill-down to overdue cases."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, Structure, StructureKind
from tests.browser.test_journey import PASSWORD, sign_in
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"ar": "ar-DZ", "fr": "fr-DZ", "en": "en-GB"}


@pytest.mark.parametrize("lang", list(LOCALES))
def test_the_supervision_pages_have_no_axe_violation(
    new_page, live_server, pilots, lang, assert_no_axe_violations
):
    procedure = simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
        late = make_case(procedure, ons_code="0301", applicant=pilots.people["citizen"])
    wilaya = Structure.objects.get(pk=pilots.wilaya_a.pk, kind=StructureKind.WILAYA)
    supervisor = UserFactory(username=f"supervisor-{lang}", password=PASSWORD)
    org_services.grant_membership(
        actor=None, user=supervisor, structure=wilaya, role=Role.SUPERVISOR
    )
    page = new_page(locale=LOCALES[lang])
    sign_in(page, live_server.url, lang, supervisor.username)
    for path in (
        f"/{lang}/staff/supervision/?sort=-overdue",
        f"/{lang}/staff/supervision/commune/{late.commune_id}/overdue/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert_no_axe_violations(page)
    assert late.reference in page.content()
