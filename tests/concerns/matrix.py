"""URLs of concerns for the permission matrix: one concern handled by each target structure."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import translation


def _structure(pilots, target: str):  # type: ignore[no-untyped-def]
    return {"own": pilots.civil_status_a, "other": pilots.civil_status_b, "parent": pilots.daira_a}[
        target
    ]


def concern(pilots, target: str):  # type: ignore[no-untyped-def]
    """Made once per test, through the routing table, with an approved photo."""
    made = getattr(pilots, "concerns", None)
    if made is None:
        from baladiya.concerns.models import Category, Routing
        from baladiya.territory.models import Commune
        from tests.cases.helpers import png_upload
        from tests.concerns.helpers import categories, report

        categories()
        made = pilots.concerns = {}
        for name, ons_code, code in (
            ("own", "0301", "pothole"),
            ("other", "0920", "pothole"),
            ("parent", "0301", "pavement"),
        ):
            Routing.objects.update_or_create(
                category=Category.objects.get(code=code),
                commune=Commune.objects.get(ons_code=ons_code),
                defaults={"structure": _structure(pilots, name)},
            )
            made[name] = report(code, ons_code=ons_code, photos=[png_upload()]).case
            assert made[name].handling_structure == _structure(pilots, name)
            made[name].concern.photos.update(approved=True)
    return made[target]


def url(name: str, by_reference: bool = False) -> Callable:
    def build(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
        case = concern(pilots, target)
        kwargs = {"reference": case.reference} if by_reference else {"pk": case.pk}
        with translation.override("fr"):
            return reverse(name, kwargs=kwargs)

    return build


def follow_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    from baladiya.concerns.views import follow_url as build

    return build(concern(pilots, target))


def public_photo_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    photo = concern(pilots, target).concern.photos.get()
    return reverse("concerns:public-photo", kwargs={"pk": photo.pk})


def staff_photo_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    case = concern(pilots, target)
    photo = case.concern.photos.get()
    return reverse("concerns:staff-photo", kwargs={"pk": case.pk, "photo_id": photo.pk})


def open311_request_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    return f"/open311/v2/requests/{concern(pilots, target).reference}.json"


def open311_token_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    return f"/open311/v2/tokens/{concern(pilots, target).concern.open311_token}.json"


def api_concern_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/concerns/{concern(pilots, target).reference}"


def api_suggestions_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/concerns/{concern(pilots, target).pk}/suggestions"


def open311_service_url(pilots, target: str) -> str:  # type: ignore[no-untyped-def]
    return f"/open311/v2/services/{concern(pilots, target).concern.category.code}.json"
