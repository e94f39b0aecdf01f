""" "Overdue" and "due soon" say the same whichever way a page computes them: the ORM's
expressions (case lists), the inbox's SQL and the one-case Python (the status page)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baladiya.cases import selectors
from baladiya.cases.models import Case
from baladiya.cases.workflow import Status
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUSES = [s for s in Status.values if s != Status.DRAFT]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(status=st.sampled_from(STATUSES), days=st.one_of(st.none(), st.integers(-10, 10)))
def test_the_three_forms_of_the_deadline_flags_agree(pilots, status, days):
    case = Case.objects.filter(applicant_name="Deadline flags").first()
    if case is None:
        citizen = UserFactory(username="deadline-flags", phone="+213661234567")
        case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
        Case.objects.filter(pk=case.pk).update(applicant_name="Deadline flags")
    due = None if days is None else selectors.today() + datetime.timedelta(days=days)
    # The rule alone, not the lifecycle: the case is set straight to each status and due date.
    Case.objects.filter(pk=case.pk).update(status=status, due_date=due)
    by_orm = selectors.with_deadline_flags(Case.objects.filter(pk=case.pk)).get()
    by_sql = Case.objects.filter(pk=case.pk).annotate(**selectors.deadline_flags_sql()).get()
    by_python = selectors.flag_deadline(Case.objects.get(pk=case.pk))
    expected = (by_orm.is_overdue, by_orm.is_due_soon)
    assert (bool(by_sql.is_overdue), bool(by_sql.is_due_soon)) == expected
    assert (by_python.is_overdue, by_python.is_due_soon) == expected
    if days is not None and days < 0 and status in selectors.DEADLINE_RUNNING:
        assert by_python.is_overdue
