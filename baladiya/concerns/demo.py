"""Demo concerns: categories, routing for the pilot communes, concerns in various states, enough
history for the suggestion model, and the development Open311 key ``demo-open311``.

Idempotent (categories by code, routing by category × commune; concerns only once). Called by
``manage.py seed_demo``, which refuses to run in production.
"""

from __future__ import annotations

import itertools

from baladiya.cases import services as case_services
from baladiya.cases.models import Case, Channel
from baladiya.cases.workflow import Kind
from baladiya.concerns import services, suggest
from baladiya.concerns.models import Category, Open311Key, Routing
from baladiya.organisation.models import Role, Sector, ServiceType, Structure, StructureKind, User
from baladiya.territory.models import Commune
from baladiya.territory.selectors import PILOT_ONS_CODES

DEMO_OPEN311_KEY = "demo-open311"

T = ServiceType.TECHNICAL
# code, parent, fr, ar, en, kab, days, service type, sector, synonyms
CATEGORIES: list[tuple] = [
    ("roads", None, "Voirie", "الطرقات", "Roads", "Iberdan", 15, T, "", "route\nطريق\ntriq"),
    (
        "pothole",
        "roads",
        "Nid-de-poule, chaussée dégradée",
        "حفرة في الطريق",
        "Pothole, damaged road",
        "Aɣzun deg webrid",
        15,
        T,
        "",
        "nid de poule\ntrou dans la route\nحفرة\nhofra\ntriq mkessra\nchaussee",
    ),
    (
        "pavement",
        "roads",
        "Trottoir",
        "الرصيف",
        "Pavement",
        "Abrid n yiḍarren",
        15,
        T,
        "",
        "trottoir\nرصيف\ntrotoir",
    ),
    (
        "lighting",
        None,
        "Éclairage public",
        "الإنارة العمومية",
        "Street lighting",
        "Tafat tazayezt",
        5,
        T,
        "",
        "eclairage\nlampadaire\nإنارة\nضوء\ndou\nnour",
    ),
    (
        "street-light-out",
        "lighting",
        "Lampadaire en panne",
        "عمود إنارة معطل",
        "Street light out",
        "Taftilt texser",
        5,
        T,
        "",
        (
            "lampadaire en panne\nlampadaire eteint\nلامبة مطفية\nالضوء مقطوع\n"
            "عمود الإنارة معطل\ndou mkhassar\ndou makach\nlamba tafya\npoteau lumiere\nrue sombre"
        ),
    ),
    (
        "water",
        None,
        "Eau potable",
        "الماء الشروب",
        "Drinking water",
        "Aman n tissit",
        5,
        "",
        Sector.WATER,
        "eau\nماء\nma",
    ),
    (
        "water-leak",
        "water",
        "Fuite d'eau",
        "تسرب المياه",
        "Water leak",
        "Aman ttazzalen",
        3,
        "",
        Sector.WATER,
        "fuite d eau\nfuite\nتسرب الماء\nma yhreb\ntuyau casse\nquanat mkessra",
    ),
    (
        "no-water",
        "water",
        "Coupure d'eau",
        "انقطاع الماء",
        "No water",
        "Ulac aman",
        3,
        "",
        Sector.WATER,
        "coupure d eau\npas d eau\nانقطاع الماء\nmakach el ma\nma maqtou3",
    ),
    (
        "sanitation",
        None,
        "Assainissement",
        "التطهير",
        "Sanitation",
        "Asizdeg",
        10,
        T,
        "",
        "egout\nassainissement\nمجاري\nbalou3a\nregard ouvert\nبالوعة\nodeur egout",
    ),
    (
        "waste",
        None,
        "Déchets et propreté",
        "النفايات والنظافة",
        "Waste and cleanliness",
        "Izubilen",
        5,
        T,
        "",
        "ordures\ndechets\npoubelle\nنفايات\nزبالة\nzbel\nkhmaj\ndecharge sauvage",
    ),
    (
        "green-spaces",
        None,
        "Espaces verts",
        "المساحات الخضراء",
        "Green spaces",
        "Tibḥirin",
        15,
        T,
        "",
        "jardin\narbre\nparc\nحديقة\nشجرة\njnina\nsajra",
    ),
    (
        "public-buildings",
        None,
        "Bâtiments publics",
        "المباني العمومية",
        "Public buildings",
        "Tizeɣwa tizuyaz",
        20,
        T,
        "",
        "batiment\necole\nmosquee\nمبنى\nمدرسة\nsalle omnisport",
    ),
    (
        "service-quality",
        None,
        "Accueil et service administratif",
        "الاستقبال والخدمة الإدارية",
        "Reception and administrative service",
        "Asnubeg",
        10,
        ServiceType.RECEPTION,
        "",
        "accueil\nattente\nguichet\nagent\nالاستقبال\nالانتظار\nالشباك\nsbour\nbiro\nmal accueilli",
    ),
    (
        "other",
        None,
        "Autre",
        "أخرى",
        "Other",
        "Nniḍen",
        15,
        ServiceType.RECEPTION,
        "",
        "autre\nأخرى\nkhlaf",
    ),
]

