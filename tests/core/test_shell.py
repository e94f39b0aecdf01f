"""The shell as a visitor meets it: languages, direction, landmarks, health, sitemap."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client

LANGS = ["ar", "fr", "en", "kab"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_home_speaks_each_language_with_its_direction(client: Client, lang: str):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'class="skip-link" href="#main"' in html
    # Every other language is one plain link away, marked with its own language.
    for other in LANGS:
        assert f'lang="{other}" hreflang="{other}"' in html


@pytest.mark.django_db
def test_home_is_translated(client: Client):
    assert (
        "الشباك".encode() in client.get("/ar/").content
        or "بلدية".encode() in client.get("/ar/").content
    )
    assert b"Trouver votre commune" in client.get("/fr/").content
    assert b"Find your commune" in client.get("/en/").content


@pytest.mark.django_db
def test_root_redirects_to_the_remembered_language(client: Client):
    client.get("/fr/")  # choosing French by visiting a French page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_root_follows_the_browser_language_on_a_first_visit(client: Client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_pages_are_light_and_need_no_script(client: Client):
    html = client.get("/fr/").content
    assert len(html) < 20_000
    assert b"<script" not in html  # the citizen home needs no JavaScript at all


@pytest.mark.django_db
def test_strict_content_security_policy(client: Client):
    response = client.get("/fr/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client: Client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_is_down(client: Client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "down"


@pytest.mark.django_db
def test_sitemap_lists_every_public_page_in_every_language(client: Client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locations = set(re.findall(r"<loc>http://testserver(/[^<]*)</loc>", xml))
    for lang in LANGS:
        for page in ("", "communes/", "privacy/", "accessibility/"):
            assert f"/{lang}/{page}" in locations
    assert 'hreflang="ar"' in xml and 'hreflang="x-default"' in xml
    for location in locations:
        assert client.get(location).status_code == 200, location


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_visitors_language(client: Client):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_staff_pages_are_not_offered_in_kabyle(client: Client, pilots):
    client.force_login(pilots.people["agent_a"])
    response = client.get("/kab/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/staff/"


def test_algerian_date_input_accepts_day_first():
    from django import forms
    from django.utils import translation

    class F(forms.Form):
        day = forms.DateField()

    for lang in ("ar", "fr"):
        with translation.override(lang):
            form = F({"day": "22/11/2026"})
            assert form.is_valid(), (lang, form.errors)
            assert form.cleaned_data["day"].isoformat() == "2026-11-22"


@pytest.mark.django_db
def test_a_new_citizen_creates_an_account_and_is_signed_in(client: Client):
    from baladiya.organisation.models import User

    response = client.post(
        "/fr/accounts/signup/",
        {
            "first_name": "Amina",
            "last_name": "Khelifi",
            "username": "amina.k",
            "phone": "0661 23 45 67",
            "email": "",
            "password1": "une phrase longue et secrète",
            "password2": "une phrase longue et secrète",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="amina.k")
    assert user.phone == "+213661234567" and user.preferred_language == "fr"
    assert client.get("/fr/my/cases/").status_code == 200
    # The same phone cannot open a second account; the form says why, in the visitor's language.
    second = Client().post(
        "/fr/accounts/signup/",
        {
            "first_name": "X",
            "last_name": "Y",
            "username": "other",
            "phone": "+213661234567",
            "password1": "une phrase longue et secrète",
            "password2": "une phrase longue et secrète",
        },
    )
    assert second.status_code == 200 and not User.objects.filter(username="other").exists()
