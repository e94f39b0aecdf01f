"""Reads of the territory: wilayas, communes (APC) and the pilot communes."""

from django.db.models import Q, QuerySet

from baladiya.territory.models import Commune, Wilaya

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


def search_communes(*, query: str = "", wilaya_number: int | None = None) -> QuerySet[Commune]:
    """Communes whose French, Arabic or English name contains ``query``, or whose postal or ONS
    code starts with it; optionally within one wilaya."""
    communes = Commune.objects.select_related("daira__wilaya")
    if wilaya_number is not None:
        communes = communes.filter(daira__wilaya__number=wilaya_number)
    query = query.strip()
    if query:
        communes = communes.filter(
            Q(name_fr__icontains=query)
            | Q(name_ar__icontains=query)
            | Q(name_en__icontains=query)
            | Q(postal_code__startswith=query)
            | Q(ons_code__startswith=query)
        )
    return communes.order_by("daira__wilaya__number", "name_fr")
