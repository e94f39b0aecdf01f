"""The one scoping layer: what may this user see and do, and where.

Every read of tenant data goes through :class:`Scope`: list views filter with
:meth:`Scope.filter`, single objects are fetched with :meth:`Scope.get_or_404` (another commune's
object is a 404, exactly like a missing one, so nobody learns that it exists), and actions ask
:meth:`Scope.can`. Views and API routes never filter structures by hand.

A grant is (structure, role). Each permission says, per role, how far a grant reaches: the
structure itself (``SELF``) or the structure and everything below it (``SUBTREE``). Structures
carry a materialised path, so "everything below" is a prefix match answered by an index.
"""

from __future__ import annotations

import contextlib
import enum
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from baladiya.organisation.models import Membership, Role, Structure, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

M = TypeVar("M", bound=Model)


class Reach(enum.Enum):
    SELF = "self"
    SUBTREE = "subtree"


class Permission(enum.StrEnum):
    """Things an agent may do. Later domains add theirs here, next to their reach per role."""

    VIEW_STRUCTURE = "structure.view"
    VIEW_MEMBERS = "structure.view_members"
    MANAGE_MEMBERS = "structure.manage_members"
    VIEW_CASE = "case.view"
    VIEW_PLAN = "plan.view"
    REPORT_PROGRESS = "plan.report_progress"
    MANAGE_PLANS = "plan.manage"
    VIEW_SUPERVISION = "transparency.supervise"  # communes side by side, exports (transparency)


# The policy, as a table: permission → role → reach. A role absent from a row has no grant.
POLICY: dict[Permission, dict[str, Reach]] = {
    Permission.VIEW_STRUCTURE: {
        Role.AGENT: Reach.SELF,
        Role.HEAD_OF_SERVICE: Reach.SUBTREE,
        Role.SUPERVISOR: Reach.SUBTREE,
        Role.ADMINISTRATOR: Reach.SUBTREE,
    },
    Permission.VIEW_MEMBERS: {
        Role.AGENT: Reach.SELF,
        Role.HEAD_OF_SERVICE: Reach.SUBTREE,
        Role.SUPERVISOR: Reach.SUBTREE,
        Role.ADMINISTRATOR: Reach.SUBTREE,
    },
    Permission.MANAGE_MEMBERS: {
        Role.ADMINISTRATOR: Reach.SUBTREE,
    },
    # Cases are seen by the structure handling them and by the one that owns them.
    Permission.VIEW_CASE: {
        Role.AGENT: Reach.SELF,
        Role.HEAD_OF_SERVICE: Reach.SUBTREE,
        Role.SUPERVISOR: Reach.SUBTREE,
    },
    # Action plans: an item's owner structure sees it and reports its progress; heads and
    # supervisors above follow it. Supervisors and administrators import plans for their tree.
    Permission.VIEW_PLAN: {
        Role.AGENT: Reach.SELF,
        Role.HEAD_OF_SERVICE: Reach.SUBTREE,
        Role.SUPERVISOR: Reach.SUBTREE,
        Role.ADMINISTRATOR: Reach.SUBTREE,
    },
    Permission.REPORT_PROGRESS: {
        Role.AGENT: Reach.SELF,
        Role.HEAD_OF_SERVICE: Reach.SUBTREE,
    },
    Permission.MANAGE_PLANS: {
        Role.SUPERVISOR: Reach.SUBTREE,
        Role.ADMINISTRATOR: Reach.SUBTREE,
    },
    # Supervisors of a daïra, a wilaya or the ministry see the communes below them.
    Permission.VIEW_SUPERVISION: {
        Role.SUPERVISOR: Reach.SUBTREE,
    },
}


@dataclass(frozen=True)
class Grant:
    structure_id: int
    path: str
    role: str


