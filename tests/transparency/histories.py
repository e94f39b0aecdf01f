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
