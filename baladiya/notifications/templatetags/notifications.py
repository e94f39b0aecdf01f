from typing import Any

from django import template

from baladiya.notifications.selectors import case_notifications as _case_notifications

register = template.Library()


@register.simple_tag
def case_notifications(case: Any) -> list:
    """The messages of a case the page already shows (its viewer was scoped by the view)."""
    return _case_notifications(case)
