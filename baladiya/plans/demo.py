"""The demo plan: "Plan sectoriel de transformation numérique 2025–2026" for the four pilots.

Dates are computed from today so that the mix of on-track, at-risk, late and done items holds
whatever the day the demo is loaded. Idempotent: nothing is added when the plan exists.
Progress is posted through the services, as the communes' agents would.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baladiya.organisation import services as org_services
from baladiya.organisation.models import Role, ServiceType, Structure, StructureKind, User
from baladiya.plans.models import Indicator, ItemKind, Measurement, Plan, PlanItem, ProgressUpdate

SLUG = "transformation-numerique-2025-2026"
PILOTS = {"3501": "boumerdes", "0301": "laghouat", "0920": "boufarik", "4431": "bathia"}

# The four axes: (code, fr, ar, en)
AXES = [
    ("1", "Guichet citoyen", "الشباك المواطن", "Citizen window"),
    ("2", "Procédures en ligne", "الإجراءات عبر الإنترنت", "Procedures online"),
    ("3", "Formation des agents", "تكوين الأعوان", "Staff training"),
    ("4", "Conditions d'accueil", "ظروف الاستقبال", "Reception conditions"),
]

# Per commune, how each axis's project is doing, as (days from start to today, days from today
# to due, progress reported at the last update, days since that update). Negative "to due"
# means the due date has passed: late unless progress is 100.
SCENARIOS: dict[str, list[tuple[int, int, int, int]]] = {
    "3501": [(300, 120, 80, 5), (300, 60, 90, 10), (200, 100, 60, 12), (300, -5, 100, 6)],
    "0301": [(300, 120, 70, 3), (330, -20, 55, 25), (200, 100, 35, 8), (300, 40, 45, 60)],
    "0920": [(300, -40, 60, 45), (300, 25, 75, 9), (200, 100, 50, 14), (150, 150, 40, 4)],
    "4431": [(300, 90, 25, 20), (300, 150, 60, 7), (200, -10, 70, 30), (300, 15, 85, 2)],
}


def _d(today: datetime.date, days: int) -> datetime.date:
    return today + datetime.timedelta(days=days)


def _reporter(slug: str, service: Structure) -> User:
    from baladiya.organisation.demo import DEMO_PASSWORD

    user, created = User.objects.get_or_create(
        username=f"plans.{slug}",
        defaults={
            "first_name": "Agent",
            "last_name": f"guichet {slug}",
            "preferred_language": "fr",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    org_services.grant_membership(actor=None, user=user, structure=service, role=Role.AGENT)
    return user


def reporter_usernames() -> list[str]:
    """The accounts that report the demo plan's progress, one per pilot commune."""
    return list(
        User.objects.filter(username__startswith="plans.").values_list("username", flat=True)
    )


