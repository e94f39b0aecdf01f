"""Writes to the catalogue: publishing a form version, starting a new draft.

Each function runs in one transaction. A form version is published (mise en ligne) once: its
fields are checked together, frozen into ``definition``, and the previously published version of
the procedure is retired. Cases keep pointing at the version they were submitted with.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.catalogue.models import (
    CHOICE_TYPES,
    LAYOUT_TYPES,
    FieldType,
    FormField,
    FormStatus,
    FormVersion,
    Procedure,
)

logger = logging.getLogger(__name__)


def check_form_fields(fields: list[FormField]) -> list[str]:
    """Everything wrong with a draft's fields, taken together (empty when publishable).

    Each field must be valid on its own; keys are unique; a condition refers to an earlier
    question, in the same repeated group or outside any group, with an answer that question can
    give; ``group_key`` refers to an earlier section or repeated group.
    """
    problems: list[str] = []
    seen: dict[str, FormField] = {}
    if not any(f.field_type not in LAYOUT_TYPES for f in fields):
        problems.append(_("The form has no question."))
    for field in fields:
        label = field.key or "?"
        try:
            field.full_clean(exclude=["version"], validate_unique=False)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                problems += [f"{label}: {m}" for m in messages]
        if field.key in seen:
            problems.append(_("%(key)s: this key is used twice.") % {"key": label})
            continue
        if field.key.startswith(("add_", "remove_")) and any(
            f.field_type == FieldType.REPEATED_GROUP and field.key.split("_", 1)[1] == f.key
            for f in fields
        ):
            problems.append(
                _("%(key)s: this key is reserved for the buttons of a repeated group.")
                % {"key": label}
            )
        problems += _check_group(field, seen)
        problems += _check_condition(field, seen)
        seen[field.key] = field
    return problems


def _scope(field: FormField, seen: dict[str, FormField]) -> str:
    """The repeated group a field repeats with ('' when it is asked once)."""
    parent = seen.get(field.group_key)
    return parent.key if parent and parent.field_type == FieldType.REPEATED_GROUP else ""


def _check_group(field: FormField, seen: dict[str, FormField]) -> list[str]:
    if not field.group_key:
        return []
    parent = seen.get(field.group_key)
    if parent is None or parent.field_type not in LAYOUT_TYPES:
        return [
            _("%(key)s: “%(group)s” is not an earlier section or repeated group.")
            % {"key": field.key, "group": field.group_key}
        ]
    return []


def _check_condition(field: FormField, seen: dict[str, FormField]) -> list[str]:
    if not field.show_if_key:
        return []
    target = seen.get(field.show_if_key)
    args = {"key": field.key, "other": field.show_if_key, "value": field.show_if_value}
    if target is None:
        return [_("%(key)s: the condition refers to “%(other)s”, not an earlier question.") % args]
    if target.field_type in LAYOUT_TYPES or target.field_type == FieldType.FILE:
        return [_("%(key)s: “%(other)s” has no answer to compare with.") % args]
    target_scope = _scope(target, seen)
    if target_scope and target_scope != _scope(field, seen):
        return [_("%(key)s: “%(other)s” is inside a repeated group this field is not in.") % args]
    if target.field_type == FieldType.YES_NO and field.show_if_value not in {"yes", "no"}:
        return [_("%(key)s: the answer to a yes/no question is “yes” or “no”.") % args]
    if target.field_type in CHOICE_TYPES:
        values = {str(o.get("value", "")) for o in target.choices or [] if isinstance(o, dict)}
        if field.show_if_value not in values:
            return [_("%(key)s: “%(value)s” is not one of the options of “%(other)s”.") % args]
    return []


@transaction.atomic
def publish_form_version(*, version: FormVersion) -> FormVersion:
    """Check a draft, freeze its fields into ``definition``, publish it and retire the
    previously published version of the same procedure.

    Raises :class:`ValidationError` (listing every problem) when the draft cannot be published.
    """
    # Lock the procedure so two editors publishing at once are served one after the other.
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = FormVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != FormStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    fields = list(version.fields.order_by("order", "pk"))
    problems = check_form_fields(fields)
    if problems:
        raise ValidationError(problems)

    now = timezone.now()
    previous = list(
        FormVersion.objects.select_for_update().filter(
            procedure_id=version.procedure_id, status=FormStatus.PUBLISHED
        )
    )
    for old in previous:
        old.status = FormStatus.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at"])

    version.definition = [field.to_definition() for field in fields]
    version.status = FormStatus.PUBLISHED
    version.published_at = now
    version._publishing = True
    try:
        version.save(update_fields=["definition", "status", "published_at"])
    finally:
        version._publishing = False
    logger.info(
        "form published: procedure=%s version=%s retired=%s",
        version.procedure_id,
        version.number,
        [old.number for old in previous],
    )
    return version


@transaction.atomic
def new_draft_from(*, version: FormVersion) -> FormVersion:
    """A new draft of the same procedure, with a copy of ``version``'s fields to edit.

    A published or retired version is copied from its frozen ``definition`` (what citizens
    saw); a draft from its current fields.
    """
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    draft = FormVersion.objects.create(procedure_id=version.procedure_id)
    items: list[dict[str, Any]]
    if version.status != FormStatus.DRAFT and version.definition:
        items = list(version.definition)
    else:
        items = [f.to_definition() for f in version.fields.order_by("order", "pk")]
    FormField.objects.bulk_create(
        [
            FormField.from_definition(item, version=draft, order=(index + 1) * 10)
            for index, item in enumerate(items)
        ]
    )
    return draft


@transaction.atomic
def create_draft(
    *, procedure: Procedure, fields: list[dict[str, Any]] | None = None
) -> FormVersion:
    """A new draft form for ``procedure``, optionally with fields given as definition items."""
    keys = [str(item.get("key", "")) for item in fields or []]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValidationError(
            [_("%(key)s: this key is used twice.") % {"key": key} for key in repeated]
        )
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    draft = FormVersion.objects.create(procedure=procedure)
    FormField.objects.bulk_create(
        [
            FormField.from_definition(item, version=draft, order=(index + 1) * 10)
            for index, item in enumerate(fields or [])
        ]
    )
    return draft
