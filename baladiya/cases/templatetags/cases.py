"""Template helpers of the case pages."""

from django import template

from baladiya.cases.trail import event_label

register = template.Library()


@register.filter
def case_event_label(kind: str) -> str:
    """``{{ event.kind|case_event_label }}``: what the event reads as (cases.trail)."""
    return event_label(kind)
