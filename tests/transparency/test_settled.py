"""Settled months (transparency.settled): a month that has ended can no longer change, so each
process keeps its published figures and a page miss reads only the months still open. What a
page publishes is the same as a process that kept nothing would publish, whatever happens."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baladiya.cases import services
from baladiya.transparency import selectors, settled
from baladiya.transparency.models import Level, MonthlyStat, SubjectKind
from tests.cases.helpers import make_case, simple_procedure

OCTOBER = datetime.datetime(2026, 10, 14, 9, tzinfo=datetime.UTC)
NOVEMBER = datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 12, 9, 9, tzinfo=datetime.UTC)


def cases_on(moment: datetime.datetime, n: int, procedure, citizen, agent=None, decide: int = 0):
    with time_machine.travel(moment, tick=False):
        for i in range(n):
            case = make_case(procedure, ons_code="0301", applicant=citizen)
            if i < decide:
                services.fire(case=case, name="receive", actor=agent)
                services.fire(case=case, name="accept", actor=agent)


def from_scratch(*args) -> selectors.PublicSeries:
    """What a process that kept nothing publishes."""
    settled.forget()
    return selectors.public_series(*args)


def test_a_month_settles_an_hour_after_it_ends_in_algiers():
    # 1 December, 00:30 in Algiers (23:30 UTC): November may still receive a late commit.
    assert settled.boundary(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)) == (
        datetime.date(2026, 11, 1)
    )
    assert settled.boundary(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=datetime.UTC)) == (
        datetime.date(2026, 12, 1)
    )


def test_a_second_read_asks_only_for_the_open_months_and_publishes_the_same(pilots, citizen):
    procedure = simple_procedure()
    agent = pilots.people["agent_a"]
    cases_on(OCTOBER, 6, procedure, citizen, agent, decide=5)
    cases_on(NOVEMBER, 5, procedure, citizen, agent, decide=5)
    with time_machine.travel(NOW, tick=False):
        first = selectors.public_series(Level.NATION, 0)
        assert [m["month"] for m in first.months] == ["2026-10", "2026-11"]
        cases_on(NOW, 7, procedure, citizen, agent, decide=5)
        with CaptureQueriesContext(connection) as queries:
            again = selectors.public_series(Level.NATION, 0)
        assert len(queries) == 2
        assert all("month >=" in q["sql"] for q in queries.captured_queries)
        assert again == from_scratch(Level.NATION, 0)
    assert [m["month"] for m in again.months] == ["2026-10", "2026-11", "2026-12"]
    assert again.summary["received"] == 18 and again.summary["decided"] == 15
    # Open cases carry on from the settled months: 1 left in October, 2 more this month.
    assert [m["open"] for m in again.months] == [None, None, None]  # 1, 1, 3: all under 5
    assert again.summary["median_days"] is not None


def test_the_open_count_carries_on_from_the_settled_months(pilots, citizen):
    procedure = simple_procedure()
    cases_on(OCTOBER, 6, procedure, citizen)
    with time_machine.travel(NOW, tick=False):
        selectors.public_series(Level.NATION, 0)
        cases_on(NOW, 5, procedure, citizen)
        again = selectors.public_series(Level.NATION, 0)
    assert [m["open"] for m in again.months] == [6, 11]
    assert again.summary["open"] == 11


def test_an_event_dated_in_a_settled_month_is_counted_at_once(pilots, citizen):
    """A clock moved back (tests, a server's wrong time): the kept months are forgotten."""
    procedure = simple_procedure()
    cases_on(OCTOBER, 6, procedure, citizen)
    with time_machine.travel(NOW, tick=False):
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 6
    cases_on(OCTOBER, 2, procedure, citizen)
    with time_machine.travel(NOW, tick=False):
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 8


def test_a_rebuild_in_another_process_is_seen_at_the_next_check(pilots, citizen, monkeypatch):
    procedure = simple_procedure()
    cases_on(OCTOBER, 6, procedure, citizen)
    with time_machine.travel(NOW, tick=False):
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 6
        # Another process rewrites October's national row: no signal reaches this one.
        table = MonthlyStat._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET received = 9, updated_at = %s"  # noqa: S608
                " WHERE level = 0 AND subject_kind = 'all' AND days = -1",
                [NOW],
            )
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 6  # not checked
        monkeypatch.setattr(settled, "CHECK_SECONDS", 0.0)
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 9


