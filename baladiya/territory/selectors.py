"""Reads of the territory: wilayas, communes (APC) and the pilot communes."""

import functools

from django.db.models import QuerySet
from django.dispatch import receiver

from baladiya.core import memo
from baladiya.territory.models import Commune, Wilaya
from baladiya.territory.signals import territory_changed

# Boumerdès, Laghouat, Boufarik, Bathia: the communes where Baladiya is piloted.
PILOT_ONS_CODES = ("3501", "0301", "0920", "4431")


def wilayas() -> QuerySet[Wilaya]:
    """All wilayas (provinces), by number."""
    return Wilaya.objects.order_by("number")


def communes_of_wilaya(number: int) -> QuerySet[Commune]:
    """The communes of wilaya ``number``, with their daïra, by daïra then name."""
    return (
        Commune.objects.filter(daira__wilaya__number=number)
        .select_related("daira__wilaya")
        .order_by("daira__name_fr", "name_fr")
    )


def commune_by_ons_code(code: str) -> Commune | None:
    """The commune with this 4-digit ONS code, or None."""
    if not code:
        return None
    return Commune.objects.select_related("daira__wilaya").filter(ons_code=code).first()


def pilot_communes() -> QuerySet[Commune]:
    """The four pilot communes (see :data:`PILOT_ONS_CODES`), by wilaya number."""
    return (
        Commune.objects.filter(ons_code__in=PILOT_ONS_CODES)
        .select_related("daira__wilaya")
        .order_by("daira__wilaya__number")
    )


def kept_pilot_communes() -> list[Commune]:
    """:func:`pilot_communes` as reference data kept a while in this process (core.memo), for
    pages that only show them."""
    return memo.memoised(("territory", "pilot-communes"), lambda: list(pilot_communes()))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _commune_index() -> tuple[tuple[int, int, str, str, str], ...]:
    """(id, wilaya number, folded names, postal code, ONS code) of every commune.

    1,541 short rows, built once per process: the database cannot ignore French accents or
    Arabic hamza forms portably, so the directory matches names here, then fetches by id.
    Cleared when the territory changes.
    """
    from baladiya.catalogue.text import normalise

    rows = Commune.objects.values_list(
        "pk", "daira__wilaya__number", "name_fr", "name_ar", "name_en", "postal_code", "ons_code"
    )
    return tuple(
        (pk, number, normalise(f"{fr} {ar} {en}"), postal, ons)
        for pk, number, fr, ar, en, postal, ons in rows
    )


def search_communes(*, query: str = "", wilaya_number: int | None = None) -> QuerySet[Commune]:
    """Communes whose French, Arabic or English name contains ``query`` — ignoring case,
    accents and Arabic diacritics ("Boumerdes" finds Boumerdès) — or whose postal or ONS code
    starts with it; optionally within one wilaya."""
    from baladiya.catalogue.text import normalise

    communes = Commune.objects.select_related("daira__wilaya")
    if wilaya_number is not None:
        communes = communes.filter(daira__wilaya__number=wilaya_number)
    folded = normalise(query)
    if folded:
        ids = [
            pk
            for pk, number, names, postal, ons in _commune_index()
            if (wilaya_number is None or number == wilaya_number)
            and (folded in names or postal.startswith(folded) or ons.startswith(folded))
        ]
        communes = communes.filter(pk__in=ids)
    return communes.order_by("daira__wilaya__number", "name_fr")


@receiver(territory_changed)
def _forget_commune_index(**kwargs: object) -> None:
    _commune_index.cache_clear()
    memo.forget()  # an import writes in bulk, without the models' save signals
