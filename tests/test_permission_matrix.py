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
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.concerns import matrix as concerns_matrix
from tests.conftest import Pilots
from tests.plans import matrix as plans_matrix

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

# Who sees a case. own = a case of commune A's civil-status service, other = one of commune B's,
# parent = one handled and owned by the daïra of A. Administrators manage members, not cases;
# an agent of the APC itself does not see its services' cases.
SEES_CASE: dict[str, dict[str, bool]] = {
    "agent_a": {"own": True, "other": False, "parent": False},
    "apc_agent_a": {"own": False, "other": False, "parent": False},
    "head_a": {"own": True, "other": False, "parent": False},
    "admin_a": {"own": False, "other": False, "parent": False},
    "supervisor_daira_a": {"own": True, "other": False, "parent": True},
    "supervisor_wilaya_a": {"own": True, "other": False, "parent": True},
    "supervisor_ministry": {"own": True, "other": True, "parent": True},
    "agent_b": {"own": False, "other": True, "parent": False},
    "platform_admin": {"own": True, "other": True, "parent": True},
}


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
    json: Callable[[Pilots, str], dict] | None = None  # a JSON body, for API writes


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


def case_scoped(actor: str, target: str) -> int:
    if actor == "anonymous":
        return 302
    if actor not in AGENTS:
        return 403
    return 200 if SEES_CASE[actor][target] else 404


def case_action(actor: str, target: str) -> int:
    """A POST that redirects back to the case when allowed."""
    expected = case_scoped(actor, target)
    return 302 if expected == 200 else expected


def structure_action(actor: str, target: str) -> int:
    expected = structure_scoped(actor, target)
    return 302 if expected == 200 else expected


def agents_post(actor: str, target: str) -> int:
    expected = agents_only(actor, target)
    return 302 if expected == 200 else expected


def signed_in(actor: str, _target: str) -> int:
    return 302 if actor == "anonymous" else 200


def signed_in_post(actor: str, _target: str) -> int:
    return 302


def applicant_only(actor: str, _target: str) -> int:
    """The citizen's own space: the applicant (our citizen) only; others learn nothing."""
    if actor == "anonymous":
        return 302
    return 200 if actor == "citizen" else 404


def applicant_or_case_agent(actor: str, target: str) -> int:
    if actor == "citizen":
        return 200
    if actor == "anonymous" or actor not in AGENTS:
        return 404
    return 200 if SEES_CASE[actor][target] else 404


def api_case_scoped(actor: str, target: str) -> int:
    if actor == "anonymous":
        return 401
    return 200 if SEES_CASE.get(actor, {}).get(target) else 404


def api_case_refused(actor: str, target: str) -> int:
    """A write the case's agents may attempt, refused for its content (400 or 409), else 404."""
    expected = api_case_scoped(actor, target)
    return expected if expected != 200 else 400


def api_case_conflict(actor: str, target: str) -> int:
    expected = api_case_scoped(actor, target)
    return expected if expected != 200 else 409


def api_signed_in_creates(actor: str, _target: str) -> int:
    return 401 if actor == "anonymous" else 201


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


def _case_url(name: str, **extra) -> Callable[[Pilots, str], str]:
    def build(pilots: Pilots, target: str) -> str:
        from django.utils import translation

        case = pilots.cases[target]
        kwargs = {"pk": case.pk}
        if "document" in extra:
            kwargs["document_id"] = pilots.documents[target].pk
        if extra.get("by_reference"):
            kwargs = {"reference": case.reference}
        with translation.override("fr"):
            return reverse(name, kwargs=kwargs)

    return build


def _status_token_url(pilots: Pilots, target: str) -> str:
    from baladiya.cases.views_citizen import status_url

    return status_url(pilots.cases[target])


def _verify_url(pilots: Pilots, target: str) -> str:
    return reverse("cases:verify", kwargs={"code": pilots.issued[target].verification_code})


def _opinion_url(pilots: Pilots, target: str) -> str:
    return reverse("cases:answer-opinion", kwargs={"pk": pilots.opinions[target].pk})


def _counter_form_url(pilots: Pilots, target: str) -> str:
    slug = pilots.cases[target].procedure.slug
    return (
        reverse("cases:counter-form", kwargs={"slug": slug}) + f"?commune={pilots.apc_a.commune_id}"
    )


