"""Template helpers of the case pages."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from baladiya.cases import trail
from baladiya.cases.models import CaseEvent

register = template.Library()


@register.simple_tag
def case_timeline(events: Iterable[CaseEvent], show_actor: bool = False) -> SafeString:
    """``{% case_timeline events %}``: a case's trail (cases.trail.timeline)."""
    return trail.timeline(events, show_actor=show_actor)
