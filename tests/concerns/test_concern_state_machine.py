"""Property test: random actions on a concern only ever follow the concern edges of the one
state machine, by someone allowed, each recording exactly one event; procedure-only
transitions never apply to a concern; the trail always verifies."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.cases.trail import verify_case_events
from baladiya.cases.workflow import TRANSITIONS, Actor, Kind, Status, TransitionNotAllowed
from tests.concerns.helpers import categories, report, technical_agent

CAPACITIES = {
    "agent": {Actor.AGENT, Actor.APPLICANT},
    "other_agent": set(),
    "system": {Actor.SYSTEM},
}

steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(TRANSITIONS)),
        st.sampled_from(sorted(CAPACITIES)),
        st.sampled_from(["", "Réponse"]),
    ),
    max_size=20,
)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_random_actions_on_a_concern_keep_every_invariant(steps):
    categories()
    people = {
        "agent": technical_agent("0920", "tech-sm"),
        "other_agent": technical_agent("0301", "tech-other-sm"),
    }
    case = report().case
    for name, who, reason in steps:
        before = Case.objects.get(pk=case.pk)
        transition = TRANSITIONS[name]
        allowed = (
            before.status in transition.sources
            and Kind.CONCERN in transition.kinds
            and transition.actor in CAPACITIES[who]
            and bool(reason or not transition.needs_reason)
        )
        events_before = before.events.count()
        try:
            services.fire(case=before, name=name, actor=people.get(who), reason=reason)
            happened = True
        except (TransitionNotAllowed, PermissionDenied, ValidationError):
            happened = False
        after = Case.objects.get(pk=case.pk)
        assert happened == allowed, (name, who, before.status)
        assert after.events.count() == events_before + (1 if happened else 0)
        if happened:
            assert after.status == transition.target
        assert after.status not in {Status.IN_REVIEW, Status.ACCEPTED, Status.REFUSED}
        assert (after.closed_at is not None) == (after.status == Status.CLOSED)
    events = list(Case.objects.get(pk=case.pk).events.order_by("sequence"))
    assert not list(verify_case_events(case.pk, case.reference, events))
