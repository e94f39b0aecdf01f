"""Cases in the JSON API: submit and follow a case; agents' operations for other systems.

Every route calls the same services and selectors as the pages: answers are checked by the
procedure's form, transitions by the state machine, visibility by the scoping layer. A creation
call may carry an ``Idempotency-Key`` header: retried with the same key, it returns the case it
already made instead of making two.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from baladiya.cases import selectors, services
from baladiya.cases.models import Case, Channel, IdempotencyKey
from baladiya.cases.workflow import TransitionNotAllowed
from baladiya.catalogue.form_engine import (
    _tree,
    build_form,
    count_name,
    initial_from_answers,
    specs_of,
)
from baladiya.catalogue.models import FieldType
from baladiya.catalogue.selectors import current_form_version, procedure_by_slug
from baladiya.organisation.api_auth import user_auth
from baladiya.organisation.models import Structure
from baladiya.organisation.scoping import Scope
from baladiya.territory.models import Commune

router = Router()

LOOKUP_LIMIT = 10
LOOKUP_WINDOW = 600


class CaseIn(Schema):
    procedure: str  # the procedure's slug
    commune_ons_code: str
    answers: dict[str, Any]
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    language: str = "ar"


class EventOut(Schema):
    sequence: int
    kind: str
    from_status: str
    to_status: str
    created_at: datetime.datetime
    payload: dict[str, Any]


class CasePublicOut(Schema):
    reference: str
    procedure: str
    status: str
    status_label: str
    handling_structure: str
    submitted_at: datetime.datetime | None
    due_date: datetime.date | None
    is_overdue: bool = False

    @staticmethod
    def resolve_procedure(obj: Case) -> str:
        return obj.procedure.slug

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_handling_structure(obj: Case) -> str:
        return obj.handling_structure.name_fr


class CaseOut(CasePublicOut):
    id: int
    commune_ons_code: str
    applicant_name: str
    applicant_phone: str
    channel: str
    answers: dict[str, Any]
    assignee: str | None
    allowed_transitions: list[str]

    @staticmethod
    def resolve_commune_ons_code(obj: Case) -> str:
        return obj.commune.ons_code

    @staticmethod
    def resolve_assignee(obj: Case) -> str | None:
        return obj.assignee.get_username() if obj.assignee else None

    @staticmethod
    def resolve_allowed_transitions(obj: Case, context: Any) -> list[str]:
        user = context["request"].user
        return [t.name for t in services.allowed_transitions(obj, user)]


class TransitionIn(Schema):
    name: str
    reason: str = ""


class TransferIn(Schema):
    to_structure_id: int
    reason: str


class MessageIn(Schema):
    body: str
    internal: bool = False


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def _form_data(version: Any, answers: dict[str, Any]) -> MultiValueDict:
    """The procedure form's POST data equivalent to JSON answers, so the form checks them."""
    data: MultiValueDict = MultiValueDict()
    tree = _tree(specs_of(version))
    for name, value in initial_from_answers(tree, answers).items():
        values = value if isinstance(value, list) else [value]
        data.setlist(name, ["" if v is None else str(v) for v in values])
    for spec in specs_of(version):
        if spec.type == FieldType.REPEATED_GROUP and isinstance(answers.get(spec.key), list):
            data[count_name(spec.key)] = str(len(answers[spec.key]))
    return data


@router.post(
    "/cases",
    response={201: CaseOut, 200: CaseOut, 400: ErrorOut, 403: ErrorOut},
    auth=user_auth(),
    summary="Submit a case (a citizen for themself, or an agent for a walk-in citizen)",
)
def submit_case(request: HttpRequest, payload: CaseIn) -> Any:
    user: Any = request.user  # authenticated: the route's auth refuses anonymous calls
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if key:
        known = IdempotencyKey.objects.filter(user=user, key=key).select_related("case").first()
        if known is not None:
            return Status(200, _case_out(known.case))
    procedure = procedure_by_slug(payload.procedure)
    version = current_form_version(procedure)
    commune = Commune.objects.filter(ons_code=payload.commune_ons_code).first()
    if version is None or commune is None:
        return Status(400, {"detail": "Unknown procedure form or commune."})
    form = build_form(version, _form_data(version, payload.answers))
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return Status(400, {"detail": "Some answers are invalid.", "errors": errors})
    is_agent = Scope.of(user).is_agent
    phone = services.normalise_phone(payload.applicant_phone) if payload.applicant_phone else ""
    if payload.applicant_phone and not phone:
        return Status(400, {"detail": "applicant_phone is not an Algerian phone number."})
    try:
        with transaction.atomic():
            case = services.create_draft(
                procedure=procedure,
                form_version=version,
                commune_id=commune.pk,
                applicant=None if is_agent else user,
                applicant_name=payload.applicant_name
                or user.get_full_name()
                or user.get_username(),
                applicant_phone=phone or getattr(user, "phone", ""),
                applicant_email=payload.applicant_email or getattr(user, "email", ""),
                language=payload.language
                if payload.language in {"ar", "fr", "en", "kab"}
                else "ar",
                channel=Channel.API if is_agent else Channel.ONLINE,
                filed_by=user if is_agent else None,
            )
            case, _code = services.submit(case=case, actor=user, answers=form.cleaned_answers())
            if key:
                services.remember_idempotency_key(user=user, key=key, case=case)
    except IntegrityError:
        # The same key raced in from a retry: answer with the case the other call made.
        known = IdempotencyKey.objects.get(user=user, key=key)
        return Status(200, _case_out(known.case))
    except PermissionDenied:
        return Status(403, {"detail": "Not allowed."})
    services.after_submission(case=case)
    return Status(201, _case_out(case))


