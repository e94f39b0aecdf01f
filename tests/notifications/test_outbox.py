"""The outbox: written with the event, delivered once, retried with backoff, logged, resent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from baladiya.cases import services as case_services
from baladiya.notifications import services, sms
from baladiya.notifications.models import Notification, NotificationStatus
from tests.cases.helpers import make_case, simple_procedure

pytestmark = pytest.mark.django_db


def test_the_message_is_written_in_the_events_transaction_and_vanishes_with_it(pilots, citizen):
    procedure = simple_procedure()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(procedure, ons_code="0301", applicant=citizen)
        assert Notification.objects.filter(kind="case_submitted").count() == 1
        raise RuntimeError("the submission fails after the event")
    assert not Notification.objects.exists()


def test_each_event_gives_one_message_per_channel_and_it_is_sent_once(
    pilots, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == NotificationStatus.SENT and len(sms.outbox) == 1
    # The same event again, a second worker, a retried task: nothing more goes out.
    event = case.events.get(kind="submitted")
    services.save_to_outbox(services.outbox_rows_for_event(event, case))
    assert services.deliver(row.pk) == "skipped"
    assert Notification.objects.filter(case=case, channel="sms").count() == 1
    assert len(sms.outbox) == 1
    assert row.delivery_attempts.get().outcome == "sent"


def test_internal_notes_and_drafts_tell_the_citizen_nothing(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    before = Notification.objects.count()
    case_services.post_message(
        case=case, actor=pilots.people["agent_a"], body="note", internal=True
    )
    make_case(simple_procedure(), ons_code="0301", applicant=citizen, submit=False)
    assert Notification.objects.count() == before


def test_a_failing_gateway_is_retried_with_growing_delays_then_shown_as_failed(
    pilots, citizen, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP = {"url": "http://127.0.0.1:9/unreachable", "timeout": 1}
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == "pending" and row.attempts == 1
    first_delay = row.next_attempt_at - start
    assert datetime.timedelta(seconds=25) < first_delay < datetime.timedelta(seconds=40)
    assert services.deliver(row.pk) == "skipped"  # not due yet
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1)):
        services.deliver_due()
    row.refresh_from_db()
    assert row.attempts == 2 and row.status == "pending"
    assert row.next_attempt_at - timezone.now() > first_delay  # the delay doubled
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1)):
        services.deliver_due()
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED and row.attempts == 3
    log = list(row.delivery_attempts.values_list("outcome", "provider_response"))
    assert [o for o, _ in log] == ["failed"] * 3 and "unreachable" in log[-1][1]

    # An agent sees it on the case page and sends it again once the gateway is back.
    from django.test import Client

    desk = Client()
    desk.force_login(pilots.people["agent_a"])
    page = desk.get(f"/fr/staff/cases/{case.pk}/").content.decode()
    assert f"/staff/messages/{row.pk}/resend/" in page
    settings.SMS_BACKEND = "locmem"
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post(f"/fr/staff/messages/{row.pk}/resend/").status_code == 302
    row.refresh_from_db()
    assert row.status == "sent" and len(sms.outbox) == 1
    # Another commune's agent cannot see or resend it.
    other = Client()
    other.force_login(pilots.people["agent_b"])
    assert other.post(f"/fr/staff/messages/{row.pk}/resend/").status_code == 404
    assert case.reference not in other.get("/fr/staff/messages/").content.decode()
    assert case.reference in desk.get("/fr/staff/messages/").content.decode()


def test_a_refused_number_is_not_retried(
    pilots, citizen, settings, django_capture_on_commit_callbacks
):
    from tests.notifications.servers import FakeOperator

    with FakeOperator(status=400, body='{"error":"invalid number"}') as fake:
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP = {"url": fake.url}
        with django_capture_on_commit_callbacks(execute=True):
            case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == "failed" and row.attempts == 1
    assert "invalid number" in row.delivery_attempts.get().provider_response


def test_a_citizen_who_turned_sms_off_gets_none(
    pilots, citizen, django_capture_on_commit_callbacks
):
    citizen.accepts_sms = False
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    assert row.status == "cancelled" and not sms.outbox


def test_a_walk_in_citizen_without_phone_or_email_gets_a_printed_notice(pilots):
    from django.test import Client

    agent = pilots.people["agent_a"]
    case = make_case(simple_procedure(), ons_code="0301", applicant=None, phone="", submit=False)
    case.filed_by, case.channel = agent, "counter"  # filed at the counter for a walk-in
    case.save()
    case, _code = case_services.submit(case=case, actor=agent, answers={"full_name": "Ali"})
    notice = Notification.objects.get(case=case)
    assert notice.channel == "print" and notice.status == "to_print"
    desk = Client()
    desk.force_login(agent)
    page = desk.get(f"/ar/staff/messages/{notice.pk}/notice/")
    assert page.status_code == 200 and case.reference in page.content.decode()
    assert desk.post(f"/ar/staff/messages/{notice.pk}/notice/").status_code == 302
    notice.refresh_from_db()
    assert notice.status == "printed" and case.reference in notice.body
    assert not mail.outbox and not sms.outbox


def test_a_crashed_worker_never_causes_a_second_send(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    Notification.objects.filter(pk=row.pk).update(
        status="sending", updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.deliver_due()
    row.refresh_from_db()
    assert row.status == "failed" and not sms.outbox
    assert "check before resending" in row.delivery_attempts.get().provider_response


def test_delivery_receipts_update_the_log(
    pilots, citizen, operator, settings, django_capture_on_commit_callbacks
):
    from django.test import Client

    settings.SMS_WEBHOOK_TOKEN = "t0ken"
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    row = Notification.objects.get(case=case, channel="sms")
    assert row.provider_id == "op-1"
    gateway = Client()
    assert gateway.post("/sms/receipts/", {"id": "op-1", "status": "DELIVRD"}).status_code == 403
    response = gateway.post(
        "/sms/receipts/", {"id": "op-1", "status": "DELIVRD"}, HTTP_X_BALADIYA_TOKEN="t0ken"
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == "delivered"
    assert row.delivery_attempts.last().provider_response == "receipt: DELIVRD"
    assert (
        gateway.post("/sms/receipts/?token=t0ken", {"id": "nope", "status": "x"}).status_code == 404
    )
    assert gateway.post("/sms/receipts/?token=t0ken", {"status": "x"}).status_code == 400