def _apply_url(pilots: Pilots, target: str) -> str:
    return reverse("cases:apply", kwargs={"slug": pilots.cases[target].procedure.slug})


def _api_case_url(suffix: str = "") -> Callable[[Pilots, str], str]:
    def build(pilots: Pilots, target: str) -> str:
        return f"/api/v1/cases/{pilots.cases[target].pk}{suffix}"

    return build


def _api_status_url(pilots: Pilots, target: str) -> str:
    return f"/api/v1/cases/status/{pilots.cases[target].reference}?phone_last4=4567"


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


def _notification_url(pilots: Pilots, target: str, name: str, printed: bool = False) -> str:
    """A message of the target's case (a notice for the counter when ``printed``)."""
    from baladiya.notifications.models import Channel, Notification

    case = pilots.cases[target]
    notification, _ = Notification.objects.get_or_create(
        dedup_key=f"matrix:{target}:{printed}",
        defaults={
            "kind": "case_received",
            "channel": Channel.PRINT if printed else Channel.SMS,
            "language": "fr",
            "case": case,
            "address": "" if printed else "+213661234567",
            "status": "to_print" if printed else "failed",
        },
    )
    return reverse(name, kwargs={"pk": notification.pk})


SUPERVISORS = {"supervisor_daira_a", "supervisor_wilaya_a", "supervisor_ministry", "platform_admin"}


def _supervisors(actor: str, _target: str) -> int:
    if actor == "anonymous":
        return 302
    return 200 if actor in SUPERVISORS else 403


def _supervisors_of_commune(actor: str, target: str) -> int:
    # own and parent = commune A (Laghouat), other = commune B (Boufarik, another wilaya).
    expected = _supervisors(actor, target)
    if expected == 200 and target == "other" and actor.endswith("_a"):
        return 404
    return expected


def _supervision_overdue_url(pilots: Pilots, target: str) -> str:
    from django.utils import translation

    commune = pilots.apc_b.commune_id if target == "other" else pilots.apc_a.commune_id
    with translation.override("fr"):
        return reverse("transparency:supervision-overdue", kwargs={"pk": commune})


# An export belongs to whoever asked for it: own and parent = the wilaya-A supervisor's,
# other = the ministry supervisor's.
EXPORT_OWNER = {"own": "supervisor_wilaya_a", "parent": "supervisor_wilaya_a"}