EXTRA = {
    "street-light-out": [
        {
            "key": "pole_number",
            "label_fr": "Numéro du poteau (s'il est visible)",
            "label_ar": "رقم العمود (إن وجد)",
            "label_en": "Pole number (if visible)",
            "required": False,
        }
    ],
    "water-leak": [
        {
            "key": "since",
            "label_fr": "Depuis quand ?",
            "label_ar": "منذ متى؟",
            "label_en": "Since when?",
            "required": False,
        }
    ],
}

# History: what citizens wrote, and the category agents settled on.
HISTORY = {
    "street-light-out": [
        "الضوء مقطوع في الحي منذ أسبوع",
        "lampadaire en panne devant l'école",
        "dou mkhassar f zenqa",
        "lamba tafya 9odam dar",
        "rue sombre la nuit, poteau éteint",
        "عمود الإنارة معطل قرب المسجد",
        "éclairage ne marche plus cité 200 logements",
        "la lumière du poteau clignote",
    ],
    "pothole": [
        "حفرة كبيرة في الطريق الرئيسي",
        "nid de poule dangereux rue des Martyrs",
        "triq mkessra bezaf",
        "chaussée dégradée après les pluies",
        "hofra kbira f triq",
        "الطريق مهترئ أمام السوق",
        "trou énorme au rond-point",
        "route abîmée près du lycée",
    ],
    "pavement": [
        "trottoir cassé devant la poste",
        "الرصيف محطم",
        "trotoir mkesser",
        "carreaux du trottoir arrachés",
        "pas de trottoir pour les enfants",
        "الرصيف مشغول بالسيارات",
    ],
    "water-leak": [
        "fuite d'eau importante rue 5",
        "تسرب الماء من القناة منذ يومين",
        "ma yhreb f triq",
        "tuyau cassé, l'eau coule",
        "quanat mkessra",
        "fuite au compteur de l'immeuble",
        "تسرب كبير للمياه قرب المدرسة",
    ],
    "no-water": [
        "pas d'eau depuis trois jours",
        "انقطاع الماء في الحي",
        "makach el ma",
        "coupure d'eau sans préavis",
        "ma maqtou3 men lbareh",
        "الماء مقطوع منذ الأحد",
    ],
    "sanitation": [
        "regard d'égout ouvert",
        "بالوعة مسدودة",
        "odeur d'égout insupportable",
        "balou3a m3abya",
        "les eaux usées débordent",
        "المجاري تفيض في الشارع",
    ],
    "waste": [
        "ordures non ramassées depuis une semaine",
        "النفايات متراكمة",
        "zbel bezaf f l7ouma",
        "décharge sauvage derrière le stade",
        "poubelles pleines au marché",
        "رمي القمامة في الوادي",
    ],
    "green-spaces": [
        "arbre tombé dans le jardin",
        "الحديقة مهملة",
        "jnina mahmoula",
        "herbe non coupée au parc",
        "شجرة خطيرة قرب المدرسة",
        "le parc n'est pas arrosé",
    ],
    "service-quality": [
        "attente trop longue au guichet",
        "سوء الاستقبال في البلدية",
        "sbour twil f lbaladia",
        "agent absent au bureau",
        "الشباك مغلق في وقت العمل",
        "mal accueilli à l'état civil",
    ],
    "public-buildings": [
        "toit de l'école qui fuit",
        "المدرسة تحتاج ترميم",
        "salle omnisport fermée",
        "vitres cassées à la maison de jeunes",
        "المسجد يحتاج صيانة",
    ],
}

STAGES = ["received", "in_progress", "resolved", "closed", "planned"]


