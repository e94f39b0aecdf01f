"""Administrators edit the words of each message per language, with a preview; the outbox and
its delivery log are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from baladiya.notifications import sms
from baladiya.notifications.kinds import KINDS, PLACEHOLDERS
from baladiya.notifications.models import DeliveryAttempt, Notification, NotificationTemplate
from baladiya.notifications.rendering import fill

SAMPLE = {
    "reference": "LGT-26-7K3F-9Q2M",
    "procedure": "Extrait d'acte de naissance",
    "status": "En cours d'examen",
    "due_date": "03/12/2026",
    "structure": "Service de l'état civil — APC de Laghouat",
    "link": "https://baladiya.example/ar/follow/",
    "reason": "Copie de la pièce d'identité illisible",
    "message": "Votre extrait est prêt au guichet 2.",
    "original": "LGT-26-4D2H-8KXA",
    "code": "482913",
    "minutes": "10",
    "item": "Guichet citoyen numérique — Laghouat",
}


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "subject", "sms_size", "updated_at"]
    list_filter = ["language", "kind"]
    search_fields = ["kind", "subject", "short_text"]
    readonly_fields = ["kind", "language", "placeholders", "preview"]
    fields = ["kind", "language", "subject", "short_text", "long_text", "placeholders", "preview"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # every kind × language exists (created on migrate); only words change

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("SMS size"))
    def sms_size(self, obj: NotificationTemplate) -> str:
        count = sms.count_segments(fill(obj.short_text, SAMPLE))
        return f"{count.segments} × {count.encoding}"

    @admin.display(description=_("Placeholders"))
    def placeholders(self, obj: NotificationTemplate) -> str:
        return format_html_join(
            "", "<div><code>{{{}}}</code> — {}</div>", ((k, v) for k, v in PLACEHOLDERS.items())
        )

    @admin.display(description=_("Preview with sample values"))
    def preview(self, obj: NotificationTemplate) -> str:
        short = fill(obj.short_text, SAMPLE)
        count = sms.count_segments(short)
        kept = sms.fit_to_budget(short)
        kind = KINDS.get(obj.kind)
        return format_html(
            '<div dir="{}" lang="{}"><p><strong>{}</strong></p><p>{}</p><p>{}</p></div><p>{}</p>',
            "rtl" if obj.language == "ar" else "ltr",
            obj.language,
            fill(obj.subject, SAMPLE),
            kept,
            fill(obj.long_text, SAMPLE),
            _("%(label)s — SMS: %(segments)d segment(s), %(encoding)s, %(units)d characters")
            % {
                "label": kind.label if kind else obj.kind,
                "segments": count.segments,
                "encoding": count.encoding,
                "units": count.units,
            },
        )


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "outcome", "provider_response"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "status", "attempts", "case"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["case__reference", "address"]
    list_select_related = ["case"]
    inlines = [DeliveryAttemptInline]
    readonly_fields = [
        "dedup_key",
        "kind",
        "channel",
        "language",
        "case",
        "event",
        "recipient",
        "address",
        "subject",
        "body",
        "segments",
        "status",
        "attempts",
        "next_attempt_at",
        "provider_id",
        "created_at",
        "sent_at",
    ]
    exclude = ["context"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
