"""The procedure catalogue (démarches): what a citizen can ask for, and the form to ask for it.

A :class:`Procedure` says what it is, who handles it, what to bring, what it costs and how long
it takes. Its form is versioned: editors build a draft :class:`FormVersion` field by field in the
admin; publishing freezes the fields into ``definition`` and the version never changes again,
because cases keep pointing at the version they were submitted with.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baladiya.catalogue.text import LANGUAGES, LocalizedText, normalise, pick, values_of
from baladiya.organisation.models import ServiceType, StructureKind

# Structures that handle procedures: the commune (APC), the daïra or the wilaya.
HANDLING_KINDS = [
    (kind.value, kind.label)
    for kind in (StructureKind.COMMUNE, StructureKind.DAIRA, StructureKind.WILAYA)
]

UPLOAD_KINDS = ("pdf", "jpeg", "png")
DEFAULT_FILE_MAX_MB = 5
FILE_MAX_MB_LIMIT = 20
DEFAULT_MAX_REPEATS = 10
MAX_REPEATS_LIMIT = 50


def validate_rules(value: Any) -> None:
    """Instant-processing rules are a JSON object (read later by the case engine)."""
    if not isinstance(value, dict):
        raise ValidationError(
            _('The rules must be a JSON object, e.g. {"registry": "civil_status"}.')
        )


# --- procedures -------------------------------------------------------------------------------


class Procedure(models.Model):
    """A procedure (démarche, إجراء) a citizen can ask a commune, daïra or wilaya for."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Short code printed on documents, e.g. EC-12."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=False)

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_kab = models.CharField(_("name (Kabyle)"), max_length=200, blank=True)
    summary_fr = models.TextField(_("summary (French)"))
    summary_ar = models.TextField(_("summary (Arabic)"))
    summary_en = models.TextField(_("summary (English)"))
    summary_kab = models.TextField(_("summary (Kabyle)"), blank=True)
    instructions_fr = models.TextField(
        _("instructions (French)"), help_text=_("Plain language, one step per line.")
    )
    instructions_ar = models.TextField(_("instructions (Arabic)"))
    instructions_en = models.TextField(_("instructions (English)"))
    instructions_kab = models.TextField(_("instructions (Kabyle)"), blank=True)
    audience_fr = models.TextField(_("who it is for (French)"))
    audience_ar = models.TextField(_("who it is for (Arabic)"))
    audience_en = models.TextField(_("who it is for (English)"))
    audience_kab = models.TextField(_("who it is for (Kabyle)"), blank=True)

    structure_kind = models.CharField(
        _("handled by"), max_length=16, choices=HANDLING_KINDS, default=StructureKind.COMMUNE
    )
    service_type = models.CharField(
        _("service"), max_length=24, choices=ServiceType.choices, default=ServiceType.CIVIL_STATUS
    )
    available_online = models.BooleanField(_("can be requested online"), default=False)
    available_at_counter = models.BooleanField(_("can be requested at the counter"), default=True)

    fee_da = models.PositiveIntegerField(
        _("fee (DA)"),
        null=True,
        blank=True,
        default=0,
        help_text=_("0 when free; empty when the amount depends on the case (explain below)."),
    )
    fee_note_fr = models.CharField(_("fee note (French)"), max_length=300, blank=True)
    fee_note_ar = models.CharField(_("fee note (Arabic)"), max_length=300, blank=True)
    fee_note_en = models.CharField(_("fee note (English)"), max_length=300, blank=True)
    fee_note_kab = models.CharField(_("fee note (Kabyle)"), max_length=300, blank=True)

    legal_deadline_days = models.PositiveSmallIntegerField(
        _("legal deadline (working days)"),
        null=True,
        blank=True,
        help_text=_("Set by the law; 0 means the same day. Empty when no text sets one."),
    )
    service_target_days = models.PositiveSmallIntegerField(
        _("service target (working days)"),
        null=True,
        blank=True,
        help_text=_("The service's own commitment; 0 means the same day."),
    )

    instant_processing = models.BooleanField(
        _("instant processing"),
        default=False,
        help_text=_("The answer can be produced at once from a register (see the rules)."),
    )
    instant_rules = models.JSONField(
        _("instant-processing rules"),
        default=dict,
        blank=True,
        validators=[validate_rules],
        help_text=_('A JSON object, e.g. {"registry": "civil_status", "record": "birth"}.'),
    )

    # Folded names and summaries in every language, for accent- and case-insensitive search
    # that behaves the same on SQLite and PostgreSQL. Written by save().
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name_fr"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        indexes = [models.Index(fields=["is_published", "order"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:detail", kwargs={"slug": self.slug})

    # Texts in the reader's language (Kabyle readers get Kabyle where written, else French).

    @property
    def name(self) -> LocalizedText:
        return pick(self, "name")

    @property
    def summary(self) -> LocalizedText:
        return pick(self, "summary")

    @property
    def instructions(self) -> LocalizedText:
        return pick(self, "instructions")

    @property
    def audience(self) -> LocalizedText:
        return pick(self, "audience")

    @property
    def fee_note(self) -> LocalizedText:
        return pick(self, "fee_note")

    def compute_search_text(self) -> str:
        parts = [self.code]
        for stem in ("name", "summary"):
            parts += values_of(self, stem).values()
        return normalise(" ".join(p for p in parts if p))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.instant_processing and not self.instant_rules:
            errors["instant_rules"] = _("Instant processing needs its rules.")
        if not (self.available_online or self.available_at_counter):
            errors["available_at_counter"] = _(
                "A procedure must be available online, at the counter, or both."
            )
        if errors:
            raise ValidationError(errors)


