"""The demo catalogue: real procedures, complete in three languages, each with a published form."""

from __future__ import annotations

import pytest

from baladiya.catalogue import demo
from baladiya.catalogue.models import (
    FormField,
    FormStatus,
    FormVersion,
    Procedure,
    ProvidedBy,
    RequiredDocument,
    issued_by_administration,
)
from baladiya.catalogue.services import check_form_fields

pytestmark = pytest.mark.django_db


def test_the_demo_has_at_least_twelve_published_procedures_in_three_languages(catalogue):
    procedures = list(Procedure.objects.filter(is_published=True))
    assert len(procedures) >= 12
    for procedure in procedures:
        for stem in ("name", "summary", "instructions", "audience"):
            for lang in ("fr", "ar", "en"):
                assert getattr(procedure, f"{stem}_{lang}").strip(), (procedure.slug, stem, lang)


def test_every_demo_procedure_has_exactly_one_published_form_with_questions(catalogue):
    for procedure in Procedure.objects.all():
        versions = FormVersion.objects.filter(procedure=procedure, status=FormStatus.PUBLISHED)
        assert versions.count() == 1, procedure.slug
        definition = versions.get().definition
        assert any(item["type"] not in {"section", "repeated_group"} for item in definition)
        # The published fields still pass every publication check.
        fields = [
            FormField.from_definition(i, version=versions.get(), order=n)
            for n, i in enumerate(definition)
        ]
        assert check_form_fields(fields) == [], procedure.slug


def test_the_four_most_requested_procedures_are_written_in_kabyle(catalogue):
    for slug in (
        "extrait-acte-naissance",
        "certificat-de-residence",
        "legalisation-de-signature",
        "fiche-familiale-etat-civil",
    ):
        procedure = Procedure.objects.get(slug=slug)
        for stem in ("name", "summary", "instructions", "audience"):
            assert getattr(procedure, f"{stem}_kab").strip(), (slug, stem)


def test_the_birth_extract_is_processed_instantly_from_the_civil_status_register(catalogue):
    procedure = Procedure.objects.get(code="EC-12")
    assert procedure.instant_processing
    assert procedure.instant_rules == {"registry": "civil_status", "record": "birth"}
    assert procedure.fee_da == 0


def test_fees_follow_public_texts(catalogue):
    free = ["EC-12", "EC-12S", "EC-FF", "EC-MAR", "EC-DEC", "APC-RES", "APC-LEG", "APC-CCC"]
    assert set(Procedure.objects.filter(code__in=free).values_list("fee_da", flat=True)) == {0}
    passport = Procedure.objects.get(code="DAI-PAS")
    assert passport.fee_da == 6000
    assert "timbre fiscal" in passport.fee_note_fr.lower()
    assert passport.structure_kind == "daira" and passport.service_type == "id_documents"


def test_planning_deadlines(catalogue):
    certificate = Procedure.objects.get(code="URB-CU")
    assert (certificate.service_target_days, certificate.legal_deadline_days) == (15, 22)
    permit = Procedure.objects.get(code="URB-PC")
    assert permit.legal_deadline_days == 20


def test_the_citizen_is_never_asked_for_what_the_administration_issues(catalogue):
    for document in RequiredDocument.objects.filter(provided_by=ProvidedBy.CITIZEN):
        names = (document.name_fr, document.name_ar, document.name_en)
        assert not issued_by_administration(*names), names
    # …and those documents are listed as obtained by the service itself.
    passport_obtained = set(
        RequiredDocument.objects.filter(
            procedure__code="DAI-PAS", provided_by=ProvidedBy.ADMINISTRATION
        ).values_list("name_fr", flat=True)
    )
    assert "Certificat de résidence" in passport_obtained


def test_seeding_twice_changes_nothing(catalogue):
    counts = (
        Procedure.objects.count(),
        FormVersion.objects.count(),
        RequiredDocument.objects.count(),
    )
    demo.seed()
    assert counts == (
        Procedure.objects.count(),
        FormVersion.objects.count(),
        RequiredDocument.objects.count(),
    )


def test_seeding_after_a_form_change_publishes_a_new_version_and_retires_the_old(
    catalogue, monkeypatch
):
    spec = next(p for p in demo.PROCEDURES if p["code"] == "EC-DEC")
    changed = {**spec, "fields": [*spec["fields"], demo.EMAIL]}
    monkeypatch.setattr(demo, "PROCEDURES", [changed])
    demo.seed()
    versions = FormVersion.objects.filter(procedure__code="EC-DEC").order_by("number")
    assert [v.status for v in versions] == [FormStatus.RETIRED, FormStatus.PUBLISHED]
    assert versions.last().definition[-1]["key"] == "email"
