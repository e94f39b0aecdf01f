"""PDF documents: the receipt (récépissé) and issued attestations, with QR codes.

Rendered from HTML templates by WeasyPrint, whose Pango shaping joins Arabic letters correctly,
in the citizen's language. An issued document carries a QR code to a public verification page
that confirms it is genuine (reference, date, issuing structure — nothing more).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from typing import Any

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from baladiya.cases.models import Case, CaseDocument
from baladiya.cases.trail import append_event


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image file, no network)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=3, border=2, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode()


def _pdf(template: str | list[str], context: dict[str, Any], language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            template,
            {
                **context,
                "LANGUAGE_CODE": language,
                "LANGUAGE_DIR": "rtl" if translation.get_language_bidi() else "ltr",
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _document_language(case: Case) -> str:
    # Kabyle documents are not official: the administration issues them in Arabic or French.
    return case.language if case.language in {"ar", "fr", "en"} else "fr"


def receipt_pdf(case: Case, *, status_link: str) -> bytes:
    """The receipt: reference, procedure, documents given, expected date, QR to the status."""
    documents = list(
        case.documents.filter(kind=CaseDocument.Kind.SUPPORTING).order_by("created_at")
    )
    return _pdf(
        "cases/pdf/receipt.html",
        {
            "case": case,
            "documents": documents,
            "qr": qr_svg(status_link),
            "status_link": status_link,
        },
        _document_language(case),
    )


def verification_url(code: str) -> str:
    base = getattr(settings, "BALADIYA_PUBLIC_URL", "").rstrip("/") or "http://127.0.0.1:8000"
    return base + reverse("cases:verify", kwargs={"code": code})


@transaction.atomic
def issue_attestation(*, case: Case, actor: Any, record: dict | None = None) -> CaseDocument:
    """Issue the procedure's document for an accepted case and record it on the trail."""
    from django.core.exceptions import ValidationError

    from baladiya.cases.workflow import Status

    case = (
        # of=("self",): the procedure is a nullable join (concerns have none); lock the case only.
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "handling_structure", "commune")
        .get(pk=case.pk)
    )
    if case.status not in {Status.ACCEPTED, Status.CLOSED}:
        raise ValidationError("A document is issued only for an accepted case.")
    existing = case.documents.filter(kind=CaseDocument.Kind.ISSUED).first()
    if existing is not None:
        return existing
    code = secrets.token_urlsafe(12)
    issued_at = timezone.now()
    language = _document_language(case)
    pdf = _pdf(
        # A procedure may have its own layout (cases/pdf/attestation_<slug>.html).
        [f"cases/pdf/attestation_{case.procedure.slug}.html", "cases/pdf/attestation.html"],
        {
            "case": case,
            "record": record or {},
            "answers": case.answers,
            "issued_at": issued_at,
            "qr": qr_svg(verification_url(code)),
            "verification_url": verification_url(code),
        },
        language,
    )
    document = CaseDocument(
        case=case,
        kind=CaseDocument.Kind.ISSUED,
        label=case.procedure.name_fr[:200],
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        verification_code=code,
    )
    document.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(pdf), save=False)
    document.save()
    append_event(
        case,
        "document_issued",
        actor=actor,
        actor_label="" if actor is not None else "Baladiya",
        payload={"document": document.pk, "sha256": document.sha256},
    )
    return document
