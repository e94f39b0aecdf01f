"""The agent's inbox as agents use it: tabs, filters, pages and bounded counts, at any size."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baladiya.cases import selectors, services
from baladiya.cases.models import Case
from baladiya.cases.workflow import Status
from baladiya.organisation.scoping import Scope
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return UserFactory(username="amina-inbox", phone="+213661234567")


@pytest.fixture
def desk(pilots) -> Client:
    client = Client()
    client.force_login(pilots.people["agent_a"])
    return client


def page_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_unassigned_tab_costs_the_same_queries_for_three_or_thirty_cases(pilots, citizen, desk):
    procedure = simple_procedure()
    for _ in range(3):
        make_case(procedure, ons_code="0301", applicant=citizen)
    url = "/fr/staff/cases/?tab=unassigned"
    desk.get(url)  # the session and the language cookie settle
    few = page_queries(desk, url)
    for _ in range(27):
        make_case(procedure, ons_code="0301", applicant=citizen)
    many = page_queries(desk, url)
    # The session with its user and their grants, and the page with its counts (the filter's
    # procedures are reference data kept by the process).
    assert len(many) == len(few) <= 2, "\n".join(many)
    assert not any("COUNT(*) AS" in sql for sql in many), "no unbounded paginator count"


@pytest.mark.parametrize(
    "query",
    ["tab=mine", "tab=waiting", "tab=all", "tab=all&status=submitted", "tab=all&q=Khelifi"],
)
def test_every_tab_and_filter_costs_a_bounded_number_of_queries(pilots, citizen, desk, query):
    procedure = simple_procedure()
    for _ in range(4):
        make_case(procedure, ons_code="0301", applicant=citizen)
    url = f"/fr/staff/cases/?{query}"
    desk.get(url)
    few = page_queries(desk, url)
    for _ in range(8):
        make_case(procedure, ons_code="0301", applicant=citizen)
    assert len(page_queries(desk, url)) == len(few) <= 3


def test_a_revoked_grant_empties_the_inbox_of_that_structure_at_once(pilots, citizen):
    """The inbox's compiled statement is kept per agent *and grants*: it never outlives them."""
    from baladiya.organisation import services as org_services
    from baladiya.organisation.models import Membership, Role

    agent = pilots.people["agent_b"]
    extra = org_services.grant_membership(
        actor=None, user=agent, structure=pilots.civil_status_a, role=Role.AGENT
    )
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    client = Client()
    client.force_login(agent)
    url = "/fr/staff/cases/?tab=unassigned"
    assert case.reference in client.get(url).content.decode()
    assert case.reference in client.get(url).content.decode()  # the statement, kept
    org_services.revoke_membership(actor=None, membership=extra)
    assert Membership.objects.filter(user=agent).exists()  # still an agent of commune B
    assert case.reference not in client.get(url).content.decode()


def test_the_agent_sees_overdue_first_and_the_counts_of_each_tab(pilots, citizen, desk):
    procedure = simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        late = make_case(procedure, ons_code="0301", applicant=citizen)
    fresh = [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(2)]
    agent = pilots.people["agent_a"]
    services.assign(case=fresh[0], actor=agent, assignee=agent)

    page = selectors.inbox_page(Scope.of(agent), tab=selectors.Tab.UNASSIGNED)
    assert [c.pk for c in page.object_list] == [late.pk, fresh[1].pk]
    assert page.object_list[0].is_overdue
    assert (str(page.count), str(page.tab_counts["mine"]), str(page.tab_counts["unassigned"])) == (
        "2",
        "1",
        "2",
    )

    html = desk.get("/fr/staff/cases/?tab=unassigned").content.decode()
    assert html.index(late.reference) < html.index(fresh[1].reference)
    assert fresh[0].reference not in html
    assert f'href="/fr/staff/cases/{late.pk}/"' in html
    assert 'class="overdue"' in html and "(1)" in html and "(2)" in html
    english = desk.get("/en/staff/cases/?tab=unassigned").content.decode()
    assert f'aria-label="Select {late.reference}"' in english and "Overdue" in english
    # The assignee's name shows on the "All" tab; a case due within 3 working days is flagged.
    everything = desk.get("/en/staff/cases/?tab=all").content.decode()
    assert agent.get_full_name() in everything
    assert page.object_list[1].is_due_soon and not page.object_list[0].is_due_soon
    assert "Due soon" in everything and 'class="badge badge-soon"' in english


