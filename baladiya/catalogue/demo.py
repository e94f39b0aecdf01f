"""Demo catalogue: thirteen real procedures of an Algerian commune or daïra, each with its form.

Called by ``manage.py seed_demo`` (development only). Idempotent: procedures are matched by slug
and updated; documents are rewritten; a new form version is published only when the form below
differs from the one already published (cases keep pointing at the older versions).

Facts come from /work/shared/domain.md and public texts: civil-status documents, residence
certificates, legalisation of signatures and certified copies are free; the ordinary 28-page
passport needs a 6 000 DA tax stamp; the biometric ID card is free, except a 1 000 DA fee when
it is renewed after loss, theft or damage (loi de finances pour 2017). Where no amount or legal
deadline is published, none is given (``None``) and the fee note says how it is set.
Documents the administration issues itself (civil-status records, residence certificates, the
12S, the family record sheet) are marked ``administration`` (décret exécutif 14-363).

The Kabyle texts (the four most requested procedures) should be reviewed by a Kabyle speaker
before production.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baladiya.catalogue import services
from baladiya.catalogue.models import (
    FieldType,
    FormField,
    FormStatus,
    FormVersion,
    Procedure,
    ProvidedBy,
    RequiredDocument,
)
from baladiya.organisation.models import ServiceType, StructureKind

COMMUNE, DAIRA = StructureKind.COMMUNE, StructureKind.DAIRA
CITIZEN, ADMINISTRATION = ProvidedBy.CITIZEN, ProvidedBy.ADMINISTRATION


def T(fr: str, ar: str, en: str, kab: str = "") -> dict[str, str]:
    return {"fr": fr, "ar": ar, "en": en, "kab": kab}


def doc(
    name: dict[str, str],
    provided_by: str = CITIZEN,
    *,
    mandatory: bool = True,
    note: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {"name": name, "provided_by": provided_by, "mandatory": mandatory, "note": note or {}}


def field(
    key: str,
    field_type: str,
    label: dict[str, str],
    *,
    required: bool = True,
    help: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One definition item (see FormField.to_definition)."""
    return {
        "key": key,
        "type": field_type,
        "label": label,
        "help": help or {},
        "required": required,
        **extra,
    }


