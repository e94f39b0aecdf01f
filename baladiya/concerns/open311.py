"""Open311 GeoReport v2 under ``/open311/v2/`` (JSON, and XML with the ``.xml`` suffix).

https://wiki.open311.org/GeoReport_v2 — service_code is a category's code; service_request_id
is the concern's reference; ``jurisdiction_id`` is a commune's ONS code (optional when the
api_key may post for one commune only). Errors use the spec's format
``[{"code": 400, "description": "…"}]`` with the HTTP status in ``code``; nothing answers 500.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import re_path
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from baladiya.cases.models import Case, Channel
from baladiya.cases.workflow import Status
from baladiya.concerns import selectors, services
from baladiya.concerns.models import Category
from baladiya.territory.models import Commune

app_name = "open311"

OPEN = {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.PLANNED}
MAX_RESULTS = 200
DEFAULT_DAYS = 90  # the spec's default window when no date is given


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


XML_ROOTS = {
    "discovery": ("discovery", None),
    "services": ("services", "service"),
    "service_definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "tokens": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(parent, key)
    if isinstance(value, list):
        singular = {
            "attributes": "attribute",
            "values": "value",
            "endpoints": "endpoint",
            "formats": "format",
        }.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                node = ET.SubElement(child, singular)
                for k, v in item.items():
                    _xml_value(node, k, v)
            else:
                ET.SubElement(child, singular).text = str(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(child, k, v)
    elif value is not None:
        child.text = str(value).lower() if isinstance(value, bool) else str(value)


def _render(data: Any, fmt: str, kind: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        root_name, item_name = XML_ROOTS[kind]
        root = ET.Element(root_name)
        if item_name and isinstance(data, list):
            for item in data:
                node = ET.SubElement(root, item_name)
                for k, v in item.items():
                    _xml_value(node, k, v)
        elif isinstance(data, dict):
            for k, v in data.items():
                _xml_value(root, k, v)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def endpoint(kind: str) -> Callable:
    """Wrap a view: format from the suffix, language from ``locale``, errors in the spec's form."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, fmt: str | None = None, **kwargs: Any
        ) -> HttpResponse:
            fmt = (fmt or "json").lower()
            if fmt not in {"json", "xml"}:
                return _render(
                    [{"code": 400, "description": "Format must be json or xml."}],
                    "json",
                    "errors",
                    400,
                )
            lang = (request.GET.get("locale") or request.POST.get("locale") or "fr")[:2]
            try:
                with translation.override(lang if lang in {"ar", "fr", "en"} else "fr"):
                    data = view(request, *args, **kwargs)
                    status = 201 if request.method == "POST" else 200
                    return _render(data, fmt, kind, status)
            except Open311Error as exc:
                return _render(
                    [{"code": exc.code, "description": exc.description}], fmt, "errors", exc.code
                )

        return wrapper

    return decorate


def _only(request: HttpRequest, *methods: str) -> None:
    if request.method not in methods:
        raise Open311Error(405, f"Method {request.method} not allowed.")


def _leaf_categories() -> list[Category]:
    rows = list(selectors.categories().order_by("position", "code"))
    parents = {c.parent_id for c in rows if c.parent_id}
    return [c for c in rows if c.pk not in parents]


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": str(category.name),
        "description": str(category.help),
        "metadata": bool(category.extra_questions),
        "type": "realtime",
        "keywords": ",".join(s.strip() for s in category.synonyms.splitlines()[:5] if s.strip()),
        "group": str(category.parent.name) if category.parent else "",
    }


@endpoint("discovery")
def discovery(request: HttpRequest) -> dict:
    _only(request, "GET")
    base = request.build_absolute_uri("/open311/v2/")
    return {
        "changeset": "2026-11-01T00:00:00Z",
        "contact": "Baladiya — guichet citoyen",
        "key_service": "Ask the platform administrator for an api_key.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-01T00:00:00Z",
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


@endpoint("services")
def services_list(request: HttpRequest) -> list:
    _only(request, "GET")
    return [_service(c) for c in _leaf_categories()]


def _category(code: str) -> Category:
    category = selectors.categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"Unknown service_code {code!r}.")
    return category


@endpoint("service_definition")
def service_definition(request: HttpRequest, code: str) -> dict:
    _only(request, "GET")
    category = _category(code)
    lang = translation.get_language() or "fr"
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": q["key"],
                "datatype": "string",
                "required": bool(q.get("required")),
                "datatype_description": "",
                "order": i + 1,
                "description": q.get(f"label_{lang}") or q.get("label_fr", q["key"]),
            }
            for i, q in enumerate(category.extra_questions or [])
        ],
    }


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    # The deadline is a date: the answer is expected by the end of that working day.
    end = datetime.datetime.combine(value, datetime.time(16, 0))
    return timezone.make_aware(end).isoformat(timespec="seconds")


def _request_row(case: Case) -> dict:
    concern = case.concern
    point = concern.public_point
    return {
        "service_request_id": case.reference,
        "status": "open" if case.status in OPEN else "closed",
        "status_notes": concern.public_answer or str(case.get_status_display()),
        "service_name": str(concern.category.name),
        "service_code": concern.category.code,
        "agency_responsible": str(case.handling_structure.name),
        "service_notice": "",
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.due_date),
        "address": str(case.commune.name),  # never the exact address: only the commune
        "zipcode": case.commune.postal_code or "",
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": "",
    }


