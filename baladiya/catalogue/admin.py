"""Admin of the catalogue: procedures, their documents, and forms built without a developer.

A form is edited as a draft version (its fields inline); the action "Publish" checks it and
freezes it. Published and retired versions are shown read-only: to change a form, the action
"New draft from this version" copies it into a new draft.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baladiya.catalogue import services
from baladiya.catalogue.models import (
    UPLOAD_KINDS,
    FormField,
    FormStatus,
    FormVersion,
    Procedure,
    RequiredDocument,
)
from baladiya.catalogue.text import LANGUAGES

# --- procedures -------------------------------------------------------------------------------


class RequiredDocumentInline(admin.StackedInline):
    model = RequiredDocument
    extra = 0
    fieldsets = (
        (None, {"fields": (("order", "provided_by", "mandatory"),)}),
        (_("Name"), {"fields": (("name_fr", "name_ar"), ("name_en", "name_kab"))}),
        (_("Note"), {"fields": (("note_fr", "note_ar"), ("note_en", "note_kab"))}),
    )


class FormVersionInline(admin.TabularInline):
    """The procedure's form versions, listed; each is edited on its own page."""

    model = FormVersion
    extra = 0
    fields = ("number", "status", "published_at", "retired_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormVersion]:
        return super().get_queryset(request).select_related("procedure")


def _multilingual(stem: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ((f"{stem}_fr", f"{stem}_ar"), (f"{stem}_en", f"{stem}_kab"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_fr",
        "name_ar",
        "structure_kind",
        "service_type",
        "is_published",
        "published_form",
        "order",
    )
    list_display_links = ("code", "name_fr")
    list_filter = ("is_published", "structure_kind", "service_type", "available_online")
    search_fields = ("code", "slug", "name_fr", "name_ar", "name_en", "name_kab")
    prepopulated_fields = {"slug": ("name_fr",)}
    inlines = [RequiredDocumentInline, FormVersionInline]
    fieldsets = (
        (None, {"fields": (("code", "slug"), ("order", "is_published"))}),
        (_("Name"), {"fields": _multilingual("name")}),
        (_("Summary"), {"fields": _multilingual("summary")}),
        (_("Who it is for"), {"fields": _multilingual("audience")}),
        (_("Instructions"), {"fields": _multilingual("instructions")}),
        (
            _("Who handles it, and how"),
            {
                "fields": (
                    ("structure_kind", "service_type"),
                    ("available_online", "available_at_counter"),
                )
            },
        ),
        (
            _("Fees and deadlines"),
            {
                "fields": (
                    "fee_da",
                    *_multilingual("fee_note"),
                    ("legal_deadline_days", "service_target_days"),
                )
            },
        ),
        (
            _("Instant processing"),
            {"fields": ("instant_processing", "instant_rules"), "classes": ("collapse",)},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        published = FormVersion.objects.filter(
            procedure=OuterRef("pk"), status=FormStatus.PUBLISHED
        ).values("number")[:1]
        return super().get_queryset(request).annotate(published_form_number=Subquery(published))

    @admin.display(description=_("published form"), ordering="published_form_number")
    def published_form(self, obj: Procedure) -> str:
        number = getattr(obj, "published_form_number", None)
        return gettext("version %(number)s") % {"number": number} if number else "—"


# --- forms ------------------------------------------------------------------------------------


class ChoicesTextField(forms.CharField):
    """Options typed one per line — ``value | French | Arabic | English | Kabyle`` — stored as
    the JSON list the form engine reads. Easier than JSON for an editor."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(
                " | ".join(
                    [
                        str(option.get("value", "")),
                        *(option.get(f"label_{c}", "") for c in LANGUAGES),
                    ]
                ).rstrip(" |")
                for option in value
                if isinstance(option, dict)
            )
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        options = []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 3 or not all(parts[:3]):
                raise ValidationError(
                    gettext(
                        "Line %(number)s: give at least the value, the French label and the "
                        "Arabic label, separated by |."
                    )
                    % {"number": number}
                )
            parts += [""] * (5 - len(parts))
            options.append(
                {"value": parts[0], **{f"label_{c}": parts[i + 1] for i, c in enumerate(LANGUAGES)}}
            )
        return options


class FormFieldForm(forms.ModelForm):
    choices = ChoicesTextField(
        label=_("choices"),
        required=False,
        help_text=_(
            "For choice fields, one option per line: value | French | Arabic | English | Kabyle. "
            "Example: passport | Passeport | جواز السفر | Passport | Paspur"
        ),
    )
    allowed_kinds = forms.MultipleChoiceField(
        label=_("accepted file kinds"),
        choices=[(kind, kind.upper()) for kind in UPLOAD_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: all three are accepted."),
    )

    class Meta:
        model = FormField
        fields = [
            "order",
            "key",
            "field_type",
            "required",
            "group_key",
            *(f"{stem}_{lang}" for stem in ("label", "help") for lang in LANGUAGES),
            "choices",
            "show_if_key",
            "show_if_value",
            "min_value",
            "max_value",
            "max_length",
            "regex",
            *(f"regex_message_{lang}" for lang in LANGUAGES),
            "max_size_mb",
            "allowed_kinds",
            "max_repeats",
        ]


class FormFieldInline(admin.StackedInline):
    """The questions of a draft; read-only once the version is published."""

    model = FormField
    form = FormFieldForm
    extra = 0
    ordering = ("order", "pk")
    fieldsets = (
        (None, {"fields": (("order", "key", "field_type"), ("required", "group_key"))}),
        (_("Label"), {"fields": _multilingual("label")}),
        (_("Help"), {"fields": _multilingual("help"), "classes": ("collapse",)}),
        (_("Options of choice fields"), {"fields": ("choices",), "classes": ("collapse",)}),
        (
            _("Show only if"),
            {"fields": (("show_if_key", "show_if_value"),), "classes": ("collapse",)},
        ),
        (
            _("Checks on the answer"),
            {
                "fields": (
                    ("min_value", "max_value", "max_length"),
                    "regex",
                    *_multilingual("regex_message"),
                ),
                "classes": ("collapse",),
            },
        ),
        (
            _("Files and repeated groups"),
            {"fields": (("max_size_mb", "allowed_kinds"), "max_repeats"), "classes": ("collapse",)},
        ),
    )

    def _editable(self, obj: FormVersion | None) -> bool:
        return obj is None or obj.is_draft

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if obj is not None and obj.is_draft and not obj.fields.exists() else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "status", "published_at", "retired_at")
    list_filter = ("status",)
    search_fields = ("procedure__code", "procedure__name_fr", "procedure__name_ar")
    list_select_related = ("procedure",)
    autocomplete_fields = ("procedure",)
    inlines = [FormFieldInline]
    actions = ["publish", "new_draft"]

    FROZEN = ("procedure", "number", "status", "published_at", "retired_at", "definition")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("procedure",) if obj is None else self.FROZEN

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else self.FROZEN

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published and retired versions are shown, never changed (no Save button at all).
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk delete would reach published versions; drafts are deleted from their own page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        version = self.get_object(request, object_id)
        if request.method == "GET" and version is not None:
            if version.is_draft:
                message = gettext(
                    "This is a draft: edit its fields, save, then publish it with the action "
                    "“Publish” in the list of form versions."
                )
            else:
                message = gettext(
                    "This version is %(status)s and cannot be changed: cases point at it. To "
                    "change the form, use the action “New draft from this version”."
                ) % {"status": version.get_status_display()}
            self.message_user(request, message, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[FormVersion]) -> None:
        for version in queryset.select_related("procedure").order_by("procedure_id", "number"):
            names = {"number": version.number, "procedure": version.procedure.code}
            try:
                services.publish_form_version(version=version)
            except ValidationError as exc:
                problems = "; ".join(exc.messages)
                self.message_user(
                    request,
                    gettext("%(procedure)s version %(number)s was not published: %(problems)s")
                    % {**names, "problems": problems},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(procedure)s version %(number)s is published; the previous version is "
                        "retired. New cases use this one."
                    )
                    % names,
                    messages.SUCCESS,
                )

    @admin.action(description=_("New draft from this version"), permissions=["add"])
    def new_draft(
        self, request: HttpRequest, queryset: QuerySet[FormVersion]
    ) -> HttpResponseRedirect | None:
        drafts = [
            services.new_draft_from(version=version)
            for version in queryset.select_related("procedure").order_by("procedure_id", "number")
        ]
        for draft in drafts:
            self.message_user(
                request,
                gettext(
                    "Draft version %(number)s of %(procedure)s created: edit it, then publish it."
                )
                % {"number": draft.number, "procedure": draft.procedure.code},
                messages.SUCCESS,
            )
        if len(drafts) == 1:
            return HttpResponseRedirect(
                reverse("admin:catalogue_formversion_change", args=[drafts[0].pk])
            )
        return None

    def save_model(self, request: HttpRequest, obj: FormVersion, form: Any, change: bool) -> None:
        if change and not obj.is_draft:
            return  # read-only (has_change_permission refuses); never rewrite a frozen version
        super().save_model(request, obj, form, change)
