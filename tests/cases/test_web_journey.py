"""The journey of the issue, through the pages: a citizen of Laghouat and the état civil agent."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from baladiya.cases.models import Case, CaseDocument
from baladiya.cases.workflow import Status
from tests.cases.helpers import make_case, png_upload, simple_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def citizen():
    return UserFactory(
        username="amina-web", first_name="Amina", last_name="Khelifi", phone="+213661234567"
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_citizen_submits_online_then_the_agent_asks_then_accepts_then_issues(pilots, citizen):
    procedure = simple_procedure(with_file=True)
    web = login(citizen)
    apply_url = f"/ar/procedures/{procedure.slug}/apply/"
    page = web.get(apply_url)
    assert page.status_code == 200 and b'dir="rtl"' in page.content

    # A draft first, resumed later.
    response = web.post(
        apply_url, {"commune": pilots.apc_a.commune_id, "full_name": "Amina", "save_draft": "1"}
    )
    assert response.status_code == 302
    draft = Case.objects.get(applicant=citizen, status=Status.DRAFT)
    assert draft.reference is None and draft.answers == {"full_name": "Amina"}
    resumed = web.get(f"/ar/my/cases/{draft.pk}/", follow=True)
    assert b'value="Amina"' in resumed.content

    response = web.post(
        apply_url,
        {
            "draft": draft.pk,
            "commune": pilots.apc_a.commune_id,
            "full_name": "Amina Khelifi",
            "proof": png_upload(),
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.content[:500]
    case = Case.objects.get(pk=draft.pk)
    assert case.status == Status.SUBMITTED and case.reference.startswith("LGT-")
    receipt = web.get(response["Location"])
    assert case.reference.encode() in receipt.content
    pdf = web.get(f"/ar/receipts/{case.reference}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert case.documents.filter(kind=CaseDocument.Kind.SUPPORTING).count() == 1

    # The état civil agent of Laghouat finds it, takes it and asks for a missing document.
    desk = login(pilots.people["agent_a"])
    inbox = desk.get("/fr/staff/cases/?tab=unassigned")
    assert case.reference.encode() in inbox.content
    action = f"/fr/staff/cases/{case.pk}/action/"
    for step in ("claim", "receive", "start_review"):
        assert desk.post(action, {"action": step}).status_code == 302
    desk.post(action, {"action": "request_correction", "reason": "Ajoutez la copie de la CNI."})
    assert Case.objects.get(pk=case.pk).status == Status.WAITING_CITIZEN
    assert b"Ajoutez la copie" in web.get(f"/ar/my/cases/{case.pk}/").content

    # The citizen adds it from their space.
    web.post(f"/ar/my/cases/{case.pk}/", {"respond": "1", "documents": [png_upload("cni.png")]})
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert case.documents.count() == 2

    desk.post(action, {"action": "accept"})
    desk.post(action, {"action": "issue_document"})
    issued = case.documents.get(kind=CaseDocument.Kind.ISSUED)
    mine = web.get(f"/ar/my/cases/{case.pk}/documents/{issued.pk}/")
    assert mine.status_code == 200 and b"".join(mine.streaming_content).startswith(b"%PDF")

    # Anyone holding the paper can check it is genuine, and learns nothing more.
    check = Client().get(f"/fr/verify/{issued.verification_code}/")
    assert check.status_code == 200 and case.reference.encode() in check.content
    assert b"Khelifi" not in check.content
    assert Client().get("/fr/verify/forged-code/").status_code == 404

    # Another commune's agent cannot open it.
    assert login(pilots.people["agent_b"]).get(f"/fr/staff/cases/{case.pk}/").status_code == 404


def test_a_wrong_answer_loses_nothing_and_says_what_to_fix(pilots, citizen):
    procedure = simple_procedure()
    web = login(citizen)
    response = web.post(
        f"/fr/procedures/{procedure.slug}/apply/",
        {"commune": pilots.apc_a.commune_id, "full_name": "", "submit": "1"},
    )
    assert response.status_code == 200
    assert not Case.objects.filter(applicant=citizen).exists()
    assert b"aria-invalid" in response.content


def test_the_counter_agent_files_for_a_walk_in_citizen(pilots):
    procedure = simple_procedure()
    desk = login(pilots.people["agent_a"])
    url = f"/fr/staff/cases/new/{procedure.slug}/?commune={pilots.apc_a.commune_id}"
    assert desk.get(url).status_code == 200
    response = desk.post(
        url,
        {
            "commune": pilots.apc_a.commune_id,
            "applicant_name": "Ahmed Benali",
            "applicant_phone": "0770 12 34 56",
            "language": "fr",
            "full_name": "Ahmed Benali",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant_name="Ahmed Benali")
    assert case.channel == "counter" and case.applicant_phone == "+213770123456"
    receipt = desk.get(response["Location"])
    code = re.search(rb'<p class="reference" dir="ltr">([0-9A-F]{8})</p>', receipt.content)
    assert code, "the one-time claim code is shown to the agent"


def test_follow_page_finds_a_case_with_the_second_factor_and_is_rate_limited(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    visitor = Client()
    found = visitor.post("/fr/follow/", {"reference": case.reference, "phone_last4": "4567"})
    assert found.status_code == 200 and case.reference.encode() in found.content
    assert b"Khelifi" not in found.content
    wrong = visitor.post("/fr/follow/", {"reference": case.reference, "phone_last4": "0000"})
    assert wrong.status_code == 400
    for _ in range(10):
        visitor.post("/fr/follow/", {"reference": "LGT-26-0000-0000", "phone_last4": "1111"})
    blocked = visitor.post("/fr/follow/", {"reference": case.reference, "phone_last4": "4567"})
    assert blocked.status_code == 429


def test_the_receipt_qr_code_leads_to_the_status_page(pilots, citizen):
    from baladiya.cases.views_citizen import status_url

    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    page = Client().get(status_url(case))
    assert page.status_code == 200 and case.reference.encode() in page.content
    assert Client().get("/fr/follow/forged-token/").status_code == 404
