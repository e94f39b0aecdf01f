"""Admin for platform administrators: people, structures, memberships."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from baladiya.organisation.models import Membership, Structure, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["structure"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Baladiya"), {"fields": ("phone", "preferred_language")}),
    )
    list_display = ("username", "first_name", "last_name", "phone", "email", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    inlines = [MembershipInline]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_ar", "kind", "sector", "service_type", "path", "is_active")
    list_filter = ("kind", "sector", "service_type", "is_active")
    search_fields = ("name_fr", "name_ar", "code", "path")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ["parent", "wilaya", "daira", "commune"]
    list_select_related = ("parent",)
    show_full_result_count = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "structure", "role", "created_at")
    list_filter = ("role", "structure__kind")
    search_fields = ("user__username", "user__last_name", "structure__name_fr", "structure__path")
    autocomplete_fields = ["user", "structure"]
    list_select_related = ("user", "structure")
