"""Platform administrators may correct plans; progress updates are read-only (never rewritten)."""

from django.contrib import admin

from baladiya.plans.models import Evidence, Indicator, Measurement, Plan, PlanItem, ProgressUpdate


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_fr", "owner_structure", "start_date", "due_date", "is_public")
    search_fields = ("slug", "title_fr", "title_ar")
    raw_id_fields = ("owner_structure",)


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title_fr",
        "kind",
        "plan",
        "owner_structure",
        "due_date",
        "is_cancelled",
    )
    list_filter = ("kind", "is_cancelled", "is_public")
    search_fields = ("code", "title_fr", "title_ar")
    raw_id_fields = ("plan", "parent", "owner_structure", "responsible")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ("item", "reported_on", "progress", "author", "via_api")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("update", "label", "content_type", "size")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "item", "baseline", "target", "unit")
    raw_id_fields = ("item",)


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "measured_on", "value")
