"""Agents hear of deadlines coming, supervisors of deadlines missed — once each."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from baladiya.cases import services as case_services
from baladiya.notifications import services
from baladiya.notifications.models import Notification
from tests.cases.helpers import make_case, simple_procedure

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)  # Sunday–Thursday work week


def test_the_assignee_is_reminded_and_the_daira_supervisor_alerted_once(pilots, citizen):
    agent, supervisor = pilots.people["agent_a"], pilots.people["supervisor_daira_a"]
    for person in (agent, supervisor):
        person.email = f"{person.username}@apc.example.dz"
        person.save()
    with time_machine.travel(MONDAY):
        case = make_case(
            simple_procedure(legal_deadline_days=3), ons_code="0301", applicant=citizen
        )
        case_services.assign(case=case, actor=agent, assignee=agent)
        assert services.sweep() == 0  # due in three working days: not yet
    with time_machine.travel(MONDAY + datetime.timedelta(days=1)):
        services.sweep()
        services.sweep()  # again: nothing new
        services.deliver_due()
    reminder = Notification.objects.get(kind="staff_due_soon")
    assert reminder.recipient == agent and reminder.status == "sent"
    assert case.reference in mail.outbox[-1].subject
    with time_machine.travel(MONDAY + datetime.timedelta(days=10)):
        services.sweep()
        services.sweep()
        services.deliver_due()
    alert = Notification.objects.get(kind="staff_overdue")
    assert alert.recipient == supervisor
    assert mail.outbox[-1].to == [supervisor.email]
    assert Notification.objects.filter(kind__startswith="staff_").count() == 2


def test_a_decided_case_reminds_nobody(pilots, citizen):
    with time_machine.travel(MONDAY):
        case = make_case(
            simple_procedure(legal_deadline_days=1), ons_code="0301", applicant=citizen
        )
        case_services.fire(case=case, name="receive", actor=pilots.people["agent_a"])
        case_services.fire(case=case, name="accept", actor=pilots.people["agent_a"])
    with time_machine.travel(MONDAY + datetime.timedelta(days=10)):
        assert services.sweep() == 0
