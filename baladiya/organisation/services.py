"""Writes to the organisation: the structure tree and agents' memberships.

Each function runs in one transaction. Territorial structures (ministry, wilayas, daïras,
communes) mirror the territory tables and are created in bulk; services and other sectors'
bodies are added one by one under them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from baladiya.organisation.models import (
    Membership,
    Role,
    Sector,
    ServiceType,
    Structure,
    StructureKind,
    User,
)
from baladiya.organisation.scoping import Permission, Scope

MINISTRY_CODE = "mint"
MINISTRY_NAMES = {
    "name_fr": (
        "Ministère de l'Intérieur, des Collectivités locales et de l'Aménagement du territoire"
    ),
    "name_ar": "وزارة الداخلية والجماعات المحلية والتهيئة العمرانية",
    "name_en": "Ministry of the Interior, Local Authorities and Territorial Planning",
}

SERVICE_NAMES: dict[str, dict[str, str]] = {
    ServiceType.CIVIL_STATUS: {
        "name_fr": "Service de l'état civil",
        "name_ar": "مصلحة الحالة المدنية",
        "name_en": "Civil status service",
    },
    ServiceType.URBAN_PLANNING: {
        "name_fr": "Service de l'urbanisme",
        "name_ar": "مصلحة العمران",
        "name_en": "Urban planning service",
    },
    ServiceType.TECHNICAL: {
        "name_fr": "Services techniques",
        "name_ar": "المصالح التقنية",
        "name_en": "Technical services",
    },
    ServiceType.SOCIAL_AFFAIRS: {
        "name_fr": "Service des affaires sociales",
        "name_ar": "مصلحة الشؤون الاجتماعية",
        "name_en": "Social affairs service",
    },
    ServiceType.RECEPTION: {
        "name_fr": "Guichet citoyen",
        "name_ar": "شباك المواطن",
        "name_en": "Citizen window",
    },
    ServiceType.REGULATION: {
        "name_fr": "Service de la réglementation et des affaires générales",
        "name_ar": "مصلحة التنظيم والشؤون العامة",
        "name_en": "Regulation and general affairs service",
    },
    ServiceType.ID_DOCUMENTS: {
        "name_fr": "Service des titres d'identité et de voyage",
        "name_ar": "مصلحة وثائق الهوية والسفر",
        "name_en": "Identity and travel documents service",
    },
}


def _code(prefix: str, name: str) -> str:
    return f"{prefix}-{slugify(name)}"[:40]


def sync_territorial_structures(
    *,
    structure_model: Any = Structure,
    wilaya_model: Any = None,
    daira_model: Any = None,
    commune_model: Any = None,
) -> int:
    """Make sure the ministry, every wilaya, daïra and commune (APC) has its structure.

    Idempotent: existing structures are kept (renames follow the territory). Returns how many
    structures were created. The model parameters let a data migration pass historical models.
    """
    from baladiya.territory.models import Commune, Daira, Wilaya

    wilaya_model = wilaya_model or Wilaya
    daira_model = daira_model or Daira
    commune_model = commune_model or Commune
    created = 0

    with transaction.atomic():
        ministry = structure_model.objects.filter(kind=StructureKind.MINISTRY, parent=None).first()
        if ministry is None:
            ministry = structure_model(
                kind=StructureKind.MINISTRY,
                code=MINISTRY_CODE,
                path=f"/{MINISTRY_CODE}/",
                depth=0,
                **MINISTRY_NAMES,
            )
            # Historical models have no custom save(): set path and depth here, for both.
            structure_model.objects.bulk_create([ministry])
            ministry = structure_model.objects.get(path=f"/{MINISTRY_CODE}/")
            created += 1

        created += _sync_level(
            structure_model,
            parent_of=lambda _w: ministry,
            items=list(wilaya_model.objects.all()),
            kind=StructureKind.WILAYA,
            territory_field="wilaya",
            code_of=lambda w: f"w{w.number:02d}",
            extra_of=lambda w: {"wilaya_id": w.pk},
        )
        wilaya_structures = {
            s.wilaya_id: s for s in structure_model.objects.filter(kind=StructureKind.WILAYA)
        }
        created += _sync_level(
            structure_model,
            parent_of=lambda d: wilaya_structures[d.wilaya_id],
            items=list(daira_model.objects.all()),
            kind=StructureKind.DAIRA,
            territory_field="daira",
            code_of=lambda d: _code("d", d.name_fr),
            extra_of=lambda d: {"wilaya_id": d.wilaya_id, "daira_id": d.pk},
        )
        daira_structures = {
            s.daira_id: s for s in structure_model.objects.filter(kind=StructureKind.DAIRA)
        }
        created += _sync_level(
            structure_model,
            parent_of=lambda c: daira_structures[c.daira_id],
            items=list(commune_model.objects.select_related("daira")),
            kind=StructureKind.COMMUNE,
            territory_field="commune",
            code_of=lambda c: _code("c", c.name_fr),
            extra_of=lambda c: {
                "wilaya_id": c.daira.wilaya_id,
                "daira_id": c.daira_id,
                "commune_id": c.pk,
            },
        )
    return created


def _sync_level(
    structure_model: Any,
    *,
    parent_of: Any,
    items: list,
    kind: str,
    territory_field: str,
    code_of: Any,
    extra_of: Any,
) -> int:
    existing = {
        getattr(s, f"{territory_field}_id"): s for s in structure_model.objects.filter(kind=kind)
    }
    to_create, to_update = [], []
    for item in items:
        current = existing.get(item.pk)
        names = {"name_fr": item.name_fr, "name_ar": item.name_ar, "name_en": item.name_en}
        if current is None:
            parent = parent_of(item)
            code = code_of(item)
            path = f"{parent.path}{code}/"
            to_create.append(
                structure_model(
                    kind=kind,
                    parent_id=parent.pk,
                    code=code,
                    path=path,
                    depth=path.count("/") - 2,
                    **names,
                    **extra_of(item),
                )
            )
        elif any(getattr(current, k) != v for k, v in names.items()):
            for k, v in names.items():
                setattr(current, k, v)
            to_update.append(current)
    structure_model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        structure_model.objects.bulk_update(to_update, ["name_fr", "name_ar", "name_en"])
    return len(to_create)


def territorial_structure_of_commune(commune_id: int) -> Structure:
    """The APC structure of a commune."""
    return Structure.objects.get(kind=StructureKind.COMMUNE, commune_id=commune_id)


@transaction.atomic
def add_service(
    *,
    parent: Structure,
    service_type: str,
    names: dict[str, str] | None = None,
    code: str | None = None,
) -> Structure:
    """Add (or return the existing) service of ``service_type`` under a commune or daïra."""
    if parent.kind not in {StructureKind.COMMUNE, StructureKind.DAIRA, StructureKind.WILAYA}:
        raise ValidationError("Services belong to a commune, a daïra or a wilaya.")
    code = code or slugify(service_type.replace("_", "-"))
    service, _created = Structure.objects.get_or_create(
        parent=parent,
        code=code,
        defaults={
            "kind": StructureKind.SERVICE,
            "service_type": service_type,
            "wilaya_id": parent.wilaya_id,
            "daira_id": parent.daira_id,
            "commune_id": parent.commune_id,
            **(names or SERVICE_NAMES.get(service_type) or SERVICE_NAMES[ServiceType.RECEPTION]),
        },
    )
    return service


@transaction.atomic
def add_sector_body(
    *, parent: Structure, sector: str, code: str, names: dict[str, str]
) -> Structure:
    """Attach a body of another sector (water, electricity…) to the territory it serves."""
    if sector == Sector.LOCAL_GOVERNMENT:
        raise ValidationError("A sector body belongs to another sector than local government.")
    body, _created = Structure.objects.get_or_create(
        parent=parent,
        code=code,
        defaults={
            "kind": StructureKind.SECTOR_BODY,
            "sector": sector,
            "wilaya_id": parent.wilaya_id,
            "daira_id": parent.daira_id,
            "commune_id": parent.commune_id,
            **names,
        },
    )
    return body


@transaction.atomic
def grant_membership(
    *, actor: User | None, user: User, structure: Structure, role: str
) -> Membership:
    """Give ``user`` a role in ``structure``. ``actor=None`` is the system (seed, commands)."""
    if role not in Role.values:
        raise ValidationError(f"Unknown role: {role}")
    if actor is not None and not Scope.of(actor).can(Permission.MANAGE_MEMBERS, structure):
        raise PermissionDenied
    membership, _created = Membership.objects.get_or_create(
        user=user, structure=structure, role=role
    )
    return membership


@transaction.atomic
def revoke_membership(*, actor: User | None, membership: Membership) -> None:
    if actor is not None and not Scope.of(actor).can(
        Permission.MANAGE_MEMBERS, membership.structure
    ):
        raise PermissionDenied
    membership.delete()


def create_api_token(*, user: User, name: str) -> tuple[str, Any]:
    """A new API token for ``user``; returns the clear token (shown once) and its record."""
    import hashlib
    import secrets

    from baladiya.organisation.models import ApiToken

    key = "bld_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hashlib.sha256(key.encode()).hexdigest(), prefix=key[4:12]
    )
    return key, token
