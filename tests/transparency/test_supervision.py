"""A wilaya supervisor compares the communes below, sorts them, exports, and drills down."""

from __future__ import annotations

import datetime
import io

import time_machine
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.cases.workflow import CLOCK_RUNNING, OPEN_STATUSES
from baladiya.core import memo
from baladiya.core.calendar import local_date
from baladiya.organisation.models import Structure, StructureKind
from baladiya.organisation.scoping import Scope
from baladiya.transparency import standing, supervision
from baladiya.transparency.models import TOTALS, Level, MonthlyStat, SubjectKind
from tests.cases.helpers import make_case, simple_procedure


def _url(name: str, **kwargs) -> str:
    with translation.override("fr"):
        return reverse(name, kwargs=kwargs or None)


def _late_cases(pilots, citizen, n: int = 2):
    procedure = simple_procedure(legal_deadline_days=2)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
        return [make_case(procedure, ons_code="0301", applicant=citizen) for _ in range(n)]


def test_a_wilaya_supervisor_sees_laghouats_overdue_cases_and_opens_them(client, pilots, citizen):
    late = _late_cases(pilots, citizen)
    client.force_login(pilots.people["supervisor_wilaya_a"])
    html = client.get(_url("transparency:supervision") + "?sort=-overdue").content.decode()
    assert "Laghouat" in html and "Boufarik" not in html
    commune_id = late[0].commune_id
    drill = _url("transparency:supervision-overdue", pk=commune_id)
    assert drill in html
    page = client.get(drill).content.decode()
    for case in late:
        assert case.reference in page
        assert _url("cases:staff-case", pk=case.pk) in page


def test_an_agent_without_supervision_is_refused(client, pilots):
    client.force_login(pilots.people["agent_a"])
    assert client.get(_url("transparency:supervision")).status_code == 403


def test_exports_in_csv_and_excel(client, pilots, citizen):
    _late_cases(pilots, citizen)
    client.force_login(pilots.people["supervisor_daira_a"])
    text = client.get(_url("transparency:supervision") + "?format=csv").content.decode()
    assert "Overdue now" in text and "Laghouat" in text
    data = client.get(_url("transparency:supervision") + "?format=xlsx").content
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Commune" and any(r[2] and "Laghouat" in r[2] for r in rows[1:])


def test_the_dashboard_costs_the_same_queries_for_2_and_20_cases(
    client, pilots, citizen, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    procedure = simple_procedure()
    client.force_login(pilots.people["supervisor_ministry"])
    counts = {}
    for n in (2, 18):
        for _ in range(n):
            case = make_case(procedure, ons_code="0920", applicant=citizen)
        services.fire(case=case, name="receive", actor=pilots.people["platform_admin"])
        for sort in ("name", "-overdue", "received", "satisfaction"):
            url = _url("transparency:supervision") + f"?sort={sort}&page=2"
            client.get(url)  # the communes are then in this process's memory
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(n, sort)] = len(queries.captured_queries)
    for sort in ("name", "-overdue", "received", "satisfaction"):
        # The session with its user and grants, then the communes' standing rows (and the
        # settled months, on the first page of a process): nothing scans cases.
        assert counts[(2, sort)] == counts[(18, sort)] <= 3, counts
        assert not [q for q in queries.captured_queries if "cases_case" in q["sql"]]


