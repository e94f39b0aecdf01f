import pytest

from tests.notifications.servers import FakeOperator, SmtpSink


@pytest.fixture
def operator(settings):
    """The generic HTTP gateway, pointed at a real operator API on loopback."""
    with FakeOperator() as fake:
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP = {
            "url": fake.url,
            "username": "baladiya",
            "password": "s3cret",
            "sender": "BALADIYA",
            "success_pattern": '"status":"ok"',
            "id_pattern": '"message_id":"([^"]+)"',
        }
        yield fake


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = False
        yield sink


@pytest.fixture
def citizen(pilots):
    """The pilots' citizen, with a mobile phone and an email."""
    person = pilots.people["citizen"]
    person.phone, person.email = "+213661234567", "amina@example.dz"
    person.save()
    return person
