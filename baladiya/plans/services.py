"""Changes to plans: progress updates (kept for ever), measurements, cancellation, creation.

Each service checks permission through the scoping layer and runs in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core.uploads import validate_upload
from baladiya.organisation.scoping import Permission, Scope
from baladiya.plans.models import Evidence, Indicator, Measurement, PlanItem, ProgressUpdate

MAX_EVIDENCE_FILES = 5
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def _check_can_report(actor: Any, item: PlanItem) -> None:
    if not Scope.of(actor).can(Permission.REPORT_PROGRESS, item.owner_structure):
        raise PermissionDenied(_("Only the owner structure reports the progress of this item."))


def post_update(
    *,
    item: PlanItem,
    actor: Any,
    progress: int,
    comment: str,
    reported_on: datetime.date | None = None,
    files: list[tuple[str, Any]] | tuple = (),
    via_api: bool = False,
) -> ProgressUpdate:
    """Record a dated progress report by the item's owner, with optional evidence files.

    Only leaves carry reports: a project with milestones, a programme, an axis have the
    progress rolled up from below. Nothing earlier is changed: the report is a new row.
    """
    _check_can_report(actor, item)
    today = timezone.localdate()
    reported_on = reported_on or today
    errors: dict[str, list[str]] = {}
    if not 0 <= int(progress) <= 100:
        errors["progress"] = [_("Progress is a percentage between 0 and 100.")]
    if not comment.strip():
        errors["comment"] = [_("Say what was done (a comment is required).")]
    if reported_on > today:
        errors["reported_on"] = [_("An update cannot be dated in the future.")]
    if len(files) > MAX_EVIDENCE_FILES:
        errors["evidence"] = [_("At most %(n)s files per update.") % {"n": MAX_EVIDENCE_FILES}]
    if item.children.exists():
        errors["progress"] = [
            _("The progress of this item is computed from the items below it; report on those.")
        ]
    kinds: list[str] = []
    for _label, upload in files:
        try:
            kinds.append(validate_upload(upload))
        except ValidationError as exc:
            errors.setdefault("evidence", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            item=item,
            reported_on=reported_on,
            progress=int(progress),
            comment=comment.strip(),
            author=actor if getattr(actor, "pk", None) else None,
            via_api=via_api,
        )
        for (label, upload), kind in zip(files, kinds, strict=True):
            upload.seek(0)
            content = upload.read()
            evidence = Evidence(
                update=update,
                label=(label or kind)[:200],
                content_type=CONTENT_TYPES[kind],
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            # A random stored name: an uploaded file's name may carry personal data.
            evidence.file.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(content), save=False)
            evidence.save()
    return update


def record_measurement(
    *,
    indicator: Indicator,
    actor: Any,
    value: Decimal,
    measured_on: datetime.date | None = None,
) -> Measurement:
    """Add a dated value to an indicator (the owner of its item only)."""
    _check_can_report(actor, indicator.item)
    measured_on = measured_on or timezone.localdate()
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": [_("A measurement cannot be dated in the future.")]})
    with transaction.atomic():
        return Measurement.objects.create(
            indicator=indicator,
            measured_on=measured_on,
            value=value,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )


def set_cancelled(*, item: PlanItem, actor: Any, cancelled: bool) -> PlanItem:
    """Cancel (or restore) an item: the one status set by hand, by whoever manages plans."""
    if not Scope.of(actor).can(Permission.MANAGE_PLANS, item.owner_structure):
        raise PermissionDenied
    with transaction.atomic():
        item.is_cancelled = cancelled
        item.save(update_fields=["is_cancelled"])
    return item
