"""Public pages kept for every visitor (core.pagecache): fast, and never stale or personal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from baladiya.cases import services
from baladiya.cases.views_citizen import status_url
from baladiya.core import pagecache
from tests.cases.helpers import make_case, simple_procedure
from tests.catalogue.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def queries_of(client: Client, url: str, **extra) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(queries), response.content


def rendered(client: Client, url: str) -> bool:
    """Whether the page was rendered (a kept page renders no template)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return bool(response.templates)


def test_a_visitor_reads_the_catalogue_without_a_query_until_a_procedure_changes():
    procedure = ProcedureFactory(slug="fiche-test", name_fr="Fiche familiale")
    visitor = Client()
    for url in ("/fr/procedures/", "/fr/procedures/fiche-test/"):
        first, page = queries_of(visitor, url)
        assert first > 0 and "Fiche familiale" in page.decode()
        again, _page = queries_of(visitor, url)
        assert again == 0

    procedure.name_fr = "Fiche familiale d'état civil"
    procedure.save()

    for url in ("/fr/procedures/", "/fr/procedures/fiche-test/"):
        count, page = queries_of(visitor, url)
        assert count > 0 and "Fiche familiale d&#x27;état civil" in page.decode()


def test_each_language_and_search_is_kept_apart():
    ProcedureFactory(slug="fiche-test", name_fr="Fiche familiale", name_ar="بطاقة عائلية")
    visitor = Client()
    assert "Fiche familiale" in visitor.get("/fr/procedures/").content.decode()
    arabic = visitor.get("/ar/procedures/").content.decode()
    assert "بطاقة عائلية" in arabic and 'dir="rtl"' in arabic
    found = visitor.get("/fr/procedures/", {"q": "introuvable"}).content.decode()
    assert "Fiche familiale" not in found


def test_the_status_page_shows_the_agents_step_at_once(pilots):
    case = make_case(simple_procedure(), ons_code="0301", applicant=pilots.people["citizen"])
    with translation.override("fr"):  # whatever language an earlier test left active
        url = status_url(case)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="fr")
    _count, page = queries_of(visitor, url)
    assert "Reçu par le service" not in page.decode()
    assert queries_of(visitor, url)[0] == 0  # kept

    services.fire(case=case, name="receive", actor=pilots.people["agent_a"])

    count, page = queries_of(visitor, url)
    assert count > 0 and "Reçu par le service" in page.decode()


def test_a_signed_in_visitor_reads_the_same_kept_page_without_a_query(pilots):
    anonymous, citizen = Client(), Client()
    citizen.force_login(pilots.people["citizen"])
    anonymous.get("/en/")  # now kept
    count, page = queries_of(citizen, "/en/")
    assert count == 0  # not even the session is read
    text = page.decode()
    assert "My space" in text and "Sign out" not in text and "csrfmiddlewaretoken" not in text
    # Their own space still offers to sign out.
    assert "Sign out" in citizen.get("/en/my/cases/").content.decode()


def test_a_page_first_rendered_for_a_signed_in_visitor_keeps_nothing_of_theirs(pilots):
    citizen, anonymous = Client(), Client()
    citizen.force_login(pilots.people["citizen"])
    assert rendered(citizen, "/en/procedures/")  # the first visitor renders it
    count, page = queries_of(anonymous, "/en/procedures/")
    assert count == 0
    text = page.decode()
    assert "Sign out" not in text and "csrfmiddlewaretoken" not in text
    assert "Cookie" in anonymous.get("/en/procedures/")["Vary"]


def test_my_space_leads_a_visitor_to_sign_in_then_to_their_cases(pilots):
    visitor = Client()
    to_login = visitor.get("/en/welcome/")
    assert to_login.status_code == 302 and "/login/" in to_login["Location"]
    assert "next=" in to_login["Location"]
    visitor.force_login(pilots.people["citizen"])
    assert visitor.get("/en/welcome/")["Location"].endswith("/en/my/cases/")
    agent = Client()
    agent.force_login(pilots.people["agent_a"])
    assert "/staff/" in agent.get("/en/welcome/")["Location"]


def test_a_visitor_with_a_flash_message_gets_the_page_rendered():
    visitor = Client()
    visitor.get("/fr/")
    assert not rendered(visitor, "/fr/")  # kept
    visitor.cookies["messages"] = "anything"
    assert rendered(visitor, "/fr/")


def test_with_the_cache_down_the_pages_are_still_served(monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(pagecache.cache, "get_many", down)
    monkeypatch.setattr(pagecache.cache, "set", down)
    ProcedureFactory(slug="fiche-test", name_fr="Fiche familiale")
    assert "Fiche familiale" in Client().get("/fr/procedures/").content.decode()


def test_an_address_with_other_parameters_is_rendered_not_kept():
    """Nobody can fill the cache (it holds the rate limits too) with ?x=1, ?x=2…"""
    visitor = Client()
    for n in range(3):
        assert rendered(visitor, f"/fr/?x={n}")
        assert rendered(visitor, f"/fr/?x={n}")


@pytest.mark.parametrize(
    "url",
    [
        "/fr/statistics/?category=%C2%B2",
        "/fr/statistics/?procedure=99999999999999999999",
        "/open-data/v1/monthly.csv?level=commune&area=%C2%B2",
        "/fr/communes/?wilaya=%C2%B2",
        "/fr/staff/cases/?page=%C2%B2",
    ],
)
def test_odd_numbers_in_an_address_are_no_server_error(url):
    assert Client().get(url).status_code in (200, 302, 404)


def test_a_page_whose_render_read_the_visitors_session_is_never_kept(pilots):
    """A safety net under the templates: whatever a kept view someday shows of its visitor."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    renders = []

    def render_for(request):
        renders.append(request.user.username)  # reads the session
        return HttpResponse(f"Hello {request.user.username}")

    def visit():
        request = RequestFactory().get("/en/some-public-page/")
        SessionMiddleware(lambda r: None).process_request(request)
        AuthenticationMiddleware(lambda r: None).process_request(request)
        return pagecache.serve(request, "test-personal", lambda: render_for(request))

    visit()
    visit()
    assert len(renders) == 2


def test_a_page_rendered_while_its_data_changed_is_not_served_later(rf):
    """The first render of a tag starts its version with the page; an invalidation during
    that render wins, and the page it produced is never served."""
    from django.http import HttpResponse

    renders = []

    def render(changed: bool) -> HttpResponse:
        renders.append(changed)
        if changed:
            pagecache.invalidate("race-tag")  # another process saved something meanwhile
        return HttpResponse("figures")

    request = rf.get("/fr/somewhere/")
    pagecache.serve(rf.get("/fr/somewhere/"), "race-tag", lambda: render(True))
    pagecache.serve(request, "race-tag", lambda: render(False))
    pagecache.serve(rf.get("/fr/somewhere/"), "race-tag", lambda: render(False))
    assert renders == [True, False]  # rendered again once, then kept
