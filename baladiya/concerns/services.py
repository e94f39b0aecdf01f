"""Writes to concerns: intake on every channel, answers, recategorising, duplicates, satisfaction.

Status changes go through the case engine's :func:`baladiya.cases.services.fire` (the one state
machine); everything else that happens is recorded with :func:`baladiya.cases.trail.append_event`
under the case's lock, with the event kinds listed in ``docs/concerns.md``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from baladiya.cases import references
from baladiya.cases import services as case_services
from baladiya.cases.models import Case, Channel
from baladiya.cases.trail import append_event
from baladiya.cases.workflow import Actor, Kind, Status
from baladiya.concerns.models import Category, Concern, Open311Key, Photo, Routing, hash_key
from baladiya.core.calendar import calendar
from baladiya.organisation.models import Sector, Structure, StructureKind
from baladiya.territory.models import Commune

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _today(moment: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(moment or timezone.now()).date()


def route(category: Category, commune_id: int) -> Structure:
    """Who handles ``category`` in ``commune_id``: the routing table, else a sensible default.

    Default: for another sector (water, electricity…), that sector's body nearest the commune
    (under the APC, its daïra or its wilaya); for local government, the APC's service of the
    category's type; else the APC itself.
    """
    row = (
        Routing.objects.filter(
            category__in=[category.pk, category.parent_id or 0], commune_id=commune_id
        )
        .select_related("structure")
        .order_by("-category_id" if category.parent_id is None else "category_id")
    )
    for routing in row:
        if routing.category_id == category.pk:
            return routing.structure
    fallback = next(iter(row), None)
    if fallback is not None:
        return fallback.structure
    apc = Structure.objects.select_related("parent__parent").get(
        kind=StructureKind.COMMUNE, commune_id=commune_id
    )
    sector = category.sector or (category.parent.sector if category.parent else "")
    service_type = category.service_type or (
        category.parent.service_type if category.parent else ""
    )
    if sector and sector != Sector.LOCAL_GOVERNMENT:
        levels = [s for s in (apc, apc.parent, apc.parent.parent if apc.parent else None) if s]
        bodies = {
            b.parent_id: b
            for b in Structure.objects.filter(
                parent__in=levels, kind=StructureKind.SECTOR_BODY, sector=sector, is_active=True
            )
        }
        for level in levels:
            if level.pk in bodies:
                return bodies[level.pk]
    if service_type:
        service = Structure.objects.filter(
            parent=apc, kind=StructureKind.SERVICE, service_type=service_type, is_active=True
        ).first()
        if service is not None:
            return service
    return apc


def _check_point(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") or longitude in (None, ""):
        return None, None
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except ArithmeticError as exc:
        raise ValidationError("The point is not a latitude and a longitude.") from exc
    # Algeria's bounding box, with a margin.
    if not (Decimal("18") <= lat <= Decimal("38") and Decimal("-9") <= lon <= Decimal("12.5")):
        raise ValidationError("The point is outside Algeria.")
    return lat.quantize(Decimal("0.00001")), lon.quantize(Decimal("0.00001"))


def check_extra_answers(category: Category, answers: dict) -> dict:
    """The category's extra questions: required ones answered, unknown keys dropped."""
    clean = {}
    for question in category.extra_questions or []:
        value = str(answers.get(question["key"], "")).strip()[:500]
        if question.get("required") and not value:
            raise ValidationError(f"Missing answer: {question['key']}")
        if value:
            clean[question["key"]] = value
    return clean


@dataclass(frozen=True)
class Intake:
    case: Case
    concern: Concern


