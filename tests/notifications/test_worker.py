"""With Redis stopped during submissions nothing is lost; when it returns, a real Celery worker
sends the backlog, every message exactly once. A real redis-server and a real worker process."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from django.conf import settings as django_settings

from baladiya.cases import services
from baladiya.catalogue.selectors import current_form_version
from baladiya.notifications import dispatch
from baladiya.notifications.models import Notification
from tests.cases.helpers import simple_procedure
from tests.notifications.servers import free_port, redis_and_worker, wait_for

pytestmark = [
    pytest.mark.skipif(
        not django_settings.USING_POSTGRES,
        reason="the worker is another process and needs a database it can share: PostgreSQL "
        "(CI runs this test on PostgreSQL)",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is missing"),
]


def _submit(procedure, citizen):
    case = services.create_draft(
        procedure=procedure,
        form_version=current_form_version(procedure),
        commune_id=pilots_commune_id(),
        applicant=citizen,
        applicant_name="Amina Khelifi",
        applicant_phone=citizen.phone,
        applicant_email=citizen.email,
        language="ar",
    )
    return services.submit(case=case, actor=citizen, answers={"full_name": "Amina Khelifi"})[0]


def pilots_commune_id() -> int:
    from baladiya.territory.models import Commune

    return Commune.objects.get(ons_code="0301").pk


@pytest.fixture
def citizen(pilots):
    person = pilots.people["citizen"]
    person.phone, person.email = "+213661234567", "amina@example.dz"
    person.save()
    return person


def test_redis_down_loses_nothing_and_the_worker_sends_each_message_once(
    transactional_db, pilots, citizen, settings, operator, smtp, tmp_path
):
    from baladiya.celery import app

    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    settings.NOTIFICATIONS_DELIVERY = "celery"
    app.conf.broker_url = broker
    dispatch.broker_is_back()
    procedure = simple_procedure()

    # Redis is down: citizens still submit, quickly; their messages wait in the outbox.
    for _ in range(3):
        started = time.monotonic()
        _submit(procedure, citizen)
        assert time.monotonic() - started < 5
    waiting = Notification.objects.filter(kind="case_submitted")
    assert waiting.count() == 6 and set(waiting.values_list("status", flat=True)) == {"pending"}
    assert not operator.requests and not smtp.messages

    extra = {
        "NOTIFICATIONS_DELIVERY": "celery",
        "SMS_BACKEND": "http",
        "SMS_HTTP": json.dumps(settings.SMS_HTTP),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    with redis_and_worker(port, tmp_path, extra):
        # On start the worker flushes the outbox: the backlog goes out.
        wait_for(lambda: Notification.objects.filter(status="sent").count() == 6, 90, "the backlog")
        # A second flush, a duplicate task: nothing is sent twice.
        from baladiya.notifications.tasks import deliver_notification, flush_outbox

        flush_outbox.delay()
        for pk in waiting.values_list("pk", flat=True):
            deliver_notification.delay(pk)
        # With Redis up, a new submission goes through the queue at once.
        dispatch.broker_is_back()
        _submit(procedure, citizen)
        wait_for(
            lambda: Notification.objects.filter(status="sent").count() == 8, 60, "a new message"
        )
        time.sleep(2)  # let the duplicate tasks run
        assert len(operator.requests) == 4 and len(smtp.messages) == 4
        texts = operator.texts
        assert len(set(texts)) == 4  # four cases, four different references
