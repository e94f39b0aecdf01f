"""Signal receivers: the outbox hears every case event; templates exist after every migrate."""

from __future__ import annotations

from typing import Any


def on_case_event(sender: Any, event: Any, case: Any, **kwargs: Any) -> None:
    """Write the notifications an event causes, in the event's own transaction (one INSERT)."""
    from baladiya.notifications.services import outbox_rows_for_event, save_to_outbox

    save_to_outbox(outbox_rows_for_event(event, case), fresh=True)


def ensure_templates(**kwargs: Any) -> None:
    """Copy the default words of every kind of message, in every language, where missing."""
    from django.conf import settings
    from django.utils import translation

    from baladiya.notifications.kinds import KINDS
    from baladiya.notifications.models import NotificationTemplate

    existing = set(NotificationTemplate.objects.values_list("kind", "language"))
    rows = []
    for kind in KINDS.values():
        for language, _name in settings.LANGUAGES:
            if (kind.key, language) in existing or (kind.for_staff and language == "kab"):
                continue
            with translation.override(language):
                rows.append(
                    NotificationTemplate(
                        kind=kind.key,
                        language=language,
                        subject=str(kind.subject),
                        short_text=str(kind.short_text),
                        long_text=str(kind.long_text),
                    )
                )
    NotificationTemplate.objects.bulk_create(rows, ignore_conflicts=True)
