"""The trail nobody can rewrite: append events to a case's hash chain, and verify chains.

Each event's hash covers its content and the previous event's hash, so changing, removing or
reordering any past event breaks every hash after it. Appending happens under the case's row
lock (taken by the service that changes the case), so two writers cannot fork the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baladiya.cases.models import Case, CaseEvent
from baladiya.cases.signals import event_recorded
from baladiya.core.html import escape

# What each kind of event reads as in a timeline (the citizen's status page, their space, the
# case page). A table rather than a chain of template conditions: a timeline of a dozen events
# walked that chain once per event, the slowest part of the public status page.
EVENT_LABELS: dict[str, Promise] = {
    "submitted": _("Submitted"),
    "received": _("Received by the service"),
    "review_started": _("Review started"),
    "correction_requested": _("A correction or a document is requested"),
    "citizen_responded": _("Answer from the citizen"),
    "accepted": _("Accepted"),
    "accepted_instantly": _("Accepted"),
    "refused": _("Refused"),
    "closed_without_follow_up": _("Closed without follow-up"),
    "closed": _("Closed"),
    "reopened": _("Reopened"),
    "transferred": _("Transferred to another structure"),
    "document_issued": _("Document issued"),
    "documents_added": _("Documents added"),
    "message": _("Message from the service"),
    "citizen_message": _("Message from the citizen"),
    "note": _("Internal note"),
    "assigned": _("Assigned"),
    "opinion_requested": _("Opinion requested"),
    "opinion_given": _("Opinion given"),
    "claimed": _("Attached to the citizen's account"),
    "draft_created": _("Draft created"),
}


def timeline(
    events: Iterable[CaseEvent],
    *,
    show_actor: bool = False,
    labels: dict[str, Promise] | None = None,
) -> SafeString:
    """A trail as ``<ol class="timeline">``: when (Algiers time), what (:func:`event_label`),
    who (agents' pages only, ``show_actor``), the reason or message given, and the original
    text of a recategorised concern. Internal events carry ``class="internal"``.

    Written in Python for the public status page, whose visitor is mostly the one citizen
    the last event was for (so the page is seldom kept): the template loop was its slowest part.
    """
    out = ['<ol class="timeline">\n']
    for event in events:
        at = timezone.localtime(event.created_at)
        payload = event.payload or {}
        out.append("  <li>" if event.public else '  <li class="internal">')
        out.append(
            f'\n    <time datetime="{at.isoformat()}">{at:%d/%m/%Y %H:%M}</time>'
            f"\n    <strong>{escape(event_label(event.kind, labels))}</strong>"
        )
        if show_actor and event.actor_label:
            out.append(f' <span class="muted">— {escape(event.actor_label)}</span>')
        if payload.get("reason"):
            out.append(f"\n    <p>{escape(payload['reason'])}</p>")
        if payload.get("body"):
            out.append(f"\n    <p>{linebreaksbr(payload['body'], autoescape=True)}</p>")
        if payload.get("original"):
            original = gettext("Original")  # outside the f-string, where makemessages finds it
            out.append(
                f"\n    <p>{escape(original)}:"
                f' <span dir="ltr">{escape(payload["original"])}</span></p>'
            )
        out.append("\n  </li>\n")
    out.append("</ol>")
    return mark_safe("".join(out))  # noqa: S308 - every text escaped above


def event_label(kind: str, labels: dict[str, Promise] | None = None) -> str:
    """The event kind in the reader's language: from ``labels`` first (a concern's own
    wording), then :data:`EVENT_LABELS`; an unknown kind reads as itself."""
    label = (labels or {}).get(kind) or EVENT_LABELS.get(kind)
    return str(label) if label is not None else kind


def append_event(
    case: Case,
    kind: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    from_status: str = "",
    to_status: str = "",
    from_structure_id: int | None = None,
    to_structure_id: int | None = None,
    payload: dict | None = None,
    public: bool = True,
) -> CaseEvent:
    """Append one event. The caller holds the case's lock (or has just created the case).

    The last sequence and hash are cached on the case object so a service recording several
    events in one transaction reads the chain's end once.
    """
    tail = getattr(case, "_trail_tail", None)
    if tail is None:
        last = (
            CaseEvent.objects.filter(case=case)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        tail = last or (0, CaseEvent.GENESIS)
    event = CaseEvent(
        case=case,
        sequence=tail[0] + 1,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (actor.get_full_name() if getattr(actor, "pk", None) else ""),
        from_status=from_status,
        to_status=to_status,
        from_structure_id=from_structure_id,
        to_structure_id=to_structure_id,
        payload=payload or {},
        public=public,
        created_at=timezone.now(),
        previous_hash=tail[1],
    )
    # Hash what the database will give back: JSON round-trips and microsecond timestamps.
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    case._trail_tail = (event.sequence, event.hash)  # type: ignore[attr-defined]
    event_recorded.send(sender=CaseEvent, event=event, case=case)
    return event


@dataclass(frozen=True)
class TrailBreak:
    case_id: int
    reference: str | None
    sequence: int
    problem: str


def verify_case_events(
    case_id: int, reference: str | None, events: Iterable[CaseEvent]
) -> Iterator[TrailBreak]:
    """Every break in one case's chain: a wrong hash, a broken link, a missing sequence."""
    previous = CaseEvent.GENESIS
    expected_sequence = 1
    for event in events:
        if event.sequence != expected_sequence:
            yield TrailBreak(
                case_id, reference, event.sequence, f"sequence {expected_sequence} is missing"
            )
            expected_sequence = event.sequence
        if event.previous_hash != previous:
            yield TrailBreak(
                case_id, reference, event.sequence, "link to the previous event broken"
            )
        if event.compute_hash() != event.hash:
            yield TrailBreak(case_id, reference, event.sequence, "content changed after the fact")
        previous = event.hash
        expected_sequence += 1


def verify_all(batch_size: int = 2000) -> Iterator[TrailBreak]:
    """Walk every case's chain in sequence order, streaming (constant memory)."""
    references = dict(Case.objects.values_list("pk", "reference"))
    current: int | None = None
    bucket: list[CaseEvent] = []
    events = CaseEvent.objects.order_by("case_id", "sequence").iterator(chunk_size=batch_size)
    for event in events:
        if event.case_id != current and bucket:
            yield from verify_case_events(
                bucket[0].case_id, references.get(bucket[0].case_id), bucket
            )
            bucket = []
        current = event.case_id
        bucket.append(event)
    if bucket:
        yield from verify_case_events(bucket[0].case_id, references.get(bucket[0].case_id), bucket)
