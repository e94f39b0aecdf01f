"""A wilaya supervisor compares the communes below, sorts them, exports, and drills down."""

from __future__ import annotations

import datetime
import io

import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from baladiya.cases import services
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
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    procedure = simple_procedure()
    client.force_login(pilots.people["supervisor_ministry"])
    counts = []
    for n in (2, 18):
        for _ in range(n):
            case = make_case(procedure, ons_code="0920", applicant=citizen)
        services.fire(case=case, name="receive", actor=pilots.people["platform_admin"])
        cache.clear()  # the rows are cached a minute; count the queries that compute them
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("transparency:supervision")).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 10
