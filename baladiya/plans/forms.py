"""Forms of the plans pages (the rules themselves live in services and the importer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UpdateForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    reported_on = forms.DateField(
        label=_("Date of the progress reported"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("Evidence (PDF, JPEG or PNG; optional)"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Sheet (CSV or XLSX)"))
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=80)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    owner = forms.TypedChoiceField(label=_("Owner structure"), coerce=int)
    is_public = forms.BooleanField(label=_("Publish on the accountability page"), required=False)


class MeasurementForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("Value measured"), max_digits=14, decimal_places=2)
    measured_on = forms.DateField(
        label=_("Date of the measurement"), widget=forms.DateInput(attrs={"type": "date"})
    )