class Scope:
    """What one user may see and do. Built once per request (one query), then pure Python."""

    def __init__(
        self, user: AbstractBaseUser | AnonymousUser, grants: tuple[Grant, ...] | None = None
    ) -> None:
        """``grants``: as read by :func:`user_with_scope`; read here when not given."""
        self.user = user
        self.is_platform_admin = bool(
            user.is_authenticated and user.is_active and getattr(user, "is_superuser", False)
        )
        if not (user.is_authenticated and user.is_active):
            self.grants: tuple[Grant, ...] = ()
        elif grants is not None:
            self.grants = grants
        else:
            rows = Membership.objects.filter(user_id=user.pk, structure__is_active=True)
            self.grants = tuple(
                Grant(sid, path, role)
                for sid, path, role in rows.values_list("structure_id", "structure__path", "role")
            )

    @classmethod
    def of(cls, user: Any) -> Scope:
        """The scope of ``user``, cached on the user object for the rest of the request."""
        scope = getattr(user, "_baladiya_scope", None)
        if scope is None:
            scope = cls(user)
            # AnonymousUser refuses new attributes; it has no grants to cache anyway.
            with contextlib.suppress(AttributeError):
                user._baladiya_scope = scope
        return scope

    @property
    def is_agent(self) -> bool:
        """Holds at least one role somewhere (or administers the platform)."""
        return self.is_platform_admin or bool(self.grants)

    def _reaches(self, permission: Permission) -> list[tuple[Reach, Grant]]:
        table = POLICY[permission]
        return [(table[g.role], g) for g in self.grants if g.role in table]

    def structure_q(self, permission: Permission, via: str = "") -> Q:
        """A filter matching the structures where ``permission`` holds.

        ``via`` is the lookup from the filtered model to its structure, e.g. ``"owner_structure"``
        for a case; empty when filtering structures themselves.
        """
        if self.is_platform_admin:
            return Q()
        prefix = f"{via}__" if via else ""
        q = Q(pk__in=[]) if not via else Q(**{f"{prefix}pk__in": []})
        for reach, grant in self._reaches(permission):
            if reach is Reach.SELF:
                q |= Q(**{f"{prefix}pk": grant.structure_id})
            else:
                q |= Q(**{f"{prefix}path__startswith": grant.path})
        return q

    def structures(self, permission: Permission = Permission.VIEW_STRUCTURE) -> QuerySet[Structure]:
        return Structure.objects.filter(self.structure_q(permission))

    def filter(self, queryset: QuerySet[M], permission: Permission, via: str) -> QuerySet[M]:
        """Narrow any queryset whose rows belong to a structure (reached through ``via``)."""
        return queryset.filter(self.structure_q(permission, via))

    def filter_any(
        self, queryset: QuerySet[M], permission: Permission, vias: tuple[str, ...]
    ) -> QuerySet[M]:
        """Narrow to rows whose structure, through any of ``vias``, grants ``permission``."""
        if self.is_platform_admin:
            return queryset
        return queryset.filter(self.any_q(permission, vias))

    def any_q(self, permission: Permission, vias: tuple[str, ...]) -> Q:
        """The filter of :meth:`filter_any`, to combine with others into one ``filter()``
        (each ``filter()`` call clones and rebuilds the query: it shows on hot list pages)."""
        if self.is_platform_admin:
            return Q()
        q = Q(pk__in=[])
        for via in vias:
            q |= self.structure_q(permission, via)
        return q

    def can_any(self, permission: Permission, structures: tuple[Structure, ...]) -> bool:
        return any(self.can(permission, s) for s in structures)

    def can(self, permission: Permission, structure: Structure) -> bool:
        """Object-level check, without a query: the structure's path is enough."""
        if self.is_platform_admin:
            return True
        for reach, grant in self._reaches(permission):
            if reach is Reach.SELF and structure.pk == grant.structure_id:
                return True
            if reach is Reach.SUBTREE and structure.path.startswith(grant.path):
                return True
        return False

    def get_or_404(
        self, queryset: QuerySet[M], permission: Permission, via: str = "", **lookup: Any
    ) -> M:
        """Fetch one object the user may see; anything else (missing or foreign) is a 404."""
        try:
            return queryset.filter(self.structure_q(permission, via)).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc

    def highest_role_in(self, structure: Structure) -> str | None:
        """The strongest role that applies to ``structure`` (held there or above it)."""
        order = list(Role.values)
        best: str | None = None
        for g in self.grants:
            applies = g.structure_id == structure.pk or (
                g.role != Role.AGENT and structure.path.startswith(g.path)
            )
            if applies and (best is None or order.index(g.role) > order.index(best)):
                best = g.role
        return best


