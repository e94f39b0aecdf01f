"""Concerns (doléances, signalements): categories that route themselves, and concern details.

A concern IS a :class:`baladiya.cases.models.Case` of kind ``concern``: reference, trail,
deadline, scoping and lifecycle are the case engine's. This app keeps what only concerns have:
the category tree, the routing table, the place, the public answer, photos and satisfaction.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.catalogue.text import LocalizedText, pick
from baladiya.organisation.models import Sector, ServiceType


class Category(models.Model):
    """A kind of concern, in a two-level tree (e.g. Roads › Pothole)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField("nom (fr)", max_length=120)
    name_ar = models.CharField("الاسم (ar)", max_length=120)
    name_en = models.CharField("name (en)", max_length=120, blank=True)
    name_kab = models.CharField("isem (kab)", max_length=120, blank=True)
    help_fr = models.TextField("aide (fr)", blank=True)
    help_ar = models.TextField("مساعدة (ar)", blank=True)
    help_en = models.TextField("help (en)", blank=True)
    help_kab = models.TextField("tallalt (kab)", blank=True)
    response_days = models.PositiveSmallIntegerField(
        _("response deadline (working days)"), default=10
    )
    service_type = models.CharField(
        _("commune service by default"),
        max_length=24,
        choices=ServiceType.choices,
        blank=True,
        help_text=_("Used when no routing row names the structure for a commune."),
    )
    sector = models.CharField(
        _("sector"), max_length=24, choices=Sector.choices, default=Sector.LOCAL_GOVERNMENT
    )
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("One per line, in Arabic, French or Algerian Arabic in Latin letters."),
    )
    extra_questions = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_('A list of {"key", "label_fr", "label_ar", "label_en", "required"}.'),
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> LocalizedText:
        return pick(self, "name")

    @property
    def help(self) -> LocalizedText:
        return pick(self, "help")

    @property
    def open311_code(self) -> str:
        return self.code


class Routing(models.Model):
    """Who handles a category in a commune (a commune service, or another sector's body)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routings")
    commune = models.ForeignKey("territory.Commune", on_delete=models.CASCADE, related_name="+")
    structure = models.ForeignKey(
        "organisation.Structure", on_delete=models.PROTECT, related_name="concern_routings"
    )

    class Meta:
        verbose_name = _("routing")
        verbose_name_plural = _("routing table")
        constraints = [
            models.UniqueConstraint(fields=["category", "commune"], name="routing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} · {self.commune_id} → {self.structure_id}"


class Concern(models.Model):
    """What only a concern has, one-to-one with its case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, primary_key=True, related_name="concern"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="concerns")
    # What the citizen chose first: the suggestion model learns from the agents' final choice.
    initial_category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    description = models.TextField(_("description"))
    address = models.CharField(
        _("address or place"),
        max_length=300,
        help_text=_("Never published: the public list shows the commune and the category."),
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    extra_answers = models.JSONField(default=dict, blank=True)
    public_answer = models.TextField(_("public answer"), blank=True)
    duplicate_of = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    # The third of the deadlines: past it, escalation reaches one level more (derived on read).
    late_date = models.DateField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.TextField(blank=True)
    solved = models.BooleanField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    referred_to_supervisor = models.BooleanField(default=False)
    open311_token = models.CharField(max_length=32, unique=True, default="", blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return str(self.case)

    @property
    def public_point(self) -> tuple[float, float] | None:
        """The point rounded to ~100 m, so the map never shows a home's exact place."""
        if self.latitude is None or self.longitude is None:
            return None
        return (round(float(self.latitude), 3), round(float(self.longitude), 3))


class Photo(models.Model):
    """A photo of a concern; published only after an agent approves it."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="concerns/%Y/%m/")
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    approved = models.BooleanField(_("approved for publication"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.file.name


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Open311Key(models.Model):
    """An Open311 client's api_key (stored hashed), and the communes it may post for."""

    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    communes = models.ManyToManyField(
        "territory.Commune",
        blank=True,
        related_name="+",
        help_text=_("Communes it may post concerns for; none means every commune."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str, key: str | None = None) -> tuple[Open311Key, str]:
        """A new key; the clear key is returned once and never stored."""
        key = key or secrets.token_urlsafe(24)
        obj, _created = cls.objects.update_or_create(
            key_hash=hash_key(key), defaults={"name": name, "prefix": key[:8]}
        )
        return obj, key