def test_the_rebuild_command_forgets_the_kept_months(pilots, citizen):
    from django.core.management import call_command

    procedure = simple_procedure()
    cases_on(OCTOBER, 6, procedure, citizen)
    with time_machine.travel(NOW, tick=False):
        MonthlyStat.objects.filter(subject_kind=SubjectKind.ALL).update(received=0)  # lost
        assert selectors.public_series(Level.NATION, 0).summary["received"] is None  # kept
        call_command("rebuild_statistics", verbosity=0)
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 6


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_page_is_the_same_whether_its_settled_rows_were_kept_or_not(
    client, pilots, citizen, language
):
    procedure = simple_procedure()
    agent = pilots.people["agent_a"]
    cases_on(OCTOBER, 7, procedure, citizen, agent, decide=6)
    url = f"/{language}/statistics/"
    with time_machine.travel(NOW, tick=False):
        client.get(url)  # keeps October's figures and table rows
        cases_on(NOW, 6, procedure, citizen, agent, decide=5)
        cache.clear()
        warm = client.get(url).content.decode()
        cache.clear()
        settled.forget()
        cold = client.get(url).content.decode()
    assert warm == cold
    assert '<th scope="row">2026-12</th><td>6</td><td>5</td>' in warm
    assert '<th scope="row">2026-10</th><td>7</td><td>6</td>' in warm


def test_kept_entries_are_bounded(monkeypatch):
    monkeypatch.setattr(settled, "MAX_ENTRIES", 3)
    bound = datetime.date(2026, 12, 1)
    for i in range(5):
        settled.keep(("k", i), bound, i, settled.lookup(("k", i), bound)[1])
    assert settled.lookup(("k", 0), bound)[0] is None
    assert settled.lookup(("k", 4), bound)[0] == 4


def test_figures_read_while_a_rebuild_commits_are_not_kept(pilots, citizen, monkeypatch):
    """A page read the settled months, a rebuild committed (the memo forgot), then the page
    wanted to keep what it read: it is not kept, the next page reads them again."""
    procedure = simple_procedure()
    cases_on(OCTOBER, 6, procedure, citizen)
    read = selectors.page_series

    def read_then_rebuild(*args, **kwargs):
        found = read(*args, **kwargs)
        MonthlyStat.objects.filter(subject_kind=SubjectKind.ALL).update(received=9)
        settled.forget()  # what the rebuild does when it commits
        return found

    with time_machine.travel(NOW, tick=False):
        monkeypatch.setattr(selectors, "page_series", read_then_rebuild)
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 6  # as read
        monkeypatch.setattr(selectors, "page_series", read)
        assert selectors.public_series(Level.NATION, 0).summary["received"] == 9


def test_supervision_adds_this_months_figures_to_the_kept_ones(pilots, citizen):
    from baladiya.organisation.scoping import Scope
    from baladiya.transparency import supervision

    procedure = simple_procedure()
    agent = pilots.people["agent_a"]
    scope = Scope.of(pilots.people["supervisor_ministry"])
    commune = pilots.apc_a.commune_id
    cases_on(OCTOBER, 6, procedure, citizen, agent, decide=2)
    with time_machine.travel(NOW, tick=False):
        first = {r.commune_id: r for r in supervision.rows(scope, sort="-received")}
        assert first[commune].received == 6 and first[commune].decided == 2
        cases_on(NOW, 3, procedure, citizen, agent, decide=3)
        with CaptureQueriesContext(connection) as queries:
            again = {r.commune_id: r for r in supervision.rows(scope, sort="-received")}
        figures = [q["sql"] for q in queries.captured_queries if "transparency_" in q["sql"]]
        # This month from the communes' standing rows; the settled months not read again.
        assert len(figures) == 1 and "transparency_communestanding" in figures[0], figures
        settled.forget()
        fresh = {r.commune_id: r for r in supervision.rows(scope, sort="-received")}
    assert again[commune].received == 9 and again[commune].decided == 5
    assert again == fresh
