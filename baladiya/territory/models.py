"""Algeria's territory: wilayas (provinces), daïras (districts) and communes (APC).

Three codes are kept apart on purpose: since the 2025 reform a commune's wilaya number can differ
from the prefix of its ONS code and of its postal code (Aflou: wilaya 59, ONS 0319, postal 03001).
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.core.i18n import MultilingualName


class Wilaya(MultilingualName):
    """A wilaya (province). Numbers 59–69 were created by the 2025 reform."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    effective_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("For the wilayas of the 2025 reform that take up their powers later."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("wilaya")
        verbose_name_plural = _("wilayas")

    @property
    def code(self) -> str:
        return f"{self.number:02d}"

    def is_in_force(self, on: datetime.date) -> bool:
        return self.effective_from is None or self.effective_from <= on

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Daira(MultilingualName):
    """A daïra (district), under a wilaya. It has no official numeric code."""

    wilaya = models.ForeignKey(Wilaya, on_delete=models.PROTECT, related_name="dairas")

    class Meta:
        ordering = ["wilaya__number", "name_fr"]
        verbose_name = _("daïra")
        verbose_name_plural = _("daïras")
        constraints = [
            models.UniqueConstraint(fields=["wilaya", "name_fr"], name="daira_unique_per_wilaya")
        ]


class Commune(MultilingualName):
    """A commune (baladiya, APC): the level closest to the citizen."""

    daira = models.ForeignKey(Daira, on_delete=models.PROTECT, related_name="communes")
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    short_code = models.CharField(
        _("short code"),
        max_length=3,
        blank=True,
        help_text=_("Three letters that begin the references of cases filed in this commune."),
    )
    ons_code = models.CharField(
        _("ONS code"),
        max_length=4,
        blank=True,
        help_text=_("The statistics office's 4-digit code; its prefix is the pre-2025 wilaya."),
    )

    class Meta:
        ordering = ["daira__wilaya__number", "name_fr"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.UniqueConstraint(fields=["daira", "name_fr"], name="commune_unique_per_daira"),
            models.UniqueConstraint(
                fields=["short_code"],
                condition=~models.Q(short_code=""),
                name="commune_short_code_unique",
            ),
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~models.Q(ons_code=""),
                name="commune_ons_code_unique",
            ),
        ]

    @property
    def wilaya(self) -> Wilaya:
        return self.daira.wilaya
