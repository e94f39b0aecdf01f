"""Admin for cases: read-only. Every change goes through the services and the state machine."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from baladiya.cases.models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("sequence", "kind", "from_status", "to_status", "actor", "created_at", "hash")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Platform administrators can inspect a case; they cannot change its state here."""

    list_display = ("reference", "procedure", "status", "handling_structure", "submitted_at")
    list_filter = ("status", "channel")
    search_fields = ("reference",)
    list_select_related = ("procedure", "handling_structure")
    inlines = [CaseEventInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
