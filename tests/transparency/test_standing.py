"""Each commune's standing row: written by the statements an event already had room for, equal
to the per-day backlog and the monthly roll-ups after any history and on any day (the hourly
move or not, the clock forward or back), and rebuilt or migrated to the same figures."""

from __future__ import annotations

import datetime
import importlib
import threading
import time
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.transparency import backlog, rollups, standing, supervision
from baladiya.transparency.backlog import Backlog
from baladiya.transparency.models import CommuneStanding
from tests.cases.helpers import make_case, simple_procedure
from tests.transparency.histories import Rollback, dated_histories, play

START = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)


def _standing_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if standing._T in q["sql"]]


def _assert_agrees(day: datetime.date) -> None:
    """The standing rows read on ``day`` say what the per-day backlog and the roll-ups say."""
    rows = standing.read(None, day)
    per_day = backlog.of_communes(None, day)
    for commune in rows.keys() | per_day.keys():
        row = rows.get(commune)
        assert (row.backlog if row else Backlog(0, 0, None)) == per_day.get(
            commune, Backlog(0, 0, None)
        ), (commune, day)
        if row is not None and row.month is not None:
            _old, live = rollups.commune_sums([commune], row.month, row.month)
            assert row.sums == live.get(commune, rollups.NO_SUMS), (commune, row.month)


def test_a_submission_writes_its_communes_row_within_the_ten_statements(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen, submit=False)
    with CaptureQueriesContext(connection) as queries:
        services.submit(case=case, actor=citizen, answers={"full_name": "Amina"})
    assert len(_standing_statements(queries)) == 1
    row = standing.read([case.commune_id], case.submitted_at.date())[case.commune_id]
    assert (row.backlog.open, row.sums[0]) == (1, 1)  # one open case, one received this month


def test_messages_assignments_and_receiving_leave_the_row_alone(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    agent = pilots.people["agent_a"]
    with CaptureQueriesContext(connection) as queries:
        services.post_message(case=case, actor=agent, body="Bonjour")
        services.assign(case=case, actor=agent, assignee=agent)
        services.fire(case=case, name="receive", actor=agent)
    assert _standing_statements(queries) == []


def test_closing_the_oldest_open_day_reads_the_next_one(pilots, citizen):
    agent, head = pilots.people["agent_a"], pilots.people["head_a"]
    procedure = simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        first = make_case(procedure, ons_code="0301", applicant=citizen)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, tzinfo=datetime.UTC), tick=False):
        second = make_case(procedure, ons_code="0301", applicant=citizen)
    commune = first.commune_id
    today = datetime.date(2026, 3, 20)
    assert standing.read([commune], today)[commune].backlog == Backlog(
        2, 2, datetime.date(2026, 3, 2)
    )
    services.fire(case=second, name="receive", actor=agent)
    services.fire(case=second, name="start_review", actor=agent)
    with CaptureQueriesContext(connection) as queries:
        services.fire(case=second, name="refuse", actor=head, reason="Non")
    assert len(_standing_statements(queries)) == 1  # not the oldest day: nothing to read again
    services.fire(case=first, name="receive", actor=agent)
    services.fire(case=first, name="start_review", actor=agent)
    with CaptureQueriesContext(connection) as queries:
        services.fire(case=first, name="refuse", actor=head, reason="Non")
    assert len(_standing_statements(queries)) == 2  # the row, then its oldest day again
    assert standing.read([commune], today)[commune].backlog == Backlog(0, 0, None)


def test_overdue_follows_the_calendar_with_or_without_the_hourly_move(pilots, citizen):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        case = make_case(
            simple_procedure(legal_deadline_days=2), ons_code="0301", applicant=citizen
        )
    commune, due = case.commune_id, case.due_date
    day_after = due + datetime.timedelta(days=1)
    assert standing.read([commune], due)[commune].backlog.overdue == 0
    assert standing.read([commune], day_after)[commune].backlog.overdue == 1
    assert standing.advance(day_after) == 1 and standing.advance(day_after) == 0
    assert CommuneStanding.objects.get(commune_id=commune).overdue_before == 1
    assert standing.read([commune], day_after)[commune].backlog.overdue == 1
    # A clock moved back reads the day before the due date again: not overdue.
    assert standing.read([commune], due)[commune].backlog.overdue == 0


