"""Supervision's open backlog: each status change moves it in one statement, overdue follows the
calendar with no event, and a rebuild from the cases gives the same rows after any history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Min
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.cases.workflow import CLOCK_RUNNING, OPEN_STATUSES, transitions_from
from baladiya.core.calendar import local_date
from baladiya.transparency import backlog
from baladiya.transparency.models import OpenBacklog
from tests.cases.helpers import make_case, simple_procedure
from tests.transparency.histories import Rollback, dated_histories, play

START = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)


def _backlog_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "transparency_openbacklog" in q["sql"]]


def test_a_submission_enters_the_backlog_in_one_statement(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen, submit=False)
    with CaptureQueriesContext(connection) as queries:
        services.submit(case=case, actor=citizen, answers={"full_name": "Amina"})
    assert len(_backlog_statements(queries)) == 1
    assert backlog.table() == {
        (case.commune_id, OpenBacklog.SUBMITTED_ON, local_date(case.submitted_at)): 1,
        (case.commune_id, OpenBacklog.DUE_ON, case.due_date): 1,
    }


def test_messages_assignments_and_receiving_cost_the_backlog_nothing(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    agent = pilots.people["agent_a"]
    with CaptureQueriesContext(connection) as queries:
        services.post_message(case=case, actor=agent, body="Bonjour")
        services.assign(case=case, actor=agent, assignee=agent)
        services.fire(case=case, name="receive", actor=agent)  # open -> open, clock running
    assert _backlog_statements(queries) == []


def test_a_case_becomes_overdue_with_the_calendar_and_leaves_the_backlog_when_decided(
    pilots, citizen
):
    agent, head = pilots.people["agent_a"], pilots.people["head_a"]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        case = make_case(
            simple_procedure(legal_deadline_days=2), ons_code="0301", applicant=citizen
        )
    commune = case.commune_id
    before_due = case.due_date
    assert backlog.of_communes([commune], before_due)[commune].overdue == 0
    # No event, no job: the day after the due date the same rows say "overdue".
    late = backlog.of_communes([commune], before_due + datetime.timedelta(days=1))[commune]
    assert (late.open, late.overdue, late.oldest) == (1, 1, datetime.date(2026, 3, 2))
    assert late.age_on(datetime.date(2026, 3, 12)) == 10
    with time_machine.travel(datetime.datetime(2026, 3, 12, 9, tzinfo=datetime.UTC), tick=False):
        services.fire(case=case, name="receive", actor=agent)
        services.fire(case=case, name="start_review", actor=agent)
        services.fire(case=case, name="refuse", actor=head, reason="Pièce manquante")
    assert backlog.of_communes([commune], datetime.date(2026, 3, 12)) == {}


def test_waiting_for_the_citizen_stops_the_clock_and_pushes_the_due_date(pilots, citizen):
    agent = pilots.people["agent_a"]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        case = make_case(
            simple_procedure(legal_deadline_days=3), ons_code="0301", applicant=citizen
        )
        services.fire(case=case, name="receive", actor=agent)
        services.fire(case=case, name="start_review", actor=agent)
        services.fire(case=case, name="request_correction", actor=agent, reason="Photo floue")
    commune = case.commune_id
    far = datetime.date(2026, 6, 1)
    waiting = backlog.of_communes([commune], far)[commune]
    assert (waiting.open, waiting.overdue) == (1, 0)  # open, but its clock is stopped
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, tzinfo=datetime.UTC), tick=False):
        case = services.fire(case=case, name="respond", actor=citizen)
    assert case.due_date > datetime.date(2026, 3, 5)
    assert backlog.table()[(commune, OpenBacklog.DUE_ON, case.due_date)] == 1
    assert backlog.table() == backlog.compute_from_raw()


def test_the_rebuild_command_restores_the_backlog(pilots, citizen):
    procedure = simple_procedure()
    for ons_code in ("0301", "0301", "0920"):
        make_case(procedure, ons_code=ons_code, applicant=citizen)
    before = backlog.table()
    OpenBacklog.objects.all().delete()
    call_command("rebuild_statistics", verbosity=0)
    assert backlog.table() == before


def test_the_backlog_matches_a_direct_count_of_the_cases(pilots, citizen):
    agent = pilots.people["agent_a"]
    procedure = simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC), tick=False):
        cases = [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(3)]
    make_case(
        simple_procedure(slug="no-deadline", legal_deadline_days=None),
        ons_code="0301",
        applicant=citizen,
    )
    services.fire(case=cases[0], name="receive", actor=agent)
    services.fire(case=cases[0], name="start_review", actor=agent)
    services.fire(case=cases[0], name="refuse", actor=pilots.people["head_a"], reason="Non")
    today = datetime.date(2026, 12, 1)
    commune = cases[0].commune_id
    found = backlog.of_communes(None, today)[commune]
    mine = Case.objects.filter(commune_id=commune)
    oldest = mine.filter(status__in=OPEN_STATUSES).aggregate(m=Min("submitted_at"))["m"]
    assert found.open == mine.filter(status__in=OPEN_STATUSES).count() == 3
    assert found.overdue == mine.filter(status__in=CLOCK_RUNNING, due_date__lt=today).count() == 2
    assert found.oldest == local_date(oldest)


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=dated_histories(40))
def test_incremental_and_rebuilt_backlogs_are_equal_after_any_history(pilots, citizen, history):
    admin = pilots.people["platform_admin"]
    try:
        with transaction.atomic():
            play(history, START, citizen=citizen, admin=admin)
            assert backlog.table() == backlog.compute_from_raw()
            assert min(OpenBacklog.objects.values_list("cases", flat=True), default=0) >= 0
            raise Rollback
    except Rollback:
        pass


def test_concerns_enter_and_leave_the_backlog_like_cases(pilots, citizen):
    from django.core.exceptions import PermissionDenied, ValidationError

    from baladiya.cases.workflow import Kind
    from tests.concerns.helpers import categories, report

    categories()
    admin = pilots.people["platform_admin"]
    walked = 0
    for seed in range(4):
        case = report(ons_code="0920").case
        for step in range(6):
            allowed = [t.name for t in transitions_from(case.status, Kind.CONCERN)]
            if not allowed:
                break
            name = allowed[(seed + step) % len(allowed)]
            try:
                case = services.fire(case=case, name=name, actor=admin, reason="Vu")
            except (PermissionDenied, ValidationError):
                continue
            walked += 1
        assert backlog.table() == backlog.compute_from_raw()
    assert walked
