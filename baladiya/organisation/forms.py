"""Forms of the organisation app: a citizen creates an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from baladiya.organisation.models import User


class CitizenSignupForm(UserCreationForm):
    """Name, a username, optionally a mobile phone and an email, and a password."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        required=False,
        help_text=_("To follow your cases: e.g. 0661 23 45 67."),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("first_name", "last_name", "username", "phone", "email")

    def clean_phone(self) -> str:
        from baladiya.cases.services import normalise_phone

        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not phone:
            raise forms.ValidationError(_("Enter an Algerian phone number, e.g. 0661 23 45 67."))
        if User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(_("An account already uses this phone number."))
        return phone

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.phone = self.cleaned_data.get("phone", "")
        from django.utils.translation import get_language

        user.preferred_language = (get_language() or "ar")[:8]
        if commit:
            user.save()
        return user
