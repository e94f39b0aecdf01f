"""The case engine as its users live it: submit, receive, ask, answer, decide, transfer, trail."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baladiya.cases import references, selectors, services
from baladiya.cases.models import Case, CaseEvent
from baladiya.cases.trail import verify_all
from baladiya.cases.workflow import Status, TransitionNotAllowed
from baladiya.catalogue.selectors import current_form_version
from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, Structure, StructureKind
from baladiya.organisation.scoping import Scope
from baladiya.territory.models import Commune
from tests.cases.helpers import make_case, simple_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return UserFactory(username="amina", phone="+213661234567")


def test_a_citizen_submits_and_gets_a_reference_with_the_communes_code(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    assert case.status == Status.SUBMITTED
    assert case.reference.startswith("LGT-")
    assert references.is_valid(case.reference)
    assert case.handling_structure == pilots.civil_status_a
    assert case.due_date is not None and case.due_date > case.submitted_at.date()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["draft_created", "submitted"]


def test_creating_and_submitting_a_case_takes_at_most_ten_queries(pilots, citizen):
    procedure = simple_procedure()
    version = current_form_version(procedure)
    commune = Commune.objects.get(ons_code="0301")
    with CaptureQueriesContext(connection) as queries:
        case = services.create_draft(
            procedure=procedure,
            form_version=version,
            commune_id=commune.pk,
            applicant=citizen,
            applicant_name="Amina",
            applicant_phone="+213661234567",
        )
        services.submit(case=case, actor=citizen, answers={"full_name": "Amina"})
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 10, "\n".join(statements)


def test_the_full_journey_with_a_missing_document(pilots, citizen):
    agent = pilots.people["agent_a"]
    head = pilots.people["head_a"]
    case = make_case(simple_procedure(legal_deadline_days=5), ons_code="0301", applicant=citizen)
    due = case.due_date

    services.fire(case=case, name="receive", actor=agent)
    services.assign(case=case, actor=agent, assignee=agent)
    services.fire(case=case, name="start_review", actor=agent)
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)):
        services.fire(case=case, name="request_correction", actor=agent, reason="Copie lisible SVP")
    case.refresh_from_db()
    assert case.status == Status.WAITING_CITIZEN and case.paused_since is not None
    # The citizen answers three working days later: the due date moves by as much.
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC)):
        services.fire(case=case, name="respond", actor=citizen)
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW and case.paused_since is None
    assert case.due_date > due
    services.fire(case=case, name="accept", actor=agent)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.decided_at is not None
    services.fire(case=case, name="close", actor=agent)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    # Reopening is a supervisor's call, with a reason; a head of service may not.
    with pytest.raises(PermissionDenied):
        services.fire(case=case, name="reopen", actor=head, reason="Erreur")
    services.fire(
        case=case, name="reopen", actor=pilots.people["supervisor_daira_a"], reason="Erreur"
    )
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert not list(verify_all())


def test_refusal_needs_a_head_of_service_and_reasons(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    agent, head = pilots.people["agent_a"], pilots.people["head_a"]
    services.fire(case=case, name="receive", actor=agent)
    services.fire(case=case, name="start_review", actor=agent)
    with pytest.raises(PermissionDenied):
        services.fire(case=case, name="refuse", actor=agent, reason="Incomplet")
    with pytest.raises(ValidationError):
        services.fire(case=case, name="refuse", actor=head, reason="  ")
    services.fire(case=case, name="refuse", actor=head, reason="Le demandeur n'habite pas ici")
    case.refresh_from_db()
    assert case.status == Status.REFUSED
    assert case.decision_reason == "Le demandeur n'habite pas ici"


def test_invalid_transitions_are_impossible(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    with pytest.raises(TransitionNotAllowed):
        services.fire(case=case, name="accept_instantly_twice", actor=None)
    with pytest.raises(TransitionNotAllowed):
        services.fire(case=case, name="close", actor=pilots.people["agent_a"])
    with pytest.raises(TransitionNotAllowed):
        services.fire(case=case, name="respond", actor=citizen)


def test_another_communes_agent_can_do_nothing_and_sees_nothing(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    stranger = pilots.people["agent_b"]
    with pytest.raises(PermissionDenied):
        services.fire(case=case, name="receive", actor=stranger)
    with pytest.raises(PermissionDenied):
        services.post_message(case=case, actor=stranger, body="Bonjour")
    assert not selectors.visible_cases(Scope.of(stranger)).filter(pk=case.pk).exists()


def test_a_case_transferred_from_bathia_to_its_daira_is_seen_there_not_in_boufarik(citizen):
    apc_bathia = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="4431")
    service = org_services.add_service(parent=apc_bathia, service_type="civil_status")
    daira = apc_bathia.parent
    apc_boufarik = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0920")
    boufarik_service = org_services.add_service(parent=apc_boufarik, service_type="civil_status")

    def person(name, structure, role):
        user = UserFactory(username=name)
        org_services.grant_membership(actor=None, user=user, structure=structure, role=role)
        return user

    bathia_agent = person("bathia", service, Role.AGENT)
    daira_supervisor = person("daira", daira, Role.SUPERVISOR)
    daira_agent = person("daira_agent", daira, Role.AGENT)
    boufarik_agent = person("boufarik", boufarik_service, Role.AGENT)
    boufarik_supervisor = person("boufarik_sup", apc_boufarik.parent, Role.SUPERVISOR)

    case = make_case(simple_procedure(), ons_code="4431", applicant=citizen)
    services.fire(case=case, name="receive", actor=bathia_agent)
    services.transfer(case=case, actor=bathia_agent, to_structure=daira, reason="Avis du daïra")
    case.refresh_from_db()
    assert case.handling_structure == daira and case.owner_structure == service

    def sees(user):
        return selectors.visible_cases(Scope.of(user)).filter(pk=case.pk).exists()

    assert sees(daira_agent) and sees(daira_supervisor) and sees(bathia_agent)
    assert not sees(boufarik_agent) and not sees(boufarik_supervisor)
    # The daïra now acts on it; the commune's agent no longer does.
    services.fire(case=case, name="start_review", actor=daira_agent)
    with pytest.raises(PermissionDenied):
        services.fire(case=case, name="accept", actor=bathia_agent)


def test_an_opinion_is_asked_and_given_with_its_own_deadline(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    agent = pilots.people["agent_a"]
    services.fire(case=case, name="receive", actor=agent)
    opinion = services.request_opinion(
        case=case,
        actor=agent,
        to_structure=pilots.daira_a,
        question="Le terrain est-il constructible ?",
    )
    assert opinion.due_date > datetime.date.today()
    with pytest.raises(PermissionDenied):
        services.answer_opinion(
            opinion=opinion, actor=pilots.people["agent_b"], answer="yes", comment=""
        )
    services.answer_opinion(
        opinion=opinion,
        actor=pilots.people["supervisor_daira_a"],
        answer="no",
        comment="Zone inondable",
    )
    opinion.refresh_from_db()
    assert opinion.answer == "no" and opinion.answered_at is not None
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED  # an opinion never moves it


def test_the_trail_cannot_be_rewritten_and_tampering_is_detected(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    services.fire(case=case, name="receive", actor=pilots.people["agent_a"])
    event = case.events.order_by("sequence").first()
    with pytest.raises(ValidationError):
        event.payload = {"forged": True}
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    call_command("verify_trail")
    # Someone edits the table directly, behind the application's back.
    CaseEvent.objects.filter(pk=event.pk).update(actor_label="Quelqu'un d'autre")
    problems = list(verify_all())
    assert problems and problems[0].reference == case.reference
    with pytest.raises(CommandError):
        call_command("verify_trail")


def test_a_case_filed_at_the_counter_can_be_claimed_by_the_citizen(pilots):
    counter_agent = pilots.people["agent_a"]
    procedure = simple_procedure()
    case = services.create_draft(
        procedure=procedure,
        form_version=current_form_version(procedure),
        commune_id=pilots.apc_a.commune_id,
        applicant=None,
        applicant_name="Ahmed Walk-in",
        applicant_phone="+213770123456",
        channel="counter",
        filed_by=counter_agent,
    )
    case, code = services.submit(case=case, actor=counter_agent, answers={"full_name": "Ahmed"})
    assert case.channel == "counter" and code
    citizen = UserFactory(username="ahmed")
    with pytest.raises(ValidationError):
        services.claim(user=citizen, reference=case.reference, claim_code="WRONG")
    services.claim(user=citizen, reference=case.reference, claim_code=code.lower())
    assert Case.objects.get(pk=case.pk).applicant == citizen
    with pytest.raises(ValidationError):  # a code works once
        services.claim(
            user=UserFactory(username="other"), reference=case.reference, claim_code=code
        )


def test_public_lookup_needs_the_reference_and_the_phone_digits(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    assert selectors.public_lookup(case.reference.lower(), "4567").case == case
    assert selectors.public_lookup(case.reference, "0000").case is None
    assert selectors.public_lookup("LGT-26-AAAA-AAAA", "4567").reason == "malformed"


def test_the_inbox_puts_overdue_cases_first_in_a_constant_number_of_queries(
    pilots, citizen, django_assert_max_num_queries
):
    procedure = simple_procedure(legal_deadline_days=2)
    agent = pilots.people["agent_a"]
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        late = make_case(procedure, ons_code="0301", applicant=citizen)
    for _ in range(5):
        make_case(procedure, ons_code="0301", applicant=citizen)
    scope = Scope.of(agent)
    with django_assert_max_num_queries(2):
        rows = list(selectors.inbox(scope, tab=selectors.Tab.UNASSIGNED))
    assert rows[0] == late and rows[0].is_overdue
    assert not rows[1].is_overdue


def test_agents_find_a_case_by_the_applicants_name_or_an_answer(pilots, citizen):
    case = make_case(simple_procedure(), ons_code="0301", applicant=citizen)
    scope = Scope.of(pilots.people["agent_a"])
    assert list(selectors.inbox(scope, tab=selectors.Tab.ALL, search="Khelifi")) == [case]
    assert list(selectors.inbox(scope, tab=selectors.Tab.ALL, search=case.reference.lower()))
    assert not list(selectors.inbox(scope, tab=selectors.Tab.ALL, search="Benali"))


def test_the_inbox_page_runs_the_same_queries_for_two_or_twenty_cases(pilots, citizen):
    from django.test import Client

    procedure = simple_procedure()
    desk = Client()
    desk.force_login(pilots.people["agent_a"])
    make_case(procedure, ons_code="0301", applicant=citizen)
    make_case(procedure, ons_code="0301", applicant=citizen)
    desk.get("/fr/staff/cases/?tab=all")
    with CaptureQueriesContext(connection) as few:
        assert desk.get("/fr/staff/cases/?tab=all").status_code == 200
    for _ in range(18):
        make_case(procedure, ons_code="0301", applicant=citizen)
    with CaptureQueriesContext(connection) as many:
        assert desk.get("/fr/staff/cases/?tab=all").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
