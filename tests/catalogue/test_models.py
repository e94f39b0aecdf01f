"""Rules kept by the catalogue's models themselves."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baladiya.catalogue.models import ProvidedBy
from baladiya.catalogue.text import normalise
from tests.catalogue.factories import ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name_fr",
    [
        "Extrait d'acte de naissance",
        "Copie de l'acte de naissance du père",
        "Fiche familiale d'état civil",
        "Certificat de résidence de moins de 6 mois",
        "Extrait de naissance spécial 12S",
        "Acte de mariage",
        "Acte de décès du conjoint",
    ],
)
def test_a_document_the_administration_issues_cannot_be_asked_of_the_citizen(name_fr, english):
    document = RequiredDocumentFactory.build(
        procedure=ProcedureFactory(), name_fr=name_fr, name_ar="وثيقة", name_en="Document"
    )
    with pytest.raises(ValidationError) as excinfo:
        document.full_clean()
    assert "provided_by" in excinfo.value.message_dict
    assert "The service obtains it itself" in excinfo.value.message_dict["provided_by"][0]
    document.provided_by = ProvidedBy.ADMINISTRATION
    document.full_clean()


@pytest.mark.parametrize("name_ar", ["شهادة الميلاد", "عقد الزواج", "شَهادة الإقامة"])
def test_the_once_only_check_reads_arabic_names_too(name_ar):
    document = RequiredDocumentFactory.build(
        procedure=ProcedureFactory(), name_fr="Document", name_ar=name_ar, name_en="Document"
    )
    with pytest.raises(ValidationError):
        document.full_clean()


def test_documents_the_citizen_holds_are_fine():
    for name in ("Livret de famille", "Pièce d'identité", "Plan de situation", "Timbre fiscal"):
        RequiredDocumentFactory.build(procedure=ProcedureFactory(), name_fr=name).full_clean()


def test_instant_rules_are_a_json_object():
    procedure = ProcedureFactory.build(instant_processing=True, instant_rules=["civil_status"])
    with pytest.raises(ValidationError) as excinfo:
        procedure.full_clean()
    assert "instant_rules" in excinfo.value.message_dict
    procedure.instant_rules = {}
    with pytest.raises(ValidationError):
        procedure.full_clean()  # instant processing needs its rules
    procedure.instant_rules = {"registry": "civil_status", "record": "birth"}
    procedure.full_clean()


def test_a_procedure_has_at_least_one_channel():
    procedure = ProcedureFactory.build(available_online=False, available_at_counter=False)
    with pytest.raises(ValidationError):
        procedure.full_clean()


def test_texts_follow_the_reader_language_with_french_fallback():
    procedure = ProcedureFactory(name_kab="", summary_kab="Agzul s teqbaylit.")
    with translation.override("ar"):
        assert procedure.name.lang == "ar" and not procedure.name.is_fallback
    with translation.override("kab"):
        assert str(procedure.summary) == "Agzul s teqbaylit."
        assert procedure.name.lang == "fr" and procedure.name.is_fallback
        assert procedure.name.dir == "ltr"
    with translation.override("en"):
        assert str(procedure.name).startswith("Test procedure")
    procedure.name_en = ""
    with translation.override("en"):
        assert procedure.name.lang == "fr"


def test_search_text_is_kept_folded_on_save():
    procedure = ProcedureFactory(name_fr="Extrait d'Acte de Naissance", name_ar="شَهادةُ المِيلاد")
    assert "extrait d acte de naissance" in procedure.search_text
    assert "شهاده الميلاد" in procedure.search_text
    procedure.name_en = "Birth Certificate"
    procedure.save(update_fields=["name_en"])
    procedure.refresh_from_db()
    assert "birth certificate" in procedure.search_text


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Extrait de Naissance", "extrait de naissance"),
        ("ÉTAT CIVIL", "etat civil"),
        ("Œuvre", "oeuvre"),
        ("شَهَادَةُ المِيـــلاد", "شهاده الميلاد"),
        ("إقامة أمّ آمنة ٱلبلدية", "اقامه ام امنه البلديه"),
        ("رقم ١٢", "رقم 12"),
    ],
)
def test_normalise(raw, folded):
    assert normalise(raw) == folded
