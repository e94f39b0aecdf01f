"""The permission matrix: every route × every role × own commune, other commune, parent structure.

Expectations are written out by hand below, not computed by the scoping layer under test.
`test_every_route_is_in_the_matrix` fails when someone adds a route without adding it here:
a new route must say who may reach it before it can land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import Pilots

ACTORS = [
    "anonymous",
    "citizen",
    "agent_a",
    "apc_agent_a",
    "head_a",
    "admin_a",
    "supervisor_daira_a",
    "supervisor_wilaya_a",
    "supervisor_ministry",
    "agent_b",
    "platform_admin",
]
TARGETS = ["own", "other", "parent"]

# Who sees a structure. own = the état civil service of commune A (Laghouat), other = the
# état civil service of commune B (Boufarik, another wilaya), parent = the daïra of commune A.
SEES: dict[str, dict[str, bool]] = {
    "agent_a": {"own": True, "other": False, "parent": False},
    # An agent of the APC itself sees the APC, not the services below it nor the daïra.
    "apc_agent_a": {"own": False, "other": False, "parent": False},
    "head_a": {"own": True, "other": False, "parent": False},
    "admin_a": {"own": True, "other": False, "parent": False},
    "supervisor_daira_a": {"own": True, "other": False, "parent": True},
    "supervisor_wilaya_a": {"own": True, "other": False, "parent": True},
    "supervisor_ministry": {"own": True, "other": True, "parent": True},
    "agent_b": {"own": False, "other": True, "parent": False},
    "platform_admin": {"own": True, "other": True, "parent": True},
}
AGENTS = set(SEES)


def target_structure(pilots: Pilots, target: str):
    return {"own": pilots.civil_status_a, "other": pilots.civil_status_b, "parent": pilots.daira_a}[
        target
    ]


@dataclass(frozen=True)
class Route:
    """How to build a URL for a target, and what each actor must get there."""

    url: Callable[[Pilots, str], str]
    expect: Callable[[str, str], int | tuple[int, ...]]
    method: str = "get"


def public(_actor: str, _target: str) -> int:
    return 200


def agents_only(actor: str, _target: str) -> int:
    if actor == "anonymous":
        return 302  # to the sign-in page
    return 200 if actor in AGENTS else 403


def structure_scoped(actor: str, target: str) -> int:
    if actor == "anonymous":
        return 302
    if actor not in AGENTS:
        return 403
    return 200 if SEES[actor][target] else 404


def api_agents_only(actor: str, _target: str) -> int:
    return 401 if actor == "anonymous" else 200


def api_structure_scoped(actor: str, target: str) -> int:
    if actor == "anonymous":
        return 401
    return 200 if SEES.get(actor, {}).get(target) else 404


def login_page(actor: str, _target: str) -> int:
    # A signed-in user is sent on (redirect_authenticated_user).
    return 200 if actor == "anonymous" else 302


def after_login(_actor: str, _target: str) -> int:
    return 302


def logout(_actor: str, _target: str) -> int:
    return 302


def admin_only(actor: str, _target: str) -> int:
    return 200 if actor == "platform_admin" else 302  # to the admin's sign-in


def _url(name: str, lang: str = "fr", **kwargs) -> Callable[[Pilots, str], str]:
    def build(pilots: Pilots, target: str) -> str:
        from django.utils import translation

        with translation.override(lang):
            return reverse(name, kwargs=kwargs or None)

    return build


def _structure_url(name: str) -> Callable[[Pilots, str], str]:
    def build(pilots: Pilots, target: str) -> str:
        from django.utils import translation

        with translation.override("fr"):
            return reverse(name, kwargs={"pk": target_structure(pilots, target).pk})

    return build


def _api_structure_url(pilots: Pilots, target: str) -> str:
    return reverse(
        "api:get_structure", kwargs={"structure_id": target_structure(pilots, target).pk}
    )


def _procedure_url(pilots: Pilots, target: str) -> str:
    """The page of a published procedure (created on first use)."""
    from django.utils import translation

    from tests.catalogue.factories import ProcedureFactory

    procedure = ProcedureFactory(slug="matrix-procedure")
    with translation.override("fr"):
        return reverse("catalogue:detail", kwargs={"slug": procedure.slug})


# Every named route of the project. Admin routes are checked separately (all of them).
ROUTES: dict[str, Route] = {
    "healthz": Route(_url("healthz"), public),
    "robots": Route(_url("robots"), public),
    "sitemap": Route(_url("sitemap"), public),
    "core:home": Route(_url("core:home"), public),
    "core:privacy": Route(_url("core:privacy"), public),
    "core:accessibility": Route(_url("core:accessibility"), public),
    "core:after-login": Route(_url("core:after-login"), after_login),
    "territory:directory": Route(_url("territory:directory"), public),
    "login": Route(_url("login"), login_page),
    "logout": Route(_url("logout"), logout, method="post"),
    "organisation:dashboard": Route(_url("organisation:dashboard"), agents_only),
    "organisation:structure-list": Route(_url("organisation:structure-list"), agents_only),
    "organisation:structure-detail": Route(
        _structure_url("organisation:structure-detail"), structure_scoped
    ),
    "api:api-root": Route(lambda p, t: "/api/v1/docs", public),
    "api:openapi-json": Route(lambda p, t: "/api/v1/openapi.json", public),
    "api:openapi-view": Route(lambda p, t: "/api/v1/docs", public),
    "api:list_wilayas": Route(lambda p, t: "/api/v1/territory/wilayas", public),
    "api:list_communes": Route(lambda p, t: "/api/v1/territory/wilayas/3/communes", public),
    "api:me": Route(lambda p, t: "/api/v1/organisation/me", api_agents_only),
    "api:list_structures": Route(lambda p, t: "/api/v1/organisation/structures", api_agents_only),
    "api:get_structure": Route(_api_structure_url, api_structure_scoped),
    "catalogue:list": Route(_url("catalogue:list"), public),
    "catalogue:detail": Route(_procedure_url, public),
}


def _walk(patterns, namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names += _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}{p.name}" if p.name else f"{namespace}<unnamed {p.pattern}>")
    return names


def test_every_route_is_in_the_matrix():
    missing = sorted(
        {n for n in _walk(get_resolver().url_patterns) if not n.startswith("admin:")} - set(ROUTES)
    )
    assert not missing, f"Routes without a row in the permission matrix: {missing}"


def _client_for(pilots: Pilots, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(pilots.people[actor])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", sorted(ROUTES))
def test_route_matrix(pilots: Pilots, route_name: str):
    route = ROUTES[route_name]
    failures = []
    for actor in ACTORS:
        client = _client_for(pilots, actor)
        for target in TARGETS:
            url = route.url(pilots, target)
            response = getattr(client, route.method)(url)
            expected = route.expect(actor, target)
            if response.status_code != expected:
                failures.append(f"{actor} → {target}: got {response.status_code}, want {expected}")
    assert not failures, f"{route_name}:\n" + "\n".join(failures)


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_admin_is_for_platform_administrators_only(pilots: Pilots, actor: str):
    client = _client_for(pilots, actor)
    from django.utils import translation

    with translation.override("fr"):
        urls = _admin_urls()
    assert len(urls) > 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == admin_only(actor, "own"), (url, response.status_code)


def test_every_model_with_a_structure_is_covered_by_the_scoping_layer():
    """A model that belongs to a structure must be listed here with the route that scopes it."""
    scoped_models = {"organisation.membership", "organisation.structure"}
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("baladiya."):
            continue
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            points_to_structure = (
                related is not None and related._meta.label_lower == "organisation.structure"
            )
            if points_to_structure and (field.many_to_one or field.one_to_one):
                found.add(model._meta.label_lower)
    assert found <= scoped_models, f"New tenant models need scoping tests: {found - scoped_models}"
