"""The public accountability pages: public plans, their items, progress and indicators.

Only plans marked public appear, and within them private items and everything below them are
removed *before* the roll-up, so neither their titles nor their weight reach the public.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_GET

from baladiya.plans import charts, exports, progress, selectors


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    trees = [selectors.plan_tree(p, public=True) for p in selectors.public_plans()[:50]]
    return render(request, "plans/public/list.html", {"trees": trees})


@require_GET
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.public_plan(slug)
    tree = selectors.plan_tree(plan, public=True)
    rtl = get_language_bidi()
    indicators = selectors.indicators_of([n.pk for n in tree.nodes])
    return render(
        request,
        "plans/public/plan.html",
        {
            "plan": plan,
            "tree": tree,
            "counts": tree.counts(),
            "rule": {"gap": progress.at_risk_gap(), "stale": progress.stale_days()},
            "charts": [charts.indicator_chart(i, rtl=rtl) for i in indicators],
            "gantt": charts.gantt(
                [n for n in tree.nodes if n.kind in {"axis", "programme"}],
                tree.today,
                rtl=rtl,
            ),
        },
    )


@require_GET
def plan_data(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The public page's data: ``csv``, ``xlsx`` or ``json``."""
    plan = selectors.public_plan(slug)
    tree = selectors.plan_tree(plan, public=True)
    if fmt == "json":
        return JsonResponse(
            {
                "plan": {
                    "slug": plan.slug,
                    "title": {"fr": plan.title_fr, "ar": plan.title_ar, "en": plan.title_en},
                    "progress": round(tree.progress, 1),
                    "computed_on": tree.today.isoformat(),
                },
                "items": [exports.record_of(n) for n in tree.nodes],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response = exports.table_response(fmt, f"plan-{plan.slug}", tree.nodes)
    assert response is not None
    return response
