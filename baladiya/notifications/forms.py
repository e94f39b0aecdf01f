"""Forms of the citizen's SMS flows."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from baladiya.catalogue.form_engine import normalise_phone


def normalise_mobile(raw: str) -> str:
    """An Algerian mobile number (05…, 06…, 07…, or +213 5/6/7…) in E.164."""
    message = _("Enter an Algerian mobile number, for example 0661 23 45 67.")
    try:
        phone = normalise_phone(raw)
    except ValidationError as exc:
        raise ValidationError(message, code="phone") from exc
    kind = phonenumbers.number_type(phonenumbers.parse(phone))
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(message, code="not_mobile")
    return phone


class PhoneSignInForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        help_text=_("We send a six-digit code to this number by SMS, e.g. 0661 23 45 67."),
    )

    def clean_phone(self) -> str:
        return normalise_mobile(self.cleaned_data["phone"])


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by SMS"),
        max_length=12,
        help_text=_("Six digits. The code is valid for a few minutes."),
    )

    def clean_code(self) -> str:
        digits = "".join(
            ch for ch in self.cleaned_data["code"].translate(ARABIC_DIGITS) if ch.isdigit()
        )
        if len(digits) != 6:
            raise ValidationError(_("The code has six digits."), code="format")
        return digits


ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class PreferencesForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    accepts_sms = forms.BooleanField(label=_("By SMS"), required=False)
    accepts_email = forms.BooleanField(label=_("By email"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=[("ar", "العربية"), ("fr", "Français"), ("en", "English"), ("kab", "Taqbaylit")],
    )
