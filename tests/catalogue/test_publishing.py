"""Editors build a form as a draft and publish it; a published version never changes again,
because cases keep pointing at the version they were submitted with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from baladiya.catalogue import services
from baladiya.catalogue.models import FieldType, FormField, FormStatus, FormVersion
from tests.catalogue.factories import (
    FormFieldFactory,
    FormVersionFactory,
    ProcedureFactory,
    item,
    published,
)

pytestmark = pytest.mark.django_db


# --- publishing ------------------------------------------------------------------------------


def test_publishing_freezes_the_fields_into_the_definition():
    draft = FormVersionFactory()
    FormFieldFactory(version=draft, key="surname", order=2)
    FormFieldFactory(version=draft, key="for_self", field_type=FieldType.YES_NO, order=1)
    version = services.publish_form_version(version=draft)
    version.refresh_from_db()
    assert version.status == FormStatus.PUBLISHED
    assert version.published_at is not None
    assert [f["key"] for f in version.definition] == ["for_self", "surname"]
    assert version.definition[0]["label"]["ar"] == "سؤال for_self"


def test_publishing_a_new_version_retires_the_previous_one():
    procedure = ProcedureFactory()
    first = published(item("name"), procedure=procedure)
    draft = services.new_draft_from(version=first)
    assert draft.number == 2 and draft.status == FormStatus.DRAFT
    assert list(draft.fields.values_list("key", flat=True)) == ["name"]
    FormFieldFactory(version=draft, key="phone", field_type=FieldType.PHONE, order=99)
    second = services.publish_form_version(version=draft)
    first.refresh_from_db()
    assert first.status == FormStatus.RETIRED and first.retired_at is not None
    assert second.status == FormStatus.PUBLISHED
    # Retiring did not touch what citizens answered with the first version.
    assert [f["key"] for f in first.definition] == ["name"]
    assert FormVersion.objects.filter(procedure=procedure, status="published").count() == 1
    assert services.new_draft_from(version=second).number == 3


def test_only_a_draft_can_be_published(english):
    version = published(item("name"))
    with pytest.raises(ValidationError, match="Only a draft"):
        services.publish_form_version(version=version)


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        (
            [item("b", show_if_key="a", show_if_value="yes"), item("a", FieldType.YES_NO)],
            "not an earlier question",
        ),
        (
            [item("a", FieldType.YES_NO), item("b", show_if_key="a", show_if_value="maybe")],
            "yes/no",
        ),
        ([item("a", FieldType.CHOICE)], "at least one option"),
        (
            [
                item(
                    "a",
                    FieldType.CHOICE,
                    choices=[{"value": "x", "label_fr": "X", "label_ar": "س"}],
                ),
                item("b", show_if_key="a", show_if_value="z"),
            ],
            "not one of the options",
        ),
        ([item("child", group_key="children")], "not an earlier section or repeated group"),
        (
            [
                item("s", FieldType.SECTION),
                item("a", FieldType.NUMBER, min_value="5", max_value="1"),
            ],
            "below the minimum",
        ),
        ([item("a", regex="[unclosed")], "not valid"),
        (
            [
                item("g", FieldType.REPEATED_GROUP),
                item("a", group_key="g"),
                item("b", show_if_key="a", show_if_value="x"),
            ],
            "inside a repeated group",
        ),
        ([item("s", FieldType.SECTION)], "no question"),
        (
            [item("g", FieldType.REPEATED_GROUP), item("a", group_key="g"), item("add_g")],
            "reserved",
        ),
    ],
)
def test_a_draft_with_problems_is_not_published(items, problem, english):
    draft = services.create_draft(procedure=ProcedureFactory(), fields=items)
    with pytest.raises(ValidationError) as excinfo:
        services.publish_form_version(version=draft)
    assert any(problem in message for message in excinfo.value.messages), excinfo.value.messages
    draft.refresh_from_db()
    assert draft.status == FormStatus.DRAFT and draft.definition == []


def test_a_key_used_twice_is_refused(english):
    with pytest.raises(ValidationError, match="used twice"):
        services.create_draft(procedure=ProcedureFactory(), fields=[item("a"), item("a")])
    draft = FormVersionFactory()
    fields = [
        FormFieldFactory.build(version=draft, key="a"),
        FormFieldFactory.build(version=draft, key="a"),
    ]
    assert any("used twice" in p for p in services.check_form_fields(fields))


def test_new_draft_from_a_published_version_copies_what_citizens_saw():
    version = published(
        item(
            "kind",
            FieldType.CHOICE,
            choices=[{"value": "a", "label_fr": "A", "label_ar": "أ", "label_en": "A"}],
        ),
        item("other", show_if_key="kind", show_if_value="a", max_length=20),
    )
    draft = services.new_draft_from(version=version)
    copied = [f.to_definition() for f in draft.fields.order_by("order")]
    assert copied == version.definition


# --- immutability: model, service, admin -----------------------------------------------------


def test_a_published_version_cannot_be_changed_or_deleted():
    version = published(item("name"))
    version.definition = [*version.definition, {"key": "sneaky"}]
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    version.status = FormStatus.DRAFT
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(ValidationError):
        FormVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ValidationError):
        FormVersion.objects.filter(pk=version.pk).update(number=9)
    assert FormVersion.objects.filter(pk=version.pk, status="published").exists()


def test_the_fields_of_a_published_version_cannot_be_changed_added_or_deleted():
    version = published(item("name"))
    field = version.fields.get()
    field.label_fr = "Autre chose"
    with pytest.raises(ValidationError):
        field.save()
    with pytest.raises(ValidationError):
        field.delete()
    with pytest.raises(ValidationError):
        FormField.objects.filter(pk=field.pk).update(required=False)
    with pytest.raises(ValidationError):
        FormField.objects.filter(version=version).delete()
    with pytest.raises(ValidationError):
        FormFieldFactory(version=version, key="added")
    assert version.fields.get().label_fr == "Q name fr"


def test_a_retired_version_is_kept_too():
    procedure = ProcedureFactory()
    first = published(item("a"), procedure=procedure)
    services.publish_form_version(version=services.new_draft_from(version=first))
    first.refresh_from_db()
    assert first.status == FormStatus.RETIRED
    with pytest.raises(ValidationError):
        first.delete()
    first.status = FormStatus.PUBLISHED
    with pytest.raises(ValidationError):
        first.save()


def test_a_draft_cannot_be_marked_published_by_hand(english):
    draft = FormVersionFactory()
    draft.status = FormStatus.PUBLISHED
    with pytest.raises(ValidationError, match="Publish"):
        draft.save()
    with pytest.raises(ValidationError):
        FormVersion.objects.create(procedure=ProcedureFactory(), status=FormStatus.PUBLISHED)


def test_a_draft_can_be_edited_and_deleted():
    draft = FormVersionFactory()
    field = FormFieldFactory(version=draft)
    field.label_fr = "Nouveau libellé"
    field.save()
    draft.delete()
    assert not FormField.objects.filter(pk=field.pk).exists()


# --- admin -----------------------------------------------------------------------------------


def _change_url(version: FormVersion) -> str:
    return reverse("admin:catalogue_formversion_change", args=[version.pk])


def test_admin_shows_a_published_version_read_only(admin_client):
    version = published(item("name"))
    response = admin_client.get(_change_url(version))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html  # no Save button
    assert 'name="fields-0-label_fr"' not in html  # fields shown, not editable
    assert "Q name fr" in html
    # A forged POST is refused and changes nothing.
    response = admin_client.post(_change_url(version), {"fields-TOTAL_FORMS": "0"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.status == FormStatus.PUBLISHED and version.fields.count() == 1


def test_admin_cannot_delete_a_published_version(admin_client):
    version = published(item("name"))
    url = reverse("admin:catalogue_formversion_delete", args=[version.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert FormVersion.objects.filter(pk=version.pk).exists()
    changelist = admin_client.get(reverse("admin:catalogue_formversion_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_admin_edits_a_draft_with_its_fields_inline(admin_client):
    draft = FormVersionFactory()
    response = admin_client.get(_change_url(draft))
    assert response.status_code == 200
    assert 'name="fields-0-label_fr"' in response.content.decode()  # one empty question
    data = {
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
        "fields-0-order": "1",
        "fields-0-key": "kind",
        "fields-0-field_type": "choice",
        "fields-0-required": "on",
        "fields-0-label_fr": "Type",
        "fields-0-label_ar": "النوع",
        "fields-0-label_en": "Kind",
        "fields-0-choices": "first | Première | أولى | First\nrenewal | Renouvellement | تجديد",
        "_save": "Save",
    }
    response = admin_client.post(_change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    field = draft.fields.get()
    assert field.choices == [
        {
            "value": "first",
            "label_fr": "Première",
            "label_ar": "أولى",
            "label_en": "First",
            "label_kab": "",
        },
        {
            "value": "renewal",
            "label_fr": "Renouvellement",
            "label_ar": "تجديد",
            "label_en": "",
            "label_kab": "",
        },
    ]


def test_admin_actions_publish_and_new_draft(admin_client, english):
    procedure = ProcedureFactory()
    first = published(item("a"), procedure=procedure)
    changelist = reverse("admin:catalogue_formversion_changelist")
    response = admin_client.post(
        changelist, {"action": "new_draft", "_selected_action": [first.pk]}
    )
    draft = FormVersion.objects.get(procedure=procedure, number=2)
    assert response.status_code == 302 and response["Location"] == _change_url(draft)
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, draft.status) == (FormStatus.RETIRED, FormStatus.PUBLISHED)
    assert "is published" in response.content.decode() or "publiée" in response.content.decode()


def test_admin_publish_action_reports_problems(admin_client, english):
    draft = services.create_draft(procedure=ProcedureFactory(), fields=[item("a", "choice")])
    response = admin_client.post(
        reverse("admin:catalogue_formversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == FormStatus.DRAFT
    assert "was not published" in response.content.decode()


def test_admin_refuses_a_citizen_document_the_administration_issues(admin_client, english):
    procedure = ProcedureFactory()
    url = reverse("admin:catalogue_procedure_change", args=[procedure.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, dict)}
    data.update(
        {
            "instant_rules": "{}",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-order": "1",
            "documents-0-provided_by": "citizen",
            "documents-0-mandatory": "on",
            "documents-0-name_fr": "Extrait d'acte de naissance",
            "documents-0-name_ar": "شهادة الميلاد",
            "documents-0-name_en": "Birth certificate",
            "form_versions-TOTAL_FORMS": "0",
            "form_versions-INITIAL_FORMS": "0",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The service obtains it itself" in response.content.decode()
    assert not procedure.documents.exists()


@pytest.mark.parametrize("model", ["procedure", "formversion"])
def test_admin_lists_do_not_query_once_per_row(
    admin_client, catalogue, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse(f"admin:catalogue_{model}_changelist"))
    assert response.status_code == 200
    assert "EC-12" in response.content.decode()


def test_admin_procedure_page_lists_its_documents_and_form_versions(admin_client, catalogue):
    from baladiya.catalogue.models import Procedure

    procedure = Procedure.objects.get(code="DAI-PAS")
    response = admin_client.get(reverse("admin:catalogue_procedure_change", args=[procedure.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Certificat de résidence" in html
    version = FormVersion.objects.get(procedure=procedure)
    assert reverse("admin:catalogue_formversion_change", args=[version.pk]) in html
