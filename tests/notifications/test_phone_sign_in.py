"""Phone sign-in refuses clearly: wrong codes, expired codes, floods, landlines."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from baladiya.notifications import sms
from baladiya.notifications.models import PhoneChallenge

pytestmark = pytest.mark.django_db


def _last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1]["text"]).group(1)


def _ask(client: Client, phone: str = "0661 23 45 67", **extra):
    return client.post("/fr/accounts/phone/", {"phone": phone}, **extra)


def test_national_and_international_formats_and_arabic_digits_are_accepted():
    for raw in ["0661234567", "+213 661 23 45 67", "00213661234567", "٠٦٦١٢٣٤٥٦٧"]:
        PhoneChallenge.objects.all().delete()
        assert _ask(Client(), raw).status_code == 302, raw
        assert PhoneChallenge.objects.get().phone == "+213661234567"


def test_a_landline_or_a_foreign_number_is_refused_in_the_citizens_language():
    response = Client().post("/ar/accounts/phone/", {"phone": "021 23 45 67"})
    assert response.status_code == 400
    response = _ask(Client(), "+33 6 12 34 56 78")
    assert response.status_code == 400
    assert "Algerian mobile" in response.content.decode() or "mobile" in response.content.decode()
    assert not sms.outbox


def test_a_wrong_code_counts_and_five_end_the_challenge():
    client = Client()
    _ask(client)
    for attempt in range(4):
        response = client.post("/fr/accounts/phone/code/", {"code": "000000"})
        assert response.status_code == 400, attempt
        assert 'aria-invalid="true"' in response.content.decode()
    response = client.post("/fr/accounts/phone/code/", {"code": "000000"})
    assert response.status_code == 429
    real = _last_code()
    assert client.post("/fr/accounts/phone/code/", {"code": real}).status_code == 429


def test_an_expired_code_is_refused():
    client = Client()
    _ask(client)
    real = _last_code()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        response = client.post("/fr/accounts/phone/code/", {"code": real})
    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated


def test_a_code_works_once_and_signs_in_the_same_account_next_time():
    first = Client()
    _ask(first)
    code = _last_code()
    assert first.post("/fr/accounts/phone/code/", {"code": code}).status_code == 302
    user = first.get("/fr/my/messages/").wsgi_request.user
    again = Client()
    _ask(again)
    session_key = again.session["phone_challenge"]
    assert session_key != PhoneChallenge.objects.order_by("pk").first().pk
    code = _last_code()
    again.post("/fr/accounts/phone/code/", {"code": code})
    assert again.get("/fr/my/messages/").wsgi_request.user == user


def test_floods_are_refused_per_number_and_per_connection(settings):
    client = Client()
    for _ in range(3):
        assert _ask(client).status_code == 302
    response = _ask(client)
    assert response.status_code == 429
    assert len(sms.outbox) == 3
    settings.PHONE_CODES_PER_IP_HOUR = 5
    numbers = ["0770000001", "0770000002", "0550000003"]
    for number in numbers:
        _ask(client, number)
    assert _ask(client, "0660000004").status_code == 429


def test_the_sign_in_page_offers_the_password_way_too():
    page = Client().get("/fr/accounts/phone/").content.decode()
    assert "/fr/accounts/login/" in page
    login_page = Client().get("/fr/accounts/login/").content.decode()
    assert "/fr/accounts/phone/" in login_page


def test_the_page_asked_for_is_where_the_citizen_lands_after_the_code():
    client = Client()
    wanted = "/fr/procedures/?q=naissance&page=2"
    response = client.post("/fr/accounts/phone/", {"phone": "0661234567", "next": wanted})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": _last_code(), "next": wanted})
    assert response.status_code == 302 and response["Location"] == wanted
