"""Concerns in the JSON API (``/api/v1/concerns``): categories, the public list, submit, and the
agents' category suggestions. Public outputs carry no personal data."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from baladiya.cases.models import Channel
from baladiya.concerns import selectors, services, suggest
from baladiya.concerns.models import Category
from baladiya.concerns.views import follow_url
from baladiya.organisation.api_auth import user_auth
from baladiya.organisation.scoping import Scope
from baladiya.territory.models import Commune

router = Router()


class CategoryOut(Schema):
    code: str
    parent: str | None
    name_fr: str
    name_ar: str
    name_en: str
    name_kab: str
    response_days: int


class ConcernOut(Schema):
    reference: str
    category: str
    commune_ons_code: str
    status: str
    submitted_at: datetime.datetime | None
    expected_by: datetime.date | None
    public_answer: str
    latitude: float | None
    longitude: float | None


class ConcernIn(Schema):
    category: str  # a category's code
    commune_ons_code: str
    description: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "ar"
    extra_answers: dict[str, str] = {}


class CreatedOut(Schema):
    reference: str
    follow_url: str


class ErrorOut(Schema):
    detail: str


class SuggestionOut(Schema):
    category: str
    probability: float


def _out(case) -> ConcernOut:  # type: ignore[no-untyped-def]
    point = case.concern.public_point
    return ConcernOut(
        reference=case.reference,
        category=case.concern.category.code,
        commune_ons_code=case.commune.ons_code or "",
        status=case.status,
        submitted_at=case.submitted_at,
        expected_by=case.due_date,
        public_answer=case.concern.public_answer,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
    )


@router.get("/concerns/categories", response=list[CategoryOut], summary="Concern categories")
def list_concern_categories(request: HttpRequest) -> list[CategoryOut]:
    return [
        CategoryOut(
            code=c.code,
            parent=c.parent.code if c.parent else None,
            name_fr=c.name_fr,
            name_ar=c.name_ar,
            name_en=c.name_en,
            name_kab=c.name_kab,
            response_days=c.response_days,
        )
        for c in selectors.categories()
    ]


@router.get("/concerns", response=list[ConcernOut], summary="Concerns in the open")
@paginate(PageNumberPagination, page_size=50)
def list_concerns(request: HttpRequest, commune_ons_code: str = "", status: str = "") -> list:
    commune = (
        Commune.objects.filter(ons_code=commune_ons_code).first() if commune_ons_code else None
    )
    qs = selectors.public_concerns(commune_id=commune.pk if commune else None, status=status)
    return [_out(c) for c in qs[:500]]


@router.get("/concerns/{reference}", response=ConcernOut, summary="One concern, in the open")
def get_concern(request: HttpRequest, reference: str) -> ConcernOut:
    return _out(selectors.public_concern(reference.upper()))


@router.post(
    "/concerns",
    response={201: CreatedOut, 400: ErrorOut},
    summary="Report a concern (anonymous allowed)",
)
def submit_concern(request: HttpRequest, payload: ConcernIn) -> Status:
    category = Category.objects.filter(code=payload.category, is_active=True).first()
    commune = Commune.objects.filter(ons_code=payload.commune_ons_code).first()
    if category is None or commune is None:
        return Status(400, {"detail": "Unknown category or commune."})
    try:
        intake = services.submit_concern(
            category=category,
            commune=commune,
            description=payload.description,
            address=payload.address,
            actor=request.user,
            name=payload.name,
            phone=payload.phone,
            email=payload.email,
            latitude=payload.latitude,
            longitude=payload.longitude,
            channel=Channel.API,
            language=payload.language,
            extra_answers=payload.extra_answers,
        )
    except ValidationError as exc:
        return Status(400, {"detail": "; ".join(exc.messages)})
    return Status(
        201,
        {
            "reference": intake.case.reference,
            "follow_url": request.build_absolute_uri(follow_url(intake.case)),
        },
    )


@router.get(
    "/concerns/{int:case_id}/suggestions",
    response=list[SuggestionOut],
    auth=user_auth(),
    summary="Top-3 category suggestions for an agent to confirm",
)
def concern_suggestions(request: HttpRequest, case_id: int) -> list[SuggestionOut]:
    case = selectors.concern_for(Scope.of(request.user), case_id)
    return [
        SuggestionOut(category=s.category.code, probability=s.probability)
        for s in suggest.top3(case.concern.description)
    ]
