"""Public statistics pages, the open data catalogue and its endpoints, and the trivial page.

Pages read a few roll-up rows (cached briefly) whatever the number of cases; every figure is
suppressed under 5 by ``selectors``. The endpoints under /open-data/v1/ are stable: columns are
only ever added at the end (documented in docs/transparency.md and on the catalogue page).
"""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from baladiya.catalogue.models import Procedure
from baladiya.organisation.scoping import Scope
from baladiya.organisation.views import agent_required
from baladiya.transparency import selectors, supervision
from baladiya.transparency.areas import LEVEL_SLUGS, area
from baladiya.transparency.charts import monthly_bars
from baladiya.transparency.models import ExportFormat, ExportKind, SubjectKind

LICENCE = {
    "name": "Open Data Commons Open Database License (ODbL) 1.0",
    "url": "https://opendatacommons.org/licenses/odbl/1-0/",
}


TABLE_CELLS = (
    "received",
    "decided",
    "open",
    "accepted",
    "refused",
    "no_follow_up",
    "median_days",
    "p90_days",
)


def _subject(request: HttpRequest) -> tuple[str, int]:
    raw = request.GET.get("procedure", "")
    if raw.isdigit() and int(raw) > 0:
        return SubjectKind.PROCEDURE, int(raw)
    return SubjectKind.ALL, 0


@cache_page(selectors.CACHE_SECONDS)
@require_GET
def statistics(request: HttpRequest, level: str = "nation", pk: int = 0) -> HttpResponse:
    where = area(level, pk)
    subject_kind, subject_id = _subject(request)
    procedures = list(
        Procedure.objects.filter(is_published=True)
        .order_by("order", "slug")
        .only("pk", "slug", "name_fr", "name_ar", "name_en", "name_kab")
    )
    current = next((p for p in procedures if p.pk == subject_id), None)
    if subject_id and current is None:
        raise Http404
    series = selectors.public_series(where.level, where.pk, subject_kind, subject_id)
    title = _("Cases received and decided each month — %(area)s") % {"area": where.name}
    query = f"level={level}&area={where.pk}" + (f"&procedure={subject_id}" if subject_id else "")
    return render(
        request,
        "transparency/statistics.html",
        {
            "area": where,
            "procedures": procedures,
            "current": current,
            "series": series,
            "months": [
                {**m, "cells": [m[name] for name in TABLE_CELLS]}
                for m in reversed(series["months"])  # type: ignore[call-overload]
            ],
            "chart": monthly_bars(series["months"], chart_id="chart", title=title),  # type: ignore[arg-type]
            "chart_title": title,
            "csv_query": query,
            "threshold": 5,
        },
    )


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "transparency/open_data.html",
        {
            "licence": LICENCE,
            "updated_at": selectors.updated_at(),
            "columns": COLUMN_DOCS,
            "levels": list(LEVEL_SLUGS),
        },
    )


COLUMN_DOCS = [
    ("level", "nation | wilaya | daira | commune"),
    ("area_id", "Baladiya id of the wilaya, daïra or commune (0 for the nation)"),
    ("subject", "all | procedure"),
    ("subject_id", "procedure id (0 for all procedures)"),
    ("month", "YYYY-MM (Algiers time)"),
    ("received", "cases submitted in the month"),
    ("decided", "decisions taken in the month (accepted, refused, closed without follow-up)"),
    ("open", "cases open at the end of the month"),
    ("accepted", "decisions: accepted"),
    ("refused", "decisions: refused"),
    ("no_follow_up", "decisions: closed without follow-up"),
    ("reopened", "decided cases reopened in the month"),
    ("median_days", "median processing time, working days, waiting for the citizen excluded"),
    ("p90_days", "90th percentile of the processing time, same unit"),
    ("within_deadline_pct", "share of decisions (with a legal deadline) taken by the due date"),
]


def _dataset(request: HttpRequest) -> tuple[dict[str, object], list[dict[str, object]]]:
    level = request.GET.get("level", "nation")
    if level not in LEVEL_SLUGS:
        raise Http404
    raw = request.GET.get("area", "0")
    pk = int(raw) if raw.isdigit() else -1
    where = area(level, pk)
    subject_kind, subject_id = _subject(request)
    series = selectors.public_series(where.level, where.pk, subject_kind, subject_id)
    head: dict[str, object] = {
        "level": level,
        "area_id": where.pk,
        "subject": str(subject_kind),
        "subject_id": subject_id,
    }
    return head, series["months"]  # type: ignore[return-value]


@require_GET
def monthly_csv(request: HttpRequest) -> HttpResponse:
    head, months = _dataset(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="baladiya-monthly.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    writer = csv.writer(response)
    writer.writerow([name for name, _doc in COLUMN_DOCS])
    for month in months:
        row = {**head, **month}
        # A suppressed cell is empty; the catalogue page says it means "fewer than 5".
        writer.writerow(["" if row[n] is None else row[n] for n, _doc in COLUMN_DOCS])
    return response


@require_GET
def monthly_json(request: HttpRequest) -> JsonResponse:
    head, months = _dataset(request)
    updated = selectors.updated_at()
    response = JsonResponse(
        {
            **head,
            "licence": LICENCE,
            "updated_at": updated.isoformat() if updated else None,
            "suppressed_below": 5,
            "columns": dict(COLUMN_DOCS),
            "months": months,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def trivial(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the cheapest page of the site — the base template with a
    heading, no database query — served by the same process, middleware and template engine."""
    return render(request, "transparency/trivial.html")


# --- supervision (staff) -----------------------------------------------------------------------


@require_GET
@agent_required
def supervision_dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    if not supervision.may_supervise(scope):
        raise PermissionDenied
    sort = request.GET.get("sort", "name")
    rows = supervision.rows(scope, sort=sort)
    export = request.GET.get("format", "")
    if export in ExportFormat.values:
        from baladiya.transparency import views_exports

        # Small tables are downloaded at once; a wilaya's or the nation's is prepared by a
        # worker (the rows are already computed here: counting them costs nothing).
        return views_exports.export_or_offer(
            request, scope, kind=ExportKind.SUPERVISION, fmt=export, params={"sort": sort}
        )
    columns = [
        ("name", _("Commune")),
        ("received", _("Received (12 months)")),
        ("decided", _("Decided (12 months)")),
        ("open", _("Open now")),
        ("overdue", _("Overdue now")),
        ("backlog_days", _("Oldest open case (days)")),
        ("within_deadline_pct", _("Within the deadline")),
        ("satisfaction", _("Satisfaction")),
    ]
    # A ministry supervisor has 1,541 communes: sorted whole, shown 100 at a time; ``rows`` is
    # lazy, so only the page's 100 communes have their figures read (see supervision.Rows).
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "transparency/supervision.html",
        {
            "table_rows": supervision.table_rows(page),
            "page": page,
            "total": len(rows),
            "sort": sort,
            "columns": columns,
        },
    )


@require_GET
@agent_required
def supervision_overdue(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    if not supervision.may_supervise(scope):
        raise PermissionDenied
    commune = supervision.supervised_communes(scope).filter(pk=pk).first()
    if commune is None:
        raise Http404
    export = request.GET.get("format", "")
    if export in ExportFormat.values:
        from baladiya.transparency import views_exports

        return views_exports.export_or_offer(
            request, scope, kind=ExportKind.OVERDUE, fmt=export, params={"commune": pk}
        )
    page = Paginator(supervision.overdue_cases(scope, pk), 50).get_page(request.GET.get("page"))
    return render(
        request, "transparency/supervision_overdue.html", {"commune": commune, "page": page}
    )