def seed_categories() -> dict[str, Category]:
    by_code: dict[str, Category] = {}
    for position, row in enumerate(CATEGORIES):
        code, parent, fr, ar, en, kab, days, service_type, sector, synonyms = row
        category, _created = Category.objects.update_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent) if parent else None,
                "name_fr": fr,
                "name_ar": ar,
                "name_en": en,
                "name_kab": kab,
                "help_fr": f"Signalez un problème : {fr.lower()}.",
                "help_ar": f"أبلغ عن مشكل: {ar}.",
                "help_en": f"Report a problem: {en.lower()}.",
                "response_days": days,
                "service_type": service_type,
                "sector": sector or Sector.LOCAL_GOVERNMENT,
                "synonyms": synonyms,
                "extra_questions": EXTRA.get(code, []),
                "position": position,
            },
        )
        by_code[code] = category
    return by_code


def seed_routing(by_code: dict[str, Category]) -> None:
    """The table for the pilots: each top-level category → the structure the default finds.

    Written out so that administrators see (and can change) who handles what.
    """
    for ons_code in PILOT_ONS_CODES:
        commune = Commune.objects.get(ons_code=ons_code)
        for category in by_code.values():
            if category.parent_id is not None:
                continue
            structure = services.route(category, commune.pk)
            Routing.objects.get_or_create(
                category=category, commune=commune, defaults={"structure": structure}
            )


def seed_agents() -> list[tuple[str, str]]:
    """A technical-services agent in Boufarik, for the concerns' journey."""
    from baladiya.organisation import services as org_services

    apc = Structure.objects.get(kind=StructureKind.COMMUNE, commune__ons_code="0920")
    technical = org_services.add_service(parent=apc, service_type=ServiceType.TECHNICAL)
    user, created = User.objects.get_or_create(
        username="agent.boufarik.technique",
        defaults={"first_name": "Karim", "last_name": "Benali"},
    )
    if created:
        from baladiya.organisation.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    org_services.grant_membership(actor=None, user=user, structure=technical, role=Role.AGENT)
    daira = apc.parent
    assert daira is not None
    sup, created = User.objects.get_or_create(
        username="supervisor.daira.boufarik",
        defaults={"first_name": "Samira", "last_name": "Hadj"},
    )
    if created:
        from baladiya.organisation.demo import DEMO_PASSWORD

        sup.set_password(DEMO_PASSWORD)
        sup.save()
    org_services.grant_membership(actor=None, user=sup, structure=daira, role=Role.SUPERVISOR)
    return [
        (user.username, "agent (technical services, Boufarik)"),
        (sup.username, "daïra supervisor (Boufarik)"),
    ]


def seed_concerns(by_code: dict[str, Category]) -> int:
    if Case.objects.filter(kind=Kind.CONCERN).exists():
        return 0
    admin = User.objects.filter(is_superuser=True).first()
    communes = [Commune.objects.get(ons_code=c) for c in PILOT_ONS_CODES]
    created = 0
    stages = itertools.cycle(STAGES)
    commune_cycle = itertools.cycle(communes)
    for code, texts in HISTORY.items():
        for text in texts:
            intake = services.submit_concern(
                category=by_code[code],
                commune=next(commune_cycle),
                description=text,
                address="Cité des 200 logements",
                channel=Channel.ONLINE,
                language="ar",
            )
            _advance(intake.case, next(stages), admin)
            created += 1
    return created


def _advance(case: Case, stage: str, admin: User | None) -> None:
    case_services.fire(case=case, name="receive", actor=admin)
    if stage == "received":
        return
    case_services.fire(case=case, name="start_work", actor=admin)
    if stage == "in_progress":
        return
    if stage == "planned":
        services.answer(
            case=case,
            actor=admin,
            transition="plan",
            public_answer="Intervention prévue la semaine prochaine.",
        )
        return
    services.answer(
        case=case,
        actor=admin,
        transition="resolve",
        public_answer="L'équipe est intervenue. / تم التدخل.",
    )
    if stage == "closed":
        case_services.fire(case=case, name="close_concern", actor=admin)


def seed() -> list[tuple[str, str]]:
    by_code = seed_categories()
    seed_routing(by_code)
    accounts = seed_agents()
    seed_concerns(by_code)
    Open311Key.issue("Development Open311 client (demo)", DEMO_OPEN311_KEY)
    suggest.train()
    return accounts