def user_with_scope(user_id: Any) -> User | None:
    """The user ``user_id`` with their scope already built, in one query for both.

    Every signed-in page reads the session's user and then its grants: one round trip instead
    of two, with the same grants as :class:`Scope` reads (memberships of active structures).
    """
    return _scoped(_read(_user_and_grants_sql(), [True, user_id]))


def session_with_user(session_key: str, now: Any) -> tuple[str, User | None] | None:
    """A live session's data and its user with their scope (``user_with_scope``), in one query.

    ``None`` when no unexpired session has this key; the user is ``None`` for a session nobody
    signed in to (see ``organisation.sessions``).
    """
    rows = _read(_user_and_grants_sql(session=True), [True, session_key, now])
    if not rows:
        return None
    return rows[0][-1], _scoped(rows)


def _read(sql: str, params: list[Any]) -> list[tuple]:
    # A plain cursor, not ``User.objects.raw``: on every signed-in request, the raw queryset's
    # machinery cost more than the database's answer. Columns are converted as the ORM does.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _user_columns(vendor: str) -> tuple[list[str], list[tuple[int, Any, list]]]:
    """The user's attribute names, and the converters the database needs for some columns
    (SQLite's booleans and datetimes), as a queryset would apply them."""
    fields = User._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, col, found))
    return [f.attname for f in fields], converters


def _scoped(rows: list[tuple]) -> User | None:
    """The user of the first row (``None`` if there is none, or no user) with the rows' grants."""
    if not rows or rows[0][0] is None:
        return None
    names, converters = _user_columns(connection.vendor)
    values = list(rows[0][: len(names)])
    for i, col, functions in converters:
        for convert in functions:
            values[i] = convert(values[i], col, connection)
    user = User.from_db(connection.alias, names, values)
    n = len(names)
    grants = tuple(Grant(r[n], r[n + 1], r[n + 2]) for r in rows if r[n] is not None)
    user._baladiya_scope = Scope(user, grants)  # type: ignore[attr-defined]
    return user


@functools.cache
def _user_and_grants_sql(*, session: bool = False) -> str:
    """The user (by id, or by the session that names them) and their grants, one row each."""
    from baladiya.organisation.models import Session

    qn = connection.ops.quote_name
    user_columns = ", ".join(f"u.{qn(f.column)}" for f in User._meta.concrete_fields)
    membership, structure, session_meta = Membership._meta, Structure._meta, Session._meta

    def column(meta: Any, name: str) -> str:
        return qn(meta.get_field(name).column)

    user_id = f"u.{column(User._meta, 'id')}"
    # Two plain left joins: neither database then lists every active membership (SQLite
    # materialises a joined subquery, or a parenthesised join, on the right of a LEFT JOIN).
    # A membership of a closed structure joins no structure: its row has no grant.
    grants = (  # every value a parameter; names from the models' metadata
        f"LEFT JOIN {qn(membership.db_table)} m ON m.{column(membership, 'user')} = {user_id}"
        f" LEFT JOIN {qn(structure.db_table)} s"
        f" ON s.{column(structure, 'id')} = m.{column(membership, 'structure')}"
        f" AND s.{column(structure, 'is_active')} = %s"
    )
    select = (
        f"SELECT {user_columns}, s.{column(structure, 'id')} AS grant_structure_id,"
        f" s.{column(structure, 'path')} AS grant_path,"
        f" m.{column(membership, 'role')} AS grant_role"
    )
    if not session:
        return f"{select} FROM {qn(User._meta.db_table)} u {grants} WHERE {user_id} = %s"
    return (
        f"{select}, z.{column(session_meta, 'session_data')} AS session_data"
        f" FROM {qn(session_meta.db_table)} z"
        f" LEFT JOIN {qn(User._meta.db_table)} u ON {user_id} = z.{column(session_meta, 'user')}"
        f" {grants} WHERE z.{column(session_meta, 'session_key')} = %s"
        f" AND z.{column(session_meta, 'expire_date')} > %s"
    )
