"""Administrators edit each message per language, with a preview and the SMS size."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from baladiya.notifications.kinds import KINDS
from baladiya.notifications.models import Notification, NotificationTemplate
from baladiya.notifications.rendering import render

pytestmark = pytest.mark.django_db


def test_every_kind_exists_in_every_language_after_migrate():
    rows = set(NotificationTemplate.objects.values_list("kind", "language"))
    for kind in KINDS.values():
        for language, _name in settings.LANGUAGES:
            if kind.for_staff and language == "kab":
                continue
            assert (kind.key, language) in rows


def test_an_edited_template_is_used_and_previewed(pilots):
    admin = Client()
    admin.force_login(pilots.people["platform_admin"])
    template = NotificationTemplate.objects.get(kind="case_received", language="fr")
    url = f"/fr/admin/notifications/notificationtemplate/{template.pk}/change/"
    page = admin.get(url)
    assert page.status_code == 200
    assert "segment" in page.content.decode()
    response = admin.post(
        url,
        {
            "subject": "{reference} : reçu",
            "short_text": "Baladiya : {reference} est bien arrivé chez {structure}.",
            "long_text": "",
        },
    )
    assert response.status_code == 302
    notification = Notification(kind="case_received", channel="sms", language="fr", context={})
    words = render(notification)
    assert words.short_text.startswith("Baladiya : ") and "{reference}" not in words.short_text


def test_templates_cannot_reach_into_python_objects():
    from baladiya.notifications.rendering import fill

    assert fill("{reference.__class__}", {"reference": "X"}) == "{reference.__class__}"
    assert fill("{reference}", {"reference": "X"}) == "X"
