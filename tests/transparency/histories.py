"""Random histories of cases for the property tests of the roll-ups: any allowed step, in time."""

from __future__ import annotations

import datetime

import time_machine

from baladiya.cases import services
from baladiya.cases.workflow import transitions_from


def walk(case, steps, moment: datetime.datetime, *, citizen, admin):
    """Fire, for each (choice, gap in days), one of the transitions allowed from where the case
    is, ``gap`` days after the previous one; stops where none is allowed. Returns the case."""
    for choice, gap in steps:
        moment += datetime.timedelta(days=gap)
        allowed = [t.name for t in transitions_from(case.status)]
        if not allowed:
            break
        action = allowed[choice % len(allowed)]
        actor = citizen if action == "respond" else admin
        with time_machine.travel(moment, tick=False):
            case = services.fire(
                case=case,
                name=action,
                actor=None if action == "accept_instantly" else actor,
                reason="Parce que",
            )
    return case


class Rollback(Exception):
    """Raised at the end of one hypothesis example to undo its history (the test's own
    transaction spans all examples)."""


def dated_histories(max_offset: int):
    """Hypothesis strategy: up to 5 cases, each (commune code, with a legal deadline, submitted
    this many days after the start, its steps for :func:`walk`)."""
    from hypothesis import strategies as st

    return st.lists(
        st.tuples(
            st.sampled_from(["0301", "0920"]),
            st.booleans(),  # with a legal deadline
            st.integers(0, max_offset),
            st.lists(st.tuples(st.integers(0, 9), st.integers(0, 12)), max_size=9),
        ),
        min_size=1,
        max_size=5,
    )


def play(history, start: datetime.datetime, *, citizen, admin) -> None:
    """Submit and walk every case of a :func:`dated_histories` example."""
    from tests.cases.helpers import make_case, simple_procedure

    with_deadline = simple_procedure(slug="with-deadline", legal_deadline_days=3)
    without = simple_procedure(slug="without-deadline", legal_deadline_days=None)
    for ons_code, deadline, offset, steps in history:
        moment = start + datetime.timedelta(days=offset)
        with time_machine.travel(moment, tick=False):
            case = make_case(
                with_deadline if deadline else without, ons_code=ons_code, applicant=citizen
            )
        # Walk the state machine: any transition allowed from where the case is.
        walk(case, steps, moment, citizen=citizen, admin=admin)