def _case_out(case: Case) -> Case:
    return selectors.with_deadline_flags(
        Case.objects.select_related("procedure", "handling_structure", "commune", "assignee")
    ).get(pk=case.pk)


@router.get(
    "/cases/status/{reference}",
    response={200: CasePublicOut, 404: ErrorOut, 429: ErrorOut},
    summary="Follow a case: its reference and the last four digits of the applicant's phone",
)
def follow_case(request: HttpRequest, reference: str, phone_last4: str) -> Any:
    key = f"api-status-lookup:{request.META.get('REMOTE_ADDR', '')}"
    attempts = cache.get(key, 0)
    if attempts >= LOOKUP_LIMIT:
        return Status(429, {"detail": "Too many attempts; wait ten minutes."})
    cache.set(key, attempts + 1, LOOKUP_WINDOW)
    found = selectors.public_lookup(reference, phone_last4)
    if found.case is None:
        return Status(404, {"detail": "No case matches this reference and these digits."})
    return Status(200, found.case)


@router.get(
    "/cases",
    response=list[CaseOut],
    auth=user_auth(),
    summary="An agent's cases (tabs: mine, unassigned, waiting, all), overdue first",
)
@paginate(PageNumberPagination, page_size=50)
def list_cases(request: HttpRequest, tab: str = "all", status: str = "", q: str = "") -> Any:
    if tab not in selectors.Tab.CHOICES:
        tab = selectors.Tab.ALL
    return selectors.inbox(Scope.of(request.user), tab=tab, status=status, search=q)


def _visible(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_for(Scope.of(request.user), case_id)


@router.get("/cases/{case_id}", response=CaseOut, auth=user_auth(), summary="One case")
def get_case(request: HttpRequest, case_id: int) -> Any:
    return _visible(request, case_id)


@router.get(
    "/cases/{case_id}/events", response=list[EventOut], auth=user_auth(), summary="Its trail"
)
def case_events(request: HttpRequest, case_id: int) -> Any:
    return list(selectors.trail(_visible(request, case_id), public_only=False))


def _act(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, "Your role does not allow this action on this case.") from exc
    except TransitionNotAllowed as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from exc


@router.post(
    "/cases/{case_id}/transitions",
    response=CaseOut,
    auth=user_auth(),
    summary="Fire a transition of the state machine (receive, accept, refuse…)",
)
def fire_transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    case = _visible(request, case_id)
    _act(services.fire, case=case, name=payload.name, actor=request.user, reason=payload.reason)
    return _case_out(case)


@router.post(
    "/cases/{case_id}/transfer",
    response=CaseOut,
    auth=user_auth(),
    summary="Transfer the case to another structure (its owner stays)",
)
def transfer_case(request: HttpRequest, case_id: int, payload: TransferIn) -> Any:
    case = _visible(request, case_id)
    target = Structure.objects.filter(pk=payload.to_structure_id, is_active=True).first()
    if target is None:
        raise Http404
    _act(
        services.transfer, case=case, actor=request.user, to_structure=target, reason=payload.reason
    )
    return _case_out(case)


@router.post(
    "/cases/{case_id}/messages",
    response=CaseOut,
    auth=user_auth(),
    summary="A message to the citizen, or an internal note",
)
def post_message(request: HttpRequest, case_id: int, payload: MessageIn) -> Any:
    case = _visible(request, case_id)
    _act(
        services.post_message,
        case=case,
        actor=request.user,
        body=payload.body,
        internal=payload.internal,
    )
    return _case_out(case)
