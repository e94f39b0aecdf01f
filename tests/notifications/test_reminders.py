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


def test_a_concern_past_its_deadline_alerts_the_daira_supervisor_once(pilots):
    from baladiya.concerns import selectors as concern_selectors
    from baladiya.organisation import services as org_services
    from baladiya.organisation.models import Role, Structure, StructureKind
    from tests.concerns.helpers import categories, report, technical_agent
    from tests.factories import UserFactory

    categories()
    technical_agent("0920", "tech.boufarik")
    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0920")
    supervisor = UserFactory(username="sup.boufarik", email="sup@daira.example.dz")
    org_services.grant_membership(
        actor=None, user=supervisor, structure=apc.parent, role=Role.SUPERVISOR
    )
    with time_machine.travel(MONDAY):
        case = report(phone="0661234567").case
    later = datetime.datetime.combine(
        case.due_date + datetime.timedelta(days=1), datetime.time(10)
    ).replace(tzinfo=datetime.UTC)
    with time_machine.travel(later):
        assert concern_selectors.escalation_level(case) == 1
        services.sweep()
        services.sweep()
        services.deliver_due()
    alert = Notification.objects.get(kind="staff_escalated")
    assert alert.recipient == supervisor and alert.status == "sent"
    assert case.reference in mail.outbox[-1].subject
    assert not Notification.objects.filter(kind="staff_overdue").exists()


def test_an_action_plan_owner_is_reminded_before_the_due_date(pilots):
    from baladiya.organisation.models import User
    from baladiya.plans import demo as plans_demo

    agent = pilots.people["agent_a"]
    agent.email = "agent@apc-laghouat.example.dz"
    agent.save()
    plans_demo.seed()
    User.objects.filter(email="").update(email="owner@apc.example.dz")  # demo accounts have none
    services.sweep()
    services.deliver_due()
    reminders = Notification.objects.filter(kind__in=["plan_due_soon", "plan_late"])
    assert reminders.exists()
    assert all(r.status in ("sent", "cancelled") for r in reminders)
    count = reminders.count()
    services.sweep()
    assert reminders.count() == count  # once only