@transaction.atomic
def submit_concern(
    *,
    category: Category,
    commune: Commune,
    description: str,
    address: str,
    actor: Any = None,
    name: str = "",
    phone: str = "",
    email: str = "",
    latitude: Any = None,
    longitude: Any = None,
    channel: str = Channel.ONLINE,
    language: str = "ar",
    extra_answers: dict | None = None,
    photos: list[Any] | None = None,
) -> Intake:
    """Receive a concern from the web, the counter (``actor`` an agent) or a system.

    Anonymous concerns are allowed; contact details are only needed for follow-up by phone.
    """
    description, address = description.strip(), address.strip()
    if not description:
        raise ValidationError("Describe the problem.")
    if not address:
        raise ValidationError("Say where it is.")
    lat, lon = _check_point(latitude, longitude)
    extras = check_extra_answers(category, extra_answers or {})
    if photos and len(photos) > MAX_PHOTOS:
        raise ValidationError(f"At most {MAX_PHOTOS} photos.")
    handling = route(category, commune.pk)
    user = actor if getattr(actor, "pk", None) else None
    at_counter = channel == Channel.COUNTER
    now = timezone.now()
    due = calendar().add_working_days(_today(now), category.response_days)
    case = Case(
        kind=Kind.CONCERN,
        status=Status.SUBMITTED,
        commune=commune,
        owner_structure=handling,
        handling_structure=handling,
        applicant=None if at_counter else user,
        applicant_name=(name or (user.get_full_name() if user and not at_counter else ""))[:200],
        applicant_phone=case_services.normalise_phone(phone) if phone else "",
        applicant_email=email.strip(),
        language=language,
        channel=channel,
        filed_by=user if at_counter else None,
        answers={"description": description, **extras},
        submitted_at=now,
        due_date=due,
        search_text=f"{description} {address} {name}"[:10000],
    )
    code = commune.short_code or commune.ons_code or "DZ"
    for _attempt in range(5):
        case.reference = references.new_reference(code, _today(now).year)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:  # pragma: no cover - a reference already taken
            case.pk = None
            continue
    else:  # pragma: no cover
        raise RuntimeError("Could not draw a free reference")
    concern = Concern.objects.create(
        case=case,
        category=category,
        initial_category=category,
        description=description,
        address=address[:300],
        latitude=lat,
        longitude=lon,
        extra_answers=extras,
        late_date=calendar().add_working_days(_today(now), 3 * category.response_days),
        open311_token=secrets.token_hex(16),
    )
    case._trail_tail = (0, "0" * 64)  # type: ignore[attr-defined]
    append_event(
        case,
        "submitted",
        actor=user,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        to_structure_id=handling.pk,
        payload={
            "reference": case.reference,
            "channel": channel,
            "category": category.code,
        },
    )
    if photos:
        add_photos(concern=concern, files=photos)
    return Intake(case, concern)


def add_photos(*, concern: Concern, files: list[Any]) -> list[Photo]:
    """Store photos checked by content (JPEG or PNG); they wait for an agent's approval."""
    from baladiya.core.uploads import validate_upload

    stored = []
    for upload in files[:MAX_PHOTOS]:
        kind = validate_upload(upload, allowed_kinds=("jpeg", "png"), max_bytes=MAX_PHOTO_BYTES)
        upload.seek(0)
        content = upload.read()
        photo = Photo(
            concern=concern,
            content_type=f"image/{kind}",
            sha256=hashlib.sha256(content).hexdigest(),
        )
        # A random name: the citizen's file name may carry personal data.
        photo.file.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(content), save=False)
        photo.save()
        stored.append(photo)
    return stored


ANSWERS = {"plan", "resolve", "not_our_responsibility"}


@transaction.atomic
def answer(*, case: Case, actor: Any, transition: str, public_answer: str) -> Case:
    """An agent's answer that changes the status (planned, resolved, not ours): it is public."""
    if transition not in ANSWERS:
        raise ValidationError("Not an answer.")
    case = case_services.fire(
        case=case, name=transition, actor=actor, reason=public_answer, payload={"public": True}
    )
    Concern.objects.filter(case_id=case.pk).update(public_answer=public_answer.strip()[:5000])
    return case


