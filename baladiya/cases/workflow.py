"""The case lifecycle: one explicit state machine.

Everything that changes a case's status — pages, API, admin, commands — goes through
:func:`baladiya.cases.services.fire`, which asks this table. A transition lists the states it
leaves from, the state it leads to, who may fire it, and the event it records.

    draft → submitted → received → in review ⇄ waiting for the citizen (clock paused)
                                   in review → accepted | refused | closed without follow-up
          accepted | refused | closed without follow-up → closed
          refused | closed without follow-up | closed → in review   (reopened by a supervisor)
    submitted → accepted   (instant processing, by the system, when the register confirms)

Concerns (``Kind.CONCERN``) use the same table, with the transitions marked for them:

    submitted → received → in progress → planned → resolved → closed (solved, or by an agent)
    submitted | received | in progress → not our responsibility | duplicate → closed
    resolved → in progress   (the citizen says "not solved", once; a supervisor after that)

Transfers, assignment, messages and opinions (avis) are side flows: they keep the status and
are recorded as events too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baladiya.organisation.models import Role


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    WAITING_CITIZEN = "waiting_citizen", _("Waiting for you")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    NO_FOLLOW_UP = "no_follow_up", _("Closed without follow-up")
    CLOSED = "closed", _("Closed")
    # Concerns (doléances) only.
    IN_PROGRESS = "in_progress", _("In progress")
    PLANNED = "planned", _("Planned")
    RESOLVED = "resolved", _("Resolved")
    NOT_OUR_RESPONSIBILITY = "not_ours", _("Not our responsibility")
    DUPLICATE = "duplicate", _("Duplicate")


class Kind(models.TextChoices):
    """What a case is: a request for a procedure, or a concern (doléance, signalement)."""

    PROCEDURE = "procedure", _("Procedure")
    CONCERN = "concern", _("Concern")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.WAITING_CITIZEN,
        Status.IN_PROGRESS,
        Status.PLANNED,
    }
)
# What a procedure case can be in (the inbox's status filter); the others are concerns'.
PROCEDURE_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.WAITING_CITIZEN,
        Status.ACCEPTED,
        Status.REFUSED,
        Status.NO_FOLLOW_UP,
        Status.CLOSED,
    }
)
DECIDED_STATUSES = frozenset({Status.ACCEPTED, Status.REFUSED, Status.NO_FOLLOW_UP})
# The legal clock runs in these states; it stops while waiting for the citizen.
CLOCK_RUNNING = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_REVIEW, Status.IN_PROGRESS})


class Actor(enum.StrEnum):
    """Who fires a transition. Agents' roles are checked against the handling structure."""

    APPLICANT = "applicant"  # the citizen whose case it is (or a counter agent on their behalf)
    AGENT = "agent"  # any role in the handling structure (agent and above)
    HEAD_OF_SERVICE = "head_of_service"  # head of service or supervisor above
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


# Agents' roles that satisfy each actor requirement (the role is held on the handling structure
# or above it, as the scoping layer decides).
ROLES_FOR_ACTOR: dict[Actor, frozenset[str]] = {
    Actor.AGENT: frozenset({Role.AGENT, Role.HEAD_OF_SERVICE, Role.SUPERVISOR}),
    Actor.HEAD_OF_SERVICE: frozenset({Role.HEAD_OF_SERVICE, Role.SUPERVISOR}),
    Actor.SUPERVISOR: frozenset({Role.SUPERVISOR}),
}


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: Actor
    event: str
    label: str | Promise
    needs_reason: bool = False
    public: bool = True  # shown to the citizen on the status page
    kinds: frozenset[str] = frozenset({Kind.PROCEDURE})  # the kinds of case it applies to


def _t(
    name: str,
    sources: set[str],
    target: str,
    actor: Actor,
    event: str,
    label: str | Promise,
    **kw: bool | frozenset[str],
) -> Transition:
    return Transition(name, frozenset(sources), target, actor, event, label, **kw)  # type: ignore[arg-type]