# --- required documents -----------------------------------------------------------------------


class ProvidedBy(models.TextChoices):
    CITIZEN = "citizen", _("The citizen brings it")
    ADMINISTRATION = "administration", _("The service obtains it itself")


# Documents the administration issues itself: under the once-only principle (décret exécutif
# 14-363) the service obtains them, the citizen is never asked for them. Matched on whole words
# after normalisation, in French, Arabic and English.
ADMINISTRATION_ISSUED = (
    "extrait de naissance",
    "extrait d'acte de naissance",
    "acte de naissance",
    "extrait de naissance special",
    "12s",
    "12 s",
    "fiche familiale",
    "certificat de residence",
    "fiche de residence",
    "acte de mariage",
    "extrait de mariage",
    "acte de deces",
    "extrait de deces",
    "شهادة الميلاد",
    "شهادة ميلاد",
    "عقد الميلاد",
    "عقد ميلاد",
    "شهادة الإقامة",
    "شهادة إقامة",
    "البطاقة العائلية",
    "بطاقة عائلية",
    "الشهادة العائلية",
    "عقد الزواج",
    "عقد زواج",
    "عقد الوفاة",
    "عقد وفاة",
    "شهادة الوفاة",
    "birth certificate",
    "birth extract",
    "birth record",
    "residence certificate",
    "certificate of residence",
    "family record sheet",
    "marriage certificate",
    "marriage record",
    "death certificate",
    "death record",
)
_ADMINISTRATION_ISSUED_FOLDED = tuple(f" {normalise(k)} " for k in ADMINISTRATION_ISSUED)


def issued_by_administration(*names: str) -> bool:
    """True when a document name matches a document the administration issues itself."""
    text = f" {normalise(' '.join(names))} "
    return any(keyword in text for keyword in _ADMINISTRATION_ISSUED_FOLDED)


