"""The checked journey: a citizen reports a broken street light in Boufarik, in Arabic, without
an account; it lands with the right service; an agent answers; past the deadline it shows up for
the daïra supervisor; the citizen says "not solved" and it reopens; the public sees it without
personal data."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from baladiya.cases.models import CaseEvent
from baladiya.cases.trail import verify_case_events
from baladiya.cases.workflow import Status
from baladiya.concerns import selectors
from baladiya.concerns.models import Category, Concern
from baladiya.core.calendar import calendar
from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, Structure, StructureKind
from baladiya.territory.models import Commune
from tests.concerns.helpers import categories, technical_agent, technical_service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, lang: str = "ar", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def boufarik():
    categories()
    agent = technical_agent("0920", "agent_tech_b")
    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0920")
    supervisor = UserFactory(username="sup_daira_b")
    org_services.grant_membership(
        actor=None, user=supervisor, structure=apc.parent, role=Role.SUPERVISOR
    )
    wilaya_supervisor = UserFactory(username="sup_wilaya_b")
    org_services.grant_membership(
        actor=None, user=wilaya_supervisor, structure=apc.parent.parent, role=Role.SUPERVISOR
    )
    return {
        "agent": agent,
        "supervisor": supervisor,
        "wilaya_supervisor": wilaya_supervisor,
        "commune": Commune.objects.get(ons_code="0920"),
        "technical": technical_service("0920"),
    }


def test_broken_street_light_in_boufarik_from_report_to_reopening(boufarik):
    citizen = Client()
    light = Category.objects.get(code="street-light-out")

    # 1. Anonymous, in Arabic, no JavaScript: a plain form post.
    page = citizen.get(url("concerns:new"))
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    response = citizen.post(
        url("concerns:new"),
        {
            "category": light.pk,
            "commune": boufarik["commune"].pk,
            "address": "حي 200 مسكن، قرب المسجد",
            "description": "عمود الإنارة معطل والشارع مظلم في الليل",
            "phone": "0661 23 45 67",
            "name": "أمينة",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    follow_link = response["Location"]
    concern = Concern.objects.select_related("case").get()
    case = concern.case

    # 2. It lands with the technical services of Boufarik, with a deadline from the category.
    assert case.kind == "concern" and case.status == Status.SUBMITTED
    assert case.handling_structure == boufarik["technical"]
    assert case.reference.startswith(boufarik["commune"].short_code or "")
    assert case.applicant is None and case.applicant_phone == "+213661234567"
    assert case.due_date == calendar().add_working_days(timezone.localdate(case.submitted_at), 5)
    assert CaseEvent.objects.get(case=case).kind == "submitted"
    assert citizen.get(follow_link).status_code == 200

    # 3. The agent of that service sees it, receives it and answers publicly.
    agent = Client()
    agent.force_login(boufarik["agent"])
    inbox = agent.get(url("concerns:inbox", "fr"))
    assert case.reference in inbox.text
    for action in ("receive", "start_work"):
        agent.post(url("concerns:staff-action", "fr", pk=case.pk), {"action": action})
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS

    # 4. Nobody answered in time: past the deadline it shows for the daïra's supervisor…
    later = datetime.datetime.combine(
        case.due_date + datetime.timedelta(days=1), datetime.time(10)
    ).replace(tzinfo=datetime.UTC)
    supervisor = Client()
    supervisor.force_login(boufarik["supervisor"])
    assert case.reference not in supervisor.get(url("concerns:escalated", "fr")).text
    with time_machine.travel(later, tick=False):
        page = supervisor.get(url("concerns:escalated", "fr"))
        assert case.reference in page.text
        assert selectors.escalation_level(case) == 1
    # …and past three times the deadline, one level more (the wilaya's supervisor).
    case.concern.refresh_from_db()
    much_later = datetime.datetime.combine(
        case.concern.late_date + datetime.timedelta(days=1), datetime.time(10)
    ).replace(tzinfo=datetime.UTC)
    from baladiya.organisation.scoping import Scope

    wilaya_scope = Scope.of(boufarik["wilaya_supervisor"])
    assert selectors.escalated_concerns(wilaya_scope, later) == []
    assert [c.pk for c in selectors.escalated_concerns(wilaya_scope, much_later)] == [case.pk]
    assert selectors.escalation_level(case, much_later) == 2
    newly = selectors.concerns_newly_escalated(later - datetime.timedelta(days=1), later)
    assert [(e.case.pk, e.level) for e in newly] == [(case.pk, 1)]

    # 5. The agent answers: resolved, with a public answer.
    agent.post(
        url("concerns:staff-action", "fr", pk=case.pk),
        {"action": "resolve", "reason": "تم تغيير المصباح يوم الأحد."},
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert selectors.escalation_level(case, much_later) == 0

    # 6. The citizen says "not solved": it reopens, once.
    page = citizen.get(follow_link)
    assert "تم تغيير المصباح" in page.text and 'name="solved"' in page.text
    citizen.post(follow_link, {"solved": "no", "score": "2", "comment": "ما زال مظلما"})
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["rated", "reopened"]
    assert case.events.get(kind="rated").payload == {"score": 2, "solved": False}

    # The second time it goes to the supervisor instead.
    agent.post(
        url("concerns:staff-action", "fr", pk=case.pk),
        {"action": "resolve", "reason": "Réparé à nouveau."},
    )
    citizen.post(follow_link, {"solved": "no", "score": "1"})
    case.refresh_from_db()
    case.concern.refresh_from_db()
    assert case.status == Status.RESOLVED and case.concern.referred_to_supervisor
    assert case.reference in supervisor.get(url("concerns:escalated", "fr")).text

    # 7. In the open: category, status, answer; no name, phone, email or address.
    for lang in ("ar", "fr", "en"):
        public = Client().get(url("concerns:list", lang) + f"?commune={case.commune_id}")
        assert case.reference in public.text
        detail = Client().get(url("concerns:public-detail", lang, reference=case.reference))
        for private in ("أمينة", "0661", "+213661234567", "حي 200 مسكن", "ما زال مظلما"):
            assert private not in public.text and private not in detail.text
    events = list(case.events.order_by("sequence"))
    assert not list(verify_case_events(case.pk, case.reference, events))


def test_a_solved_concern_closes_and_the_rating_is_recorded(boufarik):
    from tests.concerns.helpers import report

    intake = report()
    case = intake.case
    from baladiya.cases import services as case_services
    from baladiya.concerns import services

    case_services.fire(case=case, name="receive", actor=boufarik["agent"])
    services.answer(
        case=case, actor=boufarik["agent"], transition="resolve", public_answer="Réparé."
    )
    services.rate(case=case, score=5, solved=True, comment="Merci")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert case.concern.satisfaction == 5
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["rated", "closed"]


def test_changing_the_category_routes_again(boufarik):
    from baladiya.concerns import services
    from baladiya.organisation.models import Sector
    from tests.concerns.helpers import report

    water_body = org_services.add_sector_body(
        parent=Structure.objects.get(kind=StructureKind.WILAYA, wilaya__number=9),
        sector=Sector.WATER,
        code="ade-test",
        names={"name_fr": "ADE", "name_ar": "الجزائرية للمياه", "name_en": "ADE"},
    )
    case = report(text="l'eau coule dans la rue").case
    assert case.handling_structure == boufarik["technical"]
    services.recategorise(
        case=case, actor=boufarik["agent"], category=Category.objects.get(code="water-leak")
    )
    case.refresh_from_db()
    assert case.handling_structure == water_body
    event = case.events.get(kind="recategorised")
    assert event.payload == {"from": "street-light-out", "to": "water-leak"}


def test_duplicates_are_merged_and_their_page_leads_to_the_original(boufarik):
    from baladiya.concerns import services
    from baladiya.concerns.views import follow_url
    from tests.concerns.helpers import report

    original = report().case
    duplicate = report(text="الشارع مظلم").case
    services.merge_duplicate(case=duplicate, original=original, actor=boufarik["agent"])
    duplicate.refresh_from_db()
    assert duplicate.status == Status.DUPLICATE
    event = duplicate.events.get(kind="marked_duplicate")
    assert event.payload == {"original": original.reference}
    page = Client().get(follow_url(duplicate))
    assert follow_url(original) in page.text


def test_while_writing_similar_open_concerns_are_offered(boufarik):
    from tests.concerns.helpers import report

    existing = report().case
    light = Category.objects.get(code="street-light-out")
    response = Client().post(
        url("concerns:new", "fr"),
        {
            "category": light.pk,
            "commune": boufarik["commune"].pk,
            "address": "Rue 3",
            "description": "Lampadaire éteint",
        },
    )
    assert response.status_code == 200
    assert existing.reference in response.text
    assert Concern.objects.count() == 1
    confirmed = Client().post(
        url("concerns:new", "fr"),
        {
            "category": light.pk,
            "commune": boufarik["commune"].pk,
            "address": "Rue 3",
            "description": "Lampadaire éteint",
            "confirm_new": "1",
        },
    )
    assert confirmed.status_code == 302 and Concern.objects.count() == 2


def test_photos_are_checked_by_content_and_published_only_once_approved(boufarik):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from baladiya.concerns import services
    from tests.cases.helpers import png_upload
    from tests.concerns.helpers import report

    light = Category.objects.get(code="street-light-out")
    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    refused = Client().post(
        url("concerns:new", "fr"),
        {
            "category": light.pk,
            "commune": boufarik["commune"].pk,
            "address": "Rue 3",
            "description": "Lampadaire",
            "photos": [fake],
        },
    )
    assert refused.status_code == 200 and Concern.objects.count() == 0

    case = report(photos=[png_upload()]).case
    photo = case.concern.photos.get()
    public_detail = url("concerns:public-detail", "fr", reference=case.reference)
    photo_url = reverse("concerns:public-photo", kwargs={"pk": photo.pk})
    assert photo_url not in Client().get(public_detail).text
    assert Client().get(photo_url).status_code == 404
    services.approve_photo(photo=photo, actor=boufarik["agent"])
    assert photo_url in Client().get(public_detail).text
    assert Client().get(photo_url).status_code == 200


def test_an_agent_records_a_walk_in_citizens_concern_at_the_counter(boufarik):
    agent = Client()
    agent.force_login(boufarik["agent"])
    light = Category.objects.get(code="street-light-out")
    response = agent.post(
        url("concerns:counter", "fr"),
        {
            "category": light.pk,
            "commune": boufarik["commune"].pk,
            "address": "Rue 3",
            "description": "Lampadaire éteint",
            "name": "Ali",
        },
    )
    assert response.status_code == 302
    case = Concern.objects.get().case
    assert case.channel == "counter" and case.filed_by == boufarik["agent"]
    assert re.search(r"/staff/concerns/\d+/", response["Location"])


def test_creating_a_concern_takes_at_most_ten_queries(boufarik):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from baladiya.concerns import services
    from tests.concerns.helpers import report

    report()  # warm caches (calendar)
    category = Category.objects.get(code="street-light-out")
    commune = boufarik["commune"]
    # Without a routing row (the default by service type), then with one.
    for _attempt in range(2):
        with CaptureQueriesContext(connection) as queries:
            services.submit_concern(
                category=category, commune=commune, description="Lampadaire", address="Rue 3"
            )
        # As for cases: savepoints are not work; the statistics' upsert is (one statement).
        statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(statements) <= 10, "\n".join(statements)
        from baladiya.concerns.models import Routing

        Routing.objects.get_or_create(
            category=category, commune=commune, defaults={"structure": boufarik["technical"]}
        )


@pytest.mark.parametrize("rows", [2, 20])
def test_list_pages_run_a_constant_number_of_queries(boufarik, rows, django_assert_max_num_queries):
    from tests.concerns.helpers import report

    for i in range(rows):
        report(text=f"lampadaire {i}")
    agent = Client()
    agent.force_login(boufarik["agent"])
    supervisor = Client()
    supervisor.force_login(boufarik["supervisor"])
    with django_assert_max_num_queries(8):
        assert Client().get(url("concerns:list", "fr")).status_code == 200
    with django_assert_max_num_queries(12):
        assert agent.get(url("concerns:inbox", "fr")).status_code == 200
    with django_assert_max_num_queries(12):
        assert supervisor.get(url("concerns:escalated", "fr")).status_code == 200


def test_the_follow_page_of_the_case_engine_leads_a_concern_to_its_own_page(boufarik):
    from tests.concerns.helpers import report

    case = report(phone="0661234567").case
    response = Client().post(
        url("cases:follow", "fr"), {"reference": case.reference, "phone_last4": "4567"}
    )
    assert response.status_code == 302 and "/concerns/follow/" in response["Location"]
