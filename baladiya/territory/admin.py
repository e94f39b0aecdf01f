"""Admin for the territory: wilayas, daïras and communes (APC).

Lists join their parents in the same query (``list_select_related``) and parents are chosen
through autocomplete, so neither the lists nor the forms query once per row.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from baladiya.territory.models import Commune, Daira, Wilaya


@admin.register(Wilaya)
class WilayaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "effective_from"]
    list_display_links = ["code", "name_fr"]
    list_filter = [("effective_from", admin.EmptyFieldListFilter)]
    # "number__exact" compares as text, so a name typed in the search box is no error.
    search_fields = ["name_fr", "name_ar", "name_en", "number__exact"]
    ordering = ["number"]

    @admin.display(description=_("number"), ordering="number")
    def code(self, obj: Wilaya) -> str:
        return obj.code


@admin.register(Daira)
class DairaAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "wilaya"]
    list_filter = ["wilaya"]
    list_select_related = ["wilaya"]
    search_fields = ["name_fr", "name_ar", "name_en", "wilaya__name_fr", "wilaya__name_ar"]
    autocomplete_fields = ["wilaya"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "daira", "wilaya_display", "postal_code", "ons_code"]
    list_filter = ["daira__wilaya"]
    list_select_related = ["daira__wilaya"]
    search_fields = ["name_fr", "name_ar", "name_en", "=postal_code", "=ons_code"]
    autocomplete_fields = ["daira"]

    @admin.display(description=_("wilaya"), ordering="daira__wilaya__number")
    def wilaya_display(self, obj: Commune) -> str:
        return str(obj.daira.wilaya)
