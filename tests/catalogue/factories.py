"""Factories of the catalogue: procedures, documents, draft form versions and their fields."""

from __future__ import annotations

from typing import Any

import factory

from baladiya.catalogue import services
from baladiya.catalogue.models import (
    FieldType,
    FormField,
    FormVersion,
    Procedure,
    ProvidedBy,
    RequiredDocument,
)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"procedure-{n}")
    code = factory.Sequence(lambda n: f"T-{n}")
    order = factory.Sequence(lambda n: n)
    is_published = True
    name_fr = factory.Sequence(lambda n: f"Démarche d'essai {n}")
    name_ar = factory.Sequence(lambda n: f"إجراء تجريبي {n}")
    name_en = factory.Sequence(lambda n: f"Test procedure {n}")
    summary_fr = "Un résumé en français."
    summary_ar = "ملخص بالعربية."
    summary_en = "A summary in English."
    instructions_fr = "Première étape.\nDeuxième étape."
    instructions_ar = "الخطوة الأولى.\nالخطوة الثانية."
    instructions_en = "First step.\nSecond step."
    audience_fr = "Tout le monde."
    audience_ar = "الجميع."
    audience_en = "Everyone."


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name_fr = "Pièce d'identité"
    name_ar = "وثيقة الهوية"
    name_en = "Identity document"
    provided_by = ProvidedBy.CITIZEN


class FormVersionFactory(factory.django.DjangoModelFactory):
    """A draft (publish it with the service)."""

    class Meta:
        model = FormVersion

    procedure = factory.SubFactory(ProcedureFactory)


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    version = factory.SubFactory(FormVersionFactory)
    order = factory.Sequence(lambda n: n)
    key = factory.Sequence(lambda n: f"field_{n}")
    field_type = FieldType.TEXT
    label_fr = factory.LazyAttribute(lambda f: f"Question {f.key}")
    label_ar = factory.LazyAttribute(lambda f: f"سؤال {f.key}")
    label_en = factory.LazyAttribute(lambda f: f"Question {f.key}")


def item(key: str, field_type: str = FieldType.TEXT, **extra: Any) -> dict[str, Any]:
    """A definition item with labels in every language (Kabyle included)."""
    return {
        "key": key,
        "type": field_type,
        "label": {
            "fr": extra.pop("label_fr", f"Q {key} fr"),
            "ar": f"س {key}",
            "en": f"Q {key} en",
            "kab": f"Q {key} kab",
        },
        "required": extra.pop("required", True),
        **extra,
    }


def published(*items: dict[str, Any], procedure: Procedure | None = None) -> FormVersion:
    """A published form version with these fields."""
    draft = services.create_draft(procedure=procedure or ProcedureFactory(), fields=list(items))
    return services.publish_form_version(version=draft)
