"""The case journey in a real browser, as a new user would try it, with axe on every page.

A citizen of Laghouat finds the birth extract in Arabic, submits it with a document and gets the
receipt; the état civil agent of Laghouat asks for a missing document; the citizen adds it; the
agent accepts and issues the attestation, whose QR code leads to a page that says it is genuine.
Every public page of the sitemap passes axe in every language.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from baladiya.cases.models import Case, CaseDocument
from baladiya.cases.workflow import Status
from baladiya.catalogue import demo as catalogue_demo
from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, ServiceType, Structure, StructureKind
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def sign_in(page, base: str, lang: str, username: str) -> None:
    page.goto(f"{base}/{lang}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def png(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_the_birth_extract_journey(new_page, live_server, assert_no_axe_violations, tmp_path):
    catalogue_demo.seed()
    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0301")
    civil_status = org_services.add_service(parent=apc, service_type=ServiceType.CIVIL_STATUS)
    agent = UserFactory(username="agent.laghouat.test", password=PASSWORD)
    org_services.grant_membership(actor=None, user=agent, structure=civil_status, role=Role.AGENT)
    UserFactory(
        username="amina.test",
        first_name="Amina",
        last_name="Khelifi",
        phone="+213661234567",
        password=PASSWORD,
    )
    base = live_server.url

    # The citizen searches in Arabic and finds the birth extract.
    citizen = new_page(locale="ar-DZ")
    sign_in(citizen, base, "ar", "amina.test")
    citizen.goto(f"{base}/ar/procedures/?q=شهادة الميلاد")
    assert_no_axe_violations(citizen)
    citizen.click("a[href='/ar/procedures/extrait-acte-naissance/']")
    assert_no_axe_violations(citizen)
    citizen.click("a[href='/ar/procedures/extrait-acte-naissance/apply/']")
    assert citizen.get_attribute("html", "dir") == "rtl"
    assert_no_axe_violations(citizen)
    citizen.select_option("#commune", value=str(apc.commune_id))
    citizen.check("#id_for_self_0")
    citizen.fill("#id_last_name", "خليفي")
    citizen.fill("#id_first_name", "أمينة")
    citizen.fill("#id_birth_date", "14/03/1990")
    citizen.fill("#id_birth_commune", "0301")
    citizen.fill("#id_father_first_name", "محمد")
    citizen.fill("#id_mother_full_name", "فاطمة بن عيسى")
    citizen.fill("#id_copies", "1")
    citizen.set_input_files("input[name=id_copy]", png(tmp_path, "cni.png"))
    citizen.click("button[name=submit]")
    citizen.wait_for_load_state()
    case = Case.objects.get(applicant__username="amina.test")
    assert case.status == Status.SUBMITTED, citizen.content()[:2000]
    assert case.reference in citizen.content()
    assert_no_axe_violations(citizen)
    assert case.documents.filter(kind=CaseDocument.Kind.SUPPORTING).count() == 1

    # The agent of Laghouat receives it and asks for a missing document.
    desk = new_page(locale="fr-DZ")
    sign_in(desk, base, "fr", "agent.laghouat.test")
    desk.goto(f"{base}/fr/staff/cases/?tab=unassigned")
    assert_no_axe_violations(desk)
    desk.click(f"text={case.reference}")
    assert_no_axe_violations(desk)
    for action in ("claim", "receive", "start_review"):
        desk.click(f"button[value={action}], form:has(input[value={action}]) button")
        desk.wait_for_load_state()
    desk.fill("#reason-request_correction", "Merci d'ajouter la copie du livret de famille.")
    desk.click("form:has(input[value=request_correction]) button")
    desk.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).status == Status.WAITING_CITIZEN

    # The citizen adds it from their space.
    citizen.goto(f"{base}/ar/my/cases/{case.pk}/")
    assert "livret de famille" in citizen.content()
    assert_no_axe_violations(citizen)
    citizen.set_input_files("#documents", png(tmp_path, "livret.png"))
    citizen.click("button[name=respond]")
    citizen.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW

    # The agent accepts and issues the attestation.
    desk.goto(f"{base}/fr/staff/cases/{case.pk}/")
    desk.click("form:has(input[value=accept]) button")
    desk.wait_for_load_state()
    desk.click("button[value=issue_document]")
    desk.wait_for_load_state()
    issued = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.ISSUED)

    # The citizen finds it in their space; its QR code's page confirms it is genuine.
    citizen.goto(f"{base}/ar/my/cases/{case.pk}/")
    assert f"/documents/{issued.pk}/" in citizen.content()
    citizen.goto(f"{base}/ar/verify/{issued.verification_code}/")
    assert case.reference in citizen.content()
    assert_no_axe_violations(citizen)


@pytest.mark.parametrize("lang", ["ar", "fr", "en", "kab"])
def test_every_public_page_of_the_sitemap_passes_axe(
    page, live_server, assert_no_axe_violations, lang
):
    catalogue_demo.seed()
    sitemap = page.request.get(f"{live_server.url}/sitemap.xml").text()
    paths = [
        p
        for p in re.findall(r"<loc>https?://[^/]+(/[^<]*)</loc>", sitemap)
        if p.startswith(f"/{lang}/")
    ]
    assert len(paths) >= 15
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_follow_page_passes_axe(page, live_server, assert_no_axe_violations, lang):
    page.goto(f"{live_server.url}/{lang}/follow/")
    assert_no_axe_violations(page)
    page.fill("#reference", "LGT-26-AAAA-AAAA")
    page.fill("#phone_last4", "1234")
    page.click("form.form button[type=submit]")
    assert_no_axe_violations(page)