def test_counts_stop_at_the_cap_and_the_pages_still_lead_to_every_case(
    pilots, citizen, desk, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    procedure = simple_procedure()
    cases = [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(5)]
    scope = Scope.of(pilots.people["agent_a"])

    first = selectors.inbox_page(scope, tab=selectors.Tab.ALL)
    assert first.count.capped and str(first.count) == "3+"
    assert first.has_next and not first.has_previous and first.paginator.num_pages == "2+"
    seen = [c.pk for c in first.object_list]
    number = 1
    while True:
        number += 1
        page = selectors.inbox_page(scope, tab=selectors.Tab.ALL, page=number)
        seen += [c.pk for c in page.object_list]
        if not page.has_next:
            break
    assert sorted(seen) == sorted(c.pk for c in cases) and number == 3

    html = desk.get("/en/staff/cases/?tab=all").content.decode()
    assert "More than 3 cases" in html and "Page 1 of 2+" in html and 'rel="next"' in html


def test_a_page_past_the_end_shows_the_last_page(pilots, citizen, desk, monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    procedure = simple_procedure()
    cases = [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(3)]
    scope = Scope.of(pilots.people["agent_a"])
    page = selectors.inbox_page(scope, tab=selectors.Tab.ALL, page=99)
    assert page.number == 2 and [c.pk for c in page.object_list] == [cases[2].pk]
    assert selectors.inbox_page(scope, tab=selectors.Tab.ALL, page="x").number == 1
    assert desk.get("/fr/staff/cases/?tab=all&page=99").status_code == 200


def test_filters_and_search_narrow_the_list_and_its_count(pilots, citizen, desk):
    procedure = simple_procedure()
    other = simple_procedure(slug="autre-test")
    case = make_case(procedure, ons_code="0301", applicant=citizen)
    other_case = make_case(other, ons_code="0301", applicant=citizen)
    agent = pilots.people["agent_a"]
    services.fire(case=other_case, name="receive", actor=agent)
    scope = Scope.of(agent)

    by_procedure = selectors.inbox_page(scope, tab=selectors.Tab.ALL, procedure_id=other.pk)
    assert [c.pk for c in by_procedure.object_list] == [other_case.pk]
    by_status = selectors.inbox_page(scope, tab=selectors.Tab.ALL, status=Status.SUBMITTED)
    assert [c.pk for c in by_status.object_list] == [case.pk] and str(by_status.count) == "1"
    found = selectors.inbox_page(scope, tab=selectors.Tab.ALL, search=case.reference.lower())
    assert [c.pk for c in found.object_list] == [case.pk]
    assert not selectors.inbox_page(scope, tab=selectors.Tab.ALL, search="Benali").object_list
    # The tab counts do not depend on the filters.
    assert str(found.tab_counts["unassigned"]) == "2"
    assert desk.get(f"/fr/staff/cases/?tab=all&q={case.reference}").status_code == 200


def test_waiting_holds_open_cases_waiting_on_the_citizen(pilots, citizen):
    procedure = simple_procedure()
    waiting = make_case(procedure, ons_code="0301", applicant=citizen)
    make_case(procedure, ons_code="0301", applicant=citizen)
    agent = pilots.people["agent_a"]
    for step in ("receive", "start_review"):
        services.fire(case=waiting, name=step, actor=agent)
    services.fire(case=waiting, name="request_correction", actor=agent, reason="Copie lisible")
    page = selectors.inbox_page(Scope.of(agent), tab=selectors.Tab.WAITING)
    assert [c.pk for c in page.object_list] == [waiting.pk]


def test_another_communes_agent_sees_nothing_and_counts_nothing(pilots, citizen):
    make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    page = selectors.inbox_page(Scope.of(pilots.people["agent_b"]), tab=selectors.Tab.ALL)
    assert not page.object_list and str(page.count) == "0"
    assert str(page.tab_counts["unassigned"]) == "0"


def test_an_account_without_any_grant_gets_an_empty_inbox():
    scope = Scope.of(UserFactory(username="nobody-inbox"))
    page = selectors.inbox_page(scope, tab=selectors.Tab.ALL)
    assert not page.object_list and str(page.count) == "0"


def test_the_agent_claims_and_receives_several_cases_from_the_inbox(pilots, citizen, desk):
    procedure = simple_procedure()
    cases = [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(2)]
    ids = [str(c.pk) for c in cases]
    url = "/fr/staff/cases/?tab=unassigned"
    claimed = desk.post("/fr/staff/cases/bulk/", {"action": "claim", "case": ids, "next": url})
    assert claimed["Location"] == url
    desk.post("/fr/staff/cases/bulk/", {"action": "receive", "case": ids})
    agent = pilots.people["agent_a"]
    assert set(Case.objects.filter(pk__in=ids).values_list("assignee", "status")) == {
        (agent.pk, Status.RECEIVED)
    }
    html = desk.get("/fr/staff/cases/?tab=mine").content.decode()
    assert all(c.reference in html for c in cases)


def test_agents_find_a_case_by_a_piece_of_its_reference_or_by_name(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    scope = Scope.of(pilots.people["agent_a"])
    for text in (case.reference[4:11], "Khelifi", "amina"):
        page = selectors.inbox_page(scope, tab=selectors.Tab.ALL, search=text)
        assert [c.pk for c in page.object_list] == [case.pk], text


@pytest.mark.parametrize("tab", ["unassigned", "mine"])
def test_a_tab_counts_its_own_cases_over_the_rows_it_lists(pilots, citizen, monkeypatch, tab):
    """The "mine" and "unassigned" tabs count their cases with the listing itself (a window
    over the rows it sorts): the same bounded counts, on every page."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    agent = pilots.people["agent_a"]
    procedure = simple_procedure()
    for i in range(5):
        case = make_case(procedure, ons_code="0301", applicant=citizen)
        if tab == "mine" or i == 0:
            services.assign(case=case, actor=agent, assignee=agent)
    scope = Scope.of(agent)
    with CaptureQueriesContext(connection) as queries:
        first = selectors.inbox_page(scope, tab=tab)
    assert "OVER" in queries.captured_queries[-1]["sql"].upper()
    assert str(first.count) == "3+" and str(first.tab_counts[tab]) == "3+"
    other = "mine" if tab == "unassigned" else "unassigned"
    assert str(first.tab_counts[other]) == ("1" if tab == "unassigned" else "0")
    second = selectors.inbox_page(scope, tab=tab, page=2)
    assert str(second.count) == "3+" and len(second.object_list) == 2
    third = selectors.inbox_page(scope, tab=tab, page=3)  # 5 mine, 4 unassigned
    assert (third.number, len(third.object_list)) == ((3, 1) if tab == "mine" else (2, 2))


def test_what_citizens_and_agents_typed_is_shown_as_text_in_the_inbox(pilots, citizen, desk):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    Case.objects.filter(pk=case.pk).update(applicant_name='<script>alert("x")</script>&co')
    agent = pilots.people["agent_a"]
    agent.first_name, agent.last_name = "<b>Ali", "O'Hara"
    agent.save(update_fields=["first_name", "last_name"])
    services.assign(case=case, actor=agent, assignee=agent)
    html = desk.get("/fr/staff/cases/?tab=all").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;co" in html
    assert "&lt;b&gt;Ali O&#x27;Hara" in html
    assert "<script>alert" not in html and "<b>Ali" not in html
    assert f'href="/fr/staff/cases/{case.pk}/"' in html and f'value="{case.pk}"' in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans statements")
def test_on_postgresql_the_listing_carries_its_values_and_a_search_stays_a_parameter(
    pilots, citizen
):
    """One plan per agent, tab and day: the listing's values (ids, statuses, dates) are written
    into its SQL; what an agent types never is, and a quote or a percent sign in it is text."""
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)  # Amina Khelifi
    scope = Scope.of(pilots.people["agent_a"])
    selectors._compiled.clear()
    listed = selectors.inbox_page(scope, tab=selectors.Tab.UNASSIGNED)
    assert [r.pk for r in listed.object_list] == [case.pk]
    (sql, params, _counts), *_ = selectors._compiled.values()
    assert params == () and "%s" not in sql
    for typed, matches in [
        ("Khelifi", True),
        ("O'Brien", False),
        ("100%", False),
        ("'; DROP TABLE cases_case; --", False),
    ]:
        selectors._compiled.clear()
        found = selectors.inbox_page(scope, tab=selectors.Tab.ALL, search=typed)
        (sql, params, _counts), *_ = selectors._compiled.values()
        assert typed not in sql and params, typed
        assert [r.pk for r in found.object_list] == ([case.pk] if matches else []), typed
    assert Case.objects.filter(pk=case.pk).exists()
