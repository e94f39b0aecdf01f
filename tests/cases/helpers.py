"""Build cases the way the platform does: through the services, never by setting fields."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from baladiya.cases import services
from baladiya.catalogue.models import FieldType
from baladiya.catalogue.selectors import current_form_version
from baladiya.organisation.models import ServiceType, StructureKind
from baladiya.territory.models import Commune
from tests.catalogue.factories import ProcedureFactory, item, published


def simple_procedure(
    *,
    slug: str = "attestation-test",
    structure_kind: str = StructureKind.COMMUNE,
    service_type: str = ServiceType.CIVIL_STATUS,
    legal_deadline_days: int | None = 10,
    with_file: bool = False,
):
    """A published procedure with a name question (and optionally a document)."""
    procedure = ProcedureFactory(
        slug=slug,
        structure_kind=structure_kind,
        service_type=service_type,
        available_online=True,
        legal_deadline_days=legal_deadline_days,
    )
    if current_form_version(procedure) is None:
        items = [item("full_name", FieldType.TEXT)]
        if with_file:
            items.append(item("proof", FieldType.FILE, required=False))
        published(*items, procedure=procedure)
    return procedure


def png_upload(name: str = "proof.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_case(
    procedure, *, ons_code: str, applicant=None, phone: str = "+213661234567", submit=True
):
    commune = Commune.objects.get(ons_code=ons_code)
    case = services.create_draft(
        procedure=procedure,
        form_version=current_form_version(procedure),
        commune_id=commune.pk,
        applicant=applicant,
        applicant_name="Amina Khelifi",
        applicant_phone=phone,
        language="ar",
    )
    if submit:
        case, _code = services.submit(
            case=case, actor=applicant, answers={"full_name": "Amina Khelifi"}
        )
    return case
