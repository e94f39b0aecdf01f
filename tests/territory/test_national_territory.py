"""The whole country is in every database, loaded by migration 0002 from the shipped CSVs."""

import datetime

import pytest
from django.db.models import Count

from baladiya.territory import selectors
from baladiya.territory.models import Commune, Daira, Wilaya

pytestmark = pytest.mark.django_db

# (ONS code, wilaya, wilaya name, daïra, commune, Arabic name, postal code, communes of the daïra)
PILOTS = [
    ("3501", 35, "Boumerdès", "Boumerdès", "Boumerdès", "بومرداس", "35000",
     {"Boumerdès", "Corso", "Tidjelabine"}),
    ("0301", 3, "Laghouat", "Laghouat", "Laghouat", "الأغواط", "03000", {"Laghouat"}),
    ("0920", 9, "Blida", "Boufarik", "Boufarik", "بوفاريك", "09001",
     {"Boufarik", "Soumaa", "Guerrouaou"}),
    ("4431", 44, "Ain Defla", "Bathia", "Bathia", "بطحية", "44041",
     {"Bathia", "Belaas", "Hassania"}),
]  # fmt: skip


def test_the_whole_country_is_loaded():
    assert Wilaya.objects.count() == 69
    assert Daira.objects.count() == 591
    assert Commune.objects.count() == 1541
    assert list(Wilaya.objects.values_list("number", flat=True)) == list(range(1, 70))
    assert not Wilaya.objects.annotate(n=Count("dairas")).filter(n=0).exists()
    assert not Daira.objects.annotate(n=Count("communes")).filter(n=0).exists()
    assert not Commune.objects.filter(name_ar="").exists()
    assert Commune.objects.exclude(ons_code="").count() > 1450


def test_reform_wilayas_take_effect_in_2027():
    aflou = Wilaya.objects.get(number=59)
    assert (aflou.name_fr, aflou.name_ar) == ("Aflou", "أفلو")
    assert aflou.effective_from == datetime.date(2027, 1, 1)
    assert not aflou.is_in_force(datetime.date(2026, 12, 31))
    assert aflou.is_in_force(datetime.date(2027, 1, 1))
    assert set(
        Wilaya.objects.filter(effective_from=datetime.date(2027, 1, 1)).values_list(
            "number", flat=True
        )
    ) == set(range(59, 70))
    assert not Wilaya.objects.filter(number__lt=59, effective_from__isnull=False).exists()
    assert Wilaya.objects.get(number=60).name_fr == "El Abiodh Sidi Cheikh"
    assert Wilaya.objects.get(number=69).name_fr == "Messaad"


def test_aflou_keeps_its_old_ons_code_in_the_new_wilaya():
    aflou = selectors.commune_by_ons_code("0319")
    assert aflou is not None
    assert (aflou.name_fr, aflou.name_ar, aflou.postal_code) == ("Aflou", "أفلو", "03001")
    assert aflou.wilaya.number == 59


@pytest.mark.parametrize(
    ("ons", "wilaya", "wilaya_fr", "daira", "name_fr", "name_ar", "postal", "daira_communes"),
    PILOTS,
)
def test_pilot_communes(ons, wilaya, wilaya_fr, daira, name_fr, name_ar, postal, daira_communes):
    commune = selectors.commune_by_ons_code(ons)
    assert commune is not None
    assert (commune.name_fr, commune.name_ar, commune.postal_code) == (name_fr, name_ar, postal)
    assert (commune.daira.name_fr, commune.daira.name_ar) == (daira, name_ar)
    assert (commune.wilaya.number, commune.wilaya.name_fr) == (wilaya, wilaya_fr)
    assert set(commune.daira.communes.values_list("name_fr", flat=True)) == daira_communes


def test_pilot_communes_selector(django_assert_num_queries):
    with django_assert_num_queries(1):
        pilots = [(c.ons_code, c.daira.wilaya.number) for c in selectors.pilot_communes()]
    assert pilots == [("0301", 3), ("0920", 9), ("3501", 35), ("4431", 44)]


def test_ons_codes_are_unique_and_well_formed():
    codes = list(Commune.objects.exclude(ons_code="").values_list("ons_code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(len(code) == 4 and code.isdigit() for code in codes)
    postal = Commune.objects.exclude(postal_code="").values_list("postal_code", flat=True)
    assert all(len(code) == 5 and code.isdigit() for code in postal)


def test_communes_of_wilaya(django_assert_num_queries):
    with django_assert_num_queries(1):
        communes = [(c.daira.name_fr, c.name_fr) for c in selectors.communes_of_wilaya(35)]
    assert len(communes) == 32
    assert ("Boumerdès", "Corso") in communes
    assert selectors.communes_of_wilaya(70).count() == 0


def test_search_communes():
    found = selectors.search_communes(query="بومرداس")
    assert "3501" in {c.ons_code for c in found}
    assert [c.name_fr for c in selectors.search_communes(query="0920")] == ["Boufarik"]
    in_blida = selectors.search_communes(query="bou", wilaya_number=9)
    assert {c.daira.wilaya.number for c in in_blida} == {9}
