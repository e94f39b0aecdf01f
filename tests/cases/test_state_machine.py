"""Property test: random sequences of actions by random people never break the lifecycle.

Whatever is tried, a transition happens only along an edge of the table, by someone allowed,
and records exactly one event; the clock is paused exactly while waiting for the citizen;
decision and closure dates follow the status; the trail always verifies.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.cases.trail import verify_case_events
from baladiya.cases.workflow import (
    DECIDED_STATUSES,
    TRANSITIONS,
    Actor,
    Kind,
    Status,
    TransitionNotAllowed,
)
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

# What each person may do on a case of commune A's civil-status service, written by hand.
CAPACITIES = {
    "citizen": {Actor.APPLICANT},
    "agent_a": {Actor.APPLICANT, Actor.AGENT},
    "head_a": {Actor.APPLICANT, Actor.AGENT, Actor.HEAD_OF_SERVICE},
    "supervisor_daira_a": {
        Actor.APPLICANT,
        Actor.AGENT,
        Actor.HEAD_OF_SERVICE,
        Actor.SUPERVISOR,
    },
    "agent_b": set(),
    "system": {Actor.SYSTEM},
}

steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(TRANSITIONS)),
        st.sampled_from(sorted(CAPACITIES)),
        st.sampled_from(["", "Raison"]),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_random_sequences_keep_every_invariant(pilots, steps):
    people = {**pilots.people, "citizen": UserFactory(username="amina-sm")}
    procedure = simple_procedure()
    case = make_case(procedure, ons_code="0301", applicant=people["citizen"])
    for name, who, reason in steps:
        before = Case.objects.get(pk=case.pk)
        events_before = before.events.count()
        transition = TRANSITIONS[name]
        actor = None if who == "system" else people[who]
        allowed = (
            before.status in transition.sources
            and Kind.PROCEDURE in transition.kinds  # concerns' transitions are not procedures'
            and transition.actor in CAPACITIES[who]
            and bool(reason or not transition.needs_reason)
        )
        try:
            services.fire(case=before, name=name, actor=actor, reason=reason)
            happened = True
        except (TransitionNotAllowed, PermissionDenied, ValidationError):
            happened = False
        after = Case.objects.get(pk=case.pk)
        assert happened == allowed, (name, who, before.status)
        if happened:
            assert after.status == transition.target
            assert after.events.count() == events_before + 1
            last = after.events.order_by("-sequence").first()
            assert (last.from_status, last.to_status, last.kind) == (
                before.status,
                transition.target,
                transition.event,
            )
        else:
            assert after.status == before.status
            assert after.events.count() == events_before
        assert (after.paused_since is not None) == (after.status == Status.WAITING_CITIZEN)
        assert (after.decided_at is not None) == (
            after.status in DECIDED_STATUSES or after.status == Status.CLOSED
        )
        assert (after.closed_at is not None) == (after.status == Status.CLOSED)
    events = list(Case.objects.get(pk=case.pk).events.order_by("sequence"))
    assert not list(verify_case_events(case.pk, case.reference, events))