def _parse_when(raw: str, name: str) -> datetime.datetime:
    # A "+" in a query string arrives as a space ("2026-11-01T00:00:00 01:00").
    value: datetime.datetime | None = None
    day: datetime.date | None = None
    try:
        if "T" in raw:
            value = parse_datetime(raw.strip().replace(" ", "+"))
        else:
            day = parse_date(raw.strip())
    except ValueError:  # well-formed but impossible, e.g. month 13
        value = day = None
    if value is None:
        if day is None:
            raise Open311Error(400, f"{name} is not a W3C date-time (e.g. 2026-11-01T00:00:00Z).")
        value = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _query_requests(request: HttpRequest) -> list:
    qs = selectors.public_concerns().select_related("handling_structure").defer(None)
    ids = request.GET.get("service_request_id", "").strip()
    if ids:
        wanted = [i.strip().upper() for i in ids.split(",") if i.strip()][:MAX_RESULTS]
        return [_request_row(c) for c in qs.filter(reference__in=wanted)]
    code = request.GET.get("service_code", "").strip()
    if code:
        codes = [c.strip() for c in code.split(",")]
        qs = qs.filter(concern__category__code__in=codes)
    status = request.GET.get("status", "").strip().lower()
    if status:
        wanted_status = set(status.split(","))
        if not wanted_status <= {"open", "closed"}:
            raise Open311Error(400, "status is open or closed.")
        if wanted_status == {"open"}:
            qs = qs.filter(status__in=OPEN)
        elif wanted_status == {"closed"}:
            qs = qs.exclude(status__in=OPEN)
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    end = _parse_when(end_raw, "end_date") if end_raw else timezone.now()
    start = (
        _parse_when(start_raw, "start_date")
        if start_raw
        else end - datetime.timedelta(days=DEFAULT_DAYS)
    )
    if start > end:
        raise Open311Error(400, "start_date is after end_date.")
    jurisdiction = request.GET.get("jurisdiction_id", "").strip()
    if jurisdiction:
        qs = qs.filter(commune__ons_code=jurisdiction)
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    return [_request_row(c) for c in qs[:MAX_RESULTS]]


def _commune_for(key: Any, jurisdiction: str) -> Commune:
    allowed = list(key.communes.all())
    if jurisdiction:
        commune = Commune.objects.filter(ons_code=jurisdiction).first()
        if commune is None:
            raise Open311Error(404, f"Unknown jurisdiction_id {jurisdiction!r}.")
        if allowed and commune not in allowed:
            raise Open311Error(403, "This api_key may not post for this jurisdiction.")
        return commune
    if len(allowed) == 1:
        return allowed[0]
    raise Open311Error(400, "jurisdiction_id (the commune's ONS code, e.g. 0920) is required.")


def _post_request(request: HttpRequest) -> list:
    data = request.POST
    key = services.open311_key(data.get("api_key", ""))
    if key is None:
        raise Open311Error(403, "Invalid api_key.")
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    category = _category(code)
    commune = _commune_for(key, data.get("jurisdiction_id", "").strip())
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    address = data.get("address_string", "").strip()
    if not address and not (lat and lon):
        raise Open311Error(400, "A location is required: lat and long, or address_string.")
    attributes = {
        k[len("attribute[") : -1]: v
        for k, v in data.items()
        if k.startswith("attribute[") and k.endswith("]")
    }
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p).strip()
    try:
        intake = services.submit_concern(
            category=category,
            commune=commune,
            description=data.get("description", "").strip() or str(category.name),
            address=address or f"{lat}, {lon}",
            name=name,
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            latitude=lat or None,
            longitude=lon or None,
            channel=Channel.API,
            language=(data.get("locale") or "fr")[:2],
            extra_answers=attributes,
        )
    except ValidationError as exc:
        raise Open311Error(400, "; ".join(exc.messages)) from exc
    return [
        {
            "service_request_id": intake.case.reference,
            "token": intake.concern.open311_token,
            "service_notice": "",
            "account_id": None,
        }
    ]


@endpoint("requests")
def requests_view(request: HttpRequest) -> list:
    _only(request, "GET", "POST")
    if request.method == "POST":
        return _post_request(request)
    return _query_requests(request)


@endpoint("requests")
def request_detail(request: HttpRequest, service_request_id: str) -> list:
    _only(request, "GET")
    case = (
        selectors.public_concerns()
        .select_related("handling_structure")
        .defer(None)
        .filter(reference=service_request_id.upper())
        .first()
    )
    if case is None:
        raise Open311Error(404, f"Unknown service_request_id {service_request_id!r}.")
    return [_request_row(case)]


@endpoint("tokens")
def token_view(request: HttpRequest, token: str) -> list:
    _only(request, "GET")
    reference = (
        Case.objects.filter(concern__open311_token=token)
        .values_list("reference", flat=True)
        .first()
        if token
        else None
    )
    if reference is None:
        raise Open311Error(404, "Unknown token.")
    return [{"service_request_id": reference, "token": token}]


FMT = r"(?:\.(?P<fmt>[a-zA-Z]+))?"
urlpatterns = [
    re_path(rf"^discovery{FMT}$", discovery, name="discovery"),
    re_path(rf"^services{FMT}$", services_list, name="services"),
    re_path(rf"^services/(?P<code>[-\w]+?){FMT}$", service_definition, name="service"),
    re_path(rf"^requests{FMT}$", requests_view, name="requests"),
    re_path(rf"^requests/(?P<service_request_id>[-\w]+?){FMT}$", request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[-\w]+?){FMT}$", token_view, name="token"),
]
