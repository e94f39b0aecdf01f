"""Demo organisation for the four pilot communes: services, sector bodies, agents.

Used by ``manage.py seed_demo`` (development only). Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from baladiya.organisation import services
from baladiya.organisation.models import (
    Role,
    Sector,
    ServiceType,
    Structure,
    StructureKind,
    User,
)

DEMO_PASSWORD = "baladiya-demo"  # noqa: S105 - printed on purpose; production refuses seed_demo

# The pilots, by ONS code, with the slug used in demo usernames.
PILOTS = {"3501": "boumerdes", "0301": "laghouat", "0920": "boufarik", "4431": "bathia"}

COMMUNE_SERVICES = [
    ServiceType.RECEPTION,
    ServiceType.CIVIL_STATUS,
    ServiceType.URBAN_PLANNING,
    ServiceType.TECHNICAL,
    ServiceType.SOCIAL_AFFAIRS,
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role_label: str
    structure: str


def _user(username: str, first: str, last: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _parent(structure: Structure) -> Structure:
    if structure.parent is None:
        raise ValueError(f"{structure} has no parent structure")
    return structure.parent


def seed() -> list[DemoAccount]:
    """Create the demo organisation and return the demo accounts to print."""
    services.sync_territorial_structures()
    accounts: list[DemoAccount] = []
    apcs: dict[str, Structure] = {
        ons_code: s
        for s in Structure.objects.filter(
            kind=StructureKind.COMMUNE, commune__ons_code__in=PILOTS
        ).select_related("commune", "parent")
        if s.commune is not None and (ons_code := s.commune.ons_code)
    }
    daira_of = {code: _parent(apc) for code, apc in apcs.items()}
    civil_status: dict[str, Structure] = {}
    for ons_code, slug in PILOTS.items():
        apc = apcs[ons_code]
        for service_type in COMMUNE_SERVICES:
            service = services.add_service(parent=apc, service_type=service_type)
            if service_type == ServiceType.CIVIL_STATUS:
                civil_status[slug] = service
        agent = _user(f"agent.{slug}", "Agent", apc.name_fr, preferred_language="fr")
        services.grant_membership(
            actor=None, user=agent, structure=civil_status[slug], role=Role.AGENT
        )
        accounts.append(DemoAccount(agent.username, "agent (état civil)", apc.name_fr))
        # Daïras issue passports and identity cards.
        services.add_service(parent=daira_of[ons_code], service_type=ServiceType.ID_DOCUMENTS)

    head = _user("head.laghouat", "Fatima", "Benali", preferred_language="ar")
    services.grant_membership(
        actor=None, user=head, structure=civil_status["laghouat"], role=Role.HEAD_OF_SERVICE
    )
    accounts.append(DemoAccount(head.username, "head of service (état civil)", "Laghouat"))

    bathia_daira = daira_of["4431"]
    daira_supervisor = _user("supervisor.daira.bathia", "Karim", "Haddad", preferred_language="ar")
    services.grant_membership(
        actor=None, user=daira_supervisor, structure=bathia_daira, role=Role.SUPERVISOR
    )
    accounts.append(DemoAccount(daira_supervisor.username, "daïra supervisor", "Daïra de Bathia"))

    boumerdes_wilaya = Structure.objects.get(kind=StructureKind.WILAYA, wilaya__number=35)
    wilaya_supervisor = _user("supervisor.wilaya.boumerdes", "Nadia", "Saidi")
    services.grant_membership(
        actor=None, user=wilaya_supervisor, structure=boumerdes_wilaya, role=Role.SUPERVISOR
    )
    accounts.append(
        DemoAccount(wilaya_supervisor.username, "wilaya supervisor", "Wilaya de Boumerdès")
    )

    ministry = Structure.objects.get(kind=StructureKind.MINISTRY)
    ministry_supervisor = _user(
        "supervisor.ministry",
        "Yacine",
        "Mansouri",
        preferred_language="fr",
        email="supervisor.ministry@example.dz",  # an export's "ready" email has an address
    )
    services.grant_membership(
        actor=None, user=ministry_supervisor, structure=ministry, role=Role.SUPERVISOR
    )
    accounts.append(DemoAccount(ministry_supervisor.username, "ministry supervisor", "Ministère"))

    # Bodies of other sectors, attached to the territory they serve.
    blida = Structure.objects.get(kind=StructureKind.WILAYA, wilaya__number=9)
    services.add_sector_body(
        parent=blida,
        sector=Sector.WATER,
        code="ade-blida",
        names={
            "name_fr": "Algérienne des Eaux — unité de Blida",
            "name_ar": "الجزائرية للمياه — وحدة البليدة",
            "name_en": "Algérienne des Eaux — Blida unit",
        },
    )
    services.add_sector_body(
        parent=apcs["0920"],
        sector=Sector.ELECTRICITY_GAS,
        code="sonelgaz-boufarik",
        names={
            "name_fr": "Sonelgaz Distribution — agence de Boufarik",
            "name_ar": "سونلغاز توزيع — وكالة بوفاريك",
            "name_en": "Sonelgaz Distribution — Boufarik agency",
        },
    )

    admin = _user("admin", "Platform", "Administrator", is_staff=True, is_superuser=True)
    if not (admin.is_staff and admin.is_superuser):
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    accounts.append(DemoAccount(admin.username, "platform administrator", "—"))

    citizen = _user("citizen", "Amina", "Khelifi", phone="+213661234567", email="amina@example.dz")
    accounts.append(DemoAccount(citizen.username, "citizen", "—"))
    return accounts