def options(*items: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [{"value": v, "label_fr": fr, "label_ar": ar, "label_en": en} for v, fr, ar, en in items]


# --- documents and questions used by several procedures ----------------------------------------

ID_DOCUMENT = doc(
    T("Pièce d'identité", "وثيقة الهوية", "Identity document", "Takarḍa n tmagit"),
    note=T(
        "À présenter au guichet. En ligne, votre NIN suffit.",
        "تقدم عند الشباك. عبر الإنترنت يكفي رقم التعريف الوطني.",
        "Show it at the counter. Online, your NIN is enough.",
        "Sken-itt deg ugrur. S Internet, NIN-ik yekfa.",
    ),
)

LAST_NAME = field("last_name", FieldType.TEXT, T("Nom", "اللقب", "Surname"), max_length=100)
FIRST_NAME = field(
    "first_name", FieldType.TEXT, T("Prénom(s)", "الاسم", "First name(s)"), max_length=100
)
BIRTH_DATE = field(
    "birth_date", FieldType.DATE, T("Date de naissance", "تاريخ الميلاد", "Date of birth")
)
BIRTH_COMMUNE = field(
    "birth_commune",
    FieldType.COMMUNE,
    T("Commune de naissance", "بلدية الميلاد", "Commune of birth"),
)
FATHER = field(
    "father_first_name",
    FieldType.TEXT,
    T("Prénom du père", "اسم الأب", "Father's first name"),
    max_length=100,
)
MOTHER = field(
    "mother_full_name",
    FieldType.TEXT,
    T("Nom et prénom de la mère", "لقب واسم الأم", "Mother's surname and first name"),
    max_length=150,
)
NIN_OPTIONAL = field(
    "nin",
    FieldType.NIN,
    T(
        "Numéro d'identification national (NIN)",
        "رقم التعريف الوطني",
        "National identification number (NIN)",
    ),
    required=False,
    help=T(
        "18 chiffres, inscrits sur la carte d'identité biométrique. Il aide le service à trouver "
        "l'acte plus vite.",
        "18 رقما مدونة على بطاقة التعريف البيومترية، يساعد المصلحة على إيجاد العقد بسرعة.",
        "18 digits, printed on the biometric ID card. It helps the service find the record faster.",
    ),
)
NIN_REQUIRED = {**NIN_OPTIONAL, "required": True, "help": {}}
COPIES = field(
    "copies",
    FieldType.NUMBER,
    T("Nombre d'exemplaires", "عدد النسخ", "Number of copies"),
    min_value="1",
    max_value="10",
)
PHONE = field(
    "phone",
    FieldType.PHONE,
    T("Téléphone mobile", "رقم الهاتف النقال", "Mobile phone"),
    help=T(
        "Pour vous prévenir par SMS.",
        "لإعلامكم برسالة قصيرة.",
        "To let you know by text message.",
    ),
)
EMAIL = field(
    "email",
    FieldType.EMAIL,
    T("Adresse électronique", "البريد الإلكتروني", "Email address"),
    required=False,
)
FOR_SELF = field(
    "for_self",
    FieldType.YES_NO,
    T(
        "Le document vous concerne-t-il vous-même ?",
        "هل تخصكم الوثيقة شخصيا؟",
        "Is the document about yourself?",
    ),
)
RELATIONSHIP = field(
    "relationship",
    FieldType.CHOICE,
    T("Votre lien avec la personne", "صلتكم بالشخص المعني", "Your relationship to the person"),
    choices=options(
        ("child", "Son enfant", "ابنه أو ابنته", "Their child"),
        ("parent", "Son père ou sa mère", "أبوه أو أمه", "Their father or mother"),
        ("spouse", "Son conjoint", "زوجه أو زوجته", "Their spouse"),
        ("legal_representative", "Son représentant légal", "ممثله القانوني", "Legal guardian"),
    ),
    show_if_key="for_self",
    show_if_value="no",
)

# --- the procedures ---------------------------------------------------------------------------

PROCEDURES: list[dict[str, Any]] = [
    {
        "slug": "extrait-acte-naissance",
        "code": "EC-12",
        "order": 10,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": True,
        "instant_rules": {"registry": "civil_status", "record": "birth"},
        "name": T(
            "Extrait d'acte de naissance (n°12)",
            "مستخرج من عقد الميلاد رقم 12 (شهادة الميلاد)",
            "Birth certificate extract (no. 12)",
            "Aselkin n tlalit (uṭṭun 12)",
        ),
        "summary": T(
            "L'extrait de votre acte de naissance, délivré gratuitement par n'importe quelle "
            "commune grâce au registre national de l'état civil.",
            "مستخرج عقد الميلاد، المعروف بشهادة الميلاد، يسلم مجانا من أي بلدية بفضل السجل "
            "الوطني الآلي للحالة المدنية.",
            "The extract of your birth record, issued free of charge by any commune thanks to "
            "the national civil-status register.",
            "Aselkin n tlalit-ik, yettunefk baṭel deg yal taɣiwant s ujerrid aɣelnaw n waddad "
            "amdan.",
        ),
        "audience": T(
            "Toute personne née en Algérie, ou un proche (parent, enfant, conjoint) ou son "
            "représentant légal.",
            "كل شخص مولود في الجزائر، أو أحد أقاربه (الأب أو الأم، الأبناء، الزوج) أو ممثله "
            "القانوني.",
            "Anyone born in Algeria, or a close relative (parent, child, spouse) or their legal "
            "guardian.",
            "Yal win i d-ilulen di Lezzayer, neɣ win yeqqnen ɣur-s (imawlan, arraw, tameṭṭut "
            "neɣ argaz).",
        ),
        "instructions": T(
            "Demandez l'extrait en ligne avec votre NIN, ou présentez-vous au guichet de l'état "
            "civil de n'importe quelle commune.\n"
            "Donnez le nom, la date et la commune de naissance de la personne concernée.\n"
            "L'extrait vous est remis immédiatement ; en ligne, vous le recevez signé "
            "électroniquement.",
            "اطلبوا المستخرج عبر الإنترنت برقم التعريف الوطني، أو تقدموا إلى شباك الحالة "
            "المدنية في أي بلدية.\n"
            "قدموا لقب الشخص المعني وتاريخ ومكان ميلاده.\n"
            "يسلم المستخرج فورا؛ وعبر الإنترنت يصلكم موقعا إلكترونيا.",
            "Request the extract online with your NIN, or go to the civil-status counter of any "
            "commune.\n"
            "Give the name, date and commune of birth of the person concerned.\n"
            "The extract is handed over at once; online, you receive it electronically signed.",
            "Ssuter aselkin s Internet s NIN-ik, neɣ ddu ɣer ugrur n waddad amdan n yal "
            "taɣiwant.\n"
            "Efk isem, azemz d taɣiwant n tlalit n umdan.\n"
            "Ad t-id-teṭṭfeḍ deg wass-nni kan.",
        ),
        "documents": [ID_DOCUMENT],
        "fields": [
            FOR_SELF,
            RELATIONSHIP,
            LAST_NAME,
            FIRST_NAME,
            BIRTH_DATE,
            BIRTH_COMMUNE,
            FATHER,
            MOTHER,
            NIN_OPTIONAL,
            COPIES,
            field(
                "id_copy",
                FieldType.FILE,
                T(
                    "Copie de votre pièce d'identité",
                    "نسخة من وثيقة هويتك",
                    "Copy of your identity document",
                ),
                required=False,
                allowed_kinds=["pdf", "jpeg", "png"],
                max_size_mb=5,
            ),
        ],
    },
    {
        "slug": "extrait-naissance-special-12s",
        "code": "EC-12S",
        "order": 20,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": False,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 2,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Extrait de naissance spécial (12S)",
            "مستخرج عقد الميلاد الخاص رقم 12 خ",
            "Special birth extract (12S)",
        ),
        "summary": T(
            "L'extrait spécial sur imprimé sécurisé, délivré une fois dans la vie, pour une "
            "première carte d'identité ou un premier passeport biométriques.",
            "مستخرج عقد الميلاد الخاص على مطبوع مؤمن، يسلم مرة واحدة في العمر، لاستخراج أول بطاقة "
            "تعريف أو أول جواز سفر بيومتري.",
            "The special extract on a secure form, issued once in a lifetime, for a first "
            "biometric ID card or passport.",
        ),
        "audience": T(
            "Les personnes qui n'ont jamais obtenu de 12S. Pour une carte d'identité ou un "
            "passeport, le service des titres l'obtient lui-même : vous n'avez pas à le demander.",
            "الأشخاص الذين لم يتحصلوا أبدا على المستخرج الخاص. عند طلب بطاقة التعريف أو جواز "
            "السفر تتحصل عليه المصلحة بنفسها ولا داعي لطلبه.",
            "People who have never obtained a 12S. For an ID card or a passport, the documents "
            "service obtains it itself: you need not request it.",
        ),
        "instructions": T(
            "Présentez-vous au service de l'état civil avec votre pièce d'identité.\n"
            "Si vous avez déjà reçu un 12S, expliquez pourquoi il vous en faut un nouveau "
            "(perte, erreur).\n"
            "L'extrait est établi sur imprimé sécurisé et remis en main propre.",
            "تقدموا إلى مصلحة الحالة المدنية بوثيقة الهوية.\n"
            "إذا سبق لكم الحصول على المستخرج الخاص، بينوا سبب طلب مستخرج جديد (ضياع، خطأ).\n"
            "يحرر المستخرج على مطبوع مؤمن ويسلم لصاحبه شخصيا.",
            "Go to the civil-status service with your identity document.\n"
            "If you have already received a 12S, explain why you need a new one (loss, error).\n"
            "The extract is made out on a secure form and handed to you in person.",
        ),
        "documents": [
            doc(
                T("Pièce d'identité", "وثيقة الهوية", "Identity document"),
                note=T(
                    "Pour un mineur : celle de son représentant légal.",
                    "بالنسبة للقاصر: وثيقة ممثله القانوني.",
                    "For a minor: their legal guardian's.",
                ),
            )
        ],
        "fields": [
            LAST_NAME,
            FIRST_NAME,
            BIRTH_DATE,
            BIRTH_COMMUNE,
            FATHER,
            MOTHER,
            NIN_OPTIONAL,
            field(
                "purpose",
                FieldType.CHOICE,
                T("Pour quelle démarche ?", "لأي إجراء؟", "For which procedure?"),
                choices=options(
                    ("id_card", "Carte d'identité", "بطاقة التعريف", "ID card"),
                    ("passport", "Passeport", "جواز السفر", "Passport"),
                    ("other", "Autre", "أخرى", "Other"),
                ),
            ),
            field(
                "already_issued",
                FieldType.YES_NO,
                T(
                    "Avez-vous déjà reçu un 12S ?",
                    "هل سبق لكم الحصول على المستخرج الخاص؟",
                    "Have you already received a 12S?",
                ),
            ),
            field(
                "reason_new",
                FieldType.LONG_TEXT,
                T(
                    "Pourquoi vous en faut-il un nouveau ?",
                    "لماذا تحتاجون إلى مستخرج جديد؟",
                    "Why do you need a new one?",
                ),
                show_if_key="already_issued",
                show_if_value="yes",
                max_length=1000,
            ),
        ],
    },
    {
        "slug": "fiche-familiale-etat-civil",
        "code": "EC-FF",
        "order": 30,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Fiche familiale d'état civil",
            "البطاقة العائلية للحالة المدنية",
            "Family record sheet",
            "Asebter n twacult n waddad amdan",
        ),
        "summary": T(
            "La fiche qui récapitule la famille (époux et enfants), établie à partir du livret de "
            "famille, valable un an.",
            "بطاقة تلخص وضعية الأسرة (الزوجان والأبناء)، تحرر انطلاقا من الدفتر العائلي، صالحة "
            "لمدة سنة.",
            "The sheet summing up the family (spouses and children), made out from the family "
            "booklet, valid for one year.",
            "Asebter i d-yemmalen tawacult (imesdurar d warraw), yettwaru seg udlis n twacult, "
            "iteddu aseggas.",
        ),
        "audience": T(
            "Les personnes mariées qui détiennent un livret de famille.",
            "المتزوجون الحائزون على الدفتر العائلي.",
            "Married people who hold a family booklet.",
            "Wid yezwǧen yesɛan adlis n twacult.",
        ),
        "instructions": T(
            "Présentez le livret de famille au guichet de l'état civil de n'importe quelle "
            "commune, ou faites la demande en ligne.\n"
            "Vérifiez les noms et dates inscrits sur la fiche avant de partir.\n"
            "La fiche est remise sur-le-champ et reste valable un an.",
            "قدموا الدفتر العائلي لدى شباك الحالة المدنية في أي بلدية، أو اطلبوها عبر الإنترنت.\n"
            "تحققوا من الأسماء والتواريخ المدونة قبل المغادرة.\n"
            "تسلم البطاقة فورا وتبقى صالحة لمدة سنة.",
            "Show the family booklet at the civil-status counter of any commune, or apply "
            "online.\n"
            "Check the names and dates on the sheet before you leave.\n"
            "The sheet is handed over on the spot and is valid for one year.",
            "Sken adlis n twacult deg ugrur n waddad amdan n yal taɣiwant, neɣ ssuter-it s "
            "Internet.\n"
            "Wali ismawen d yizemzen uqbel ad teffɣeḍ.\n"
            "Asebter yettunefk-d deg wass-nni, iteddu aseggas.",
        ),
        "documents": [
            doc(
                T("Livret de famille", "الدفتر العائلي", "Family booklet", "Adlis n twacult"),
                note=T(
                    "L'original.",
                    "النسخة الأصلية.",
                    "The original.",
                    "Aneṣli.",
                ),
            ),
            ID_DOCUMENT,
        ],
        "fields": [
            field(
                "husband_name",
                FieldType.TEXT,
                T("Nom et prénom de l'époux", "لقب واسم الزوج", "Husband's full name"),
                max_length=150,
            ),
            field(
                "wife_name",
                FieldType.TEXT,
                T("Nom et prénom de l'épouse", "لقب واسم الزوجة", "Wife's full name"),
                max_length=150,
            ),
            field(
                "marriage_date",
                FieldType.DATE,
                T("Date du mariage", "تاريخ الزواج", "Date of marriage"),
            ),
            field(
                "marriage_commune",
                FieldType.COMMUNE,
                T("Commune du mariage", "بلدية إبرام عقد الزواج", "Commune of marriage"),
            ),
            field(
                "children",
                FieldType.REPEATED_GROUP,
                T("Enfant", "الابن أو البنت", "Child"),
                required=False,
                max_repeats=15,
                help=T(
                    "Les enfants inscrits au livret de famille, pour vérification.",
                    "الأبناء المسجلون في الدفتر العائلي، للتحقق.",
                    "The children written in the family booklet, to check them.",
                ),
            ),
            field(
                "child_first_name",
                FieldType.TEXT,
                T("Prénom", "الاسم", "First name"),
                group_key="children",
                max_length=100,
            ),
            field(
                "child_birth_date",
                FieldType.DATE,
                T("Date de naissance", "تاريخ الميلاد", "Date of birth"),
                group_key="children",
            ),
            COPIES,
        ],
    },
    {
        "slug": "extrait-acte-mariage",
        "code": "EC-MAR",
        "order": 40,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": True,
        "instant_rules": {"registry": "civil_status", "record": "marriage"},
        "name": T(
            "Extrait d'acte de mariage",
            "مستخرج من عقد الزواج",
            "Marriage certificate extract",
        ),
        "summary": T(
            "L'extrait de l'acte de mariage, délivré gratuitement par n'importe quelle commune.",
            "مستخرج عقد الزواج، يسلم مجانا من أي بلدية.",
            "The extract of the marriage record, issued free of charge by any commune.",
        ),
        "audience": T(
            "Les époux, leurs ascendants et descendants, ou leur représentant légal.",
            "الزوجان وأصولهما وفروعهما، أو ممثلهما القانوني.",
            "The spouses, their parents and children, or their legal guardian.",
        ),
        "instructions": T(
            "Faites la demande en ligne ou au guichet de l'état civil de n'importe quelle "
            "commune.\n"
            "Indiquez les noms des époux, la date et la commune du mariage.\n"
            "L'extrait est remis immédiatement.",
            "اطلبوا المستخرج عبر الإنترنت أو لدى شباك الحالة المدنية في أي بلدية.\n"
            "بينوا لقبي واسمي الزوجين وتاريخ وبلدية الزواج.\n"
            "يسلم المستخرج فورا.",
            "Apply online or at the civil-status counter of any commune.\n"
            "Give the spouses' names, the date and the commune of the marriage.\n"
            "The extract is handed over at once.",
        ),
        "documents": [ID_DOCUMENT],
        "fields": [
            FOR_SELF,
            RELATIONSHIP,
            field(
                "husband_name",
                FieldType.TEXT,
                T("Nom et prénom de l'époux", "لقب واسم الزوج", "Husband's full name"),
                max_length=150,
            ),
            field(
                "wife_name",
                FieldType.TEXT,
                T("Nom et prénom de l'épouse", "لقب واسم الزوجة", "Wife's full name"),
                max_length=150,
            ),
            field(
                "marriage_date",
                FieldType.DATE,
                T("Date du mariage", "تاريخ الزواج", "Date of marriage"),
            ),
            field(
                "marriage_commune",
                FieldType.COMMUNE,
                T("Commune du mariage", "بلدية إبرام عقد الزواج", "Commune of marriage"),
            ),
            COPIES,
        ],
    },
    {
        "slug": "extrait-acte-deces",
        "code": "EC-DEC",
        "order": 50,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": True,
        "instant_rules": {"registry": "civil_status", "record": "death"},
        "name": T(
            "Extrait d'acte de décès",
            "مستخرج من عقد الوفاة",
            "Death certificate extract",
        ),
        "summary": T(
            "L'extrait de l'acte de décès, pour une succession, une pension ou toute démarche "
            "de la famille.",
            "مستخرج عقد الوفاة، لإجراءات التركة أو المعاش أو أي إجراء آخر للعائلة.",
            "The extract of the death record, for an estate, a pension or any family procedure.",
        ),
        "audience": T(
            "La famille du défunt ou toute personne qui en a besoin pour une démarche.",
            "عائلة المتوفى أو كل شخص يحتاجه لإجراء ما.",
            "The family of the deceased or anyone who needs it for a procedure.",
        ),
        "instructions": T(
            "Faites la demande en ligne ou au guichet de l'état civil de n'importe quelle "
            "commune.\n"
            "Indiquez le nom du défunt, la date et la commune du décès.\n"
            "L'extrait est remis immédiatement.",
            "اطلبوا المستخرج عبر الإنترنت أو لدى شباك الحالة المدنية في أي بلدية.\n"
            "بينوا لقب واسم المتوفى وتاريخ وبلدية الوفاة.\n"
            "يسلم المستخرج فورا.",
            "Apply online or at the civil-status counter of any commune.\n"
            "Give the name of the deceased, the date and the commune of death.\n"
            "The extract is handed over at once.",
        ),
        "documents": [ID_DOCUMENT],
        "fields": [
            field(
                "deceased_last_name",
                FieldType.TEXT,
                T("Nom du défunt", "لقب المتوفى", "Surname of the deceased"),
                max_length=100,
            ),
            field(
                "deceased_first_name",
                FieldType.TEXT,
                T("Prénom du défunt", "اسم المتوفى", "First name of the deceased"),
                max_length=100,
            ),
            field(
                "death_date",
                FieldType.DATE,
                T("Date du décès", "تاريخ الوفاة", "Date of death"),
            ),
            field(
                "death_commune",
                FieldType.COMMUNE,
                T("Commune du décès", "بلدية الوفاة", "Commune of death"),
            ),
            field(
                "relationship",
                FieldType.CHOICE,
                T("Votre lien avec le défunt", "صلتكم بالمتوفى", "Your relationship"),
                choices=options(
                    ("child", "Enfant", "ابن أو بنت", "Child"),
                    ("spouse", "Conjoint", "زوج أو زوجة", "Spouse"),
                    ("parent", "Père ou mère", "أب أو أم", "Father or mother"),
                    ("sibling", "Frère ou sœur", "أخ أو أخت", "Brother or sister"),
                    ("other", "Autre", "أخرى", "Other"),
                ),
            ),
            COPIES,
        ],
    },
    {
        "slug": "certificat-de-residence",
        "code": "APC-RES",
        "order": 60,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Certificat de résidence",
            "شهادة الإقامة",
            "Residence certificate",
            "Aselkin n uzeddeɣ",
        ),
        "summary": T(
            "Le certificat qui atteste votre adresse dans la commune, demandé pour la carte "
            "d'identité, le passeport et bien d'autres dossiers.",
            "شهادة تثبت عنوان إقامتكم في البلدية، تطلب لبطاقة التعريف وجواز السفر وملفات أخرى.",
            "The certificate stating your address in the commune, asked for the ID card, the "
            "passport and many other files.",
            "Aselkin i d-yesseknen tansa-k deg tɣiwant, i tkarḍa n tmagit, i upaspur d wayen "
            "nniḍen.",
        ),
        "audience": T(
            "Toute personne qui habite la commune.",
            "كل شخص مقيم في البلدية.",
            "Anyone living in the commune.",
            "Yal win yezdeɣ deg tɣiwant.",
        ),
        "instructions": T(
            "Faites la demande en ligne ou au guichet de l'APC de votre lieu de résidence.\n"
            "Joignez un justificatif d'occupation du logement.\n"
            "Le certificat est délivré le jour même ; il est valable un an, mais certains "
            "dossiers exigent un certificat de moins de trois ou six mois.",
            "اطلبوا الشهادة عبر الإنترنت أو لدى شباك بلدية مكان إقامتكم.\n"
            "أرفقوا وثيقة تثبت شغل المسكن.\n"
            "تسلم الشهادة في نفس اليوم، وهي صالحة لسنة، غير أن بعض الملفات تشترط شهادة لا يتجاوز "
            "تاريخها ثلاثة أو ستة أشهر.",
            "Apply online or at the counter of the APC where you live.\n"
            "Attach a proof that you occupy the dwelling.\n"
            "The certificate is issued the same day; it is valid for a year, but some files "
            "require one less than three or six months old.",
            "Ssuter-it s Internet neɣ deg ugrur n tɣiwant anda tzeddɣeḍ.\n"
            "Rnu arraten i d-yesseknen belli tzeddɣeḍ deg uxxam.\n"
            "Aselkin yettunefk-d deg wass-nni, iteddu aseggas.",
        ),
        "documents": [
            ID_DOCUMENT,
            doc(
                T(
                    "Justificatif d'occupation du logement",
                    "وثيقة تثبت شغل المسكن",
                    "Proof that you occupy the dwelling",
                    "Arraten n uzeddeɣ deg uxxam",
                ),
                note=T(
                    "Un au choix : titre de propriété, contrat de location, facture Sonelgaz "
                    "récente ou carte d'électeur.",
                    "إحدى الوثائق التالية: سند الملكية، عقد الإيجار، فاتورة سونلغاز حديثة أو بطاقة "
                    "الناخب.",
                    "One of: title deed, lease, recent Sonelgaz bill or voter card.",
                ),
            ),
        ],
        "fields": [
            field(
                "residence_commune",
                FieldType.COMMUNE,
                T("Commune de résidence", "بلدية الإقامة", "Commune of residence"),
            ),
            field(
                "address",
                FieldType.ADDRESS,
                T("Adresse", "العنوان", "Address"),
                help=T(
                    "Cité ou rue, numéro, bâtiment et appartement.",
                    "الحي أو الشارع، الرقم، العمارة والشقة.",
                    "Housing estate or street, number, building and flat.",
                ),
            ),
            field(
                "resident_since",
                FieldType.DATE,
                T("Vous habitez ici depuis le", "تقيمون هنا منذ", "Living here since"),
                required=False,
            ),
            field(
                "purpose",
                FieldType.CHOICE,
                T("Pour quel dossier ?", "لأي ملف؟", "For which file?"),
                choices=options(
                    ("id_card", "Carte d'identité", "بطاقة التعريف", "ID card"),
                    ("passport", "Passeport", "جواز السفر", "Passport"),
                    ("other", "Autre dossier", "ملف آخر", "Another file"),
                ),
            ),
            field(
                "purpose_other",
                FieldType.TEXT,
                T("Lequel ?", "ما هو؟", "Which one?"),
                show_if_key="purpose",
                show_if_value="other",
                max_length=200,
            ),
            field(
                "proof",
                FieldType.FILE,
                T(
                    "Justificatif d'occupation du logement",
                    "وثيقة تثبت شغل المسكن",
                    "Proof that you occupy the dwelling",
                ),
                allowed_kinds=["pdf", "jpeg", "png"],
                max_size_mb=5,
            ),
            PHONE,
        ],
    },
    {
        "slug": "legalisation-de-signature",
        "code": "APC-LEG",
        "order": 70,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": False,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Légalisation de signature",
            "المصادقة على الإمضاء",
            "Certification of signature",
            "Aseɣbel n uzmul",
        ),
        "summary": T(
            "L'agent de l'APC certifie que la signature d'un document est bien la vôtre. Gratuit.",
            "يصادق عون البلدية على أن الإمضاء الموضوع على الوثيقة هو إمضاؤكم. مجانا.",
            "The APC agent certifies that the signature on a document is yours. Free.",
            "Amsedday n tɣiwant ad isentem belli azmul-a d ayla-k. Baṭel.",
        ),
        "audience": T(
            "Toute personne qui doit faire légaliser sa signature (engagement, procuration, "
            "attestation…).",
            "كل شخص يحتاج إلى المصادقة على إمضائه (تعهد، وكالة، تصريح...).",
            "Anyone who needs their signature certified (undertaking, proxy, statement…).",
            "Yal win yesran aseɣbel n uzmul-is.",
        ),
        "instructions": T(
            "Venez en personne : la signature se fait devant l'agent.\n"
            "Apportez le document non signé et votre pièce d'identité.\n"
            "Signez devant l'agent, qui appose le cachet sur-le-champ.",
            "احضروا شخصيا: يتم الإمضاء أمام العون.\n"
            "أحضروا الوثيقة غير ممضاة ووثيقة هويتكم.\n"
            "أمضوا أمام العون الذي يضع الختم فورا.",
            "Come in person: you sign in front of the agent.\n"
            "Bring the unsigned document and your identity document.\n"
            "Sign in front of the agent, who stamps it at once.",
            "Ddu s yiman-ik: azmul yettili zdat umsedday.\n"
            "Awi-d arra ur yettuzmel ara d tkarḍa n tmagit.\n"
            "Zmel zdat umsedday, ad yessers ttabeɛ deg wass-nni.",
        ),
        "documents": [
            doc(
                T(
                    "Pièce d'identité originale",
                    "وثيقة الهوية الأصلية",
                    "Original identity document",
                    "Takarḍa n tmagit taneṣlit",
                )
            ),
            doc(
                T(
                    "Le document à signer",
                    "الوثيقة المراد إمضاؤها",
                    "The document to sign",
                    "Arra ara tzemleḍ",
                ),
                note=T(
                    "Non signé : vous signez devant l'agent.",
                    "غير ممضاة: تمضونها أمام العون.",
                    "Unsigned: you sign in front of the agent.",
                    "Ur yettuzmel ara.",
                ),
            ),
        ],
        "fields": [
            LAST_NAME,
            FIRST_NAME,
            NIN_REQUIRED,
            field(
                "document_title",
                FieldType.TEXT,
                T("Nature du document", "نوع الوثيقة", "Kind of document"),
                help=T(
                    "Par exemple : procuration, engagement, attestation d'hébergement.",
                    "مثلا: وكالة، تعهد، شهادة إيواء.",
                    "For example: proxy, undertaking, accommodation statement.",
                ),
                max_length=200,
            ),
            COPIES,
        ],
    },
    {
        "slug": "certification-conforme-copies",
        "code": "APC-CCC",
        "order": 80,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": False,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": {},
        "legal_deadline_days": None,
        "service_target_days": 0,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Certification conforme de copies",
            "المصادقة على مطابقة النسخ للأصل",
            "Certified true copies",
        ),
        "summary": T(
            "L'agent certifie qu'une photocopie est conforme à l'original. Les administrations "
            "ne peuvent plus l'exiger pour les documents qu'elles délivrent elles-mêmes.",
            "يصادق العون على مطابقة النسخة للأصل. لا يحق للإدارات اشتراطها في الوثائق التي "
            "تصدرها بنفسها.",
            "The agent certifies that a photocopy matches the original. Administrations may no "
            "longer require it for documents they issue themselves.",
        ),
        "audience": T(
            "Toute personne à qui un organisme demande une copie certifiée conforme.",
            "كل شخص تطلب منه هيئة نسخة مصادقا على مطابقتها للأصل.",
            "Anyone asked by an organisation for a certified true copy.",
        ),
        "instructions": T(
            "Vérifiez d'abord si la copie certifiée est vraiment exigée : une administration ne "
            "peut pas vous la demander pour un document qu'elle délivre (décret exécutif "
            "14-363).\n"
            "Apportez les originaux et leurs photocopies au guichet.\n"
            "L'agent compare, certifie et vous rend le tout immédiatement.",
            "تحققوا أولا من أن النسخة المصادق عليها مطلوبة فعلا: لا يحق للإدارة طلبها لوثيقة "
            "تصدرها بنفسها (المرسوم التنفيذي 14-363).\n"
            "أحضروا الأصول ونسخها إلى الشباك.\n"
            "يقارن العون ويصادق ويعيد لكم الكل فورا.",
            "First check that a certified copy is really required: an administration may not ask "
            "you for one of a document it issues (executive decree 14-363).\n"
            "Bring the originals and their photocopies to the counter.\n"
            "The agent compares, certifies and hands everything back at once.",
        ),
        "documents": [
            doc(T("Les documents originaux", "الوثائق الأصلية", "The original documents")),
            doc(T("Leurs photocopies lisibles", "نسخها المقروءة", "Legible photocopies of them")),
        ],
        "fields": [
            field(
                "documents",
                FieldType.REPEATED_GROUP,
                T("Document à certifier", "وثيقة للمصادقة", "Document to certify"),
                max_repeats=10,
            ),
            field(
                "document_title",
                FieldType.TEXT,
                T("Nature du document", "نوع الوثيقة", "Kind of document"),
                group_key="documents",
                max_length=200,
            ),
            field(
                "document_copies",
                FieldType.NUMBER,
                T("Nombre de copies", "عدد النسخ", "Number of copies"),
                group_key="documents",
                min_value="1",
                max_value="10",
            ),
        ],
    },
    {
        "slug": "duplicata-livret-de-famille",
        "code": "EC-LF2",
        "order": 90,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.CIVIL_STATUS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": None,
        "fee_note": T(
            "Aucun montant n'est publié pour ce duplicata : le service vous dit s'il y a un droit "
            "à payer.",
            "لم ينشر أي مبلغ لهذه النسخة: تعلمكم المصلحة إن كان هناك رسم يدفع.",
            "No amount is published for this duplicate: the service tells you if a fee is due.",
        ),
        "legal_deadline_days": None,
        "service_target_days": 5,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Duplicata du livret de famille",
            "نسخة ثانية من الدفتر العائلي",
            "Duplicate family booklet",
        ),
        "summary": T(
            "Un nouveau livret de famille quand l'original est perdu ou abîmé, établi par la "
            "commune où le mariage a été enregistré.",
            "دفتر عائلي جديد عند ضياع الأصلي أو تلفه، تحرره بلدية تسجيل الزواج.",
            "A new family booklet when the original is lost or damaged, made out by the commune "
            "where the marriage was registered.",
        ),
        "audience": T(
            "L'un des époux titulaires du livret.",
            "أحد الزوجين صاحبي الدفتر.",
            "One of the spouses holding the booklet.",
        ),
        "instructions": T(
            "En cas de perte, faites d'abord une déclaration de perte au commissariat ou à la "
            "gendarmerie.\n"
            "Déposez la demande en ligne ou au service de l'état civil de la commune du "
            "mariage.\n"
            "Le service reconstitue le livret à partir des registres ; venez le retirer avec "
            "votre pièce d'identité.",
            "في حالة الضياع، صرحوا أولا بالضياع لدى مصالح الأمن أو الدرك الوطني.\n"
            "أودعوا الطلب عبر الإنترنت أو لدى مصلحة الحالة المدنية لبلدية الزواج.\n"
            "تعيد المصلحة إعداد الدفتر انطلاقا من السجلات؛ استلموه بوثيقة هويتكم.",
            "If it was lost, first report the loss to the police or the gendarmerie.\n"
            "Apply online or at the civil-status service of the commune of marriage.\n"
            "The service rebuilds the booklet from the registers; collect it with your identity "
            "document.",
        ),
        "documents": [
            ID_DOCUMENT,
            doc(
                T("Déclaration de perte", "تصريح بالضياع", "Loss report"),
                mandatory=False,
                note=T(
                    "Si le livret a été perdu.",
                    "إذا ضاع الدفتر.",
                    "If the booklet was lost.",
                ),
            ),
            doc(
                T("Le livret abîmé", "الدفتر التالف", "The damaged booklet"),
                mandatory=False,
                note=T(
                    "S'il a été abîmé.",
                    "إذا كان تالفا.",
                    "If it was damaged.",
                ),
            ),
            doc(
                T("Extrait d'acte de mariage", "مستخرج من عقد الزواج", "Marriage certificate"),
                ADMINISTRATION,
                note=T(
                    "Le service le tire de ses registres.",
                    "تستخرجه المصلحة من سجلاتها.",
                    "The service takes it from its registers.",
                ),
            ),
        ],
        "fields": [
            field(
                "husband_name",
                FieldType.TEXT,
                T("Nom et prénom de l'époux", "لقب واسم الزوج", "Husband's full name"),
                max_length=150,
            ),
            field(
                "wife_name",
                FieldType.TEXT,
                T("Nom et prénom de l'épouse", "لقب واسم الزوجة", "Wife's full name"),
                max_length=150,
            ),
            field(
                "marriage_date",
                FieldType.DATE,
                T("Date du mariage", "تاريخ الزواج", "Date of marriage"),
            ),
            field(
                "marriage_commune",
                FieldType.COMMUNE,
                T("Commune du mariage", "بلدية إبرام عقد الزواج", "Commune of marriage"),
            ),
            field(
                "reason",
                FieldType.CHOICE,
                T("Pourquoi un duplicata ?", "سبب طلب النسخة", "Why a duplicate?"),
                choices=options(
                    ("lost", "Livret perdu", "ضياع الدفتر", "Booklet lost"),
                    ("damaged", "Livret abîmé", "تلف الدفتر", "Booklet damaged"),
                ),
            ),
            field(
                "loss_report",
                FieldType.FILE,
                T("Déclaration de perte", "التصريح بالضياع", "Loss report"),
                show_if_key="reason",
                show_if_value="lost",
                allowed_kinds=["pdf", "jpeg", "png"],
                max_size_mb=5,
            ),
            PHONE,
        ],
    },
    {
        "slug": "certificat-urbanisme",
        "code": "URB-CU",
        "order": 100,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.URBAN_PLANNING,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": None,
        "fee_note": T(
            "Le service vous indique l'éventuelle taxe due, fixée par la loi de finances.",
            "تعلمكم المصلحة بالرسم المستحق إن وجد، المحدد بقانون المالية.",
            "The service tells you of any tax due, set by the finance law.",
        ),
        # Décret exécutif 15-19 gives the commune one month to answer: about 22 working days.
        # The APC's own target is 15 working days (domain.md: "≈ 15 days").
        "legal_deadline_days": 22,
        "service_target_days": 15,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Certificat d'urbanisme",
            "شهادة التعمير",
            "Urban-planning certificate",
        ),
        "summary": T(
            "Le document qui indique les règles d'urbanisme applicables à un terrain : ce qu'on "
            "peut y construire, les servitudes, les réseaux.",
            "وثيقة تبين قواعد التعمير المطبقة على قطعة أرض: ما يمكن بناؤه، الارتفاقات والشبكات.",
            "The document stating the planning rules that apply to a plot: what may be built, "
            "easements, networks.",
        ),
        "audience": T(
            "Le propriétaire d'un terrain, son mandataire, ou toute personne qui prépare un "
            "achat ou un projet de construction.",
            "مالك الأرض أو وكيله، أو كل شخص يحضر لشراء أو مشروع بناء.",
            "A landowner, their agent, or anyone preparing a purchase or a building project.",
        ),
        "instructions": T(
            "Préparez un plan de situation qui permet de localiser le terrain.\n"
            "Déposez la demande en ligne ou au service de l'urbanisme de l'APC où se trouve le "
            "terrain.\n"
            "Le service instruit la demande et vous prévient quand le certificat est prêt.",
            "حضروا مخطط الموقع الذي يسمح بتحديد مكان الأرض.\n"
            "أودعوا الطلب عبر الإنترنت أو لدى مصلحة العمران لبلدية موقع الأرض.\n"
            "تدرس المصلحة الطلب وتعلمكم عند جاهزية الشهادة.",
            "Prepare a site plan that locates the plot.\n"
            "Apply online or at the urban-planning service of the APC where the plot lies.\n"
            "The service examines the request and lets you know when the certificate is ready.",
        ),
        "documents": [
            doc(T("Plan de situation du terrain", "مخطط موقع الأرض", "Site plan of the plot")),
            doc(
                T(
                    "Titre de propriété ou mandat du propriétaire",
                    "سند الملكية أو وكالة المالك",
                    "Title deed or the owner's mandate",
                ),
                mandatory=False,
                note=T(
                    "Si vous en disposez.",
                    "إن وجد.",
                    "If you have one.",
                ),
            ),
        ],
        "fields": [
            field(
                "applicant_quality",
                FieldType.CHOICE,
                T("Vous êtes", "صفتكم", "You are"),
                choices=options(
                    ("owner", "Propriétaire", "المالك", "The owner"),
                    ("agent", "Mandataire du propriétaire", "وكيل المالك", "The owner's agent"),
                    ("buyer", "Futur acquéreur", "مشتر محتمل", "A prospective buyer"),
                ),
            ),
            field(
                "plot_commune",
                FieldType.COMMUNE,
                T("Commune du terrain", "بلدية موقع الأرض", "Commune of the plot"),
            ),
            field(
                "plot_address",
                FieldType.ADDRESS,
                T("Adresse ou lieu-dit du terrain", "عنوان الأرض أو المكان المسمى", "Plot address"),
            ),
            field(
                "cadastral_reference",
                FieldType.TEXT,
                T("Référence cadastrale", "المرجع المساحي", "Cadastral reference"),
                required=False,
                help=T(
                    "Section et îlot, si vous les connaissez.",
                    "القسم ومجموعة الملكية إن كنتم تعرفونهما.",
                    "Section and parcel, if you know them.",
                ),
                max_length=100,
            ),
            field(
                "area_m2",
                FieldType.NUMBER,
                T("Surface du terrain (m²)", "مساحة الأرض (م²)", "Plot area (m²)"),
                min_value="1",
                max_value="10000000",
            ),
            field(
                "site_plan",
                FieldType.FILE,
                T("Plan de situation", "مخطط الموقع", "Site plan"),
                allowed_kinds=["pdf", "jpeg", "png"],
                max_size_mb=10,
            ),
            PHONE,
            EMAIL,
        ],
    },
    {
        "slug": "permis-de-construire",
        "code": "URB-PC",
        "order": 110,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.URBAN_PLANNING,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": None,
        "fee_note": T(
            "Taxe sur le permis de construire, calculée selon la valeur de la construction "
            "(loi de finances), payée avant la délivrance.",
            "رسم رخصة البناء، يحسب حسب قيمة البناية (قانون المالية) ويدفع قبل التسليم.",
            "Building-permit tax, computed on the value of the construction (finance law), "
            "paid before the permit is issued.",
        ),
        # Décret exécutif 15-19: twenty days for a permit within the APC's competence (one-stop
        # counter). Counted here as working days, the platform's unit.
        "legal_deadline_days": 20,
        "service_target_days": 20,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Permis de construire",
            "رخصة البناء",
            "Building permit",
        ),
        "summary": T(
            "L'autorisation de construire, d'agrandir ou de transformer un bâtiment, instruite "
            "par le guichet unique de l'APC.",
            "رخصة تشييد بناية أو توسيعها أو تحويلها، يدرسها الشباك الوحيد للبلدية.",
            "The permission to build, extend or alter a building, examined by the APC's "
            "one-stop counter.",
        ),
        "audience": T(
            "Le propriétaire du terrain ou son mandataire, avec un architecte agréé.",
            "مالك الأرض أو وكيله، بمساعدة مهندس معماري معتمد.",
            "The landowner or their agent, with an approved architect.",
        ),
        "instructions": T(
            "Faites établir les plans par un architecte agréé et l'étude technique par un "
            "ingénieur.\n"
            "Déposez le dossier complet en ligne ou au guichet unique de l'APC.\n"
            "Le guichet unique consulte les services concernés et rend sa décision ; payez la "
            "taxe avant de retirer le permis.",
            "كلفوا مهندسا معماريا معتمدا بإعداد المخططات ومهندسا بالدراسة التقنية.\n"
            "أودعوا الملف كاملا عبر الإنترنت أو لدى الشباك الوحيد للبلدية.\n"
            "يستشير الشباك الوحيد المصالح المعنية ثم يصدر قراره؛ ادفعوا الرسم قبل سحب الرخصة.",
            "Have the plans drawn by an approved architect and the technical study made by an "
            "engineer.\n"
            "File the complete application online or at the APC's one-stop counter.\n"
            "The one-stop counter consults the services concerned and decides; pay the tax "
            "before collecting the permit.",
        ),
        "documents": [
            doc(
                T(
                    "Titre de propriété, certificat de possession ou acte administratif",
                    "سند الملكية أو شهادة الحيازة أو عقد إداري",
                    "Title deed, certificate of possession or administrative deed",
                )
            ),
            doc(T("Plan de situation", "مخطط الموقع", "Site plan")),
            doc(T("Plan de masse", "مخطط الكتلة", "Block plan")),
            doc(
                T(
                    "Dossier architectural signé par un architecte agréé",
                    "الملف المعماري ممضى من مهندس معماري معتمد",
                    "Architectural file signed by an approved architect",
                )
            ),
            doc(
                T(
                    "Dossier technique (génie civil) signé par un ingénieur",
                    "الملف التقني (الهندسة المدنية) ممضى من مهندس",
                    "Technical (structural) file signed by an engineer",
                )
            ),
        ],
        "fields": [
            field(
                "applicant_quality",
                FieldType.CHOICE,
                T("Vous êtes", "صفتكم", "You are"),
                choices=options(
                    ("owner", "Propriétaire", "المالك", "The owner"),
                    ("agent", "Mandataire du propriétaire", "وكيل المالك", "The owner's agent"),
                ),
            ),
            field(
                "plot_commune",
                FieldType.COMMUNE,
                T("Commune du terrain", "بلدية موقع الأرض", "Commune of the plot"),
            ),
            field(
                "plot_address",
                FieldType.ADDRESS,
                T("Adresse du terrain", "عنوان الأرض", "Plot address"),
            ),
            field(
                "works",
                FieldType.CHOICE,
                T("Nature des travaux", "طبيعة الأشغال", "Kind of works"),
                choices=options(
                    ("new", "Construction neuve", "بناء جديد", "New building"),
                    ("extension", "Extension", "توسيع", "Extension"),
                    ("alteration", "Transformation", "تحويل", "Alteration"),
                ),
            ),
            field(
                "use",
                FieldType.MULTIPLE_CHOICE,
                T("Usage prévu", "الاستعمال المقرر", "Intended use"),
                choices=options(
                    ("housing", "Habitation", "سكن", "Housing"),
                    ("commerce", "Commerce", "تجارة", "Shop"),
                    ("office", "Bureaux", "مكاتب", "Offices"),
                    ("other", "Autre", "أخرى", "Other"),
                ),
            ),
            field(
                "floors",
                FieldType.NUMBER,
                T("Nombre de niveaux", "عدد الطوابق", "Number of storeys"),
                min_value="1",
                max_value="60",
            ),
            field(
                "built_area_m2",
                FieldType.NUMBER,
                T("Surface de plancher (m²)", "المساحة المبنية (م²)", "Floor area (m²)"),
                min_value="1",
                max_value="1000000",
            ),
            field(
                "architect_name",
                FieldType.TEXT,
                T("Architecte agréé", "المهندس المعماري المعتمد", "Approved architect"),
                max_length=150,
            ),
            field(
                "ownership_title",
                FieldType.FILE,
                T("Titre de propriété", "سند الملكية", "Title deed"),
                allowed_kinds=["pdf"],
                max_size_mb=10,
            ),
            field(
                "architectural_file",
                FieldType.FILE,
                T("Dossier architectural", "الملف المعماري", "Architectural file"),
                allowed_kinds=["pdf"],
                max_size_mb=20,
            ),
            field(
                "technical_file",
                FieldType.FILE,
                T("Dossier technique", "الملف التقني", "Technical file"),
                allowed_kinds=["pdf"],
                max_size_mb=20,
            ),
            PHONE,
            EMAIL,
        ],
    },
    {
        "slug": "passeport-biometrique",
        "code": "DAI-PAS",
        "order": 120,
        "structure_kind": DAIRA,
        "service_type": ServiceType.ID_DOCUMENTS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 6000,
        "fee_note": T(
            "Timbre fiscal du passeport ordinaire de 28 pages. Le livret de 48 pages et la "
            "procédure accélérée ont d'autres montants, fixés par la loi de finances.",
            "طابع جبائي لجواز السفر العادي ذي 28 صفحة. لجواز 48 صفحة وللإجراء المستعجل مبالغ "
            "أخرى يحددها قانون المالية.",
            "Tax stamp for the ordinary 28-page passport. The 48-page booklet and the fast-track "
            "procedure have other amounts, set by the finance law.",
        ),
        "legal_deadline_days": None,
        "service_target_days": 15,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Passeport biométrique",
            "جواز السفر البيومتري الإلكتروني",
            "Biometric passport",
        ),
        "summary": T(
            "La demande ou le renouvellement du passeport biométrique électronique, déposé à la "
            "daïra ; compter 10 à 15 jours ouvrés.",
            "طلب أو تجديد جواز السفر البيومتري الإلكتروني لدى الدائرة؛ يستغرق من 10 إلى 15 يوم "
            "عمل.",
            "Applying for or renewing the biometric passport at the daïra; allow 10 to 15 "
            "working days.",
        ),
        "audience": T(
            "Tout citoyen algérien résidant dans la wilaya ; pour un mineur, son représentant "
            "légal.",
            "كل مواطن جزائري مقيم في الولاية؛ وبالنسبة للقاصر ممثله القانوني.",
            "Any Algerian citizen living in the wilaya; for a minor, their legal guardian.",
        ),
        "instructions": T(
            "Remplissez la demande en ligne ou au guichet de la daïra.\n"
            "Achetez le timbre fiscal et réunissez les pièces à apporter.\n"
            "Présentez-vous en personne pour la prise d'empreintes, de la photo et de la "
            "signature numérisées.\n"
            "Vous êtes prévenu par SMS quand le passeport est prêt ; retirez-le en personne.",
            "املؤوا الطلب عبر الإنترنت أو لدى شباك الدائرة.\n"
            "اقتنوا الطابع الجبائي واجمعوا الوثائق المطلوبة.\n"
            "احضروا شخصيا لأخذ البصمات والصورة والإمضاء الرقمي.\n"
            "تعلمون برسالة قصيرة عند جاهزية الجواز؛ تسحبونه شخصيا.",
            "Fill in the application online or at the daïra counter.\n"
            "Buy the tax stamp and gather the documents to bring.\n"
            "Come in person for your fingerprints, photo and signature to be taken digitally.\n"
            "You are told by text message when the passport is ready; collect it in person.",
        ),
        "documents": [
            doc(
                T(
                    "Quatre photos d'identité en couleur",
                    "أربع صور شمسية ملونة",
                    "Four colour identity photos",
                ),
                note=T(
                    "Récentes, identiques, sur fond blanc uni.",
                    "حديثة ومتطابقة، بخلفية بيضاء موحدة.",
                    "Recent, identical, on a plain white background.",
                ),
            ),
            doc(T("Timbre fiscal", "طابع جبائي", "Tax stamp")),
            doc(
                T(
                    "Copie de la carte de groupe sanguin",
                    "نسخة من بطاقة فصيلة الدم",
                    "Copy of the blood-group card",
                )
            ),
            doc(
                T(
                    "Attestation de travail ou certificat de scolarité",
                    "شهادة عمل أو شهادة مدرسية",
                    "Work certificate or school certificate",
                ),
                mandatory=False,
                note=T(
                    "Selon votre situation.",
                    "حسب وضعيتكم.",
                    "Depending on your situation.",
                ),
            ),
            doc(
                T(
                    "Certificat de nationalité algérienne",
                    "شهادة الجنسية الجزائرية",
                    "Algerian nationality certificate",
                ),
                mandatory=False,
                note=T(
                    "Pour une première demande.",
                    "للطلب الأول.",
                    "For a first application.",
                ),
            ),
            doc(
                T(
                    "Extrait de naissance spécial 12S",
                    "مستخرج عقد الميلاد الخاص رقم 12 خ",
                    "Special birth extract 12S",
                ),
                ADMINISTRATION,
            ),
            doc(
                T("Certificat de résidence", "شهادة الإقامة", "Residence certificate"),
                ADMINISTRATION,
                note=T(
                    "Le service l'obtient de votre APC.",
                    "تتحصل عليها المصلحة من بلديتكم.",
                    "The service obtains it from your APC.",
                ),
            ),
            doc(
                T(
                    "Fiche familiale d'état civil",
                    "البطاقة العائلية للحالة المدنية",
                    "Family record sheet",
                ),
                ADMINISTRATION,
                mandatory=False,
                note=T(
                    "Pour les personnes mariées.",
                    "بالنسبة للمتزوجين.",
                    "For married people.",
                ),
            ),
        ],
        "fields": [
            field(
                "request_type",
                FieldType.CHOICE,
                T("Type de demande", "نوع الطلب", "Kind of application"),
                choices=options(
                    ("first", "Première demande", "طلب أول", "First application"),
                    ("renewal", "Renouvellement", "تجديد", "Renewal"),
                    ("loss", "Après perte ou vol", "بعد الضياع أو السرقة", "After loss or theft"),
                ),
            ),
            field(
                "pages",
                FieldType.CHOICE,
                T("Nombre de pages", "عدد الصفحات", "Number of pages"),
                choices=options(
                    ("28", "28 pages", "28 صفحة", "28 pages"),
                    ("48", "48 pages", "48 صفحة", "48 pages"),
                ),
            ),
            NIN_REQUIRED,
            LAST_NAME,
            FIRST_NAME,
            BIRTH_DATE,
            BIRTH_COMMUNE,
            field(
                "married",
                FieldType.YES_NO,
                T("Êtes-vous marié(e) ?", "هل أنتم متزوجون؟", "Are you married?"),
            ),
            field(
                "minor",
                FieldType.YES_NO,
                T(
                    "La demande concerne-t-elle un mineur ?",
                    "هل يخص الطلب قاصرا؟",
                    "Is the application for a minor?",
                ),
            ),
            field(
                "guardian_name",
                FieldType.TEXT,
                T(
                    "Nom et prénom du représentant légal",
                    "لقب واسم الممثل القانوني",
                    "Legal guardian's full name",
                ),
                show_if_key="minor",
                show_if_value="yes",
                max_length=150,
            ),
            PHONE,
            EMAIL,
        ],
    },
    {
        "slug": "carte-identite-biometrique",
        "code": "APC-CNI",
        "order": 130,
        "structure_kind": COMMUNE,
        "service_type": ServiceType.ID_DOCUMENTS,
        "available_online": True,
        "available_at_counter": True,
        "fee_da": 0,
        "fee_note": T(
            "Le renouvellement après perte, vol ou détérioration coûte 1 000 DA (loi de finances "
            "pour 2017).",
            "التجديد بعد الضياع أو السرقة أو التلف مقابل 1000 دج (قانون المالية لسنة 2017).",
            "Renewal after loss, theft or damage costs 1,000 DA (2017 finance law).",
        ),
        "legal_deadline_days": None,
        "service_target_days": None,
        "instant_processing": False,
        "instant_rules": {},
        "name": T(
            "Carte nationale d'identité biométrique",
            "بطاقة التعريف الوطنية البيومترية الإلكترونية",
            "Biometric national identity card",
        ),
        "summary": T(
            "La demande ou le renouvellement de la carte d'identité biométrique électronique, "
            "dans n'importe quelle commune ou daïra de votre wilaya de résidence.",
            "طلب أو تجديد بطاقة التعريف الوطنية البيومترية الإلكترونية في أي بلدية أو دائرة من "
            "ولاية إقامتكم.",
            "Applying for or renewing the biometric electronic ID card, in any commune or daïra "
            "of the wilaya where you live.",
        ),
        "audience": T(
            "Tout citoyen algérien ; pour un mineur, son représentant légal.",
            "كل مواطن جزائري؛ وبالنسبة للقاصر ممثله القانوني.",
            "Any Algerian citizen; for a minor, their legal guardian.",
        ),
        "instructions": T(
            "Remplissez la demande en ligne ou au guichet.\n"
            "Présentez-vous en personne pour la prise d'empreintes, sauf si votre passeport "
            "biométrique les contient déjà.\n"
            "Vous êtes prévenu par SMS quand la carte est prête ; retirez-la en personne.",
            "املؤوا الطلب عبر الإنترنت أو لدى الشباك.\n"
            "احضروا شخصيا لأخذ البصمات، إلا إذا كان جواز سفركم البيومتري يتضمنها.\n"
            "تعلمون برسالة قصيرة عند جاهزية البطاقة؛ تسحبونها شخصيا.",
            "Fill in the application online or at the counter.\n"
            "Come in person for your fingerprints, unless your biometric passport already holds "
            "them.\n"
            "You are told by text message when the card is ready; collect it in person.",
        ),
        "documents": [
            doc(
                T(
                    "Quatre photos d'identité en couleur",
                    "أربع صور شمسية ملونة",
                    "Four colour identity photos",
                ),
                note=T(
                    "Récentes, identiques, sur fond blanc uni.",
                    "حديثة ومتطابقة، بخلفية بيضاء موحدة.",
                    "Recent, identical, on a plain white background.",
                ),
            ),
            doc(
                T(
                    "Copie de la carte de groupe sanguin",
                    "نسخة من بطاقة فصيلة الدم",
                    "Copy of the blood-group card",
                )
            ),
            doc(
                T(
                    "Certificat de nationalité algérienne",
                    "شهادة الجنسية الجزائرية",
                    "Algerian nationality certificate",
                ),
                mandatory=False,
                note=T("Pour une première demande.", "للطلب الأول.", "For a first application."),
            ),
            doc(
                T(
                    "L'ancienne carte d'identité",
                    "بطاقة التعريف القديمة",
                    "The old identity card",
                ),
                mandatory=False,
                note=T("Pour un renouvellement.", "في حالة التجديد.", "For a renewal."),
            ),
            doc(
                T(
                    "Extrait de naissance spécial 12S",
                    "مستخرج عقد الميلاد الخاص رقم 12 خ",
                    "Special birth extract 12S",
                ),
                ADMINISTRATION,
            ),
            doc(
                T("Certificat de résidence", "شهادة الإقامة", "Residence certificate"),
                ADMINISTRATION,
            ),
        ],
        "fields": [
            field(
                "request_type",
                FieldType.CHOICE,
                T("Type de demande", "نوع الطلب", "Kind of application"),
                choices=options(
                    ("first", "Première demande", "طلب أول", "First application"),
                    ("renewal", "Renouvellement", "تجديد", "Renewal"),
                    (
                        "loss",
                        "Après perte, vol ou détérioration",
                        "بعد الضياع أو السرقة أو التلف",
                        "After loss, theft or damage",
                    ),
                ),
            ),
            NIN_OPTIONAL,
            LAST_NAME,
            FIRST_NAME,
            BIRTH_DATE,
            BIRTH_COMMUNE,
            field(
                "blood_group",
                FieldType.CHOICE,
                T("Groupe sanguin", "فصيلة الدم", "Blood group"),
                choices=options(
                    *(
                        (group, group, group, group)
                        for group in ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-")
                    )
                ),
            ),
            field(
                "has_biometric_passport",
                FieldType.YES_NO,
                T(
                    "Avez-vous un passeport biométrique valide ?",
                    "هل لديكم جواز سفر بيومتري ساري المفعول؟",
                    "Do you hold a valid biometric passport?",
                ),
            ),
            field(
                "address",
                FieldType.ADDRESS,
                T("Adresse actuelle", "العنوان الحالي", "Current address"),
            ),
            PHONE,
        ],
    },
]

