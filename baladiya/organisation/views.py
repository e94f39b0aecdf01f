"""The agents' desk: who I am here, and the structures I may see.

Views only parse input and call selectors; what a user may see is decided by the scoping layer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from baladiya.organisation import selectors
from baladiya.organisation.models import Role, StructureKind
from baladiya.organisation.scoping import Scope


def agent_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in agents only: anonymous visitors go to sign in, citizens get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        scope = Scope.of(request.user)
        if not scope.is_agent:
            raise PermissionDenied
        return view(request, scope, *args, **kwargs)

    return wrapper


@require_GET
@agent_required
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "organisation/dashboard.html",
        {"memberships": selectors.my_memberships(scope), "scope": scope},
    )


@require_GET
@agent_required
def structure_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    kind = request.GET.get("kind", "")
    if kind not in StructureKind.values:
        kind = ""
    paginator = Paginator(selectors.visible_structures(scope, search=query, kind=kind), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/structure_list.html",
        {"page": page, "query": query, "kind": kind, "kinds": StructureKind.choices},
    )


@require_GET
@agent_required
def structure_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    structure = selectors.structure_for(scope, pk)
    return render(
        request,
        "organisation/structure_detail.html",
        {
            "structure": structure,
            "ancestors": selectors.ancestors(structure),
            "children": selectors.children_of(scope, structure),
            "members": selectors.members_of(scope, structure),
            "my_role": _role_label(scope.highest_role_in(structure)),
        },
    )


def _role_label(role: str | None) -> str:
    return str(Role(role).label) if role else ""


def signup(request: HttpRequest) -> HttpResponse:
    """A citizen creates an account, then lands in their space, signed in."""
    from django.contrib.auth import login
    from django.shortcuts import redirect

    from baladiya.organisation.forms import CitizenSignupForm

    if request.user.is_authenticated:
        return redirect("core:after-login")
    form = CitizenSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        next_url = request.POST.get("next", "")
        from django.utils.http import url_has_allowed_host_and_scheme

        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            return redirect(next_url)
        return redirect("cases:my-cases")
    return render(
        request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )
