"""Every page of the case engine passes axe in Arabic, French and English."""

from __future__ import annotations

import pytest

from baladiya.cases import services
from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role
from tests.browser.test_journey import PASSWORD, sign_in
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_citizen_and_agent_pages_pass_axe(new_page, live_server, assert_no_axe_violations, lang):
    from baladiya.organisation.models import ServiceType, Structure, StructureKind

    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0301")
    service = org_services.add_service(parent=apc, service_type=ServiceType.CIVIL_STATUS)
    agent = UserFactory(username=f"agent-{lang}", password=PASSWORD)
    org_services.grant_membership(actor=None, user=agent, structure=service, role=Role.AGENT)
    citizen = UserFactory(username=f"citizen-{lang}", phone="+213661234567", password=PASSWORD)
    procedure = simple_procedure(with_file=True)
    case = make_case(procedure, ons_code="0301", applicant=citizen)
    services.fire(case=case, name="receive", actor=agent)
    services.fire(case=case, name="start_review", actor=agent)
    services.request_opinion(case=case, actor=agent, to_structure=service, question="Avis ?")
    services.fire(case=case, name="request_correction", actor=agent, reason="Document manquant")
    base = live_server.url

    web = new_page()
    sign_in(web, base, lang, citizen.username)
    for path in (
        f"/{lang}/procedures/{procedure.slug}/apply/",
        f"/{lang}/my/cases/",
        f"/{lang}/my/cases/{case.pk}/",
        f"/{lang}/receipts/{case.reference}/",
    ):
        response = web.goto(base + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(web)

    desk = new_page()
    sign_in(desk, base, lang, agent.username)
    for path in (
        f"/{lang}/staff/",
        f"/{lang}/staff/structures/",
        f"/{lang}/staff/cases/?tab=all",
        f"/{lang}/staff/cases/{case.pk}/",
        f"/{lang}/staff/cases/new/",
        f"/{lang}/staff/cases/new/{procedure.slug}/?commune={apc.commune_id}",
        f"/{lang}/staff/opinions/",
    ):
        response = desk.goto(base + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(desk)
