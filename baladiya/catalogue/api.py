"""The public catalogue in the JSON API: procedures, their documents and their current form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from baladiya.catalogue.models import Procedure
from baladiya.catalogue.selectors import (
    current_form_version,
    procedure_by_slug,
    published_procedures,
)

router = Router()


class ProcedureOut(Schema):
    slug: str
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    name_kab: str
    summary_fr: str
    summary_ar: str
    summary_en: str
    structure_kind: str
    service_type: str
    available_online: bool
    available_at_counter: bool
    fee_da: int | None
    legal_deadline_days: int | None
    service_target_days: int | None
    instant_processing: bool


class DocumentOut(Schema):
    name_fr: str
    name_ar: str
    name_en: str
    provided_by: str
    mandatory: bool


class ProcedureDetailOut(ProcedureOut):
    instructions_fr: str
    instructions_ar: str
    instructions_en: str
    documents: list[DocumentOut]
    form_version: int | None
    form: list[dict[str, Any]]

    @staticmethod
    def resolve_documents(obj: Procedure) -> list:
        return list(obj.documents.all())

    @staticmethod
    def resolve_form_version(obj: Procedure) -> int | None:
        version = current_form_version(obj)
        return version.number if version else None

    @staticmethod
    def resolve_form(obj: Procedure) -> list[dict[str, Any]]:
        version = current_form_version(obj)
        return list(version.definition) if version else []


@router.get("/procedures", response=list[ProcedureOut], summary="Published procedures")
def list_procedures(request: HttpRequest, q: str = "") -> Any:
    return list(published_procedures(search=q[:100]))


@router.get(
    "/procedures/{slug}",
    response=ProcedureDetailOut,
    summary="One procedure: documents (brought by the citizen or obtained by the service), form",
)
def get_procedure(request: HttpRequest, slug: str) -> Any:
    return procedure_by_slug(slug)
