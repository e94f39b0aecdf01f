"""Admin: the category tree, the routing table, Open311 keys (made by a command), concerns."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from baladiya.concerns.models import Category, Concern, Open311Key, Routing


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_fr",
        "name_ar",
        "parent",
        "response_days",
        "service_type",
        "sector",
    )
    list_filter = ("parent", "sector", "is_active")
    search_fields = ("code", "name_fr", "name_ar", "synonyms")


@admin.register(Routing)
class RoutingAdmin(admin.ModelAdmin):
    list_display = ("category", "commune", "structure")
    list_filter = ("category",)
    search_fields = ("commune__name_fr", "structure__name_fr")
    autocomplete_fields = ("commune", "structure")
    list_select_related = ("category", "commune", "structure")


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Keys are made by ``manage.py create_open311_key`` (shown once); here they are revoked."""

    list_display = ("name", "prefix", "is_active", "created_at")
    fields = ("name", "prefix", "communes", "is_active")
    readonly_fields = ("prefix",)
    filter_horizontal = ("communes",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-only: concerns change through the services (the trail records every change)."""

    list_display = ("case", "category", "solved", "satisfaction")
    list_filter = ("category",)
    search_fields = ("case__reference",)
    list_select_related = ("case", "category")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