MULTILINGUAL = ("name", "summary", "audience", "instructions", "fee_note")
PLAIN = (
    "code",
    "order",
    "structure_kind",
    "service_type",
    "available_online",
    "available_at_counter",
    "fee_da",
    "legal_deadline_days",
    "service_target_days",
    "instant_processing",
    "instant_rules",
)


def _definition_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What publishing these items would freeze (to compare with the published version)."""
    probe = FormVersion()
    return [
        FormField.from_definition(item, version=probe, order=i).to_definition()
        for i, item in enumerate(items)
    ]


def _seed_procedure(spec: dict[str, Any]) -> Procedure:
    defaults: dict[str, Any] = {name: spec[name] for name in PLAIN}
    for stem in MULTILINGUAL:
        for lang in ("fr", "ar", "en", "kab"):
            defaults[f"{stem}_{lang}"] = spec[stem].get(lang, "")
    defaults["is_published"] = True
    procedure, _created = Procedure.objects.update_or_create(slug=spec["slug"], defaults=defaults)
    procedure.full_clean()

    procedure.documents.all().delete()
    documents = []
    for order, item in enumerate(spec["documents"], start=1):
        document = RequiredDocument(
            procedure=procedure,
            order=order * 10,
            provided_by=item["provided_by"],
            mandatory=item["mandatory"],
            **{f"name_{lang}": item["name"].get(lang, "") for lang in ("fr", "ar", "en", "kab")},
            **{f"note_{lang}": item["note"].get(lang, "") for lang in ("fr", "ar", "en", "kab")},
        )
        document.full_clean()  # the once-only check: never ask what the administration issues
        documents.append(document)
    RequiredDocument.objects.bulk_create(documents)

    current = FormVersion.objects.filter(procedure=procedure, status=FormStatus.PUBLISHED).first()
    if current is None or current.definition != _definition_of(spec["fields"]):
        draft = services.create_draft(procedure=procedure, fields=spec["fields"])
        services.publish_form_version(version=draft)
    return procedure


@transaction.atomic
def seed() -> None:
    """Create or update the demo procedures, their documents and published forms."""
    for spec in PROCEDURES:
        _seed_procedure(spec)
