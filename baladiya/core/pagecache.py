"""Rendered public pages kept in the cache for every visitor, dropped when their data moves.

Most citizens read the same few pages (home, the catalogue, a procedure, the status of a case)
without signing in; rendering them again for every visitor is most of their cost. A page is kept
only when nothing in it can belong to one visitor: a GET with no flash message and no CSRF token
used, and a 200 answer that sets no cookie. Its shell names nobody ("My space" rather than the
visitor's name or a sign-out form, no flash messages), so a signed-in visitor gets the same
kept page without their session even being read. The security and language middleware
still run on every answer, so headers stay per request.

Each page carries a *tag* ("catalogue", "case:LGT-26-…"). ``invalidate(tag)`` gives the tag a
new random version; a kept page whose version differs is a miss. One round trip reads the page
and its tag's version together, and an evicted version can only cause a miss, never a stale page.
Pages also key on today's date (Algiers): "overdue" and "due soon" change at midnight.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_response_headers, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

SECONDS = 300
CATALOGUE = (
    "catalogue"  # the procedures' pages: dropped whenever a procedure, document or form changes
)
# Cookies that never change what a public page shows. The session is one of them: a kept page's
# shell names nobody (core/base.html), so a signed-in visitor reads the same page as anyone.
NEUTRAL_COOKIES = frozenset(
    {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME}
)
_TAG_LIFE = 30 * 24 * 3600
# Every key starts with it (tests give each test its own, so no page outlives its test).
PREFIX = "pagecache"


def _tag_key(tag: str) -> str:
    return f"{PREFIX}:tag:{tag}"


def case_tag(reference: str) -> str:
    return f"case:{reference}"


def invalidate(tag: str) -> None:
    """Every kept page with this tag becomes a miss (a new random version, not a delete: a
    concurrent render that read the old version cannot store a page that would look fresh)."""
    try:
        cache.set(_tag_key(tag), uuid.uuid4().hex, _TAG_LIFE)
    except Exception:  # the cache is down: nothing is being served from it either
        logger.warning("page cache: could not invalidate %s", tag, exc_info=True)


def forget(tag: str) -> None:
    """Drop the tag's pages now and again once the current transaction commits: a page rendered
    in between, from the data as it was before the commit, cannot stay current."""
    invalidate(tag)
    transaction.on_commit(lambda: invalidate(tag))


def cacheable_request(request: HttpRequest, params: Iterable[str] = ()) -> bool:
    """A GET without a flash message, whose query names only the view's own ``params``: an
    address with anything else (``?x=1``, ``?x=2``…) is rendered, never kept, so nobody can
    fill the cache (which also holds the rate limits) with copies of a page."""
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= NEUTRAL_COOKIES
        and set(request.GET) <= set(params)
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        # A render that read the session (the user, their messages) may hold something of
        # theirs: never kept, whatever the template says.
        not getattr(session, "accessed", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Set-Cookie")
    )


def serve(
    request: HttpRequest,
    tag: str,
    render: Callable[[], HttpResponse],
    seconds: int = SECONDS,
    params: Iterable[str] = (),
) -> HttpResponse:
    """The kept page for this request if it is still current, else ``render()`` (kept if it
    may be). ``params``: the query parameters the page reads."""
    if not cacheable_request(request, params):
        return render()
    # Read by the shell (core/base.html): this page is rendered as anybody's, whoever asked.
    request.kept_page = True  # type: ignore[attr-defined]
    digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    page_key = f"{PREFIX}:page:{tag}:{get_language()}:{timezone.localdate():%Y%m%d}:{digest}"
    tag_key = _tag_key(tag)
    try:
        found = cache.get_many([page_key, tag_key])
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return render()
    version: str | None = found.get(tag_key)
    kept = found.get(page_key)
    if version is not None and kept is not None and kept[0] == version:
        _version, headers, content = kept
        response = HttpResponse(content, headers=headers)
        # What a signed-in visitor gets differs: no shared cache may hand this page to them.
        patch_vary_headers(response, ("Cookie",))
        return response
    # First use of the tag, or evicted: this render starts a version, written with the page
    # (pages kept under an older one are misses).
    new_tag = version is None
    version = version or uuid.uuid4().hex
    response = render()
    if _cacheable_response(request, response):
        # The view's own headers (type, attachment name, CORS); the middleware adds the rest.
        value = (version, dict(response.items()), response.content)
        try:
            _keep(page_key, value, seconds, tag_key if new_tag else None, version)
        except Exception:
            logger.warning("page cache: could not keep %s", page_key, exc_info=True)
        patch_vary_headers(response, ("Cookie",))
    return response


def _keep(page_key: str, value: tuple, seconds: int, tag_key: str | None, version: str) -> None:
    """Store a page, and its tag's first version if it had none, in one round trip to Redis.

    The version is only *added* (never overwritten): if an invalidation or another render set
    one meanwhile, this page carries a version that is not the tag's, and is never served.
    """
    client: Any = getattr(cache, "client", None)
    if tag_key is not None and hasattr(client, "get_client"):  # django-redis: one pipeline
        pipe = client.get_client(write=True).pipeline(transaction=False)
        client.set(tag_key, version, _TAG_LIFE, nx=True, client=pipe)
        client.set(page_key, value, seconds, client=pipe)
        pipe.execute()
        return
    if tag_key is not None:
        cache.add(tag_key, version, _TAG_LIFE)
    cache.set(page_key, value, seconds)


def for_visitors(
    tag: str, seconds: int = SECONDS, *, params: Iterable[str] = (), browsers_too: bool = False
) -> Callable[[Callable[..., Any]], Any]:
    """Decorator: a whole public view kept under ``tag`` for anonymous visitors (and, with
    ``browsers_too``, cacheable by their browsers for as long: pages only a clock makes stale).
    """
    params = tuple(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = serve(request, tag, lambda: view(request, *args, **kwargs), seconds, params)
            if browsers_too and cacheable_request(request, params) and response.status_code == 200:
                patch_response_headers(response, seconds)
            return response

        return wrapper

    return decorator
