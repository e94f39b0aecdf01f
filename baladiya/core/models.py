"""Platform-wide data: the exceptions to the working calendar.

Deadlines are counted in Algerian working days (see ``baladiya.core.calendar``). The ``holidays``
package knows the weekend and the public holidays, but only estimates the Islamic ones, which the
authorities fix a few days before; administrators record the corrections here.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from baladiya.core.i18n import pick_language_field


class CalendarException(models.Model):
    """A date on which the usual calendar (weekend + public holidays) does not apply.

    To confirm an estimated holiday, add a ``day_off`` on that date; to move it, add a
    ``working_day`` on the estimated date and a ``day_off`` on the real one.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off (extra or moved holiday)")
        WORKING_DAY = "working_day", _("Working day (normally a day off)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("The decision or announcement this is based on.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language (French for Kabyle and others)."""
        return pick_language_field(self, "name")


@receiver(post_save, sender=CalendarException, dispatch_uid="calendar_exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="calendar_exception_deleted")
def _calendar_exception_changed(*, using: str, **kwargs: Any) -> None:
    """Tell the working calendar that its cached copy is out of date."""
    # Imported here: baladiya.core.calendar imports this module.
    from baladiya.core.calendar import exceptions_changed

    exceptions_changed(using)