def _export_download_url(pilots: Pilots, target: str) -> str:
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone, translation

    from baladiya.transparency.models import Export

    owner = pilots.people[EXPORT_OWNER.get(target, "supervisor_ministry")]
    export = Export.objects.filter(requested_by=owner).first()
    if export is None:
        export = Export(
            requested_by=owner,
            kind="supervision",
            format="csv",
            status="ready",
            finished_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        export.file.save("matrix.csv", ContentFile(b"Wilaya\n"), save=True)
    with translation.override("fr"):
        return reverse("transparency:export-download", kwargs={"pk": export.pk})


def _export_owner(actor: str, target: str) -> int:
    if actor == "anonymous":
        return 302
    if actor not in AGENTS:
        return 403
    return 200 if actor == EXPORT_OWNER.get(target, "supervisor_ministry") else 404


def _supervisors_post_empty(actor: str, target: str) -> int:
    # An empty form: supervisors get a 404 (nothing to export), other agents a 403.
    expected = _supervisors(actor, target)
    return 404 if expected == 200 else expected


def _stats_url(level: str, pk: int) -> str:
    from django.utils import translation

    with translation.override("fr"):
        return reverse("transparency:area", kwargs={"level": level, "pk": pk})


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
    "signup": Route(_url("signup"), login_page),
    "logout": Route(_url("logout"), logout, method="post"),
    "organisation:dashboard": Route(_url("organisation:dashboard"), agents_only),
    "organisation:structure-list": Route(_url("organisation:structure-list"), agents_only),
    "organisation:structure-detail": Route(
        _structure_url("organisation:structure-detail"), structure_scoped
    ),
    "cases:apply": Route(_apply_url, signed_in),
    "cases:my-cases": Route(_url("cases:my-cases"), signed_in),
    "cases:claim": Route(_url("cases:claim"), signed_in_post, method="post"),
    "cases:my-case": Route(_case_url("cases:my-case"), applicant_only),
    "cases:my-document": Route(_case_url("cases:my-document", document=True), applicant_only),
    "cases:receipt": Route(_case_url("cases:receipt", by_reference=True), applicant_or_case_agent),
    "cases:receipt-pdf": Route(
        _case_url("cases:receipt-pdf", by_reference=True), applicant_or_case_agent
    ),
    "cases:follow": Route(_url("cases:follow"), public),
    "cases:status-token": Route(_status_token_url, public),
    "cases:verify": Route(_verify_url, public),
    "cases:inbox": Route(_url("cases:inbox"), agents_only),
    "cases:bulk": Route(_url("cases:bulk"), agents_post, method="post"),
    "cases:counter-new": Route(_url("cases:counter-new"), agents_only),
    "cases:counter-form": Route(_counter_form_url, agents_only),
    "cases:staff-case": Route(_case_url("cases:staff-case"), case_scoped),
    "cases:staff-action": Route(_case_url("cases:staff-action"), case_action, method="post"),
    "cases:staff-document": Route(_case_url("cases:staff-document", document=True), case_scoped),
    "cases:opinions": Route(_url("cases:opinions"), agents_only),
    "cases:answer-opinion": Route(_opinion_url, structure_action, method="post"),
    "api:list_procedures": Route(lambda p, t: "/api/v1/catalogue/procedures", public),
    "api:get_procedure": Route(
        lambda p, t: f"/api/v1/catalogue/procedures/{p.cases[t].procedure.slug}", public
    ),
    "api:follow_case": Route(_api_status_url, public),
    "api:list_cases": Route(lambda p, t: "/api/v1/cases", api_agents_only),
    "api:submit_case": Route(
        lambda p, t: "/api/v1/cases",
        api_signed_in_creates,
        method="post",
        json=lambda p, t: {
            "procedure": p.cases[t].procedure.slug,
            "commune_ons_code": "0301",
            "answers": {"full_name": "Amina Khelifi"},
            "applicant_name": "Amina Khelifi",
        },
    ),
    "api:get_case": Route(_api_case_url(), api_case_scoped),
    "api:case_events": Route(_api_case_url("/events"), api_case_scoped),
    "api:fire_transition": Route(
        _api_case_url("/transitions"),
        api_case_conflict,
        method="post",
        json=lambda p, t: {"name": "close"},  # a submitted case cannot be closed
    ),
    "api:transfer_case": Route(
        _api_case_url("/transfer"),
        api_case_refused,
        method="post",
        json=lambda p, t: {  # to where it already is
            "to_structure_id": p.cases[t].handling_structure_id,
            "reason": "Test",
        },
    ),
    "api:post_message": Route(
        _api_case_url("/messages"),
        api_case_refused,
        method="post",
        json=lambda p, t: {"body": "   "},  # an empty message
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
    # --- notifications ---
    "sms-inbound": Route(lambda p, t: "/sms/inbound/", lambda a, t: 403, method="post"),
    "sms-receipt": Route(lambda p, t: "/sms/receipts/", lambda a, t: 403, method="post"),
    "notifications:phone-sign-in": Route(_url("notifications:phone-sign-in"), login_page),
    # Without a code asked for in this session, the code page sends back to step one.
    "notifications:phone-code": Route(_url("notifications:phone-code"), after_login),
    "notifications:preferences": Route(_url("notifications:preferences"), signed_in),
    "notifications:log": Route(_url("notifications:log"), agents_only),
    "notifications:resend": Route(
        lambda p, t: _notification_url(p, t, "notifications:resend"), case_action, method="post"
    ),
    "notifications:notice": Route(
        lambda p, t: _notification_url(p, t, "notifications:notice", printed=True), case_scoped
    ),
    # --- plans ---
    "plans:public-list": Route(plans_matrix.url_plain("plans:public-list"), public),
    "plans:public-plan": Route(plans_matrix.url("plans:public-plan", "slug"), public),
    "plans:public-data": Route(plans_matrix.url("plans:public-data", "data"), public),
    "plans:follow-up": Route(plans_matrix.url_plain("plans:follow-up"), agents_only),
    "plans:import": Route(plans_matrix.url_plain("plans:import"), agents_only),
    "plans:staff-plan": Route(plans_matrix.url("plans:staff-plan"), structure_scoped),
    "plans:timeline": Route(plans_matrix.url("plans:timeline"), structure_scoped),
    "plans:staff-item": Route(plans_matrix.url("plans:staff-item", "item"), structure_scoped),
    "plans:evidence": Route(plans_matrix.url("plans:evidence", "evidence"), structure_scoped),
    "api:list_plans": Route(plans_matrix.api_url("/api/v1/plans"), api_agents_only),
    "api:get_plan": Route(plans_matrix.api_url("/api/v1/plans/{plan}"), api_structure_scoped),
    "api:get_item": Route(plans_matrix.api_url("/api/v1/plans/items/{item}"), api_structure_scoped),
    "api:post_update": Route(
        plans_matrix.api_url("/api/v1/plans/items/{item}/updates"),
        plans_matrix.api_report_progress,
        method="post",
        json=lambda p, t: {"progress": 150, "comment": "out of range"},  # refused: 400 if allowed
    ),
    # --- end plans ---
    # --- concerns ---
    "concerns:list": Route(_url("concerns:list"), public),
    "concerns:new": Route(_url("concerns:new"), public),
    "concerns:orientation": Route(lambda p, t: reverse("concerns:orientation") + "?q=eau", public),
    "concerns:follow": Route(concerns_matrix.follow_url, public),
    "concerns:public-detail": Route(concerns_matrix.url("concerns:public-detail", True), public),
    "concerns:public-photo": Route(concerns_matrix.public_photo_url, public),
    "concerns:inbox": Route(_url("concerns:inbox"), agents_only),
    "concerns:escalated": Route(_url("concerns:escalated"), agents_only),
    "concerns:counter": Route(_url("concerns:counter"), agents_only),
    "concerns:staff-detail": Route(concerns_matrix.url("concerns:staff-detail"), case_scoped),
    "concerns:staff-action": Route(
        concerns_matrix.url("concerns:staff-action"), case_action, method="post"
    ),
    "concerns:staff-photo": Route(concerns_matrix.staff_photo_url, case_scoped),
    "open311:discovery": Route(lambda p, t: "/open311/v2/discovery.json", public),
    "open311:services": Route(lambda p, t: "/open311/v2/services.json", public),
    "open311:service": Route(concerns_matrix.open311_service_url, public),
    "open311:requests": Route(lambda p, t: "/open311/v2/requests.json", public),
    "open311:request": Route(concerns_matrix.open311_request_url, public),
    "open311:token": Route(concerns_matrix.open311_token_url, public),
    "api:list_concern_categories": Route(lambda p, t: "/api/v1/concerns/categories", public),
    "api:list_concerns": Route(lambda p, t: "/api/v1/concerns", public),
    "api:get_concern": Route(concerns_matrix.api_concern_url, public),
    "api:submit_concern": Route(
        lambda p, t: "/api/v1/concerns",
        lambda actor, target: 201,  # anonymous allowed
        method="post",
        json=lambda p, t: {
            "category": concerns_matrix.concern(p, t) and "pothole",
            "commune_ons_code": "0301",
            "description": "Nid-de-poule",
            "address": "Rue 1",
        },
    ),
    "api:concern_suggestions": Route(concerns_matrix.api_suggestions_url, api_case_scoped),
    # --- end concerns ---
    # --- transparency ---
    "transparency:nation": Route(_url("transparency:nation"), public),
    "transparency:area": Route(lambda p, t: _stats_url("commune", p.apc_a.commune_id), public),
    "transparency:open-data": Route(_url("transparency:open-data"), public),
    "opendata:monthly-csv": Route(lambda p, t: "/open-data/v1/monthly.csv?level=nation", public),
    "opendata:monthly-json": Route(lambda p, t: "/open-data/v1/monthly.json?level=nation", public),
    "opendata:trivial": Route(lambda p, t: "/trivial", public),
    "transparency:supervision": Route(_url("transparency:supervision"), _supervisors),
    "transparency:supervision-overdue": Route(_supervision_overdue_url, _supervisors_of_commune),
    "transparency:exports": Route(_url("transparency:exports"), agents_only),
    "transparency:export-request": Route(
        _url("transparency:export-request"), _supervisors_post_empty, method="post"
    ),
    "transparency:export-download": Route(_export_download_url, _export_owner),
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


@pytest.fixture
def pilot_cases(pilots: Pilots) -> Pilots:
    """A case in each target, each with a supporting document, an issued document, an opinion."""
    from baladiya.cases import services
    from baladiya.cases.models import CaseDocument
    from baladiya.organisation.models import StructureKind
    from tests.cases.helpers import make_case, png_upload, simple_procedure

    citizen = pilots.people["citizen"]
    commune_procedure = simple_procedure()
    daira_procedure = simple_procedure(slug="daira-test", structure_kind=StructureKind.DAIRA)
    pilots.cases = {
        "own": make_case(commune_procedure, ons_code="0301", applicant=citizen),
        "other": make_case(commune_procedure, ons_code="0920", applicant=citizen),
        "parent": make_case(daira_procedure, ons_code="0301", applicant=citizen),
    }
    pilots.documents, pilots.issued, pilots.opinions = {}, {}, {}
    for target, case in pilots.cases.items():
        assert case.handling_structure == target_structure(pilots, target), target
        pilots.documents[target] = services.attach_files(
            case=case, actor=citizen, files=[("proof", png_upload())]
        )[0]
        pilots.issued[target] = CaseDocument.objects.create(
            case=case,
            kind=CaseDocument.Kind.ISSUED,
            label="Attestation",
            file="cases/none.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            verification_code=f"code-{target}",
        )
        pilots.opinions[target] = services.request_opinion(
            case=case,
            actor=pilots.people["platform_admin"],
            to_structure=target_structure(pilots, target),
            question="Avis ?",
        )
    return pilots


@pytest.mark.django_db
@pytest.mark.parametrize("route_name", sorted(ROUTES))
def test_route_matrix(pilot_cases: Pilots, route_name: str):
    pilots = pilot_cases
    route = ROUTES[route_name]
    failures = []
    for actor in ACTORS:
        client = _client_for(pilots, actor)
        for target in TARGETS:
            url = route.url(pilots, target)
            cache.clear()  # public look-ups are rate limited per client; each call stands alone
            if route.json is not None:
                response = getattr(client, route.method)(
                    url, data=route.json(pilots, target), content_type="application/json"
                )
            else:
                response = getattr(client, route.method)(url)
            expected = route.expect(actor, target)
            if response.status_code != expected:
                failures.append(f"{actor} → {target}: got {response.status_code}, want {expected}")
    assert not failures, f"{route_name}:\n" + "\n".join(failures)


def _admin_urls(superuser) -> list[tuple[str, bool]]:
    """(url, whether a platform administrator may open it). Some admins are read-only."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = superuser
    urls = [(reverse("admin:index"), True)]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), True))
        urls.append(
            (
                reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
                model_admin.has_add_permission(request),
            )
        )
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_admin_is_for_platform_administrators_only(pilots: Pilots, actor: str):
    client = _client_for(pilots, actor)
    from django.utils import translation

    with translation.override("fr"):
        urls = _admin_urls(pilots.people["platform_admin"])
    assert len(urls) > 5
    for url, may_open in urls:
        response = client.get(url)
        expected = admin_only(actor, "own")
        if actor == "platform_admin" and not may_open:
            expected = 403
        assert response.status_code == expected, (url, response.status_code)


def test_every_model_with_a_structure_is_covered_by_the_scoping_layer():
    """A model that belongs to a structure must be listed here with the route that scopes it."""
    scoped_models = {
        "organisation.membership",
        "organisation.structure",
        "cases.case",  # cases:staff-case, cases:staff-action, cases:staff-document
        "cases.opinionrequest",  # cases:opinions, cases:answer-opinion
        "plans.plan",  # plans:staff-plan, plans:timeline, api:get_plan
        "plans.planitem",  # plans:staff-item, api:get_item, api:post_update
        "concerns.routing",  # configuration, edited in the admin only (platform administrators)
    }
    # Models reached through a case, scoped by the case's structures: notifications.notification
    # (notifications:log, :resend, :notice).
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
