"""The issue's story: a citizen signs in with a mobile number and an SMS code, submits a case,
receives the SMS and the email in Arabic; an agent's answer reaches them; texting the reference
returns the status. Real HTTP gateway and real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from baladiya.notifications.models import (
    DeliveryAttempt,
    Notification,
    NotificationTemplate,
    PhoneChallenge,
)
from tests.cases.helpers import simple_procedure

pytestmark = pytest.mark.django_db


def _code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


def test_a_citizen_signs_in_by_sms_files_a_case_and_hears_back_in_arabic(
    pilots, operator, smtp, settings, django_capture_on_commit_callbacks, caplog
):
    settings.SMS_WEBHOOK_TOKEN = "gateway-secret"
    procedure = simple_procedure()
    browser = Client()

    # 1. Phone sign-in: national format accepted, the code arrives by SMS.
    response = browser.post("/ar/accounts/phone/", {"phone": "0770 12 34 56"})
    assert response.status_code == 302
    assert operator.requests[-1]["params"]["to"] == "+213770123456"
    code = _code_in(operator.texts[-1])
    assert operator.requests[-1]["headers"]["Authorization"].startswith("Basic ")
    response = browser.post(response["Location"], {"code": code})
    assert response.status_code == 302
    user = response.wsgi_request.user
    assert user.is_authenticated and user.phone == "+213770123456"
    # The code is stored nowhere in clear and never logged.
    assert code not in caplog.text
    assert not Notification.objects.filter(body__contains=code).exists()
    assert not DeliveryAttempt.objects.filter(provider_response__contains=code).exists()
    assert code not in PhoneChallenge.objects.get().code_hash

    # 2. They add an email, keep Arabic, and file a case online.
    browser.post(
        "/ar/my/messages/",
        {
            "first_name": "أمينة",
            "last_name": "خليفي",
            "email": "amina@example.dz",
            "accepts_sms": "on",
            "accepts_email": "on",
            "preferred_language": "ar",
        },
    )
    commune = pilots.apc_a.commune
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/ar/procedures/{procedure.slug}/apply/",
            {"commune": commune.pk, "full_name": "أمينة خليفي"},
        )
    assert response.status_code == 302, response.content[:500]
    case = user.cases.get()
    sms_text = operator.texts[-1]
    assert case.reference in sms_text
    arabic_words = NotificationTemplate.objects.get(kind="case_submitted", language="ar")
    assert re.search("[\u0600-\u06ff]", arabic_words.short_text)  # the template is Arabic
    assert arabic_words.short_text.split("{")[0].strip() in sms_text
    recipients, email = smtp.messages[-1]
    assert recipients == ["amina@example.dz"]
    assert case.reference in email["Subject"]
    parts = {part.get_content_type() for part in email.walk()}
    assert {"text/plain", "text/html"} <= parts
    html = email.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and case.reference in html

    # 3. An agent answers; the answer reaches the citizen by SMS and email.
    from baladiya.cases import services

    agent = pilots.people["agent_a"]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(case=case, actor=agent, body="وثيقتك جاهزة في الشباك 2")
    assert "وثيقتك جاهزة" in operator.texts[-1]
    assert "وثيقتك جاهزة" in smtp.messages[-1][1].get_body(("plain",)).get_content()

    # 4. Texting the reference returns the status; each message went out once.
    gateway = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = gateway.post(
            "/sms/inbound/?token=gateway-secret",
            {"from": "+213770123456", "text": f" {case.reference.lower()} "},
        )
    assert response.status_code == 200 and response.json()["answered"]
    assert operator.requests[-1]["params"]["to"] == "+213770123456"
    assert case.reference in operator.texts[-1]
    sent = Notification.objects.filter(case=case, channel="sms")
    assert sent.count() == len({n.dedup_key for n in sent}) == 3  # submitted, message, reply
    assert all(n.status == "sent" for n in sent)


def test_a_citizens_space_lists_their_cases_and_concerns_across_communes(pilots):
    from baladiya.concerns import services as concern_services
    from baladiya.concerns.models import Category
    from baladiya.territory.models import Commune
    from tests.cases.helpers import make_case
    from tests.concerns.helpers import categories, technical_service

    categories()
    technical_service("0920")
    citizen = pilots.people["citizen"]
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)  # Laghouat
    concern = concern_services.submit_concern(
        category=Category.objects.get(code="street-light-out"),
        commune=Commune.objects.get(ons_code="0920"),  # Boufarik
        description="Le lampadaire est éteint",
        address="Rue des Martyrs",
        phone="",
        name="",
        channel="online",
        actor=citizen,
    ).case
    browser = Client()
    browser.force_login(citizen)
    page = browser.get("/fr/my/cases/").content.decode()
    assert case.reference in page and concern.reference in page
    assert concern.concern.category.name_fr in page
    response = browser.get(f"/fr/my/cases/{concern.pk}/")
    assert response.status_code == 302 and "/concerns/follow/" in response["Location"]


def test_the_citizen_of_a_duplicate_hears_the_originals_answer(
    pilots, django_capture_on_commit_callbacks
):
    from baladiya.cases import services
    from baladiya.concerns import services as concern_services
    from baladiya.notifications import sms
    from tests.concerns.helpers import categories, report, technical_agent

    categories()
    agent = technical_agent("0920", "tech.boufarik")
    with django_capture_on_commit_callbacks(execute=True):
        original = report(phone="0661111111").case
        duplicate = report(phone="0770222222").case
        concern_services.merge_duplicate(case=duplicate, original=original, actor=agent)
    assert sms.outbox[-1]["to"] == "+213770222222" and original.reference in sms.outbox[-1]["text"]
    with django_capture_on_commit_callbacks(execute=True):
        services.fire(case=original, name="receive", actor=agent)
        services.fire(case=original, name="resolve", actor=agent, reason="Lampe changée")
    told = {m["to"] for m in sms.outbox[-2:]}
    assert told == {"+213661111111", "+213770222222"}
    assert all(original.reference in m["text"] for m in sms.outbox[-2:])
