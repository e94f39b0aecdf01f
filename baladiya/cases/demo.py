"""Demo cases for the pilot communes, made through the services like real ones.

Idempotent: when the demo citizen already has cases, nothing is added.
"""

from __future__ import annotations

from baladiya.cases import services
from baladiya.cases.models import Case
from baladiya.catalogue.models import Procedure
from baladiya.catalogue.selectors import current_form_version
from baladiya.organisation.models import Structure, StructureKind, User
from baladiya.territory.models import Commune

# (commune ONS code, procedure slug, answers, how far the agent takes it)
DEMO_CASES = [
    ("0301", "certificat-de-residence", "submitted"),
    ("0301", "fiche-familiale-etat-civil", "in_review"),
    ("0301", "duplicata-livret-de-famille", "waiting_citizen"),
    ("3501", "certificat-de-residence", "received"),
    ("0920", "fiche-familiale-etat-civil", "submitted"),
    ("4431", "certificat-de-residence", "transferred"),
]


def _answers(procedure: Procedure, commune: Commune) -> dict:
    """Plausible answers for the demo: each required question gets a value of its type."""
    commune_answer = {"id": commune.pk, "name_fr": commune.name_fr, "name_ar": commune.name_ar}
    values = {
        "text": "Khelifi",
        "long_text": "Demande de démonstration.",
        "address": "12 rue des Martyrs",
        "number": 1,
        "date": "2016-06-18",
        "yes_no": True,
        "phone": "+213661234567",
        "email": "amina@example.dz",
        "nin": "109900301000123456",
        "commune": commune_answer,
    }
    answers: dict = {}
    definition = current_form_version(procedure).definition  # type: ignore[union-attr]
    for field in definition:
        if field.get("group_key") or field["type"] in {"section", "repeated_group", "file"}:
            continue
        kind = field["type"]
        if kind in values:
            answers[field["key"]] = values[kind]
        elif kind in {"choice", "multiple_choice"} and field.get("choices"):
            first = field["choices"][0]["value"]
            answers[field["key"]] = [first] if kind == "multiple_choice" else first
    return answers


def seed() -> int:
    citizen = User.objects.get(username="citizen")
    if Case.objects.filter(applicant=citizen).exists():
        return 0
    created = 0
    for ons_code, slug, stage in DEMO_CASES:
        procedure = Procedure.objects.get(slug=slug)
        commune = Commune.objects.get(ons_code=ons_code)
        case = services.create_draft(
            procedure=procedure,
            form_version=current_form_version(procedure),
            commune_id=commune.pk,
            applicant=citizen,
            applicant_name=citizen.get_full_name(),
            applicant_phone=citizen.phone,
            applicant_email=citizen.email,
            language="ar",
        )
        case, _ = services.submit(case=case, actor=citizen, answers=_answers(procedure, commune))
        created += 1
        agent = User.objects.filter(
            memberships__structure=case.handling_structure, memberships__role="agent"
        ).first()
        if agent is None or stage == "submitted":
            continue
        case = services.fire(case=case, name="receive", actor=agent)
        if stage == "transferred":
            daira = Structure.objects.get(
                kind=StructureKind.DAIRA, commune=None, daira_id=commune.daira_id
            )
            services.transfer(
                case=case, actor=agent, to_structure=daira, reason="Vérification par la daïra."
            )
            continue
        if stage in {"in_review", "waiting_citizen"}:
            case = services.fire(case=case, name="start_review", actor=agent)
        if stage == "waiting_citizen":
            services.fire(
                case=case,
                name="request_correction",
                actor=agent,
                reason="Merci de joindre la déclaration de perte du livret de famille.",
            )
    return created
