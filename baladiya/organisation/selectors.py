"""Reads of the organisation, already scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from baladiya.organisation.models import Membership, Structure
from baladiya.organisation.scoping import Permission, Scope


def visible_structures(scope: Scope, *, search: str = "", kind: str = "") -> QuerySet[Structure]:
    """Structures the user may see, in tree order, optionally searched by name."""
    qs = scope.structures(Permission.VIEW_STRUCTURE).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(
            Q(name_fr__icontains=search) | Q(name_ar__icontains=search) | Q(code__icontains=search)
        )
    return qs.order_by("path")


def structure_for(scope: Scope, pk: int) -> Structure:
    """One structure the user may see, else 404."""
    return scope.get_or_404(
        Structure.objects.select_related("wilaya", "daira", "commune", "parent"),
        Permission.VIEW_STRUCTURE,
        pk=pk,
    )


def ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` → ``["/a/", "/a/b/"]``: the materialised paths above a structure, root first."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def ancestors(structure: Structure) -> list[Structure]:
    """The chain from the root down to the structure's parent, in one query."""
    paths = ancestor_paths(structure.path)
    return list(Structure.objects.filter(path__in=paths).order_by("depth"))


def children_of(scope: Scope, structure: Structure) -> QuerySet[Structure]:
    """The sub-structures of ``structure`` that the user may see."""
    return (
        scope.structures(Permission.VIEW_STRUCTURE)
        .filter(parent=structure)
        .annotate(child_count=Count("children"))
        .order_by("kind", "name_fr")
    )


def members_of(scope: Scope, structure: Structure) -> QuerySet[Membership]:
    """Who holds a role in ``structure``; empty unless the user may see its members."""
    if not scope.can(Permission.VIEW_MEMBERS, structure):
        return Membership.objects.none()
    return (
        Membership.objects.filter(structure=structure)
        .select_related("user")
        .order_by("role", "user__last_name", "user__username")
    )


def my_memberships(scope: Scope) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=scope.user.pk or 0)
        .select_related("structure", "structure__parent")
        .order_by("structure__path")
    )
