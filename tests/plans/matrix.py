"""Data and URL builders for the plans rows of the permission matrix.

For each target (own = commune A's état civil, other = commune B's, parent = daïra of A) a
public plan whose items are all owned by that structure, with one evidence file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import translation

from tests.plans.helpers import SmallPlan, make_plan


def plans_of(pilots: Any) -> dict[str, SmallPlan]:
    if getattr(pilots, "_plans", None) is None:
        from baladiya.plans.models import Evidence
        from tests.cases.helpers import png_upload
        from tests.plans.helpers import report
        from tests.test_permission_matrix import target_structure

        pilots._plans = {}
        for target in ("own", "other", "parent"):
            structure = target_structure(pilots, target)
            small = make_plan(structure, slug=f"matrix-{target}")
            update = report(small.milestones[0], 10)
            evidence = Evidence(update=update, label="proof.png", content_type="image/png", size=1)
            evidence.file.save("matrix.png", png_upload(), save=True)
            small.evidence = evidence  # type: ignore[attr-defined]
            pilots._plans[target] = small
    return pilots._plans


def url(name: str, what: str = "plan") -> Callable[[Any, str], str]:
    def build(pilots: Any, target: str) -> str:
        small = plans_of(pilots)[target]
        kwargs: dict[str, Any] = {
            "plan": {"pk": small.plan.pk},
            "slug": {"slug": small.plan.slug},
            "data": {"slug": small.plan.slug, "fmt": "json"},
            "item": {"pk": small.milestones[0].pk},
            "evidence": {"pk": small.evidence.pk},  # type: ignore[attr-defined]
        }[what]
        with translation.override("fr"):
            return reverse(name, kwargs=kwargs)

    return build


def api_url(suffix: str) -> Callable[[Any, str], str]:
    def build(pilots: Any, target: str) -> str:
        small = plans_of(pilots)[target]
        return suffix.format(plan=small.plan.pk, item=small.milestones[0].pk)

    return build


def url_plain(name: str) -> Callable[[Any, str], str]:
    def build(pilots: Any, target: str) -> str:
        plans_of(pilots)
        with translation.override("fr"):
            return reverse(name)

    return build


# Who reports progress (REPORT_PROGRESS): the owner structure's agents, heads of service above.
REPORTS: dict[str, set[str]] = {
    "own": {"agent_a", "head_a", "platform_admin"},
    "other": {"agent_b", "platform_admin"},
    "parent": {"platform_admin"},
}


def api_report_progress(actor: str, target: str) -> int:
    """Posting progress: 401 anonymous, 404 unseen, 403 seen but not the owner, else 400 (the
    body is deliberately invalid, so the matrix changes nothing)."""
    from tests.test_permission_matrix import api_structure_scoped

    seen = api_structure_scoped(actor, target)
    if seen != 200:
        return seen
    return 400 if actor in REPORTS[target] else 403
