"""The shell's own pages: home, privacy notice, accessibility statement, health, robots."""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from baladiya.core import pagecache
from baladiya.organisation.scoping import Scope
from baladiya.territory.selectors import kept_pilot_communes


@require_GET
@pagecache.for_visitors("home")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"pilot_communes": kept_pilot_communes()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.BALADIYA_DATA_CONTROLLER,
            "dpo_email": settings.BALADIYA_DPO_EMAIL,
        },
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def after_login(request: HttpRequest) -> HttpResponse:
    """Where "My space" leads: agents to their desk, citizens to their cases, visitors to sign
    in first (and here again afterwards)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if Scope.of(request.user).is_agent:
        return redirect("organisation:dashboard")
    return redirect("cases:my-cases")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: 200 while the database answers, else 503."""
    report: dict[str, object] = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = {
            "ok": True,
            "vendor": connection.vendor,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    except Exception as exc:  # any driver error means "not ready", never a 500
        report["database"] = {"ok": False, "error": exc.__class__.__name__}
    started = time.perf_counter()
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("healthz", "1", 10)
        ok = cache.get("healthz") == "1"
        report["cache"] = {
            "ok": ok,
            "backend": backend,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    except Exception as exc:
        report["cache"] = {"ok": False, "backend": backend, "error": exc.__class__.__name__}
    database_ok = report["database"]["ok"]  # type: ignore[index]
    cache_ok = report["cache"]["ok"]  # type: ignore[index]
    report["status"] = "ok" if database_ok and cache_ok else ("degraded" if database_ok else "down")
    return JsonResponse(report, status=200 if database_ok else 503)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/admin/",
        "Disallow: /*/staff/",
        "Disallow: /api/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