def test_the_communes_are_read_once_then_kept_in_memory(client, pilots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    memo.forget()
    client.force_login(pilots.people["supervisor_ministry"])
    with CaptureQueriesContext(connection) as cold:
        client.get(_url("transparency:supervision"))
    with CaptureQueriesContext(connection) as warm:
        client.get(_url("transparency:supervision"))
    # The communes and their APCs (two queries), and the settled months' figures (one): this
    # month and the backlog come with every page, from the communes' standing rows.
    assert len(cold.captured_queries) == len(warm.captured_queries) + 3
    assert len(warm.captured_queries) == 2  # the session with its user, the standing rows


def test_a_daira_supervisor_sees_only_the_communes_of_the_daira(client, pilots):
    supervisor = pilots.people["supervisor_daira_a"]
    scope = Scope.of(supervisor)
    mine = set(
        Structure.objects.filter(
            kind=StructureKind.COMMUNE, path__startswith=pilots.daira_a.path
        ).values_list("commune_id", flat=True)
    )
    rows = supervision.rows(scope)
    assert {r.commune_id for r in rows} == mine and len(rows) == len(mine)
    assert pilots.apc_a.commune_id in mine and pilots.apc_b.commune_id not in mine
    client.force_login(supervisor)
    html = client.get(_url("transparency:supervision")).content.decode()
    assert "Laghouat" in html and "Boufarik" not in html
    # Another wilaya's commune: its drill-down does not exist for this supervisor.
    foreign = _url("transparency:supervision-overdue", pk=pilots.apc_b.commune_id)
    assert client.get(foreign).status_code == 404


def test_the_figures_match_a_direct_count_of_the_cases(client, pilots, citizen):
    late = _late_cases(pilots, citizen, n=3)
    make_case(simple_procedure(slug="sans-delai", legal_deadline_days=None), ons_code="0301",
              applicant=citizen)  # fmt: skip
    agent = pilots.people["agent_a"]
    services.fire(case=late[0], name="receive", actor=agent)
    services.fire(case=late[0], name="start_review", actor=agent)
    services.fire(case=late[0], name="request_correction", actor=agent, reason="Photo floue")
    today = timezone.localdate()
    scope = Scope.of(pilots.people["supervisor_wilaya_a"])
    row = next(r for r in supervision.rows(scope) if r.commune_id == late[0].commune_id)
    cases = Case.objects.filter(commune_id=row.commune_id)
    opened = cases.filter(status__in=OPEN_STATUSES)
    oldest = opened.aggregate(m=Min("submitted_at"))["m"]
    assert row.open == opened.count() == 4
    assert row.overdue == cases.filter(status__in=CLOCK_RUNNING, due_date__lt=today).count() == 2
    assert row.backlog_days == (today - local_date(oldest)).days
    assert row.received == 4  # the roll-ups of the last 12 months


def test_sorting_by_overdue_puts_the_late_commune_first_and_pages_keep_the_order(
    client, pilots, citizen
):
    _late_cases(pilots, citizen)
    scope = Scope.of(pilots.people["supervisor_ministry"])
    rows = supervision.rows(scope, sort="-overdue")
    assert len(rows) == Structure.objects.filter(kind=StructureKind.COMMUNE).count()
    assert rows[0].name == "Laghouat" and rows[0].overdue == 2
    whole = list(rows)
    assert [r.commune_id for r in rows[100:200]] == [r.commune_id for r in whole[100:200]]
    names = [r.name for r in supervision.rows(scope, sort="name")[:50]]
    assert names == sorted(names)
    client.force_login(pilots.people["supervisor_ministry"])
    html = client.get(_url("transparency:supervision") + "?sort=-overdue&page=2").content.decode()
    assert "Laghouat" not in html and 'aria-sort="descending"' in html


def _concern_totals(commune_id: int, rated: int, score_sum: int) -> None:
    MonthlyStat.objects.create(
        level=Level.COMMUNE,
        area_id=commune_id,
        subject_kind=SubjectKind.ALL_CONCERNS,
        subject_id=0,
        month=timezone.localdate().replace(day=1),
        days=TOTALS,
        received=rated,
        rated=rated,
        score_sum=score_sum,
    )


def test_satisfaction_is_the_mean_rating_of_concerns_withheld_under_five(client, pilots):
    _concern_totals(pilots.apc_a.commune_id, rated=6, score_sum=21)
    _concern_totals(pilots.apc_b.commune_id, rated=4, score_sum=20)
    standing.rebuild()  # the rows written above stand for rated concerns: their communes' rows
    scope = Scope.of(pilots.people["supervisor_ministry"])
    by_id = {r.commune_id: r for r in supervision.rows(scope, sort="-satisfaction")}
    assert by_id[pilots.apc_a.commune_id].satisfaction == 3.5
    assert by_id[pilots.apc_b.commune_id].satisfaction is None  # 4 ratings: withheld
    assert supervision.rows(scope, sort="-satisfaction")[0].commune_id == pilots.apc_a.commune_id
    client.force_login(pilots.people["supervisor_wilaya_a"])
    html = client.get(_url("transparency:supervision")).content.decode()
    assert "<td>3.5</td>" in html


def test_the_rows_kept_between_two_views_follow_every_event(client, pilots, citizen):
    """A row's HTML is kept with what it was made from: an event in its commune makes it again,
    and a kept page reads the same as one made from nothing."""
    supervisor = pilots.people["supervisor_wilaya_a"]
    client.force_login(supervisor)
    url = _url("transparency:supervision")

    def shown() -> str:
        html = client.get(url).content.decode()
        return html[html.index("<tbody>") + len("<tbody>") : html.index("</tbody>")].strip()

    def made_again() -> str:
        with translation.override("fr"):
            return str(supervision.table_rows(list(supervision.rows(Scope.of(supervisor)))))

    shown()  # reads the settled months
    first = shown()  # makes the rows and keeps them
    assert shown() == first == made_again()
    make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    after = shown()
    assert after != first and after == made_again()
    supervision.forget_rows()
    assert shown() == after


def test_the_kept_rows_are_bounded(client, pilots, monkeypatch):
    supervision.forget_rows()  # what earlier tests of this process kept does not count
    monkeypatch.setattr(supervision, "MAX_KEPT_ROWS", 3)
    client.force_login(pilots.people["supervisor_ministry"])
    url = _url("transparency:supervision")
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert len(supervision._KEPT_ROWS) <= 4
