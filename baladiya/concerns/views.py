"""Citizens' and the public's pages: report a concern, follow it, rate the answer, the public list.

Every page works without JavaScript; the map only adds a point picker and a public map.
Nothing personal is ever shown publicly: no name, phone, email, address or unapproved photo.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from baladiya.cases import selectors as case_selectors
from baladiya.cases.models import Case, Channel
from baladiya.cases.views_citizen import STATUS_SIGNER, status_token
from baladiya.cases.workflow import Kind, Status
from baladiya.concerns import orientation, selectors, services
from baladiya.concerns.forms import ConcernForm
from baladiya.concerns.models import Photo
from baladiya.core.params import whole_number
from baladiya.territory.selectors import pilot_communes


def follow_url(case: Case) -> str:
    return reverse("concerns:follow", kwargs={"token": status_token(case)})


def _map_context() -> dict:
    return {"tile_url": settings.BALADIYA_MAP_TILE_URL}


def _tile_origin() -> str:
    """The tile server's origin for the CSP (``{s}.tile…`` becomes ``*.tile…``)."""
    parsed = urlsplit(settings.BALADIYA_MAP_TILE_URL.replace("{s}", "*"))
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else ""


def with_map(response: HttpResponse) -> HttpResponse:
    """A page with a map may load tiles from the configured tile server, and nothing else."""
    from baladiya.core.middleware import CONTENT_SECURITY_POLICY

    origin = _tile_origin()
    if origin:
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "img-src 'self' data:", f"img-src 'self' data: {origin}"
        )
    return response


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Report a concern: anonymous allowed; similar open concerns are offered first."""
    initial = {"category": request.GET.get("category", "")}
    form = ConcernForm(request.POST or None, request.FILES or None, initial=initial)
    similar: list[Case] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = selectors.similar_open_concerns(
            commune_id=data["commune"].pk,
            category_id=data["category"].pk,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        # "Is it this one?" — shown once; sending again confirms it is a new concern.
        if similar and "confirm_new" not in request.POST:
            return with_map(
                render(
                    request,
                    "concerns/new.html",
                    {
                        "form": form,
                        "similar": similar,
                        "categories": _extra_categories(),
                        **_map_context(),
                    },
                )
            )
        try:
            intake = form.submit(actor=request.user, channel=Channel.ONLINE)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("concerns:follow", token=status_token(intake.case))
    return with_map(
        render(
            request,
            "concerns/new.html",
            {"form": form, "similar": similar, "categories": _extra_categories(), **_map_context()},
        )
    )


def _extra_categories() -> list:
    return [c for c in selectors.categories() if c.extra_questions]


def _case_from_token(token: str) -> Case:
    try:
        reference = signing.loads(token, salt=STATUS_SIGNER)
    except signing.BadSignature as exc:
        raise Http404 from exc
    case = (
        Case.objects.filter(kind=Kind.CONCERN, reference=reference)
        .select_related(
            "concern__category__parent", "concern__duplicate_of", "handling_structure", "commune"
        )
        .first()
    )
    if case is None:
        raise Http404
    return case


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's follow-up page (link given at intake): status, answer, "is it solved?"."""
    case = _case_from_token(token)
    if request.method == "POST":
        score = request.POST.get("score", "")
        solved = request.POST.get("solved", "")
        if whole_number(score, maximum=5) is None or solved not in {"yes", "no"}:
            messages.error(request, _("Say whether it is solved and give a rating from 1 to 5."))
        else:
            try:
                services.rate(
                    case=case,
                    score=int(score.strip()),
                    solved=solved == "yes",
                    comment=request.POST.get("comment", ""),
                )
            except ValidationError:
                messages.error(request, _("This concern cannot be rated now."))
            else:
                messages.success(request, _("Thank you for your answer."))
            return redirect("concerns:follow", token=token)
    original = case.concern.duplicate_of
    return render(
        request,
        "concerns/follow.html",
        {
            "case": case,
            "concern": case.concern,
            "events": case_selectors.trail(case, public_only=True),
            "original_url": follow_url(original) if original else "",
            "original": original,
            "scores": range(1, 6),
        },
    )


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Concerns per commune, in the open: category, status, dates, the public answer."""
    communes = list(pilot_communes())
    commune_id = request.GET.get("commune", "")
    commune = next((c for c in communes if str(c.pk) == commune_id), None)
    status = request.GET.get("status", "")
    if status not in selectors.PUBLIC_STATUSES:
        status = ""
    qs = selectors.public_concerns(commune_id=commune.pk if commune else None, status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    points = [
        {
            "ref": c.reference,
            "lat": c.concern.public_point[0],
            "lon": c.concern.public_point[1],
            "status": c.get_status_display(),
            "category": str(c.concern.category.name),
        }
        for c in page.object_list
        if c.concern.public_point
    ]
    return with_map(
        render(
            request,
            "concerns/public_list.html",
            {
                "page": page,
                "communes": communes,
                "commune": commune,
                "status": status,
                "statuses": [(s, Status(s).label) for s in selectors.PUBLIC_STATUSES],
                "points": points,
                **_map_context(),
            },
        )
    )


@require_GET
def public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.public_concern(reference)
    return render(request, "concerns/public_detail.html", {"case": case, **_map_context()})


@require_GET
def public_photo(request: HttpRequest, pk: int) -> FileResponse:
    """An approved photo; unapproved ones do not exist for the public."""
    photo = get_object_or_404(Photo, pk=pk, approved=True)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@require_GET
def orientation_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    results = orientation.search(query) if query.strip() else []
    return render(request, "concerns/orientation.html", {"query": query, "results": results})
