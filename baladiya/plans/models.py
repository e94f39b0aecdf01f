"""Action plans: a plan → axes → programmes → projects → milestones, with progress and indicators.

Every node of the tree is a :class:`PlanItem` (its ``kind`` says which level it is), owned by a
structure, so one query loads a whole plan and the roll-up is computed in Python
(:mod:`baladiya.plans.progress`). Progress is never typed on an item: owners post dated
:class:`ProgressUpdate` rows, kept for ever (never edited, never deleted). The status of an item
("late", "at risk"…) is derived when read; only "cancelled" is set by hand.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.catalogue.text import LocalizedText, pick
from baladiya.organisation.models import Structure


class MultilingualTitle(models.Model):
    """Abstract: a title (and description) shown to the public in the reader's language."""

    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_kab = models.CharField(_("title (Kabyle)"), max_length=300, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> LocalizedText:
        return pick(self, "title")

    @property
    def description(self) -> LocalizedText:
        return pick(self, "description")


class Plan(MultilingualTitle):
    """A plan, e.g. "Plan sectoriel de transformation numérique 2025–2026"."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    owner_structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="plans", verbose_name=_("owner")
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Published on the accountability page (items marked private stay hidden)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "slug"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")


class ItemKind(models.TextChoices):
    AXIS = "axis", _("Axis")
    PROGRAMME = "programme", _("Programme")
    PROJECT = "project", _("Project")
    MILESTONE = "milestone", _("Milestone")


# Which kind may sit under which: a plan holds axes, an axis programmes, and so on.
PARENT_KIND: dict[str, str | None] = {
    ItemKind.AXIS: None,
    ItemKind.PROGRAMME: ItemKind.AXIS,
    ItemKind.PROJECT: ItemKind.PROGRAMME,
    ItemKind.MILESTONE: ItemKind.PROJECT,
}


class PlanItem(MultilingualTitle):
    """An axis, programme, project/action or milestone of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Unique in its plan, e.g. 1.2.3 (as in the sheet).")
    )
    position = models.PositiveIntegerField(default=0)
    owner_structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("owner")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("When the plan is public; a private item hides everything below it too."),
    )

    class Meta:
        ordering = ["plan_id", "position", "code"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")),
                name="plan_item_due_after_start",
            ),
        ]
        indexes = [models.Index(fields=["owner_structure", "due_date"])]


class ProgressUpdate(models.Model):
    """A dated report of progress by the owner. Never edited: the next report is a new row."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    via_api = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["item", "reported_on", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="progress_update_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.code} · {self.reported_on} · {self.progress} %"


class Evidence(models.Model):
    """A file supporting an update (checked by content; stored under a random name)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="plans/%Y/%m/")
    label = models.CharField(_("label"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.label


class Indicator(MultilingualTitle):
    """A measured indicator of an item, e.g. "procedures online: 4 → 20"."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="indicators")
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["item_id", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")


class Measurement(models.Model):
    """A dated value of an indicator. Like updates, kept for ever."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "measured_on", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"
