"""Template helpers of the catalogue: texts in another language, steps, fees, deadlines."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from baladiya.catalogue.text import LocalizedText

register = template.Library()


@register.filter
def ml(text: Any) -> SafeString | str:
    """A catalogue text, marked with its own lang and dir when it is not in the page's language
    (e.g. French shown on a Kabyle page where no Kabyle text was written)."""
    if isinstance(text, LocalizedText) and text.is_fallback:
        return format_html('<span lang="{}" dir="{}">{}</span>', text.lang, text.dir, text.text)
    return format_html("{}", str(text))


@register.filter
def steps(text: Any) -> SafeString:
    """Instructions written one step per line, as a numbered list."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
    if isinstance(text, LocalizedText) and text.is_fallback:
        return format_html('<ol lang="{}" dir="{}">{}</ol>', text.lang, text.dir, items)
    return format_html("<ol>{}</ol>", items)


def format_amount(amount: int) -> str:
    """1000 → "1 000" (groups of three, joined by a no-break space so they never split)."""
    return f"{amount:,}".replace(",", "\u00a0")


@register.filter
def fee(amount: int | None) -> str:
    """The fee in dinars: "Free" for 0, "6 000 DA" otherwise, "" when it depends on the case."""
    if amount is None:
        return ""
    if amount == 0:
        return _("Free")
    return _("%(amount)s DA") % {"amount": format_amount(amount)}


@register.filter
def working_days(days: int | None) -> str:
    """ "Same day" for 0, "15 working days" otherwise, "" when not set."""
    if days is None:
        return ""
    if days == 0:
        return _("Same day")
    return ngettext("%(days)s working day", "%(days)s working days", days) % {"days": days}
