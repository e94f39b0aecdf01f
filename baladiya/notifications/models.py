"""Notifications: the outbox, its delivery log, editable message templates, phone sign-in codes.

A :class:`Notification` is written in the same transaction as the event that causes it (the
outbox pattern), so a message exists exactly when its event does. Workers deliver it later
(Celery on Redis in production, in-process without a broker) and log every attempt as a
:class:`DeliveryAttempt`. ``dedup_key`` is unique: one event never yields the same message twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    PRINT = "print", _("Printed at the counter")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent")
    TO_PRINT = "to_print", _("To print at the counter")
    PRINTED = "printed", _("Printed")


class NotificationTemplate(models.Model):
    """The words of one kind of message in one language, as administrators edited them.

    Defaults come from the code (translated with the gettext catalogues) and are copied here on
    migrate; an administrator edits them per language, with a preview. Placeholders are written
    ``{reference}``, ``{status}``… (see ``baladiya.notifications.kinds``).
    """

    kind = models.CharField(_("kind of message"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("email subject"), max_length=200)
    short_text = models.TextField(
        _("short text (SMS)"), help_text=_("Sent by SMS; also the first paragraph of the email.")
    )
    long_text = models.TextField(
        _("more details (email and printed notice)"), blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="template_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class Notification(models.Model):
    """One message to one address by one channel. The outbox row and its current state."""

    dedup_key = models.CharField(max_length=120, unique=True, editable=False)
    kind = models.CharField(_("kind of message"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    # What the template is rendered with, at delivery: ids and short values, never a secret.
    context = models.JSONField(default=dict)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    segments = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["case", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel} ({self.status})"

    @property
    def last_attempt(self) -> DeliveryAttempt | None:
        """The latest line of the log (uses prefetched attempts when there are some)."""
        attempts = list(self.delivery_attempts.all())
        return max(attempts, key=lambda a: (a.created_at, a.pk)) if attempts else None


class DeliveryAttempt(models.Model):
    """One line of the delivery log: what happened, and what the provider answered."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    provider_response = models.TextField(_("provider's answer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome} at {self.created_at:%Y-%m-%d %H:%M}"


class PhoneChallenge(models.Model):
    """A one-time sign-in code sent by SMS. Only its keyed hash is stored."""

    phone = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client_ip", "created_at"])]

    def __str__(self) -> str:
        return f"challenge for …{self.phone[-4:]}"


class InboundMessage(models.Model):
    """An SMS received from a citizen (status queries), kept for the delivery log."""

    phone = models.CharField(max_length=16)
    text = models.CharField(max_length=480)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound"
    )

    def __str__(self) -> str:
        return f"SMS from …{self.phone[-4:]}"
