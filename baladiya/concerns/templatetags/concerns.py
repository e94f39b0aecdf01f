"""Template helpers of the concern pages."""

from collections.abc import Iterable

from django import template
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from baladiya.cases.models import CaseEvent
from baladiya.cases.trail import timeline

register = template.Library()

# A concern's own wording of its events; the others read as a case's (cases.trail).
CONCERN_EVENT_LABELS: dict[str, Promise] = {
    "submitted": _("Concern received on the platform"),
    "work_started": _("Work started"),
    "planned": _("Planned"),
    "resolved": _("Resolved"),
    "not_our_responsibility": _("Not our responsibility"),
    "marked_duplicate": _("Duplicate of another concern"),
    "recategorised": _("Category changed"),
    "rated": _("Rated by the citizen"),
    "referred_to_supervisor": _("Sent to the supervisor (still not solved)"),
    "photo_approved": _("Photo approved"),
    "photo_withdrawn": _("Photo withdrawn"),
}


@register.simple_tag
def concern_timeline(events: Iterable[CaseEvent], show_actor: bool = False) -> SafeString:
    """``{% concern_timeline events %}``: a concern's trail, in a concern's own words."""
    return timeline(events, show_actor=show_actor, labels=CONCERN_EVENT_LABELS)
