"""A citizen finds a procedure and reads what it takes, in their language, without JavaScript."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from baladiya.catalogue.models import Procedure
from baladiya.catalogue.selectors import published_procedures
from baladiya.core import pagecache
from tests.catalogue.factories import ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db

LANGS = ["ar", "fr", "en", "kab"]


def _slugs(html: str) -> list[str]:
    return re.findall(r'href="/\w+/procedures/([\w-]+)/"', html)


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Extrait de Naissance",
        "extrait de naissance",
        "naissance",
        "NAISSANCE",
        "شهادة الميلاد",
        "عقد الميلاد",
        "شَهادة المِيلاد",
        "birth",
        "tlalit",
        "EC-12",
    ],
)
def test_search_finds_the_birth_extract(catalogue, query):
    slugs = list(published_procedures(query).values_list("slug", flat=True))
    assert "extrait-acte-naissance" in slugs, query


def test_search_ignores_french_accents_and_case(catalogue):
    assert "certificat-de-residence" in published_procedures("RESIDENCE").values_list(
        "slug", flat=True
    )
    assert "extrait-acte-deces" in published_procedures("décès").values_list("slug", flat=True)
    assert "extrait-acte-deces" in published_procedures("deces").values_list("slug", flat=True)


def test_search_unifies_arabic_alef_forms(catalogue):
    # "الإقامة" typed without its hamza.
    assert "certificat-de-residence" in published_procedures("شهادة الاقامة").values_list(
        "slug", flat=True
    )


def test_search_needs_every_word(catalogue):
    assert list(published_procedures("naissance urbanisme")) == []


def test_unpublished_procedures_are_not_listed(catalogue):
    ProcedureFactory(name_fr="Démarche cachée de naissance", is_published=False)
    assert not published_procedures("cachée").exists()


def test_the_list_page_searches(client: Client, catalogue):
    html = client.get("/fr/procedures/", {"q": "Extrait de Naissance"}).content.decode()
    assert "extrait-acte-naissance" in _slugs(html)
    assert "passeport-biometrique" not in _slugs(html)
    html = client.get("/ar/procedures/", {"q": "شهادة الميلاد"}).content.decode()
    assert "extrait-acte-naissance" in _slugs(html)
    html = client.get("/fr/procedures/", {"q": "zzzz"}).content.decode()
    assert _slugs(html) == []


# --- pages in every language --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_page_speaks_each_language(client: Client, catalogue, lang):
    response = client.get(f"/{lang}/procedures/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert len(_slugs(html)) == Procedure.objects.filter(is_published=True).count()
    assert len(response.content) < 60_000
    assert "<script" not in html
    # Headings in order: one h1, then groups (h2) holding procedures (h3).
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_procedures_are_grouped_by_who_handles_them(client: Client, catalogue):
    with translation.override("en"):
        html = client.get("/en/procedures/").content.decode()
    headings = re.findall(r"<h2 id=\"[\w-]+\">([^<]+)</h2>", html)
    assert any("Civil status" in h for h in headings)
    assert any("Daïra" in h and "Identity documents" in h for h in headings)
    assert any("Urban planning" in h for h in headings)


@pytest.mark.parametrize("lang", LANGS)
def test_the_detail_page_speaks_each_language(client: Client, catalogue, lang):
    response = client.get(f"/{lang}/procedures/extrait-acte-naissance/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    procedure = Procedure.objects.get(slug="extrait-acte-naissance")
    assert escape(getattr(procedure, f"name_{lang}")) in html
    assert len(response.content) < 60_000
    assert "<script" not in html
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_text_in_another_language_is_marked(client: Client, catalogue):
    # The passport has no Kabyle text: the Kabyle page shows French, marked as such.
    html = client.get("/kab/procedures/passeport-biometrique/").content.decode()
    assert '<h1><span lang="fr" dir="ltr">Passeport biométrique</span></h1>' in html
    html = client.get("/kab/procedures/extrait-acte-naissance/").content.decode()
    assert "<h1>Aselkin n tlalit (uṭṭun 12)</h1>" in html


def test_the_detail_page_tells_what_to_bring_and_what_the_service_obtains(
    client: Client, catalogue
):
    with translation.override("en"):
        html = client.get("/en/procedures/passeport-biometrique/").content.decode()
    bring, obtained = html.split('id="obtained-title"')
    assert (
        '<th scope="col">' in bring and '<th scope="row">Four colour identity photos</th>' in bring
    )
    assert "Residence certificate" in obtained and "Residence certificate" not in bring
    assert "Special birth extract 12S" in obtained
    assert "6\u00a0000 DA" in html
    assert "15 working days" in html
    assert "Online or at the counter." in html


def test_the_detail_page_shows_fees_deadlines_and_channels(client: Client, catalogue):
    with translation.override("en"):
        birth = client.get("/en/procedures/extrait-acte-naissance/").content.decode()
        permit = client.get("/en/procedures/permis-de-construire/").content.decode()
        signature = client.get("/en/procedures/legalisation-de-signature/").content.decode()
    assert "Free" in birth and "Same day" in birth
    assert "20 working days" in permit and "Building-permit tax" in permit
    assert "cannot be requested online yet" in signature


def test_an_unpublished_or_unknown_procedure_is_not_found(client: Client):
    ProcedureFactory(slug="brouillon", is_published=False)
    assert client.get("/fr/procedures/brouillon/").status_code == 404
    assert client.get("/fr/procedures/nothing-here/").status_code == 404


@pytest.mark.django_db
def test_an_online_procedure_offers_to_apply_and_a_counter_only_one_does_not(client: Client):
    online = ProcedureFactory(available_online=True)
    counter_only = ProcedureFactory(available_online=False)
    page = client.get(f"/fr/procedures/{online.slug}/").content.decode()
    assert f'href="/fr/procedures/{online.slug}/apply/"' in page
    page = client.get(f"/fr/procedures/{counter_only.slug}/").content.decode()
    assert "/apply/" not in page


# --- query counts --------------------------------------------------------------------------------


def test_the_list_page_runs_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries
):
    ProcedureFactory.create_batch(3)
    client.get("/fr/procedures/")  # warm up
    pagecache.invalidate(pagecache.CATALOGUE)  # measure the page as rendered, not as kept
    with CaptureQueriesContext(connection) as few:
        assert client.get("/fr/procedures/").status_code == 200
    assert len(few) <= 2
    ProcedureFactory.create_batch(40)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/fr/procedures/")
    assert len(_slugs(response.content.decode())) == 43
    with django_assert_max_num_queries(len(few)):
        assert client.get("/ar/procedures/", {"q": "إجراء تجريبي"}).status_code == 200


def test_the_detail_page_runs_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries
):
    procedure = ProcedureFactory()
    for _ in range(10):
        RequiredDocumentFactory(procedure=procedure)
    with django_assert_max_num_queries(3):
        assert client.get(f"/fr/procedures/{procedure.slug}/").status_code == 200


# --- sitemap ---------------------------------------------------------------------------------


def test_the_sitemap_lists_every_published_procedure_in_every_language(client: Client, catalogue):
    ProcedureFactory(slug="brouillon", is_published=False)
    xml = client.get("/sitemap.xml").content.decode()
    for lang in LANGS:
        assert f"/{lang}/procedures/</loc>" in xml
        assert f"/{lang}/procedures/extrait-acte-naissance/</loc>" in xml
    assert 'hreflang="kab"' in xml
    assert "brouillon" not in xml
