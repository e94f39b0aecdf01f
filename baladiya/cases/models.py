"""Cases (dossiers): a citizen's request for a procedure, from draft to closure.

State changes go through ``services.py`` and the table in ``workflow.py``; every change appends a
:class:`CaseEvent` to a hash chain that ``manage.py verify_trail`` checks.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.cases.workflow import Kind, Status

if TYPE_CHECKING:
    from baladiya.catalogue.models import FormVersion, Procedure


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    API = "api", _("Through another system")


class Case(models.Model):
    """A dossier. ``handling_structure`` is who must act now; ``owner_structure`` keeps it."""

    # NULL until submission: drafts have no reference, and NULLs do not collide in a unique index.
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PROCEDURE, db_index=True
    )
    # Empty for concerns, whose details live in concerns.Concern. Typed as always set: code that
    # reads them works on procedure cases (concerns are filtered out of procedure pages).
    procedure: models.ForeignKey[Procedure, Procedure] = models.ForeignKey(  # type: ignore[assignment,misc]
        "catalogue.Procedure",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    form_version: models.ForeignKey[FormVersion, FormVersion] = models.ForeignKey(  # type: ignore[assignment,misc]
        "catalogue.FormVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The commune where the case was filed; its code begins the reference."),
    )
    owner_structure = models.ForeignKey(
        "organisation.Structure", on_delete=models.PROTECT, related_name="owned_cases"
    )
    handling_structure = models.ForeignKey(
        "organisation.Structure", on_delete=models.PROTECT, related_name="handled_cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant's name"), max_length=200)
    applicant_phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="ar")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filed_cases",
        help_text=_("The counter agent who filed it for a walk-in citizen."),
    )
    claim_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    answers = models.JSONField(_("answers"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The legal clock: due date in working days, extended by the time spent waiting for the
    # citizen. "Overdue" and "due soon" are derived from it when read, never stored.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["handling_structure", "status", "due_date"]),
            models.Index(fields=["owner_structure", "status"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["applicant", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft #{self.pk}"


class CaseEvent(models.Model):
    """One line of a case's trail. Append-only; each line seals the previous one's hash."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_label = models.CharField(max_length=200, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    from_structure_id = models.BigIntegerField(null=True, blank=True)
    to_structure_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case_id", "sequence"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="event_sequence_unique")
        ]

    GENESIS = "0" * 64

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("The trail is append-only: an event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("The trail is append-only: an event is never deleted.")

    def canonical(self) -> bytes:
        """What the hash covers: every field that tells what happened."""
        body = {
            "case": self.case_id,
            "sequence": self.sequence,
            "kind": self.kind,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "from_structure": self.from_structure_id,
            "to_structure": self.to_structure_id,
            "payload": self.payload,
            "public": self.public,
            "created_at": self.created_at.isoformat(),
            "previous_hash": self.previous_hash,
        }
        return json.dumps(
            body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":")
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class CaseDocument(models.Model):
    """A file of a case: given by the citizen, or issued by the administration."""

    class Kind(models.TextChoices):
        SUPPORTING = "supporting", _("Supporting document")
        ISSUED = "issued", _("Issued document")
        RECEIPT = "receipt", _("Receipt")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    field_key = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=200)
    file = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    verification_code = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.label


class OpinionRequest(models.Model):
    """An opinion (avis) asked of another structure, with its own deadline."""

    class Answer(models.TextChoices):
        FAVOURABLE = "yes", _("Favourable")
        UNFAVOURABLE = "no", _("Unfavourable")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="opinions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_structure = models.ForeignKey(
        "organisation.Structure", on_delete=models.PROTECT, related_name="+"
    )
    to_structure = models.ForeignKey(
        "organisation.Structure", on_delete=models.PROTECT, related_name="opinion_requests"
    )
    question = models.TextField(_("question"))
    due_date = models.DateField(_("due date"))
    answer = models.CharField(_("answer"), max_length=3, choices=Answer.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opinion request")
        verbose_name_plural = _("opinion requests")
        indexes = [models.Index(fields=["to_structure", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_structure_id}"


class IdempotencyKey(models.Model):
    """A client's key for a creation call, so a retried request never makes two cases."""

    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key
