"""Texting a reference returns the status; nobody learns anything without reference + phone."""

from __future__ import annotations

import pytest
from django.test import Client

from baladiya.cases.references import new_reference
from baladiya.notifications import sms
from baladiya.notifications.models import InboundMessage
from tests.cases.helpers import make_case, simple_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    settings.SMS_WEBHOOK_TOKEN = "gw-secret"
    return Client()


def _text(gateway, sender, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return gateway.post(
            "/sms/inbound/", {"from": sender, "text": text}, HTTP_X_BALADIYA_TOKEN="gw-secret"
        )


def test_the_applicants_phone_gets_the_status(
    pilots, citizen, gateway, django_capture_on_commit_callbacks
):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    sms.outbox.clear()
    response = _text(
        gateway, "0661234567", case.reference.replace("-", " "), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert case.reference in sms.outbox[-1]["text"]
    assert sms.outbox[-1]["to"] == "+213661234567"


def test_another_phone_learns_nothing(pilots, citizen, gateway, django_capture_on_commit_callbacks):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    sms.outbox.clear()
    _text(gateway, "0770998877", case.reference, django_capture_on_commit_callbacks)
    answer_for_stranger = sms.outbox[-1]["text"]
    unknown = new_reference("LGT", 2026)
    _text(gateway, "0770998877", unknown, django_capture_on_commit_callbacks)
    answer_for_unknown = sms.outbox[-1]["text"].replace(unknown, case.reference)
    assert answer_for_stranger == answer_for_unknown  # the same words: nothing learnt
    assert case.get_status_display() not in answer_for_stranger


def test_a_malformed_message_gets_help(pilots, gateway, django_capture_on_commit_callbacks):
    _text(
        gateway,
        "0661234567",
        "bonjour, où en est mon dossier ?",
        django_capture_on_commit_callbacks,
    )
    assert "LGT-26-7K3F-9Q2M" in sms.outbox[-1]["text"]  # shows what a reference looks like


def test_floods_are_kept_but_not_answered(
    pilots, gateway, settings, django_capture_on_commit_callbacks
):
    settings.SMS_QUERIES_PER_HOUR = 2
    for _ in range(4):
        _text(gateway, "0661234567", "hello", django_capture_on_commit_callbacks)
    assert len(sms.outbox) == 2 and InboundMessage.objects.count() == 4


def test_the_webhook_refuses_strangers_and_malformed_calls(pilots, gateway):
    assert gateway.post("/sms/inbound/", {"from": "0661234567", "text": "x"}).status_code == 403
    bad_token = gateway.post("/sms/inbound/?token=nope", {"from": "0661234567", "text": "x"})
    assert bad_token.status_code == 403
    url = "/sms/inbound/?token=gw-secret"
    assert gateway.post(url, {"text": "x"}).status_code == 400
    assert gateway.post(url, {"from": "0661234567"}).status_code == 400
    assert gateway.post(url, {"from": "not a phone", "text": "x"}).status_code == 400
    broken = gateway.post(url, data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"] == "malformed"
    assert gateway.get("/sms/inbound/?token=gw-secret").status_code == 400


def test_the_webhook_is_off_until_a_token_is_configured(pilots, settings):
    settings.SMS_WEBHOOK_TOKEN = ""
    response = Client().post("/sms/inbound/?token=", {"from": "0661234567", "text": "x"})
    assert response.status_code == 403
