"""The kinds of message the platform sends, their default words, and who receives them.

Default texts are gettext strings, so they are translated with the rest of the platform; on
migrate they are copied into :class:`~baladiya.notifications.models.NotificationTemplate` rows,
which administrators then edit per language. Placeholders are ``{name}``; only the names listed
in ``PLACEHOLDERS`` exist. Texts are short, in plain language, and carry the reference and what
to do next: they are read on basic phones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: str | Promise
    subject: str | Promise
    short_text: str | Promise
    long_text: str | Promise = ""
    for_staff: bool = False


PLACEHOLDERS: dict[str, str | Promise] = {
    "reference": _("the case's reference"),
    "procedure": _("the procedure or the concern's category"),
    "status": _("the status, in words"),
    "due_date": _("the expected date"),
    "structure": _("the structure now handling it"),
    "link": _("the address where the citizen follows it"),
    "reason": _("the reason given by the agent"),
    "message": _("the agent's message"),
    "original": _("the reference of the original (duplicates)"),
    "code": _("the one-time sign-in code"),
    "minutes": _("how long the code is valid, in minutes"),
    "item": _("the action-plan item"),
    "export": _("the name of the export"),
    "days": _("how many days a file is kept"),
}

_KINDS = [
    MessageKind(
        "case_submitted",
        _("Request registered"),
        _("{reference}: your request is registered"),
        _(
            "Baladiya: request {reference} registered ({procedure}). Expected by {due_date}. "
            "Follow it: {link}"
        ),
        _(
            "Keep this reference. You will be told at each step. If a document is missing, the "
            "service will contact you."
        ),
    ),
    MessageKind(
        "concern_submitted",
        _("Report registered"),
        _("{reference}: your report is registered"),
        _(
            "Baladiya: report {reference} registered ({procedure}). Answer expected by "
            "{due_date}. Follow it: {link}"
        ),
    ),
    MessageKind(
        "case_received",
        _("Received by the service"),
        _("{reference}: received by the service"),
        _(
            "Baladiya: {reference} was received by {structure}. We will tell you if anything is "
            "missing."
        ),
    ),
    MessageKind(
        "case_correction_requested",
        _("Something is needed from the citizen"),
        _("{reference}: we need something from you"),
        _(
            "Baladiya: {reference} needs something from you: {reason}. Answer at {link} or at "
            "the counter."
        ),
        _("The deadline is paused until you answer."),
    ),
    MessageKind(
        "case_transferred",
        _("Sent to another structure"),
        _("{reference}: sent to another structure"),
        _("Baladiya: {reference} was sent to {structure}, which now handles it. Same reference."),
    ),
    MessageKind(
        "case_accepted",
        _("Request accepted"),
        _("{reference}: accepted"),
        _("Baladiya: {reference} is accepted. You will be told when the document is ready: {link}"),
    ),
    MessageKind(
        "case_refused",
        _("Request refused"),
        _("{reference}: refused"),
        _(
            "Baladiya: {reference} was refused: {reason}. You may appeal; ask at the counter or "
            "see {link}"
        ),
    ),
    MessageKind(
        "case_closed_without_follow_up",
        _("Closed without follow-up"),
        _("{reference}: closed without follow-up"),
        _("Baladiya: {reference} was closed without follow-up: {reason}. See {link}"),
    ),
    MessageKind(
        "case_document_ready",
        _("Document ready"),
        _("{reference}: your document is ready"),
        _(
            "Baladiya: your document for {reference} is ready. Download it at {link} or collect "
            "it at the counter with your ID."
        ),
    ),
    MessageKind(
        "case_message",
        _("Message from the service"),
        _("{reference}: a message from the service"),
        _("Baladiya, about {reference}: {message}"),
        _("Answer from your space on the site or at the counter: {link}"),
    ),
    MessageKind(
        "concern_planned",
        _("Work planned"),
        _("{reference}: work is planned"),
        _("Baladiya: your report {reference} is planned: {reason}. Follow it: {link}"),
    ),
    MessageKind(
        "concern_resolved",
        _("Report resolved"),
        _("{reference}: resolved — is it solved for you?"),
        _(
            "Baladiya: {reference} is marked resolved. Is it solved? Tell us and rate the answer: "
            "{link}"
        ),
    ),
    MessageKind(
        "concern_not_our_responsibility",
        _("Not our responsibility"),
        _("{reference}: who is responsible"),
        _("Baladiya: {reference} is not handled by this service: {reason}. See {link}"),
    ),
    MessageKind(
        "concern_duplicate",
        _("Duplicate report"),
        _("{reference}: already reported"),
        _(
            "Baladiya: {reference} was already reported as {original}. You now follow {original}: "
            "{link}"
        ),
    ),
    MessageKind(
        "status_reply",
        _("Status by SMS"),
        _("{reference}: status"),
        _("Baladiya: {reference}: {status}. Expected by {due_date}."),
    ),
    MessageKind(
        "status_unknown",
        _("Status by SMS: not found"),
        _("Not found"),
        _(
            "Baladiya: no request {reference} was found for this phone number. Check the "
            "reference on your receipt."
        ),
    ),
    MessageKind(
        "status_help",
        _("Status by SMS: how to ask"),
        _("How to ask"),
        _(
            "Baladiya: send only the reference printed on your receipt, e.g. LGT-26-7K3F-9Q2M, to "
            "get its status."
        ),
    ),
    MessageKind(
        "sign_in_code",
        _("Sign-in code"),
        _("Your sign-in code"),
        _(
            "Baladiya: your sign-in code is {code}. It expires in {minutes} minutes. Never give it "
            "to anyone."
        ),
    ),
    MessageKind(
        "staff_due_soon",
        _("Case due soon (agents)"),
        _("{reference} is due on {due_date}"),
        _("Baladiya: {reference} ({procedure}) is due on {due_date}."),
        for_staff=True,
    ),
    MessageKind(
        "staff_overdue",
        _("Case overdue (supervisors)"),
        _("{reference} is overdue"),
        _("Baladiya: {reference} at {structure} is past its deadline ({due_date})."),
        for_staff=True,
    ),
    MessageKind(
        "staff_escalated",
        _("Concern escalated (supervisors)"),
        _("{reference} is escalated to you"),
        _("Baladiya: report {reference} at {structure} is past its deadline and escalated to you."),
        for_staff=True,
    ),
    MessageKind(
        "plan_due_soon",
        _("Action-plan item due soon"),
        _("Due on {due_date}: {item}"),
        _('Baladiya: the action-plan item "{item}" is due on {due_date}. Report its progress.'),
        for_staff=True,
    ),
    MessageKind(
        "plan_late",
        _("Action-plan item late"),
        _("Late: {item}"),
        _('Baladiya: the action-plan item "{item}" is late (due {due_date}).'),
        for_staff=True,
    ),
    MessageKind(
        "export_ready",
        _("Export ready (staff)"),
        _("Your export is ready: {export}"),
        _('Baladiya: your export "{export}" is ready. Download it: {link}'),
        _("The file is kept for {days} days; after that, ask for it again."),
        for_staff=True,
    ),
    MessageKind(
        "export_failed",
        _("Export failed (staff)"),
        _("Your export could not be prepared: {export}"),
        _('Baladiya: your export "{export}" could not be prepared. {reason} Your exports: {link}'),
        for_staff=True,
    ),
]
KINDS: dict[str, MessageKind] = {k.key: k for k in _KINDS}

# Which case events tell the citizen, and with which message. A concern uses its own words
# where it has them (``concern_*``), else the case's.
CITIZEN_EVENTS: dict[str, str] = {
    "submitted": "case_submitted",
    "received": "case_received",
    "correction_requested": "case_correction_requested",
    "transferred": "case_transferred",
    "accepted": "case_accepted",
    "accepted_instantly": "case_accepted",
    "refused": "case_refused",
    "closed_without_follow_up": "case_closed_without_follow_up",
    "document_issued": "case_document_ready",
    "message": "case_message",
    "planned": "concern_planned",
    "resolved": "concern_resolved",
    "not_our_responsibility": "concern_not_our_responsibility",
    "marked_duplicate": "concern_duplicate",
}
CONCERN_WORDS = {"case_submitted": "concern_submitted"}


def message_kind_for_event(event_kind: str, case_kind: str = "procedure") -> str | None:
    kind = CITIZEN_EVENTS.get(event_kind)
    if kind and case_kind == "concern":
        kind = CONCERN_WORDS.get(kind, kind)
    return kind
