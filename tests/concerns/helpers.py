"""Concerns the way the platform makes them: demo categories, routing, intake through services."""

from __future__ import annotations

from baladiya.cases.models import Channel
from baladiya.concerns import demo, services
from baladiya.concerns.models import Category
from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, ServiceType, Structure, StructureKind
from baladiya.territory.models import Commune


def categories() -> dict[str, Category]:
    return demo.seed_categories()


def technical_service(ons_code: str) -> Structure:
    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code=ons_code)
    return org_services.add_service(parent=apc, service_type=ServiceType.TECHNICAL)


def technical_agent(ons_code: str, username: str):
    from tests.factories import UserFactory

    user = UserFactory(username=username)
    org_services.grant_membership(
        actor=None, user=user, structure=technical_service(ons_code), role=Role.AGENT
    )
    return user


def report(
    code: str = "street-light-out",
    *,
    ons_code: str = "0920",
    text: str = "الضوء مقطوع في الشارع منذ أسبوع",
    phone: str = "",
    name: str = "",
    **kw,
):
    category = Category.objects.get(code=code)
    return services.submit_concern(
        category=category,
        commune=Commune.objects.get(ons_code=ons_code),
        description=text,
        address=kw.pop("address", "12 rue des Martyrs"),
        phone=phone,
        name=name,
        channel=kw.pop("channel", Channel.ONLINE),
        **kw,
    )
