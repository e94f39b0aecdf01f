"""Every commune has a unique three-letter code for its case references."""

import pytest

from baladiya.territory.models import Commune
from baladiya.territory.short_codes import candidates


@pytest.mark.django_db
def test_every_commune_has_a_unique_three_letter_code():
    codes = list(Commune.objects.values_list("short_code", flat=True))
    assert len(codes) == 1541
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes)
    assert len(set(codes)) == len(codes)


@pytest.mark.django_db
def test_the_pilot_communes_have_the_codes_their_agents_use():
    codes = dict(
        Commune.objects.filter(ons_code__in=["3501", "0301", "0920", "4431"]).values_list(
            "ons_code", "short_code"
        )
    )
    assert codes == {"3501": "BMD", "0301": "LGT", "0920": "BFK", "4431": "BTH"}


def test_codes_start_with_the_first_letter_and_prefer_consonants():
    assert next(candidates("Tidjelabine")) == "TDJ"
    assert next(candidates("Aïn Defla")) == "AND"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Boumerdes", "boumerdès", "BOUMERDES", "بومرداس", "35000"])
def test_the_directory_finds_a_commune_however_it_is_typed(typed):
    from baladiya.territory.selectors import search_communes

    names = [c.name_fr for c in search_communes(query=typed)]
    assert "Boumerdès" in names, (typed, names[:5])


@pytest.mark.django_db
def test_the_directory_search_stays_within_the_chosen_wilaya():
    from baladiya.territory.selectors import search_communes

    assert {c.daira.wilaya.number for c in search_communes(query="a", wilaya_number=9)} == {9}
