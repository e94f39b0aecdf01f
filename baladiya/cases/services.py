"""Writes to cases. Each function is one transaction that changes the case and records an event.

Every status change goes through :func:`fire`, which asks the table in ``workflow.py`` whether
the transition leaves from the current state and whether this actor may fire it. Pages, the API,
the admin and commands all call these functions; none of them sets ``Case.status`` itself.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from baladiya.cases import references
from baladiya.cases.models import Case, Channel, IdempotencyKey, OpinionRequest
from baladiya.cases.trail import append_event
from baladiya.cases.workflow import (
    CLOCK_RUNNING,
    DECIDED_STATUSES,
    ROLES_FOR_ACTOR,
    Actor,
    Status,
    Transition,
    TransitionNotAllowed,
    get_transition,
)
from baladiya.core.calendar import calendar
from baladiya.organisation.models import Structure, StructureKind
from baladiya.organisation.scoping import Permission, Scope


def _local_today(moment: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(moment or timezone.now()).date()


def resolve_handling_structure(procedure: Any, commune_id: int) -> Structure:
    """The structure that handles ``procedure`` for citizens of ``commune_id``.

    The procedure names a level (commune, daïra, wilaya) and a service type; the service of that
    type under the commune's APC (or its daïra, or its wilaya) handles it, else the level itself.
    """
    return _route(procedure, commune_id)[0]


def _route(procedure: Any, commune_id: int) -> tuple[Structure, Any]:
    """The handling structure and the commune (loaded with the APC, for the reference code).

    One query: the APC and, for a procedure handled by a service, the services of that type
    under the APC, its daïra or its wilaya (a case's submission has a budget of ten queries)."""
    apc_q = Q(kind=StructureKind.COMMUNE, commune_id=commune_id)
    found = Structure.objects.select_related("parent__parent", "commune")
    if procedure.service_type:
        level_of_apc = {
            StructureKind.DAIRA: "parent_id",
            StructureKind.WILAYA: "parent__parent_id",
        }.get(procedure.structure_kind, "pk")
        levels = Structure.objects.filter(apc_q).values(level_of_apc)
        services = Q(
            kind=StructureKind.SERVICE,
            service_type=procedure.service_type,
            parent_id__in=levels,
        )
        found = found.filter(apc_q | services)
    else:
        found = found.filter(apc_q)
    rows = sorted(found, key=lambda s: s.pk)  # the first service as .first() would pick it
    apcs = [s for s in rows if s.kind == StructureKind.COMMUNE and s.commune_id == commune_id]
    if not apcs:
        raise Structure.DoesNotExist(f"No APC for commune {commune_id}.")
    if len(apcs) > 1:
        raise Structure.MultipleObjectsReturned(f"Several APCs for commune {commune_id}.")
    apc = apcs[0]
    level = {
        StructureKind.COMMUNE: apc,
        StructureKind.DAIRA: apc.parent,
        StructureKind.WILAYA: apc.parent.parent if apc.parent else None,
    }.get(procedure.structure_kind, apc)
    if level is None:
        raise ValidationError("This commune has no structure at that level.")
    for service in rows:
        if service.kind == StructureKind.SERVICE and service.parent_id == level.pk:
            return service, apc.commune
    return level, apc.commune


def _may_act(case: Case, actor_kind: Actor, user: Any) -> bool:
    if actor_kind is Actor.SYSTEM:
        return user is None
    if user is None or not user.is_authenticated:
        return False
    if actor_kind is Actor.APPLICANT:
        if case.applicant_id is not None and case.applicant_id == user.pk:
            return True
        if case.filed_by_id is not None and case.filed_by_id == user.pk:
            return True
        # At the counter, an agent acts for the walk-in citizen.
        actor_kind = Actor.AGENT
    scope = Scope.of(user)  # after the applicant's checks: a citizen's submit reads no roles
    if scope.is_platform_admin:
        return True
    role = scope.highest_role_in(case.handling_structure)
    return role is not None and role in ROLES_FOR_ACTOR[actor_kind]


def may_work_on(case: Case, user: Any) -> bool:
    """Whether ``user`` works in the structure now handling the case (messages, transfer…)."""
    return _may_act(case, Actor.AGENT, user)


def normalise_phone(text: str) -> str:
    """An Algerian phone number in E.164 (+213…), or "" when it is not one.

    The form engine's parser, so Arabic-Indic digits typed on an Arabic keyboard work too.
    """
    from baladiya.catalogue.form_engine import normalise_phone as parse_phone

    try:
        return parse_phone(text)
    except ValidationError:
        return ""


def allowed_transitions(case: Case, user: Any) -> list[Transition]:
    """What this user may do to this case now (for buttons and the API)."""
    from baladiya.cases.workflow import transitions_from

    return [
        t
        for t in transitions_from(case.status, case.kind)
        if t.actor is not Actor.SYSTEM and _may_act(case, t.actor, user)
    ]


def lock_case(case: Case) -> Case:
    """``case`` read again with its row locked until the transaction ends (with its handling
    structure). Only the case's row: FOR UPDATE on a join would lock the structure's row too,
    and every event of every case of that structure would wait for the one before."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_structure")
        .get(pk=case.pk)
    )


@transaction.atomic
def fire(
    *,
    case: Case,
    name: str,
    actor: Any,
    reason: str = "",
    payload: dict | None = None,
) -> Case:
    """Fire transition ``name`` on ``case`` as ``actor`` (None for the system)."""
    case = lock_case(case)
    transition = get_transition(name, case.status, case.kind)
    if not _may_act(case, transition.actor, actor):
        raise PermissionDenied(f"{name!r} is not allowed for this user")
    if transition.needs_reason and not reason.strip():
        raise ValidationError("A reason is required.")
    return _apply(case, transition, actor, reason=reason.strip(), payload=payload)


def _apply(
    case: Case, transition: Transition, actor: Any, *, reason: str = "", payload: dict | None = None
) -> Case:
    now = timezone.now()
    previous = case.status
    case.status = transition.target
    fields = ["status", "updated_at"]
    if transition.target == Status.WAITING_CITIZEN:
        case.paused_since = now
        fields.append("paused_since")
    if previous == Status.WAITING_CITIZEN and case.paused_since is not None:
        paused = calendar().working_days_between(_local_today(case.paused_since), _local_today(now))
        # A pause that began after the deadline had passed does not excuse the delay.
        started_in_time = (
            case.due_date is not None and _local_today(case.paused_since) <= case.due_date
        )
        if case.due_date is not None and paused and started_in_time:
            case.due_date = calendar().add_working_days(case.due_date, paused)
        case.paused_since = None
        fields += ["paused_since", "due_date"]
    if transition.target in DECIDED_STATUSES:
        case.decided_at = now
        case.decision_reason = reason
        fields += ["decided_at", "decision_reason"]
    if transition.target == Status.CLOSED:
        case.closed_at = now
        fields.append("closed_at")
    if transition.name in {"reopen", "reopen_by_citizen", "reopen_concern"}:
        case.decided_at = case.closed_at = None
        fields += ["decided_at", "closed_at"]
    case.save(update_fields=sorted(set(fields)))
    append_event(
        case,
        transition.event,
        actor=actor,
        actor_label="" if actor is not None else "Baladiya",
        from_status=previous,
        to_status=transition.target,
        payload={**(payload or {}), **({"reason": reason} if reason else {})},
        public=transition.public,
    )
    return case


def search_text_of(case: Case) -> str:
    """What the inbox's full-text search looks in: the applicant and every text answer."""
    parts: list[str] = [case.applicant_name, case.applicant_phone, case.applicant_email]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            parts.append(value)

    walk(case.answers)
    return " ".join(p for p in parts if p)[:10000]


def _claim_code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@transaction.atomic
def create_draft(
    *,
    procedure: Any,
    form_version: Any,
    commune_id: int,
    applicant: Any,
    applicant_name: str,
    applicant_phone: str = "",
    applicant_email: str = "",
    language: str = "ar",
    channel: str = Channel.ONLINE,
    filed_by: Any = None,
    answers: dict | None = None,
) -> Case:
    """Start a case. A citizen's draft can be saved and resumed; it has no reference yet."""
    handling, commune = _route(procedure, commune_id)
    case = Case(
        commune=commune,
        procedure=procedure,
        form_version=form_version,
        owner_structure=handling,
        handling_structure=handling,
        applicant=applicant if getattr(applicant, "pk", None) else None,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        applicant_email=applicant_email,
        language=language,
        channel=channel,
        filed_by=filed_by,
        answers=answers or {},
    )
    case.save(force_insert=True)
    case._trail_tail = (0, "0" * 64)  # type: ignore[attr-defined]
    append_event(case, "draft_created", actor=filed_by or applicant, public=False)
    return case


@transaction.atomic
def save_draft(*, case: Case, actor: Any, answers: dict) -> Case:
    if case.status != Status.DRAFT:
        raise TransitionNotAllowed("Only a draft can be edited.")
    if not _may_act(case, Actor.APPLICANT, actor):
        raise PermissionDenied
    case.answers = answers
    case.save(update_fields=["answers", "updated_at"])
    return case


@transaction.atomic
def submit(
    *, case: Case, actor: Any, answers: dict | None = None, commune_code: str | None = None
) -> tuple[Case, str | None]:
    """Submit a draft: give it its reference, start the legal clock, record the event.

    Returns the case and, for a case filed at the counter, the one-time claim code the citizen
    can use later to attach the case to their account (shown once, stored hashed).
    """
    transition = get_transition("submit", case.status)
    if not _may_act(case, transition.actor, actor):
        raise PermissionDenied
    now = timezone.now()
    if answers is not None:
        case.answers = answers
    case.search_text = search_text_of(case)
    legal_days = getattr(case.procedure, "legal_deadline_days", None)
    if legal_days:
        case.due_date = calendar().add_working_days(_local_today(now), legal_days)
    case.submitted_at = now
    claim_code = None
    if case.channel == Channel.COUNTER and case.applicant_id is None:
        claim_code = secrets.token_hex(4).upper()
        case.claim_code_hash = _claim_code_hash(claim_code)
    code = commune_code or case.commune.short_code
    for _attempt in range(5):
        case.reference = references.new_reference(code, _local_today(now).year)
        try:
            with transaction.atomic():
                case.status = transition.target
                case.save()
            break
        except IntegrityError:  # a reference already taken: draw another
            case.status = Status.DRAFT
            continue
    else:  # pragma: no cover - five collisions in 2.75e10 draws
        raise RuntimeError("Could not draw a free reference")
    append_event(
        case,
        transition.event,
        actor=actor,
        from_status=Status.DRAFT,
        to_status=transition.target,
        to_structure_id=case.handling_structure_id,
        payload={"reference": case.reference, "channel": case.channel},
    )
    return case, claim_code


@transaction.atomic
def claim(*, user: Any, reference: str, claim_code: str) -> Case:
    """A citizen attaches a case filed for them at the counter to their account."""
    case = Case.objects.select_for_update().filter(reference=reference, applicant=None).first()
    if case is None or not secrets.compare_digest(
        case.claim_code_hash, _claim_code_hash(claim_code.strip().upper())
    ):
        raise ValidationError("Unknown reference or wrong code.")
    case.applicant = user
    case.claim_code_hash = ""
    case.save(update_fields=["applicant", "claim_code_hash", "updated_at"])
    append_event(case, "claimed", actor=user, public=False)
    return case


@transaction.atomic
def transfer(*, case: Case, actor: Any, to_structure: Structure, reason: str) -> Case:
    """Send the case to another structure (daïra, wilaya, another sector). The owner stays."""
    case = lock_case(case)
    if case.status not in CLOCK_RUNNING | {Status.WAITING_CITIZEN}:
        raise TransitionNotAllowed("Only an open case can be transferred.")
    if not _may_act(case, Actor.AGENT, actor):
        raise PermissionDenied
    if to_structure.pk == case.handling_structure_id:
        raise ValidationError("The case is already there.")
    if not reason.strip():
        raise ValidationError("A reason is required.")
    previous = case.handling_structure_id
    case.handling_structure = to_structure
    case.assignee = None
    case.save(update_fields=["handling_structure", "assignee", "updated_at"])
    append_event(
        case,
        "transferred",
        actor=actor,
        from_structure_id=previous,
        to_structure_id=to_structure.pk,
        payload={"reason": reason.strip(), "to": to_structure.name_fr},
    )
    return case


@transaction.atomic
def assign(*, case: Case, actor: Any, assignee: Any) -> Case:
    """Give the case to an agent of the handling structure (or take it: ``assignee=actor``)."""
    case = lock_case(case)
    if not _may_act(case, Actor.AGENT, actor):
        raise PermissionDenied
    if assignee is not None and not _may_act(case, Actor.AGENT, assignee):
        raise ValidationError("The assignee does not work in the handling structure.")
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    append_event(
        case,
        "assigned",
        actor=actor,
        payload={"assignee": assignee.get_username() if assignee else None},
        public=False,
    )
    return case


@transaction.atomic
def post_message(*, case: Case, actor: Any, body: str, internal: bool = False) -> Case:
    """A message to the citizen (public) or an internal note between agents."""
    case = lock_case(case)
    body = body.strip()
    if not body:
        raise ValidationError("The message is empty.")
    is_applicant = case.applicant_id is not None and getattr(actor, "pk", None) == case.applicant_id
    if not (is_applicant and not internal) and not _may_act(case, Actor.AGENT, actor):
        raise PermissionDenied
    append_event(
        case,
        "note" if internal else ("citizen_message" if is_applicant else "message"),
        actor=actor,
        payload={"body": body[:5000]},
        public=not internal,
    )
    return case


@transaction.atomic
def request_opinion(
    *, case: Case, actor: Any, to_structure: Structure, question: str, working_days: int = 10
) -> OpinionRequest:
    """Ask another structure for its opinion (avis), with its own deadline."""
    case = lock_case(case)
    if case.status not in CLOCK_RUNNING:
        raise TransitionNotAllowed("Opinions are asked while the case is under review.")
    if not _may_act(case, Actor.AGENT, actor):
        raise PermissionDenied
    if not question.strip():
        raise ValidationError("The question is empty.")
    opinion = OpinionRequest.objects.create(
        case=case,
        requested_by=actor,
        from_structure=case.handling_structure,
        to_structure=to_structure,
        question=question.strip(),
        due_date=calendar().add_working_days(_local_today(), working_days),
    )
    append_event(
        case,
        "opinion_requested",
        actor=actor,
        to_structure_id=to_structure.pk,
        payload={"opinion": opinion.pk, "due_date": opinion.due_date.isoformat()},
        public=False,
    )
    return opinion


@transaction.atomic
def answer_opinion(
    *, opinion: OpinionRequest, actor: Any, answer: str, comment: str
) -> OpinionRequest:
    opinion = (
        OpinionRequest.objects.select_for_update()
        .select_related("to_structure", "case")
        .get(pk=opinion.pk)
    )
    if opinion.answered_at is not None:
        raise ValidationError("This opinion was already given.")
    if answer not in OpinionRequest.Answer.values:
        raise ValidationError("The answer is yes or no.")
    if not Scope.of(actor).can(Permission.VIEW_STRUCTURE, opinion.to_structure):
        raise PermissionDenied
    opinion.answer = answer
    opinion.comment = comment.strip()
    opinion.answered_by = actor
    opinion.answered_at = timezone.now()
    opinion.save(update_fields=["answer", "comment", "answered_by", "answered_at"])
    case = Case.objects.select_for_update().get(pk=opinion.case_id)
    append_event(
        case,
        "opinion_given",
        actor=actor,
        from_structure_id=opinion.to_structure_id,
        payload={"opinion": opinion.pk, "answer": answer, "comment": opinion.comment},
        public=False,
    )
    return opinion


@transaction.atomic
def remember_idempotency_key(*, user: Any, key: str, case: Case) -> None:
    IdempotencyKey.objects.create(
        user=user if getattr(user, "pk", None) else None, key=key, case=case
    )


def attach_files(
    *, case: Case, actor: Any, files: list[tuple[str, Any]], labels: dict[str, str] | None = None
) -> list:
    """Store supporting documents (checked by content, size-limited) and record them."""
    from django.core.files.base import ContentFile

    from baladiya.cases.models import CaseDocument
    from baladiya.core.uploads import validate_upload

    stored = []
    with transaction.atomic():
        for key, upload in files:
            kind = validate_upload(upload)
            upload.seek(0)
            content = upload.read()
            digest = hashlib.sha256(content).hexdigest()
            document = CaseDocument(
                case=case,
                kind=CaseDocument.Kind.SUPPORTING,
                field_key=key,
                label=(labels or {}).get(key, key)[:200],
                content_type={
                    "pdf": "application/pdf",
                    "jpeg": "image/jpeg",
                    "png": "image/png",
                }.get(kind, "application/octet-stream"),
                size=len(content),
                sha256=digest,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            # A random stored name: the citizen's file name may carry personal data.
            document.file.save(f"{secrets.token_hex(16)}.{kind}", ContentFile(content), save=False)
            document.save()
            stored.append(document)
        if stored and case.reference:
            append_event(
                case,
                "documents_added",
                actor=actor,
                payload={"documents": [d.label for d in stored]},
            )
    return stored


def after_submission(*, case: Case) -> None:
    """What follows a submission outside its transaction: instant processing when declared.

    Runs after the submission committed, so an unreachable register never loses a case.
    """
    from baladiya.cases.instant import try_instant_processing

    try_instant_processing(case)