class RequiredDocument(models.Model):
    """A document of a procedure's file (pièce du dossier, وثيقة مطلوبة)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_fr = models.CharField(_("name (French)"), max_length=250)
    name_ar = models.CharField(_("name (Arabic)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_kab = models.CharField(_("name (Kabyle)"), max_length=250, blank=True)
    note_fr = models.CharField(_("note (French)"), max_length=400, blank=True)
    note_ar = models.CharField(_("note (Arabic)"), max_length=400, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=400, blank=True)
    note_kab = models.CharField(_("note (Kabyle)"), max_length=400, blank=True)
    provided_by = models.CharField(
        _("provided by"), max_length=16, choices=ProvidedBy.choices, default=ProvidedBy.CITIZEN
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        ordering = ["procedure_id", "order", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> LocalizedText:
        return pick(self, "name")

    @property
    def note(self) -> LocalizedText:
        return pick(self, "note")

    def clean(self) -> None:
        names = values_of(self, "name").values()
        if self.provided_by == ProvidedBy.CITIZEN and issued_by_administration(*names):
            raise ValidationError(
                {
                    "provided_by": _(
                        "The administration issues this document itself: mark it “The service "
                        "obtains it itself”. Citizens are never asked for documents the "
                        "administration issues (once-only principle, décret exécutif 14-363)."
                    )
                }
            )


# --- forms ------------------------------------------------------------------------------------


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


FROZEN_MESSAGE = _(
    "A published or retired form version cannot be changed: create a new draft from it."
)


class FormVersionQuerySet(models.QuerySet):
    """Bulk writes may not touch published or retired versions either."""

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=FormStatus.DRAFT).exists():
            raise ValidationError(FROZEN_MESSAGE)
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        if self.exclude(status=FormStatus.DRAFT).exists():
            raise ValidationError(FROZEN_MESSAGE)
        return super().update(**kwargs)


class FormVersion(models.Model):
    """One version of a procedure's form. Drafts are edited; publication freezes them."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="form_versions")
    number = models.PositiveIntegerField(_("version"), editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    definition = models.JSONField(
        _("definition"),
        default=list,
        blank=True,
        help_text=_("The frozen list of fields, written at publication."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FormVersionQuerySet.as_manager()

    # Set by services.publish_form_version only: a draft becomes published through it alone,
    # because it checks the fields and freezes them into ``definition``.
    _publishing: bool = False
    # What a published version keeps forever (only status and retired_at move, on retirement).
    FROZEN_FIELDS: ClassVar[tuple[str, ...]] = (
        "status",
        "procedure_id",
        "number",
        "definition",
        "published_at",
        "retired_at",
    )

    class Meta:
        ordering = ["procedure_id", "-number"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="form_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="published"),
                name="one_published_form_per_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = self._stored()
        if stored is None:
            if self.status != FormStatus.DRAFT and not self._publishing:
                raise ValidationError(_("A new form version starts as a draft."))
            if not self.number:
                last = (
                    FormVersion.objects.filter(procedure_id=self.procedure_id)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                )
                self.number = (last or 0) + 1
        elif stored["status"] != FormStatus.DRAFT:
            changed = {f for f in self.FROZEN_FIELDS if stored[f] != getattr(self, f)}
            # The one change allowed to a published version: retiring it, untouched otherwise.
            retiring = (
                stored["status"] == FormStatus.PUBLISHED
                and self.status == FormStatus.RETIRED
                and changed <= {"status", "retired_at"}
            )
            if changed and not retiring:
                raise ValidationError(FROZEN_MESSAGE)
        elif self.status != FormStatus.DRAFT and not self._publishing:
            raise ValidationError(
                _("Publish a draft with the “Publish” action: it checks and freezes its fields.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = self._stored()
        if (stored and stored["status"] != FormStatus.DRAFT) or not self.is_draft:
            raise ValidationError(
                _("Published and retired form versions are kept: cases point at them.")
            )
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == FormStatus.DRAFT

    def _stored(self) -> dict[str, Any] | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first()


class FieldType(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email")
    NIN = "nin", _("National identification number (NIN)")
    COMMUNE = "commune", _("Commune")
    ADDRESS = "address", _("Address")
    FILE = "file", _("File")
    SECTION = "section", _("Section heading")
    REPEATED_GROUP = "repeated_group", _("Repeated group")


LAYOUT_TYPES = frozenset({FieldType.SECTION, FieldType.REPEATED_GROUP})
CHOICE_TYPES = frozenset({FieldType.CHOICE, FieldType.MULTIPLE_CHOICE})

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Use lowercase letters, digits and underscores, starting with a letter (e.g. birth_date)."),
)


class FormFieldQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(version__status=FormStatus.DRAFT).exists():
            raise ValidationError(FROZEN_MESSAGE)
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        if self.exclude(version__status=FormStatus.DRAFT).exists():
            raise ValidationError(FROZEN_MESSAGE)
        return super().update(**kwargs)


class FormField(models.Model):
    """One question (or heading, or repeated group) of a draft form version."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.CharField(
        _("key"),
        max_length=50,
        validators=[key_validator],
        help_text=_("Unique in the form; names the answer (e.g. birth_date)."),
    )
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    label_fr = models.CharField(_("label (French)"), max_length=250)
    label_ar = models.CharField(_("label (Arabic)"), max_length=250)
    label_en = models.CharField(_("label (English)"), max_length=250)
    label_kab = models.CharField(_("label (Kabyle)"), max_length=250, blank=True)
    help_fr = models.TextField(_("help (French)"), blank=True)
    help_ar = models.TextField(_("help (Arabic)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_kab = models.TextField(_("help (Kabyle)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("For choice fields: the options, each with a value and its labels."),
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    regex = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_("A regular expression the whole answer must match (text fields)."),
    )
    regex_message_fr = models.CharField(_("pattern message (French)"), max_length=250, blank=True)
    regex_message_ar = models.CharField(_("pattern message (Arabic)"), max_length=250, blank=True)
    regex_message_en = models.CharField(_("pattern message (English)"), max_length=250, blank=True)
    regex_message_kab = models.CharField(_("pattern message (Kabyle)"), max_length=250, blank=True)
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum size (MB)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(FILE_MAX_MB_LIMIT)],
    )
    allowed_kinds = models.JSONField(
        _("accepted file kinds"), default=list, blank=True, help_text=_("Among pdf, jpeg, png.")
    )
    show_if_key = models.CharField(
        _("show only if the answer to"),
        max_length=50,
        blank=True,
        help_text=_("Key of an earlier question."),
    )
    show_if_value = models.CharField(
        _("is"),
        max_length=100,
        blank=True,
        help_text=_("The answer that shows this field; for yes/no questions: yes or no."),
    )
    group_key = models.CharField(
        _("in the group or section"),
        max_length=50,
        blank=True,
        help_text=_("Key of the repeated group or section this field belongs to."),
    )
    max_repeats = models.PositiveSmallIntegerField(
        _("maximum copies"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPEATS_LIMIT)],
        help_text=_("For repeated groups: how many copies a citizen may add."),
    )

    objects = FormFieldQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="form_field_key_unique")
        ]

    DEFINITION_KEYS: ClassVar[tuple[str, ...]] = (
        "key",
        "type",
        "label",
        "help",
        "required",
        "choices",
        "min_value",
        "max_value",
        "max_length",
        "regex",
        "regex_message",
        "max_size_mb",
        "allowed_kinds",
        "show_if_key",
        "show_if_value",
        "group_key",
        "max_repeats",
    )

    def __str__(self) -> str:
        return f"{self.key} ({self.get_field_type_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._version_is_draft():
            raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not self._version_is_draft():
            raise ValidationError(FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)

    # Immutability: a field belongs to its version; only a draft's fields may change.

    def _version_is_draft(self) -> bool:
        status = (
            FormVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        )
        return status in (None, FormStatus.DRAFT)

    # Validation of the field on its own; checks across fields are made at publication.

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}

        def add(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(message)

        if self.field_type in CHOICE_TYPES:
            self._clean_choices(add)
        elif self.choices:
            add("choices", _("Only choice fields have choices."))
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as exc:
                add("regex", _("This pattern is not valid: %(error)s") % {"error": exc})
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            add("max_value", _("The maximum is below the minimum."))
        kinds = self.allowed_kinds or []
        if not isinstance(kinds, list) or not set(kinds) <= set(UPLOAD_KINDS):
            add("allowed_kinds", _("Accepted kinds are among: pdf, jpeg, png."))
        if bool(self.show_if_key) != bool(self.show_if_value):
            add("show_if_value", _("Give both the question and the answer that shows this field."))
        if self.show_if_key and self.show_if_key == self.key:
            add("show_if_key", _("A field cannot depend on itself."))
        if self.group_key and self.group_key == self.key:
            add("group_key", _("A field cannot belong to itself."))
        if self.field_type in LAYOUT_TYPES and self.group_key:
            add("group_key", _("Sections and repeated groups cannot be nested."))
        if errors:
            raise ValidationError(errors)

    def _clean_choices(self, add: Any) -> None:
        choices = self.choices
        if not isinstance(choices, list) or not choices:
            add("choices", _("A choice field needs at least one option."))
            return
        seen: set[str] = set()
        for option in choices:
            if not isinstance(option, dict) or not str(option.get("value", "")).strip():
                add("choices", _("Every option needs a value."))
                return
            if not option.get("label_fr") or not option.get("label_ar"):
                add("choices", _("Every option needs a label in French and in Arabic."))
                return
            value = str(option["value"]).strip()
            if value in seen:
                add("choices", _("Option values must be unique (%(value)s).") % {"value": value})
                return
            seen.add(value)

    # Freezing into the version's definition, and back (for new drafts).

    def to_definition(self) -> dict[str, Any]:
        """This field as a JSON object of the frozen ``definition``."""
        return {
            "key": self.key,
            "type": self.field_type,
            "label": values_of(self, "label"),
            "help": values_of(self, "help"),
            "required": self.required,
            "choices": [
                {
                    "value": str(option.get("value", "")).strip(),
                    **{f"label_{c}": option.get(f"label_{c}", "") or "" for c in LANGUAGES},
                }
                for option in (self.choices or [])
            ],
            "min_value": _decimal_str(self.min_value),
            "max_value": _decimal_str(self.max_value),
            "max_length": self.max_length,
            "regex": self.regex,
            "regex_message": values_of(self, "regex_message"),
            "max_size_mb": self.max_size_mb,
            "allowed_kinds": list(self.allowed_kinds or []),
            "show_if_key": self.show_if_key,
            "show_if_value": self.show_if_value,
            "group_key": self.group_key,
            "max_repeats": self.max_repeats,
        }

    @classmethod
    def from_definition(
        cls, item: dict[str, Any], *, version: FormVersion, order: int
    ) -> FormField:
        """An unsaved field rebuilt from a frozen definition item."""
        field = cls(
            version=version,
            order=order,
            key=item["key"],
            field_type=item["type"],
            required=bool(item.get("required", True)),
            choices=list(item.get("choices") or []),
            min_value=_decimal(item.get("min_value")),
            max_value=_decimal(item.get("max_value")),
            max_length=item.get("max_length"),
            regex=item.get("regex") or "",
            max_size_mb=item.get("max_size_mb"),
            allowed_kinds=list(item.get("allowed_kinds") or []),
            show_if_key=item.get("show_if_key") or "",
            show_if_value=item.get("show_if_value") or "",
            group_key=item.get("group_key") or "",
            max_repeats=item.get("max_repeats"),
        )
        for stem in ("label", "help", "regex_message"):
            for code, text in (item.get(stem) or {}).items():
                if code in LANGUAGES:
                    setattr(field, f"{stem}_{code}", text or "")
        return field


def _decimal_str(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