def seed() -> Plan:
    """Create the demo plan (once) and return it."""
    existing = Plan.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    ministry = Structure.objects.get(kind=StructureKind.MINISTRY)
    apcs = {
        s.commune.ons_code: s  # type: ignore[union-attr]
        for s in Structure.objects.filter(
            kind=StructureKind.COMMUNE, commune__ons_code__in=PILOTS
        ).select_related("commune")
    }
    start, due = _d(today, -330), _d(today, 400)
    with transaction.atomic():
        plan = Plan.objects.create(
            slug=SLUG,
            title_fr="Plan sectoriel de transformation numérique 2025–2026",
            title_ar="المخطط القطاعي للتحول الرقمي 2025–2026",
            title_en="Sector plan for the digital transformation 2025–2026",
            description_fr="Guichet citoyen, procédures en ligne, formation des agents et "
            "conditions d'accueil dans les quatre communes pilotes.",
            description_ar="الشباك المواطن، الإجراءات عبر الإنترنت، تكوين الأعوان وظروف الاستقبال "
            "في البلديات النموذجية الأربع.",
            description_en="Citizen window, procedures online, staff training and reception "
            "conditions in the four pilot communes.",
            owner_structure=ministry,
            start_date=start,
            due_date=due,
            is_public=True,
        )
        position = 0

        def item(**kw: object) -> PlanItem:
            nonlocal position
            position += 1
            return PlanItem.objects.create(plan=plan, position=position, **kw)  # type: ignore[arg-type]

        for axis_index, (code, fr, ar, en) in enumerate(AXES):
            axis = item(
                kind=ItemKind.AXIS,
                code=code,
                title_fr=fr,
                title_ar=ar,
                title_en=en,
                owner_structure=ministry,
                start_date=start,
                due_date=due,
            )
            for ons, slug in PILOTS.items():
                apc = apcs[ons]
                name_fr, name_ar = apc.name_fr, apc.name_ar
                since, to_due, progress, since_update = SCENARIOS[ons][axis_index]
                p_start, p_due = _d(today, -since), _d(today, to_due)
                programme = item(
                    kind=ItemKind.PROGRAMME,
                    parent=axis,
                    code=f"{code}.{ons}",
                    title_fr=f"{fr} — {name_fr}",
                    title_ar=f"{ar} — {name_ar}",
                    title_en=f"{en} — {apc.name_en or name_fr}",
                    owner_structure=apc,
                    start_date=p_start,
                    due_date=max(p_due, _d(today, 30)),
                )
                service = org_services.add_service(parent=apc, service_type=ServiceType.RECEPTION)
                reporter = _reporter(slug, service)
                project = item(
                    kind=ItemKind.PROJECT,
                    parent=programme,
                    code=f"{code}.{ons}.1",
                    title_fr=f"{fr} : mise en œuvre à {name_fr}",
                    title_ar=f"{ar}: التنفيذ في {name_ar}",
                    title_en=f"{en}: roll-out in {apc.name_en or name_fr}",
                    owner_structure=service,
                    responsible=reporter,
                    start_date=p_start,
                    due_date=p_due,
                    weight=Decimal(3),
                )
                halfway = _d(p_start, (p_due - p_start).days // 2)
                first = item(
                    kind=ItemKind.MILESTONE,
                    parent=project,
                    code=f"{code}.{ons}.1.1",
                    title_fr="Étude et cahier des charges",
                    title_ar="الدراسة ودفتر الشروط",
                    title_en="Study and specifications",
                    owner_structure=service,
                    responsible=reporter,
                    start_date=p_start,
                    due_date=halfway,
                    weight=Decimal(1),
                )
                second = item(
                    kind=ItemKind.MILESTONE,
                    parent=project,
                    code=f"{code}.{ons}.1.2",
                    title_fr="Mise en service",
                    title_ar="التشغيل",
                    title_en="Going live",
                    owner_structure=service,
                    responsible=reporter,
                    start_date=halfway,
                    due_date=p_due,
                    weight=Decimal(2),
                )
                # The first milestone is done when the second has begun; the second carries
                # the rest, so the project's progress is the scenario's.
                first_progress = 100 if progress >= 34 else progress * 3
                second_progress = max(0, min(100, round((3 * progress - first_progress) / 2)))
                for milestone, value, ago in (
                    (first, first_progress, since_update + 30),
                    (second, second_progress, since_update),
                ):
                    ProgressUpdate.objects.create(
                        item=milestone,
                        reported_on=_d(today, -ago),
                        progress=value,
                        comment="Avancement déclaré par le guichet.",
                        author=reporter,
                    )
                if code == "2":
                    indicator = Indicator.objects.create(
                        item=project,
                        title_fr="Procédures en ligne",
                        title_ar="الإجراءات عبر الإنترنت",
                        title_en="Procedures online",
                        unit="",
                        baseline=4,
                        target=20,
                    )
                    for months, value in (
                        (-9, 4),
                        (-6, 7),
                        (-3, 11),
                        (0, 4 + round(16 * progress / 100)),
                    ):
                        Measurement.objects.create(
                            indicator=indicator,
                            measured_on=_d(today, months * 30),
                            value=value,
                            recorded_by=reporter,
                        )
                if code == "3":
                    indicator = Indicator.objects.create(
                        item=project,
                        title_fr="Agents formés",
                        title_ar="الأعوان المكوَّنون",
                        title_en="Agents trained",
                        unit="",
                        baseline=0,
                        target=120,
                    )
                    for months, value in ((-6, 0), (-3, 30), (0, round(120 * progress / 100))):
                        Measurement.objects.create(
                            indicator=indicator,
                            measured_on=_d(today, months * 30),
                            value=value,
                            recorded_by=reporter,
                        )
        # A private programme: internal budget negotiation, never on the public page.
        private = item(
            kind=ItemKind.PROGRAMME,
            parent=PlanItem.objects.get(plan=plan, code="4"),
            code="4.budget",
            title_fr="Arbitrages budgétaires internes (confidentiel)",
            title_ar="التحكيمات الميزانية الداخلية (سري)",
            title_en="Internal budget arbitration",
            owner_structure=ministry,
            start_date=_d(today, -100),
            due_date=_d(today, -10),
            is_public=False,
        )
        item(
            kind=ItemKind.PROJECT,
            parent=private,
            code="4.budget.1",
            title_fr="Note de cadrage budgétaire (confidentiel)",
            title_ar="مذكرة التأطير الميزاني",
            owner_structure=ministry,
            start_date=_d(today, -100),
            due_date=_d(today, -10),
        )
    return plan
