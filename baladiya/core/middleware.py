"""Cross-cutting middleware: remember the language, send a strict content security policy."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language_from_path

STAFF_PREFIXES = ("staff/", "admin/")


class RememberLanguageMiddleware:
    """Remember the language of the last prefixed page visited, so `/` returns to it.

    Language links in the shell are plain links (no form, no JavaScript, no CSRF token that
    would make every page uncacheable); visiting `/fr/...` is the choice, and the cookie records
    it for the next visit to `/`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = get_language_from_path(request.path_info)
        if lang and lang not in settings.STAFF_LANGUAGES:
            # Kabyle is offered on citizen pages; agents' pages are in Arabic, French, English.
            rest = request.path_info[len(lang) + 2 :]
            if rest.startswith(STAFF_PREFIXES):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponseRedirect(f"/fr/{rest}" + (f"?{query}" if query else ""))
        response = self.get_response(request)
        if lang and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != lang:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                lang,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
            )
        return response


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script, no third-party origin: nothing of a citizen's visit leaves the platform.

    The admin keeps Django's own inline styles, so it gets a policy that allows them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = CONTENT_SECURITY_POLICY
            if "/admin/" in request.path_info or "/api/v1/docs" in request.path_info:
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
                policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        return response
