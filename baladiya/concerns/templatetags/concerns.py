"""Template helpers of the concern pages."""

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baladiya.cases.trail import event_label

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


@register.filter
def concern_event_label(kind: str) -> str:
    """``{{ event.kind|concern_event_label }}``: what a concern's event reads as."""
    return event_label(kind, CONCERN_EVENT_LABELS)
