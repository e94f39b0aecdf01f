"""The concern form: what, where, and (optionally) who. Works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from baladiya.cases.services import normalise_phone
from baladiya.concerns import selectors
from baladiya.concerns.models import Category
from baladiya.concerns.services import MAX_PHOTOS, Intake, check_extra_answers, submit_concern
from baladiya.core.params import whole_number
from baladiya.territory.models import Commune
from baladiya.territory.selectors import pilot_communes


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many")
        from baladiya.core.uploads import validate_upload

        for upload in files:
            validate_upload(upload, allowed_kinds=("jpeg", "png"))
        return list(files)


def category_choices() -> list[tuple[str, Any]]:
    """Grouped choices: each top-level category, then its sub-categories."""
    choices: list[tuple[str, Any]] = [("", _("Choose a category"))]
    for top, children in selectors.category_tree():
        if children:
            choices.append(
                (
                    str(top.name),
                    [(str(top.pk), str(top.name))] + [(str(c.pk), str(c.name)) for c in children],
                )
            )
        else:
            choices.append((str(top.pk), str(top.name)))
    return choices


class ConcernForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"))
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), empty_label=_("Choose your commune")
    )
    address = forms.CharField(
        label=_("Where exactly? (street, landmark)"),
        max_length=300,
        help_text=_("Never published. The public list shows only the commune and the category."),
    )
    description = forms.CharField(
        label=_("Describe the problem"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"), required=False, max_digits=8, decimal_places=5
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"), required=False, max_digits=8, decimal_places=5
    )
    photos = MultipleImageField(
        label=_("Photos (optional, JPEG or PNG, up to 3)"),
        required=False,
        help_text=_("Published only after an agent checks them. Do not photograph people."),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Needed to follow your concern with its reference and to be told the answer."),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["commune"].queryset = pilot_communes()  # type: ignore[attr-defined]
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png"

    def clean_category(self) -> Category:
        raw = self.cleaned_data["category"]
        pk = whole_number(raw)
        category = selectors.categories().filter(pk=pk).first() if pk is not None else None
        if category is None:
            raise ValidationError(_("Choose a category."))
        return category

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not phone:
            raise ValidationError(_("Enter an Algerian mobile number, e.g. 0661 23 45 67."))
        return phone

    def clean(self) -> dict:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        category = data.get("category")
        if isinstance(category, Category) and category.extra_questions:
            try:
                data["extra_answers"] = check_extra_answers(
                    category,
                    {k: self.data.get(f"extra_{k}", "") for k in self._extra_keys(category)},
                )
            except ValidationError:
                self.add_error(None, _("Answer the questions this category needs."))
        return data

    def submit(self, *, actor: Any, channel: str) -> Intake:
        """File the valid form's concern through ``services.submit_concern`` (online or at the
        counter); the intake. Raises ``ValidationError``."""
        data = self.cleaned_data
        return submit_concern(
            category=data["category"],
            commune=data["commune"],
            description=data["description"],
            address=data["address"],
            actor=actor,
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            channel=channel,
            language=get_language() or "ar",
            extra_answers=data.get("extra_answers"),
            photos=data.get("photos") or [],
        )

    @staticmethod
    def _extra_keys(category: Category) -> list[str]:
        return [q["key"] for q in category.extra_questions or []]
