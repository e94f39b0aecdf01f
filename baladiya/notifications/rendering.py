"""Turning a notification into words, in its recipient's language, from the edited templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from baladiya.notifications.kinds import KINDS, PLACEHOLDERS
from baladiya.notifications.models import Channel, Notification, NotificationTemplate

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, Any]) -> str:
    """Replace ``{name}`` placeholders; unknown names stay as written (never attribute access)."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text
    )


@dataclass(frozen=True)
class Words:
    subject: str
    short_text: str
    long_text: str


def template_words(kind: str, language: str) -> Words:
    """The administrators' words for ``kind`` in ``language`` (French, then the code, behind)."""
    rows = {
        t.language: t
        for t in NotificationTemplate.objects.filter(kind=kind, language__in=[language, "fr"])
    }
    row = rows.get(language) or rows.get("fr")
    if row is not None:
        return Words(row.subject, row.short_text, row.long_text)
    default = KINDS[kind]
    with translation.override(language):
        return Words(str(default.subject), str(default.short_text), str(default.long_text))


def _absolute(path: str) -> str:
    return settings.BALADIYA_PUBLIC_URL.rstrip("/") + path


def case_values(case: Any, language: str, channel: str) -> dict[str, str]:
    """What a case says about itself in a message, in ``language``."""
    from baladiya.cases.views_citizen import status_url

    values: dict[str, str] = {"reference": case.reference or ""}
    with translation.override(language):
        values["status"] = str(case.get_status_display())
        values["due_date"] = (
            date_format(case.due_date, "SHORT_DATE_FORMAT") if case.due_date else "—"
        )
        values["structure"] = case.handling_structure.name if case.handling_structure_id else ""
        values["procedure"] = subject_name(case)
        # SMS are billed per segment: the short follow page (reference + 4 digits); email and
        # paper carry the signed link that opens the status at once.
        if channel == Channel.SMS or not case.reference:
            values["link"] = _absolute(reverse("cases:follow"))
        else:
            values["link"] = _absolute(status_url(case))
    return values


def subject_name(case: Any) -> str:
    """The procedure's name, or a concern's category, in the active language."""
    procedure = getattr(case, "procedure", None)
    if procedure is not None:
        return str(procedure.name)
    concern = getattr(case, "concern", None)
    category = getattr(concern, "category", None)
    return str(getattr(category, "name", "")) if category is not None else ""


def render(notification: Notification) -> Words:
    """The subject and texts of ``notification``: template words filled with current values."""
    values = {name: "" for name in PLACEHOLDERS}
    if notification.case is not None:
        values.update(case_values(notification.case, notification.language, notification.channel))
    values.update({k: str(v) for k, v in notification.context.items()})
    words = template_words(notification.kind, notification.language)
    short = fill(words.short_text, values).strip()
    if notification.channel == Channel.SMS:
        from baladiya.notifications.sms import fit_to_budget

        short = fit_to_budget(short)
    return Words(
        fill(words.subject, values).strip()[:200],
        short,
        fill(words.long_text, values).strip(),
    )


def email_html(notification: Notification, words: Words) -> str:
    language = notification.language
    with translation.override(language):
        return render_to_string(
            "notifications/email/message.html",
            {
                "words": words,
                "language": language,
                "direction": "rtl" if language == "ar" else "ltr",
                "reference": notification.case.reference if notification.case else "",
            },
        )