@transaction.atomic
def recategorise(*, case: Case, actor: Any, category: Category) -> Case:
    """Change the category: the concern is routed again to whoever handles the new one."""
    case = case_services.lock_case(case)
    if not case_services.may_work_on(case, actor):
        raise PermissionDenied
    if case.status not in {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS}:
        raise ValidationError("Only an open concern can change category.")
    concern = Concern.objects.select_related("category").get(case_id=case.pk)
    if concern.category_id == category.pk:
        raise ValidationError("It already has this category.")
    previous_category, previous_structure = concern.category, case.handling_structure_id
    concern.category = category
    concern.save(update_fields=["category"])
    handling = route(category, case.commune_id)
    case.handling_structure = handling
    case.owner_structure = handling
    case.assignee = None
    case.save(update_fields=["handling_structure", "owner_structure", "assignee", "updated_at"])
    append_event(
        case,
        "recategorised",
        actor=actor,
        from_structure_id=previous_structure,
        to_structure_id=handling.pk,
        payload={"from": previous_category.code, "to": category.code},
    )
    return case


@transaction.atomic
def merge_duplicate(*, case: Case, original: Case, actor: Any) -> Case:
    """Mark ``case`` a duplicate of ``original``; its follow-up page now shows the original."""
    if original.pk == case.pk or original.kind != Kind.CONCERN:
        raise ValidationError("Choose another concern as the original.")
    if original.status == Status.DUPLICATE:
        raise ValidationError("The original is itself a duplicate.")
    case = case_services.fire(
        case=case,
        name="mark_duplicate",
        actor=actor,
        payload={"original": original.reference},
    )
    Concern.objects.filter(case_id=case.pk).update(duplicate_of=original)
    return case


@transaction.atomic
def rate(*, case: Case, score: int, solved: bool, comment: str = "") -> Case:
    """The citizen's answer to "is it solved?" and their rating (1–5) of the answer.

    Solved closes the concern. Not solved reopens it once; the second time it goes to the
    supervisor (it then shows on their escalation list).
    """
    case = case_services.lock_case(case)
    if case.kind != Kind.CONCERN or case.status != Status.RESOLVED:
        raise ValidationError("Only a resolved concern can be rated.")
    if not 1 <= int(score) <= 5:
        raise ValidationError("The rating is from 1 to 5.")
    concern = Concern.objects.select_for_update().get(case_id=case.pk)
    concern.satisfaction = int(score)
    concern.satisfaction_comment = comment.strip()[:2000]
    concern.solved = solved
    append_event(
        case,
        "rated",
        actor_label="citizen",
        payload={"score": int(score), "solved": bool(solved)},
    )
    if solved:
        concern.save(update_fields=["satisfaction", "satisfaction_comment", "solved"])
        return case_services.fire(case=case, name="close_solved", actor=None)
    if concern.reopen_count == 0:
        concern.reopen_count = 1
        concern.save(
            update_fields=["satisfaction", "satisfaction_comment", "solved", "reopen_count"]
        )
        return case_services.fire(
            case=case, name="reopen_by_citizen", actor=None, payload={"by": "citizen"}
        )
    concern.referred_to_supervisor = True
    concern.save(
        update_fields=["satisfaction", "satisfaction_comment", "solved", "referred_to_supervisor"]
    )
    append_event(case, "referred_to_supervisor", actor_label="citizen", public=True)
    return case


@transaction.atomic
def approve_photo(*, photo: Photo, actor: Any, approved: bool = True) -> Photo:
    case = case_services.lock_case(photo.concern.case)
    if not case_services.may_work_on(case, actor):
        raise PermissionDenied
    photo.approved = approved
    photo.save(update_fields=["approved"])
    append_event(
        case,
        "photo_approved" if approved else "photo_withdrawn",
        actor=actor,
        payload={"photo": photo.pk},
        public=False,
    )
    return photo


def may_act(case: Case, user: Any, actor_kind: Actor = Actor.AGENT) -> bool:
    return case_services._may_act(case, actor_kind, user)


def open311_key(raw: str) -> Open311Key | None:
    """The active key matching ``raw``, or None (compared by hash)."""
    if not raw:
        return None
    return Open311Key.objects.filter(key_hash=hash_key(raw.strip()), is_active=True).first()
