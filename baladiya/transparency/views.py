"""Public statistics pages, the open data catalogue and its endpoints, and the trivial page.

Pages read a few roll-up rows (cached briefly) whatever the number of cases; every figure is
suppressed under 5 by ``selectors``. The endpoints under /open-data/v1/ are stable: columns are
only ever added at the end (documented in docs/transparency.md and on the catalogue page).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from baladiya.catalogue.selectors import kept_published_procedures
from baladiya.core import memo, pagecache, pickers
from baladiya.core.html import escape
from baladiya.core.params import whole_number
from baladiya.organisation.scoping import Scope
from baladiya.organisation.views import agent_required
from baladiya.transparency import selectors, settled, supervision
from baladiya.transparency.areas import LEVEL_SLUGS, area
from baladiya.transparency.charts import CONCERN_BARS, monthly_bars
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
# Concern cells of the same table (counts: "<5" when withheld; satisfaction and share: "—").
CONCERN_CELLS = ("concerns_received", "concerns_resolved", "concerns_reopened")


def _subject(request: HttpRequest) -> tuple[str, int]:
    procedure_id = whole_number(request.GET.get("procedure"), 0) or 0
    if procedure_id > 0:
        return SubjectKind.PROCEDURE, procedure_id
    return SubjectKind.ALL, 0


def _category(request: HttpRequest) -> int:
    """The concern category asked for (0: all concerns)."""
    return whole_number(request.GET.get("category"), 0) or 0


def _merge(
    cases: list[dict[str, object]], concerns: list[dict[str, object]]
) -> list[dict[str, object]]:
    """One row a month, oldest first: case figures then concern figures (None when absent,
    which is published as "fewer than 5", true of an absent month too)."""
    empty_cases = dict.fromkeys(selectors.COLUMNS[1:])
    empty_concerns = dict.fromkeys(selectors.CONCERN_COLUMNS)
    by_month: dict[str, dict[str, object]] = {}
    have_cases = {str(row["month"]) for row in cases}
    for row in cases:
        by_month[str(row["month"])] = {**row, **empty_concerns}
    for row in concerns:
        month = str(row["month"])
        by_month[month] = {**by_month.get(month, {"month": month, **empty_cases}), **row}
    merged = [by_month[m] for m in sorted(by_month)]
    # A month with concerns but no case event: the cases still open are those of the month
    # before (an empty "open" cell would wrongly say "fewer than 5").
    last_open: object = None
    for row in merged:
        if row["month"] in have_cases:
            last_open = row["open"]
        else:
            row["open"] = last_open
    return merged


def _categories() -> list[Any]:
    from baladiya.concerns.models import Category

    return list(
        Category.objects.filter(is_active=True)
        .order_by("position", "code")
        .only("pk", "code", "name_fr", "name_ar", "name_en", "name_kab")
    )


def _kept_categories() -> list[Any]:
    return memo.memoised(("categories",), _categories)  # type: ignore[no-any-return]


def _pick(kept: Callable[[], list[Any]], wanted: int) -> tuple[list[Any], Any]:
    """The choices of a picker (reference data, kept) and the one asked for; a choice unknown
    to the memo reloads it once (it may have just been published), then is a 404."""
    choices = kept()
    current = next((c for c in choices if c.pk == wanted), None) if wanted else None
    if wanted and current is None:
        memo.forget()
        choices = kept()
        current = next((c for c in choices if c.pk == wanted), None)
        if current is None:
            raise Http404
    return choices, current


def _number(value: object) -> str:
    return str(value) if isinstance(value, int) else str(localize(value))


def _table_rows(months: list[dict[str, object]], threshold: int) -> SafeString:
    """The month table's rows, newest first, built in Python: a template loop over 24 × 15
    cells costs more than all the page's queries. Cells hold numbers and fixed marks only."""
    withheld, dash = f"&lt;{threshold}", "—"
    out = []
    for m in reversed(months):
        cells = [withheld if m[n] is None else _number(m[n]) for n in TABLE_CELLS]
        within = m["within_deadline_pct"]
        cells.append(dash if within is None else f"{_number(within)} %")
        cells += [withheld if m[n] is None else _number(m[n]) for n in CONCERN_CELLS]
        satisfaction, solved = m["satisfaction"], m["solved_pct"]
        cells.append(dash if satisfaction is None else _number(satisfaction))
        cells.append(dash if solved is None else f"{_number(solved)} %")
        out.append(
            f'<tr><th scope="row">{escape(m["month"])}</th><td>{"</td><td>".join(cells)}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - built from numbers and escaped text


def _summary(figures: dict[str, object], items: list[tuple[str, str, str, str]]) -> SafeString:
    """A summary's ``<dt>``/``<dd>`` pairs: (label, figure, what a withheld one says, unit)."""
    out = []
    for label, name, withheld, unit in items:
        value = figures[name]
        shown = escape(withheld) if value is None else f"{_number(value)}{unit}"
        out.append(f"\n    <dt>{escape(label)}</dt><dd>{shown}</dd>")
    return mark_safe("".join(out) + "\n  ")  # noqa: S308 - escaped labels, numbers


def _case_summary(figures: dict[str, object]) -> SafeString:
    fewer, few_cases = _("fewer than 5"), _("not shown (fewer than 5 cases)")
    return _summary(
        figures,
        [
            (_("Cases received"), "received", fewer, ""),
            (_("Decisions"), "decided", fewer, ""),
            (_("Open now"), "open", fewer, ""),
            (_("Median processing time (working days)"), "median_days", few_cases, ""),
            # The template's msgid ("%%" there): formatting turns it back into one "%".
            (_("90%% of cases decided within (working days)") % {}, "p90_days", few_cases, ""),
            (_("Decided within the legal deadline"), "within_deadline_pct", few_cases, " %"),
        ],
    )


def _concern_summary(figures: dict[str, object]) -> SafeString:
    fewer, few_ratings = _("fewer than 5"), _("not shown (fewer than 5 ratings)")
    return _summary(
        figures,
        [
            (_("Concerns received"), "concerns_received", fewer, ""),
            (_("Concerns resolved"), "concerns_resolved", fewer, ""),
            (_("Concerns reopened (not solved)"), "concerns_reopened", fewer, ""),
            (_("Satisfaction (mean rating out of 5)"), "satisfaction", few_ratings, " / 5"),
            (_("Citizens who say it is solved"), "solved_pct", few_ratings, " %"),
        ],
    )


def _kept_table_rows(
    months: list[dict[str, object]], settled_before: datetime.date, page: tuple
) -> SafeString:
    """The month table's rows: those of settled months are written once per language and kept
    with the figures they show (``transparency.settled``); the open months' every time."""
    first_open = settled_before.strftime("%Y-%m")
    split = next((i for i, m in enumerate(months) if str(m["month"]) >= first_open), len(months))
    old = settled.kept(
        ("table-rows", *page, get_language()),
        settled_before,
        lambda: _table_rows(months[:split], 5),
    )
    return mark_safe(_table_rows(months[split:], 5) + old)  # noqa: S308 - both built above


def _children(where: Any, keep: str) -> SafeString:
    """The "look closer" links: one reverse() for all (a ``{% url %}`` each costs ~30 µs)."""
    if not where.children:
        return mark_safe("")
    marker = 987654321
    slug = where.children[0][0]
    pattern = reverse("transparency:area", kwargs={"level": slug, "pk": marker})
    head, tail = pattern.split(str(marker))
    query = f"?{escape(keep)}" if keep else ""
    return mark_safe(  # noqa: S308 - escaped names, integer ids
        "".join(
            f'<li><a href="{head}{pk}{tail}{query}">{escape(name)}</a></li>'
            for _slug, pk, name in where.children
        )
    )


@require_GET
@pagecache.for_visitors(
    "statistics", selectors.CACHE_SECONDS, params=("procedure", "category"), browsers_too=True
)
def statistics(request: HttpRequest, level: str = "nation", pk: int = 0) -> HttpResponse:
    where = area(level, pk)
    subject_kind, subject_id = _subject(request)
    category_id = _category(request)
    procedures, current = _pick(kept_published_procedures, subject_id)
    categories, current_category = _pick(_kept_categories, category_id)
    found = selectors.public_series(where.level, where.pk, subject_kind, subject_id, category_id)
    months = _merge(found.months, found.concern_months)
    title = _("Cases received and decided each month — %(area)s") % {"area": where.name}
    concerns_title = _("Concerns received and resolved each month — %(area)s") % {
        "area": where.name
    }
    query = f"level={level}&area={where.pk}" + (f"&procedure={subject_id}" if subject_id else "")
    query += f"&category={category_id}" if category_id else ""
    # The pickers' choices carried by the breadcrumb and "look closer" links.
    keep = "&".join(
        part
        for part in (
            f"procedure={subject_id}" if subject_id else "",
            f"category={category_id}" if category_id else "",
        )
        if part
    )
    return render(
        request,
        "transparency/statistics.html",
        {
            "area": where,
            "procedure_options": pickers.options("procedures", procedures, current),
            "current": current,
            "category_options": pickers.options("categories", categories, current_category),
            "current_category": current_category,
            "summary": _case_summary(found.summary),
            "concern_summary": _concern_summary(found.concern_summary),
            "rows": _kept_table_rows(
                months, found.settled_before, (where.level, where.pk, subject_id, category_id)
            ),
            "children": _children(where, keep),
            "chart": monthly_bars(found.months, chart_id="chart", title=title),
            "chart_title": title,
            "concerns_chart": monthly_bars(
                found.concern_months,
                chart_id="concerns-chart",
                title=concerns_title,
                bars=CONCERN_BARS,
                description=_(
                    "Bars: concerns received (dark) and resolved (light) each month, up to "
                    "%(top)s a month. The table below gives the same numbers."
                ),
            ),
            "keep": keep,
            "csv_query": query,
            "threshold": 5,
        },
    )


def _series(
    where: Any, subject_kind: str, subject_id: int, category_id: int
) -> tuple[dict[str, object], dict[str, object]]:
    """The page's (and the files') figures, suppressed: two small queries on the roll-ups."""
    found = selectors.public_series(where.level, where.pk, subject_kind, subject_id, category_id)
    return (
        {"months": found.months, "summary": found.summary},
        {"months": found.concern_months, "summary": found.concern_summary},
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
    # Appended with the concerns (columns are only ever added at the end).
    ("concern_category_id", "concern category id (0 for all concerns)"),
    ("concerns_received", "concerns (doléances, reports) submitted in the month"),
    ("concerns_resolved", "concerns answered as resolved in the month"),
    ("concerns_reopened", "concerns reopened in the month (the citizen said not solved)"),
    ("concerns_rated", "ratings given by citizens in the month"),
    ("satisfaction", "mean rating, 1 to 5 (empty under 5 ratings)"),
    ("solved_pct", "share of ratings saying the problem is solved (empty under 5 ratings)"),
]


def _dataset(request: HttpRequest) -> tuple[dict[str, object], list[dict[str, object]]]:
    level = request.GET.get("level", "nation")
    if level not in LEVEL_SLUGS:
        raise Http404
    pk = whole_number(request.GET.get("area", "0"), -1)
    where = area(level, pk)
    subject_kind, subject_id = _subject(request)
    category_id = _category(request)
    series, concerns = _series(where, subject_kind, subject_id, category_id)
    head: dict[str, object] = {
        "level": level,
        "area_id": where.pk,
        "subject": str(subject_kind),
        "subject_id": subject_id,
        "concern_category_id": category_id,
    }
    return head, _merge(series["months"], concerns["months"])  # type: ignore[arg-type]


@require_GET
@pagecache.for_visitors(
    "statistics",
    selectors.CACHE_SECONDS,
    params=("level", "area", "procedure", "category"),
    browsers_too=True,
)
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
@pagecache.for_visitors(
    "statistics",
    selectors.CACHE_SECONDS,
    params=("level", "area", "procedure", "category"),
    browsers_too=True,
)
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
    # A ministry supervisor has 1,541 communes: sorted whole, shown 100 at a time; only the
    # page's 100 communes have their figures read (see supervision.Rows).
    page = Paginator(rows.order(), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "transparency/supervision.html",
        {
            "table_rows": rows.html(page.object_list),
            "page": page,
            "total": len(rows),
            "sort": sort,
            "headers": _sort_headers(columns, sort),
        },
    )


def _sort_headers(columns: list[tuple[str, str]], sort: str) -> SafeString:
    """The table's column headings, each a link that sorts by it (again: the other way)."""
    out = []
    for key, label in columns:
        state = (
            ' aria-sort="ascending"'
            if sort == key
            else ' aria-sort="descending"'
            if sort == f"-{key}"
            else ""
        )
        flip = "-" if sort == key else ""
        out.append(
            f'<th scope="col"{state}><a href="?sort={flip}{escape(key)}">{escape(label)}</a></th>'
        )
    return mark_safe("".join(out))  # noqa: S308 - fixed keys, escaped labels


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
