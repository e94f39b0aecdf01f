"""Instant processing: the birth extract is accepted and issued at once when the national
civil-status register (here, the project's reference registry service) has the record."""

from __future__ import annotations

import pytest

from baladiya.cases import services
from baladiya.cases.models import CaseDocument
from baladiya.cases.workflow import Status
from baladiya.catalogue import demo as catalogue_demo
from baladiya.catalogue.models import Procedure
from baladiya.catalogue.selectors import current_form_version
from baladiya.registries.reference_server import start_reference_server
from baladiya.territory.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(settings):
    server, url = start_reference_server(port=0, token="secret-token")
    settings.BALADIYA_REGISTRY_URL = url
    settings.BALADIYA_REGISTRY_TOKEN = "secret-token"
    yield url
    server.shutdown()


def birth_extract_case(pilots, answers):
    catalogue_demo.seed()
    procedure = Procedure.objects.get(slug="extrait-acte-naissance")
    citizen = UserFactory(username="amina-instant")
    laghouat = Commune.objects.get(ons_code="0301")
    case = services.create_draft(
        procedure=procedure,
        form_version=current_form_version(procedure),
        commune_id=laghouat.pk,
        applicant=citizen,
        applicant_name="Amina Khelifi",
        applicant_phone="+213661234567",
        language="ar",
    )
    case, _ = services.submit(case=case, actor=citizen, answers=answers)
    services.after_submission(case=case)
    case.refresh_from_db()
    return case


def amina(**overrides):
    laghouat = Commune.objects.get(ons_code="0301")
    return {
        "for_self": True,
        "last_name": "KHELIFI",
        "first_name": "Amina",
        "birth_date": "1990-03-14",
        "birth_commune": {"id": laghouat.pk, "name_fr": "Laghouat", "name_ar": "الأغواط"},
        "nin": "109900301000123456",
        **overrides,
    }


def test_found_in_the_register_it_is_accepted_and_issued_at_once(pilots, registry):
    case = birth_extract_case(pilots, amina())
    assert case.status == Status.ACCEPTED
    issued = case.documents.get(kind=CaseDocument.Kind.ISSUED)
    assert issued.verification_code and issued.size > 1000
    kinds = list(case.events.order_by("sequence").values_list("kind", flat=True))
    assert kinds[-2:] == ["accepted_instantly", "document_issued"]


def test_not_found_it_stays_with_the_service(pilots, registry):
    case = birth_extract_case(pilots, amina(nin="", last_name="Inconnu", first_name="Personne"))
    assert case.status == Status.SUBMITTED
    assert case.events.filter(kind="note").exists()


def test_with_the_register_down_nothing_is_lost(pilots, settings):
    settings.BALADIYA_REGISTRY_URL = "http://127.0.0.1:9"  # nothing listens there
    case = birth_extract_case(pilots, amina())
    assert case.status == Status.SUBMITTED
    assert "indisponible" in case.events.get(kind="note").payload["body"]
