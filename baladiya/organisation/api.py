"""Agents' organisation API: who am I, and the structures I may see (scoped)."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from baladiya.organisation import selectors
from baladiya.organisation.scoping import Scope

router = Router()


class StructureOut(Schema):
    id: int
    kind: str
    sector: str
    service_type: str
    code: str
    path: str
    name_fr: str
    name_ar: str
    name_en: str
    parent_id: int | None


class MembershipOut(Schema):
    structure: StructureOut
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


def _scope(request: HttpRequest) -> Scope:
    return Scope.of(request.user)


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> dict:
    scope = _scope(request)
    return {
        "username": request.user.get_username(),
        "full_name": request.user.get_full_name(),  # type: ignore[union-attr]
        "is_platform_admin": scope.is_platform_admin,
        "memberships": list(selectors.my_memberships(scope)),
    }


@router.get("/structures", response=list[StructureOut], summary="Structures I may see")
@paginate(PageNumberPagination, page_size=50)
def list_structures(request: HttpRequest, q: str = "", kind: str = ""):  # type: ignore[no-untyped-def]
    return selectors.visible_structures(_scope(request), search=q[:80], kind=kind)


@router.get("/structures/{structure_id}", response=StructureOut, summary="One structure")
def get_structure(request: HttpRequest, structure_id: int):  # type: ignore[no-untyped-def]
    return selectors.structure_for(_scope(request), structure_id)