def test_the_rebuild_and_the_migration_give_the_rows_the_events_wrote(pilots, citizen):
    agent = pilots.people["agent_a"]
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False):
        cases = [
            make_case(simple_procedure(), ons_code=c, applicant=citizen) for c in ("0301", "0920")
        ]
        services.fire(case=cases[0], name="receive", actor=agent)
    today = datetime.date(2026, 11, 30)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC), tick=False):
        before = standing.read(None, today)
        standing.rebuild()
        assert standing.read(None, today) == before
        CommuneStanding.objects.all().delete()
        migration = importlib.import_module(
            "baladiya.transparency.migrations.0008_commune_standing"
        )
        migration.fill(None, SimpleNamespace(connection=connection))
        assert standing.read(None, today) == before
    _assert_agrees(today)


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=dated_histories(45),  # submitted in March or April
    read_on=st.lists(st.integers(-5, 80), min_size=1, max_size=3),
    moved_to=st.integers(0, 80),
)
def test_the_rows_agree_with_the_per_day_backlog_after_any_history_on_any_day(
    pilots, citizen, history, read_on, moved_to
):
    admin = pilots.people["platform_admin"]
    days = [START.date() + datetime.timedelta(days=n) for n in read_on]
    try:
        with transaction.atomic():
            play(history, START, citizen=citizen, admin=admin)
            for day in days:
                _assert_agrees(day)
            standing.advance(START.date() + datetime.timedelta(days=moved_to))
            for day in days:
                _assert_agrees(day)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_two_agents_closing_the_two_oldest_days_at_once_leave_the_right_oldest_day(
    transactional_db, pilots, citizen, monkeypatch
):
    """Each closes the last case of a day; the commune's oldest open day is the third one.

    The two cases are handled by two structures of the commune (the civil-status service and
    the APC): events of one structure's cases queue on that structure anyway."""
    admin = pilots.people["platform_admin"]
    by_service = simple_procedure()
    by_apc = simple_procedure(slug="by-the-apc", service_type="")
    made = []
    for day, procedure in ((2, by_service), (3, by_apc), (4, by_service)):
        moment = datetime.datetime(2026, 3, day, 9, tzinfo=datetime.UTC)
        with time_machine.travel(moment, tick=False):
            made.append(make_case(procedure, ons_code="0301", applicant=citizen))
    assert made[0].handling_structure_id != made[1].handling_structure_id
    for case in made[:2]:
        services.fire(case=case, name="receive", actor=admin)
        services.fire(case=case, name="start_review", actor=admin)
    commune = made[0].commune_id
    record = backlog.record

    def slow_record(rows):  # both closes are under way before either commits
        record(rows)
        time.sleep(0.3)

    monkeypatch.setattr(backlog, "record", slow_record)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refuse(pk: int) -> None:
        try:
            case = Case.objects.get(pk=pk)
            barrier.wait(timeout=10)
            services.fire(case=case, name="refuse", actor=admin, reason="Non")
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refuse, args=(c.pk,)) for c in made[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    row = standing.read([commune], datetime.date(2026, 3, 20))[commune]
    assert (row.backlog.open, row.backlog.oldest) == (1, datetime.date(2026, 3, 4))
    _assert_agrees(datetime.date(2026, 3, 20))


def test_in_the_first_hour_of_a_month_the_dashboard_still_counts_last_month(pilots, citizen):
    """At 00:30 on 1 December in Algiers, November can still receive a late commit: the page
    reads both open months from the roll-ups, then December from the standing rows again."""
    from baladiya.organisation.scoping import Scope

    procedure = simple_procedure()
    scope = Scope.of(pilots.people["supervisor_ministry"])
    commune = pilots.apc_a.commune_id
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC), tick=False):
        for _ in range(4):
            make_case(procedure, ons_code="0301", applicant=citizen)
    first_hour = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
    with time_machine.travel(first_hour, tick=False):
        assert supervision.rows(scope, sort="-received")[0].received == 4  # the months kept
        for _ in range(3):
            make_case(procedure, ons_code="0301", applicant=citizen)
        rows = {r.commune_id: r for r in supervision.rows(scope, sort="-received")}
        assert rows[commune].received == 7
        assert _shown(scope, commune) == (7, 7)  # the page's rows, made as they are shown
    later = first_hour + datetime.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        rows = {r.commune_id: r for r in supervision.rows(scope, sort="-received")}
        assert rows[commune].received == 7 and rows[commune].open == 7
        assert _shown(scope, commune) == (7, 7)
        assert _shown(scope, commune) == (7, 7)  # kept from the view before


def _shown(scope, commune: int) -> tuple[int, int]:
    """Received and open as the dashboard's row for ``commune`` shows them."""
    import re

    rows = supervision.rows(scope)
    html = rows.html([p for p in rows.order() if p.pk == commune])
    received, _decided, opened = re.findall(r"<td>(\d+)</td>", html)[:3]
    return int(received), int(opened)


def test_beat_and_the_embedded_loop_move_the_rows_to_today(pilots, citizen):
    from django.core.management import call_command

    from baladiya.transparency import tasks

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        case = make_case(
            simple_procedure(legal_deadline_days=2), ons_code="0301", applicant=citizen
        )
    row = CommuneStanding.objects.get(commune_id=case.commune_id)
    assert row.due_from == datetime.date(2026, 3, 2)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC), tick=False):
        assert tasks.advance_standing() == 1  # Celery beat's task, hourly
        row.refresh_from_db()
        assert (row.due_from, row.overdue_before) == (datetime.date(2026, 3, 20), 1)
    with time_machine.travel(datetime.datetime(2026, 3, 21, 9, tzinfo=datetime.UTC), tick=False):
        call_command("deliver_outbox")  # without a broker, the loop does it
        row.refresh_from_db()
        assert row.due_from == datetime.date(2026, 3, 21)
