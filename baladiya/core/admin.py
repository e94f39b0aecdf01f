"""Admin for the platform's own data: the exceptions to the working calendar."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from baladiya.core.calendar import WorkingCalendar
from baladiya.core.models import CalendarException

# The package's holidays alone (no exceptions, so never a query); they do not change at run time.
_PACKAGE_CALENDAR = WorkingCalendar(exceptions=[])


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name_fr", "name_ar", "usual_holiday"]
    list_display_links = ["date", "name_fr"]
    list_filter = ["kind"]
    search_fields = ["name_fr", "name_ar", "name_en", "note"]
    date_hierarchy = "date"
    ordering = ["date"]
    fields = ["date", "kind", "name_fr", "name_ar", "name_en", "note", "created_at"]
    readonly_fields = ["created_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarException) -> str:
        return date_format(obj.date, "l")

    @admin.display(description=_("holiday without this exception"))
    def usual_holiday(self, obj: CalendarException) -> str:
        """What the holidays package says of that date (e.g. an estimated Islamic holiday)."""
        return _PACKAGE_CALENDAR.holiday_name(obj.date) or ""
