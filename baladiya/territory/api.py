"""Public, read-only territory API: wilayas and their communes."""

from django.http import Http404
from ninja import Router, Schema

from baladiya.territory.selectors import communes_of_wilaya, wilayas

router = Router()


class WilayaOut(Schema):
    number: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    effective_from: str | None

    @staticmethod
    def resolve_effective_from(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.effective_from.isoformat() if obj.effective_from else None


class CommuneOut(Schema):
    id: int
    name_fr: str
    name_ar: str
    name_en: str
    postal_code: str
    ons_code: str
    daira_name_fr: str
    daira_name_ar: str

    @staticmethod
    def resolve_daira_name_fr(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.daira.name_fr

    @staticmethod
    def resolve_daira_name_ar(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.daira.name_ar


@router.get("/wilayas", response=list[WilayaOut], summary="All 69 wilayas")
def list_wilayas(request):  # type: ignore[no-untyped-def]
    return list(wilayas())


@router.get(
    "/wilayas/{number}/communes",
    response=list[CommuneOut],
    summary="The communes of one wilaya, with their daïra",
)
def list_communes(request, number: int):  # type: ignore[no-untyped-def]
    communes = list(communes_of_wilaya(number))
    if not communes:
        raise Http404
    return communes