PROCEDURE = frozenset({Kind.PROCEDURE})
CONCERN = frozenset({Kind.CONCERN})
BOTH = PROCEDURE | CONCERN


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", {Status.DRAFT}, Status.SUBMITTED, Actor.APPLICANT, "submitted", _("Submit")),
        _t(
            "receive",
            {Status.SUBMITTED},
            Status.RECEIVED,
            Actor.AGENT,
            "received",
            _("Receive"),
            kinds=BOTH,
        ),
        _t(
            "start_review",
            {Status.RECEIVED},
            Status.IN_REVIEW,
            Actor.AGENT,
            "review_started",
            _("Start the review"),
        ),
        _t(
            "request_correction",
            {Status.IN_REVIEW},
            Status.WAITING_CITIZEN,
            Actor.AGENT,
            "correction_requested",
            _("Ask the citizen for a correction or a document"),
            needs_reason=True,
        ),
        _t(
            "respond",
            {Status.WAITING_CITIZEN},
            Status.IN_REVIEW,
            Actor.APPLICANT,
            "citizen_responded",
            _("Send my answer"),
        ),
        _t(
            "accept",
            {Status.RECEIVED, Status.IN_REVIEW},
            Status.ACCEPTED,
            Actor.AGENT,
            "accepted",
            _("Accept"),
        ),
        _t(
            "accept_instantly",
            {Status.SUBMITTED},
            Status.ACCEPTED,
            Actor.SYSTEM,
            "accepted_instantly",
            _("Accepted at once"),
        ),
        _t(
            "refuse",
            {Status.IN_REVIEW},
            Status.REFUSED,
            Actor.HEAD_OF_SERVICE,
            "refused",
            _("Refuse, with the reasons"),
            needs_reason=True,
        ),
        _t(
            "close_without_follow_up",
            {Status.IN_REVIEW, Status.WAITING_CITIZEN},
            Status.NO_FOLLOW_UP,
            Actor.AGENT,
            "closed_without_follow_up",
            _("Close without follow-up"),
            needs_reason=True,
        ),
        _t(
            "close",
            {Status.ACCEPTED, Status.REFUSED, Status.NO_FOLLOW_UP},
            Status.CLOSED,
            Actor.AGENT,
            "closed",
            _("Close (document delivered)"),
        ),
        _t(
            "reopen",
            {Status.REFUSED, Status.NO_FOLLOW_UP, Status.CLOSED},
            Status.IN_REVIEW,
            Actor.SUPERVISOR,
            "reopened",
            _("Reopen"),
            needs_reason=True,
        ),
        # Concerns: received → in progress → planned → resolved; or not ours, or a duplicate.
        _t(
            "start_work",
            {Status.RECEIVED},
            Status.IN_PROGRESS,
            Actor.AGENT,
            "work_started",
            _("Start working on it"),
            kinds=CONCERN,
        ),
        _t(
            "plan",
            {Status.RECEIVED, Status.IN_PROGRESS},
            Status.PLANNED,
            Actor.AGENT,
            "planned",
            _("Planned (say when and what)"),
            needs_reason=True,
            kinds=CONCERN,
        ),
        _t(
            "resolve",
            {Status.RECEIVED, Status.IN_PROGRESS, Status.PLANNED},
            Status.RESOLVED,
            Actor.AGENT,
            "resolved",
            _("Resolved (public answer)"),
            needs_reason=True,
            kinds=CONCERN,
        ),
        _t(
            "not_our_responsibility",
            {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS},
            Status.NOT_OUR_RESPONSIBILITY,
            Actor.AGENT,
            "not_our_responsibility",
            _("Not our responsibility (say who is and where to go)"),
            needs_reason=True,
            kinds=CONCERN,
        ),
        # Fired by concerns.services.merge_duplicate, which names the original.
        _t(
            "mark_duplicate",
            {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.PLANNED},
            Status.DUPLICATE,
            Actor.AGENT,
            "marked_duplicate",
            _("Duplicate of another concern"),
            kinds=CONCERN,
        ),
        # The citizen says "not solved" (checked by concerns.services, anonymous citizens too).
        _t(
            "reopen_by_citizen",
            {Status.RESOLVED},
            Status.IN_PROGRESS,
            Actor.SYSTEM,
            "reopened",
            _("Reopened: not solved"),
            kinds=CONCERN,
        ),
        _t(
            "reopen_concern",
            {Status.RESOLVED, Status.NOT_OUR_RESPONSIBILITY, Status.CLOSED},
            Status.IN_PROGRESS,
            Actor.SUPERVISOR,
            "reopened",
            _("Reopen"),
            needs_reason=True,
            kinds=CONCERN,
        ),
        _t(
            "close_concern",
            {Status.RESOLVED, Status.NOT_OUR_RESPONSIBILITY, Status.DUPLICATE},
            Status.CLOSED,
            Actor.AGENT,
            "closed",
            _("Close"),
            kinds=CONCERN,
        ),
        # The citizen confirms it is solved.
        _t(
            "close_solved",
            {Status.RESOLVED},
            Status.CLOSED,
            Actor.SYSTEM,
            "closed",
            _("Closed: solved"),
            kinds=CONCERN,
        ),
    ]
}


class TransitionNotAllowed(Exception):
    """The transition does not exist, does not leave from this state, or not for this actor."""


def transitions_from(status: str, kind: str = Kind.PROCEDURE) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and kind in t.kinds]


def get_transition(name: str, status: str, kind: str = Kind.PROCEDURE) -> Transition:
    transition = TRANSITIONS.get(name)
    if transition is None or kind not in transition.kinds:
        raise TransitionNotAllowed(f"Unknown transition {name!r}")
    if status not in transition.sources:
        raise TransitionNotAllowed(f"{name!r} is not allowed from {status!r}")
    return transition


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
